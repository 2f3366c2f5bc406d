"""Requirements as data, and the four core requirements: open code, open weights, open data,
permissive license.

A requirement is an id, a title, the text of what satisfies it, and a judge that reads a
`Provenance` and returns a `Verdict` (status, reason, fix, evidence); `Requirement.check` turns
that into the model's `Finding`. Judges are pure: they only read the provenance. What could not
be found is `unknown`, never `met`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from aibom import licenses as lic
from aibom.model import (
    PROP_ACCESS,
    PROP_WEIGHTS_AVAILABLE,
    Dataset,
    Evidence,
    FileEntry,
    Finding,
    License,
    Provenance,
    Reference,
    Status,
    UnknownField,
)

LicenseTest = Callable[[License], "bool | None"]

TRAINING_CODE_PURPOSES = ("training-code", "repository")
NON_TRAINING_USAGES = ("evaluation", "test", "testing", "validation")
DERIVED_RELATIONS = ("fine-tune", "adapter", "merge")
TRAINING_FILE = re.compile(
    r"(?:^|/)(?:[\w.-]*[_-])?(?:train|pretrain|finetune|fine_tune|sft|dpo)[\w.-]*\.(?:py|sh|ipynb)$", re.I
)
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
PERMISSIVE = "a permissive license such as Apache-2.0, MIT or BSD-3-Clause"
OPEN = "an open license (OSI-approved, open-data or public domain)"
RESTRICTS = {
    "non-commercial": "forbids commercial use",
    "proprietary-community": "restricts use",
    "rail-use-restricted": "restricts fields of use",
    "research-only": "allows research use only",
    "no-derivatives": "forbids derivative works",
    "weak-copyleft": "requires changes to be shared under the same license",
    "strong-copyleft": "requires derived works to be shared under the same license",
    "network-copyleft": "requires source to be shared even for network use",
    "proprietary": "is proprietary",
    "restricted-data": "restricts use of the data",
}
"""What a license category restricts, in a reviewer's words (categories from `model.LICENSE_CATEGORIES`)."""
DISTRIBUTION = "distribution"
UNREAD_FIELDS: tuple[UnknownField, ...] = ("card", "front-matter")
DECLARE_LICENSE = "Declare the license with an SPDX id in aibom.yaml (model: {license: ...})."


@dataclass(frozen=True)
class Verdict:
    """What a judge decided: a status, a reason a reviewer can read, how to fix it, the evidence."""

    status: Status
    reason: str
    fix: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Requirement:
    """One openness requirement: what satisfies it (`text`) and the judge that decides it."""

    id: str
    title: str
    text: str
    judge: Callable[[Provenance], Verdict]

    def check(self, prov: Provenance) -> Finding:
        """The finding for `prov`; a met verdict carries no fix."""
        v = self.judge(prov)
        fix = "" if v.status == "met" else v.fix
        return Finding(self.id, self.title, v.status, v.reason, fix, v.evidence)


# -- reading licenses and evidence ---------------------------------------------------------------


def cite(evidence: Evidence, quote: str) -> Evidence:
    """`evidence` with a short quote of what was seen there (a quote it already has is kept)."""
    return evidence if evidence.quote else replace(evidence, quote=quote)


def label(license_: License) -> str:
    """The name a person knows a license by: its SPDX id when it has one, else its name."""
    if license_.spdx and not license_.spdx.startswith("LicenseRef-"):
        return license_.spdx
    return license_.name or license_.spdx or license_.raw


def listing(names: Iterable[str], limit: int = 3) -> str:
    """`a, b, c and 4 more`."""
    items = list(dict.fromkeys(names))
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def describe(license_: License) -> str:
    """What the license does, in words, then its name and the conditions its own terms set:
    `forbids commercial use (CC-BY-NC-4.0: no use primarily intended for commercial advantage …)`."""
    what = RESTRICTS.get(license_.category) or f"is {lic.category_label(license_.category)}"
    name = label(license_)
    terms = "; ".join(t.text for t in lic.terms(license_))
    if name.lower() in what.lower():
        return f"{what} ({terms})" if terms else what
    return f"{what} ({name}: {terms})" if terms else f"{what} ({name})"


def labels(licenses: Iterable[License]) -> str:
    return listing((label(x) for x in licenses), limit=5)


def license_evidence(licenses: Iterable[License]) -> tuple[Evidence, ...]:
    return tuple(cite(x.evidence, f"license: {label(x)} [{x.category}]") for x in licenses)


def unknowns_about(prov: Provenance, *fields: UnknownField) -> str:
    """The reasons of the model's recorded unknowns whose field is one of `fields`, joined ("" when none)."""
    return "; ".join(f"{u.field}: {u.reason}" for u in prov.unknowns if u.subject == "model" and u.field in fields)


def unread(prov: Provenance) -> str:
    """Why the model card could not be (fully) read, if so ("" when it was).

    Collectors also record an unknown when a card they read simply says nothing (no license, no
    datasets); that is a card that does not disclose, which is unmet. Only a card that could not be
    read at all (missing, too large, broken front matter) leaves license and data unknown.
    """
    return unknowns_about(prov, *UNREAD_FIELDS)


def is_open_license(license_: License) -> bool | None:
    """Open for weights or data: OSI-approved, an open-data license, or public domain."""
    answers = (lic.is_osi(license_), lic.is_open_data(license_))
    if any(answers):
        return True
    return None if None in answers else False


def judge_all(licenses: Iterable[License], test: LicenseTest) -> tuple[list[License], list[License], list[License]]:
    """The licenses that pass `test`, fail it, and cannot be judged."""
    verdicts = [(x, test(x)) for x in licenses]
    return (
        [x for x, ok in verdicts if ok is True],
        [x for x, ok in verdicts if ok is False],
        [x for x, ok in verdicts if ok is None],
    )


def all_pass(licenses: Iterable[License], test: LicenseTest) -> bool | None:
    """True when every license passes; False when one fails; None when none is given or one is unclear."""
    good, bad, unsure = judge_all(licenses, test)
    if bad:
        return False
    return None if unsure or not good else True


def property_value(prov: Provenance, name: str) -> str | None:
    return next((p.value for p in prov.properties if p.name == name), None)


def property_evidence(prov: Provenance, *names: str) -> tuple[Evidence, ...]:
    return tuple(cite(p.evidence, f"{p.name} = {p.value}") for p in prov.properties if p.name in names)


def absence(prov: Provenance, what: str, field: UnknownField | None = None) -> tuple[Evidence, ...]:
    """Evidence of absence: where the model was described, quoting what the collector did not find."""
    card = next((f.path for f in prov.files if f.path.lower() == "readme.md"), None)
    where = Evidence(prov.identity.collector, card, "inferred") if card else prov.identity
    said = [u.reason for u in prov.unknowns if field and u.subject == "model" and u.field == field]
    return (replace(where, quote="; ".join(said) or f"no {what} recorded for the model"),)


def declared_closed(prov: Provenance) -> bool:
    """The publisher declares the model closed: weights not released, or access through an API only."""
    return property_value(prov, PROP_WEIGHTS_AVAILABLE) == "false" or property_value(prov, PROP_ACCESS) == "api-only"


def partial_copy(prov: Provenance, what: str) -> str:
    """Why the absence of `what` proves nothing ("" when it does): only a whole release listed at a
    commit (the Hub) or a declaration that the model is closed (API only, weights not released)
    shows something is absent; a local copy may hold some files only, and declarations or a MOT file
    list no files at all."""
    if prov.listing == "release" or declared_closed(prov):
        return ""
    if prov.listing == "none":
        return f"no {what} is declared, and no files of the model were looked at"
    return f"this copy of the model holds no {what}, though the published release may (a copy can be partial)"


def no_license(prov: Provenance, reason: str, fix: str, evidence: tuple[Evidence, ...] = ()) -> Verdict:
    """No license recorded: unmet (all rights reserved) when the whole release was listed and its
    card read names none; unknown when a LICENSE file is there but not recognised, the card could not
    be read, or only a copy of the files was seen (the release may hold a LICENSE file)."""
    texts = [f for f in prov.files if f.role == "license"]
    if texts:
        return Verdict(
            "unknown",
            f"{listing(f.path for f in texts)} is present, but not a license aibom recognises.",
            DECLARE_LICENSE,
            evidence + tuple(cite(f.evidence, f.path) for f in texts),
        )
    lost = unread(prov)
    if lost:
        return Verdict("unknown", f"The license could not be read ({lost}).", DECLARE_LICENSE, evidence)
    copy = partial_copy(prov, "license in its card or a LICENSE file")
    if copy:
        return Verdict("unknown", f"No license was found: {copy}.",
                       f"{DECLARE_LICENSE} Or describe the model from the Hub, where the whole repository is listed.",
                       evidence + absence(prov, "license", "license"))
    return Verdict("unmet", reason, fix, evidence + absence(prov, "license", "license"))


# -- open-code -----------------------------------------------------------------------------------


def training_files(prov: Provenance) -> tuple[FileEntry, ...]:
    """Training scripts shipped with the model (role code, named like train*.py)."""
    return tuple(f for f in prov.files if f.role == "code" and TRAINING_FILE.search(f.path))


def place(ref: Reference) -> str:
    """A reference's URL, or what it is when it was declared released without a location."""
    return ref.url or f"{ref.comment or ref.purpose} (declared, no location given)"


def code_verdict(prov: Provenance, purposes: tuple[str, ...], what: str) -> Verdict:
    """Is `what` (training code, data-processing code) public under OSI-approved licenses?

    Met: a linked repository whose licenses are all OSI-approved, or scripts shipped in the model
    repository under an OSI-approved model license. Unmet: nothing published; the card names a script
    that is not among the files; a license that is not OSI-approved. Unknown: code is linked but its
    license was not recorded (code without a license grants nothing, so it is never taken as met;
    declaring the license in aibom.yaml settles it).
    """
    refs = sorted((r for r in prov.own_references if r.purpose in purposes), key=lambda r: purposes.index(r.purpose))
    urls = [r for r in refs if URL.match(r.url) or not r.url]
    local = [(r.url.removeprefix("./"), r) for r in refs if r.url and not URL.match(r.url)]
    present = {f.path for f in prov.files}
    missing = [r for path, r in local if path not in present]
    named = {path for path, _ in local}
    shipped = list(training_files(prov)) if "training-code" in purposes else []
    shipped += [f for f in prov.files if f.role == "code" and f.path in named and f not in shipped]
    shipped_ok = all_pass(prov.licenses, lic.is_osi) if shipped else None

    good = [
        (place(r), cite(r.evidence, f"{place(r)} under {labels(r.licenses)}"))
        for r in urls
        if r.url and all_pass(r.licenses, lic.is_osi) is True  # met needs a location to check
    ]
    if shipped_ok:
        good += [(f.path, cite(f.evidence, f"{f.path} under {labels(prov.licenses)}")) for f in shipped]
    if good:
        where = listing(name for name, _ in good)
        return Verdict(
            "met",
            f"The {what} is public under an OSI-approved license: {where}.",
            evidence=tuple(ev for _, ev in good),
        )

    publish = (
        f"Publish the {what} under an OSI-approved license (e.g. Apache-2.0) and declare it in aibom.yaml: "
        f"code: [{{url: ..., purpose: {purposes[0]}, license: Apache-2.0, commit: ...}}]."
    )
    if missing:
        names = listing(r.url for r in missing)
        copy = partial_copy(prov, names)
        return Verdict(
            "unknown" if copy else "unmet",
            f"The card names {names}; {copy}." if copy
            else f"The card names {names}, but it is not among the files of the release.",
            f"Add {names} to the model repository, or link where the {what} is published.",
            tuple(cite(r.evidence, f"names {r.url}") for r in missing),
        )
    bad = [r for r in urls if all_pass(r.licenses, lic.is_osi) is False]
    if bad or shipped_ok is False:
        terms = [x for r in bad for x in r.licenses] + (list(prov.licenses) if shipped_ok is False else [])
        names = [place(r) for r in bad] + ([f.path for f in shipped] if shipped_ok is False else [])
        ev = tuple(cite(r.evidence, place(r)) for r in bad) + license_evidence(terms)
        return Verdict(
            "unmet",
            f"The {what} ({listing(names)}) is not under an OSI-approved license: {labels(terms)}.",
            publish,
            ev,
        )
    if urls or shipped:
        if not shipped and all(not r.url for r in urls) and all_pass([x for r in urls for x in r.licenses], lic.is_osi):
            return Verdict(
                "unknown",
                f"The {what} is declared released under {labels(x for r in urls for x in r.licenses)}, "
                "but with no location to check it.",
                f"Declare where the {what} is published (its URL) in aibom.yaml.",
                tuple(cite(r.evidence, place(r)) for r in urls),
            )
        names = listing([f.path for f in shipped] + [place(r) for r in urls])
        ev = tuple(cite(f.evidence, f.path) for f in shipped) + tuple(cite(r.evidence, place(r)) for r in urls)
        direct = shipped or any(r.purpose == purposes[0] for r in urls)
        return Verdict(
            "unknown",
            f"The {what} is linked ({names}) but its license is not known."
            if direct
            else f"Code is linked ({names}), but neither that it holds the {what} nor its license is known.",
            f"Declare the license of the {what} in aibom.yaml: code: [{{url, purpose, license}}].",
            ev,
        )
    lost = unread(prov) or (partial_copy(prov, what) if prov.listing == "none" else "")
    if lost:
        return Verdict("unknown", f"Whether the {what} is published is not known ({lost}).", publish)
    return Verdict("unmet", f"No {what} is published or linked.", publish, absence(prov, what))


def weights_verdict(prov: Provenance, *, test: LicenseTest, terms: str, require_ungated: bool) -> Verdict:
    """Are the weights released (optionally without a gate) under licenses that pass `test`?

    Released means weight files among the model's files, or a declared download location (an
    aibom.yaml `weights.url`, a MOT "Model parameters (Final)" component) with its own license.
    """
    release = f"Release the weights under {terms}."
    if declared_closed(prov):
        return Verdict(
            "unmet",
            "The weights are not released (declared: API access only).",
            release,
            property_evidence(prov, PROP_WEIGHTS_AVAILABLE, PROP_ACCESS),
        )
    files = prov.weight_files
    places = [r for r in prov.own_references if r.purpose == DISTRIBUTION]
    if files:
        what, licenses = f"{len(files)} weight file(s)", prov.licenses
        ev = tuple(cite(f.evidence, f"weights: {f.path}") for f in files[:5])
    elif places:
        what = f"The weights ({listing(place(r) for r in places)})"
        licenses = tuple(x for r in places for x in r.licenses) or prov.licenses
        ev = tuple(cite(r.evidence, f"weights: {place(r)}") for r in places)
        if not any(r.url for r in places):
            return Verdict(
                "unknown",
                f"The weights are declared released{' under ' + labels(licenses) if licenses else ''}, "
                "but with no location to check them.",
                "Declare where the weights can be downloaded (weights: {url: ...} in aibom.yaml).",
                ev,
            )
    else:
        lost = unknowns_about(prov, "weights") or partial_copy(prov, "weight files")
        if lost:
            return Verdict(
                "unknown",
                f"Whether the weights are released is not known: {lost}.",
                "Describe the model from the Hub, where the whole repository is listed, or declare where the "
                "weights are published (weights: {url: ...} in aibom.yaml).",
            )
        return Verdict(
            "unmet",
            "No weight files were found.",
            "Publish the weights with the model (e.g. .safetensors files).",
            absence(prov, "weight files"),
        )
    gate = ungate = ""
    if require_ungated and prov.gated:
        gate = "The weights are gated: downloading them requires accepting conditions."
        ungate = "Remove the access gate so anyone can download the weights."
        release = f"{ungate} {release}"
        ev += (replace(prov.identity, quote="the model is gated"),)
    if not licenses:
        unlicensed = no_license(prov, "The weights have no license, so all rights are reserved.", release, ev)
        return replace(unlicensed, status="unmet", reason=f"{gate} {unlicensed.reason}") if gate else unlicensed
    good, bad, unsure = judge_all(licenses, test)
    ev += license_evidence(licenses)
    if bad:
        return Verdict("unmet", f"The weights' license {'; '.join(map(describe, bad))}. {gate}".strip(), release, ev)
    if gate:
        return Verdict("unmet", gate, ungate, ev)
    if unsure:
        return Verdict(
            "unknown", f"The weights' license could not be classified: {labels(unsure)}.", DECLARE_LICENSE, ev
        )
    return Verdict("met", f"{what} under {labels(good)}.", evidence=ev)


def training_datasets(prov: Provenance) -> tuple[Dataset, ...]:
    return tuple(d for d in prov.datasets if d.usage.lower() not in NON_TRAINING_USAGES)


def dataset_open(d: Dataset) -> bool | None:
    """True: obtainable under open licenses; False: restricted or gated; None: license not known."""
    return False if d.gated else all_pass(d.licenses, is_open_license)


def dataset_evidence(d: Dataset) -> tuple[Evidence, ...]:
    terms = labels(d.licenses) or "license not known"
    return (cite(d.evidence, f"dataset {d.id}: {terms}{', gated' if d.gated else ''}"),)


def derived_from(prov: Provenance) -> tuple[str, ...]:
    """Base models whose training is part of this model's (fine-tunes, adapters, merges)."""
    return tuple(b.id for b in prov.base_models if b.relation in DERIVED_RELATIONS)
