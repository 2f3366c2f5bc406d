"""The Model Openness Framework profile: MOF class, progress and blockers of a model, as MOT computes them.

The MOF (LF AI & Data) names 17 components in three cumulative classes (III open model, II open
tooling, I open science). The Model Openness Tool (MOT) is its reference implementation; its rules,
reproduced here, are:

- a component counts when it is included and its license is open: OSI-approved or FSF-libre, an open
  data license (CC0, CC-BY, CC-BY-SA, CDLA, PDDL, ODC-By, ODbL, GFDL-1.3, OGL) or OpenMDW-1.0; a license
  that is open but not meant for the component's content type is only a warning;
- an included Research paper stands in for the Technical report;
- progress of class c = open required components of classes c..III / their number, and 0 while a
  lower class is incomplete; a class is reached when its progress is 100%.

Which facts of a `Provenance` make each component: facts tagged with the component name
(``Reference.comment``, as `aibom.collect.mot` writes them) or references by purpose; datasets
(training → Datasets, evaluation → Evaluation data); and, for a component no such fact declares,
what a collected model shows: weight files (Model parameters (Final)), modelling code or config
(Model architecture), README (Model card), card metrics (Evaluation results), under the model's
license. Facts from a MOT file speak for their whole component. A license declared in a MOT file is
judged exactly as written (MOT compares exact SPDX ids); other licenses by their resolved SPDX id or
expression. A card's link whose license was never looked up is reported unknown, not unmet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from aibom.licenses import fold_expression
from aibom.model import Assessment, Evidence, Finding, License, Provenance, Status, UnknownField
from aibom.mof_components import (
    CLASS_LABELS,
    PURPOSE_COMPONENTS,
    Component,
    MofResult,
    components,
    data_file,
    requirement_id,
)
from aibom.score.requirements import UNREAD_FIELDS

PROFILE = "mof"
RESEARCH_PAPER = "Research paper"
TECHNICAL_REPORT = "Technical report"

ComponentStatus = Literal["open", "missing", "unlicensed", "invalid"]

UNKNOWN_FIELDS: dict[str, tuple[UnknownField, ...]] = {
    "Model parameters (Final)": ("weights",),
    "Model architecture": ("config",),
    "Model card": ("card",),
    "Datasets": ("datasets",),
    "Evaluation results": ("metrics",),
}
"""`Unknown.field`s of a collected model that leave a component it lacks unknown rather than unmet
(besides an unread card, which leaves every component it could have linked unknown)."""

FIX_LICENSES = {
    "code": "an OSI-approved license such as Apache-2.0 or MIT",
    "data": "an open-data license such as CDLA-Permissive-2.0 or CC-BY-4.0",
    "document": "an open content license such as CC-BY-4.0",
}


@dataclass(frozen=True)
class ComponentState:
    """How a model fares on one component: the licenses judged, the verdict and where they came from."""

    component: Component
    status: ComponentStatus
    licenses: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    type_appropriate: bool = True
    license_unknown: bool = False


@cache
def _license_lists() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    doc = json.loads(data_file("mof-licenses.json"))
    open_ids = frozenset(doc["osi_approved"]) | frozenset(doc["fsf_libre"]) | frozenset(doc["open_data"])
    open_ids |= frozenset(doc["open_model"])
    return open_ids, {t: frozenset(ids) for t, ids in doc["type_appropriate"].items()}


def is_open(license_id: str) -> bool:
    """MOT's openness test of one license id, exact and case-sensitive."""
    return license_id in _license_lists()[0]


def is_type_appropriate(license_id: str, content_type: str) -> bool:
    """Whether MOT lists the license as meant for code, data or documents."""
    return license_id in _license_lists()[1].get(content_type, frozenset())


def classify(prov: Provenance) -> MofResult:
    """The MOF class, progress and blockers of the model, as MOT would compute them."""
    return _result(component_states(prov))


def component_states(prov: Provenance) -> tuple[ComponentState, ...]:
    """One state per MOF component, in MOT's order."""
    facts = _declared_facts(prov)
    for name, found in _collected_facts(prov):
        facts.setdefault(name, found)
    return tuple(_state(c, facts.get(c.name, ())) for c in components())


@dataclass(frozen=True)
class _Fact:
    """One fact that shows a component: its licenses, where it was seen, and whether a license was sought.

    A MOT file or the model's own files state licenses (none means unlicensed); a link found in a
    card was not followed, so no license there means the license is unknown (`licenses_stated`).
    """

    licenses: tuple[License, ...]
    evidence: Evidence
    license_sought: bool = True


Facts = tuple[_Fact, ...]


def _declared_facts(prov: Provenance) -> dict[str, Facts]:
    """Facts that name their component: tagged or purposeful references, and datasets."""
    names = {c.name for c in components()}
    found: dict[str, list[_Fact]] = {}
    for ref in prov.own_references:  # a dataset's paper is not the model's research paper
        name = ref.comment if ref.comment in names else PURPOSE_COMPONENTS.get(ref.purpose)
        if name:
            found.setdefault(name, []).append(_Fact(ref.licenses, ref.evidence, ref.licenses_stated))
    for ds in prov.datasets:
        name = "Evaluation data" if ds.usage == "evaluation" else "Datasets"
        found.setdefault(name, []).append(_Fact(ds.licenses, ds.evidence, ds.licenses_stated))
    return {name: _stated_first(items) for name, items in found.items()}


def _stated_first(facts: list[_Fact]) -> Facts:
    """A source that states a component's licenses (a MOT file) speaks for the whole component: its
    facts replace what cards merely link to."""
    stated = tuple(f for f in facts if f.license_sought)
    return stated or tuple(facts)


def _collected_facts(prov: Provenance) -> Iterator[tuple[str, Facts]]:
    """Components a collected model shows by itself, under the model's own license.

    No license is unlicensed, unless the collector recorded the model's license as unknown.
    """
    lic = prov.licenses
    sought = bool(lic) or not any(u.subject == "model" and u.field == "license" for u in prov.unknowns)
    weights = prov.weight_files
    if weights:
        yield "Model parameters (Final)", (_Fact(lic, weights[0].evidence, sought),)
    code = [f for f in prov.files if f.role == "code" and f.path.endswith(".py")]
    config = [f for f in prov.files if f.path.rsplit("/", 1)[-1] == "config.json"]
    architecture = code or config
    if architecture:
        yield "Model architecture", (_Fact(lic, architecture[0].evidence, sought),)
    elif prov.card.model_architecture is not None:
        yield "Model architecture", (_Fact(lic, prov.card.model_architecture.evidence, sought),)
    readme = [f for f in prov.files if f.path.lower() == "readme.md"]
    if readme:
        yield "Model card", (_Fact(lic, readme[0].evidence, sought),)
    if prov.card.metrics:
        yield "Evaluation results", (_Fact(lic, prov.card.metrics[0].evidence, sought),)


def _state(component: Component, facts: Facts) -> ComponentState:
    if not facts:
        return ComponentState(component, "missing")
    licenses = [lic for f in facts for lic in f.licenses]
    evidence = tuple(dict.fromkeys([f.evidence for f in facts] + [lic.evidence for lic in licenses]))
    ids = tuple(_license_id(lic) for lic in licenses)
    unlicensed = [f for f in facts if not f.licenses]
    status: ComponentStatus = "unlicensed" if unlicensed else "open"
    if any(not _open(lic) for lic in licenses):
        status = "invalid"
    appropriate = status != "open" or all(is_type_appropriate(i, component.content_type) for i in ids)
    unknown = status == "unlicensed" and not any(f.license_sought for f in unlicensed)
    return ComponentState(component, status, ids, evidence, appropriate, license_unknown=unknown)


def _license_id(lic: License) -> str:
    """What MOT would compare: the string a MOT file declared, else the resolved SPDX id or expression."""
    if lic.scheme == "mof":
        return lic.raw
    return lic.spdx or lic.raw


def _open(lic: License) -> bool:
    text = _license_id(lic)
    if lic.scheme == "mof" or is_open(text):
        return is_open(text)
    # an SPDX expression is open when every AND branch and at least one OR branch is
    verdict = fold_expression(text, lambda key, _exception: is_open(key),
                              lambda op, parts: all(parts) if op == "AND" else any(parts))
    return bool(verdict)


def _result(states: Iterable[ComponentState]) -> MofResult:
    status = {s.component.name: s.status for s in states}
    stand_in = status.get(RESEARCH_PAPER) == "open"
    progress: list[tuple[int, float]] = []
    blockers: list[tuple[int, tuple[str, ...]]] = []
    lower_complete = True
    for mof_class in (3, 2, 1):
        required = [c for c in components() if c.required and c.mof_class >= mof_class]
        total, done, blocking = len(required), 0, []
        for c in required:
            if status[c.name] == "open":
                done += 1
            elif c.name == TECHNICAL_REPORT and stand_in:
                # The paper counts for the report; in class I the paper is itself required, so the
                # report is dropped from the count instead of counting the paper twice.
                if mof_class == 1:
                    total -= 1
                else:
                    done += 1
            else:
                blocking.append(f"{c.name}({status[c.name]})")
        share = min(100.0, 100.0 * done / total) if lower_complete else 0.0
        progress.append((mof_class, round(share, 2)))
        blockers.append((mof_class, tuple(blocking)))
        lower_complete = lower_complete and done >= total
    reached = next((c for c, p in sorted(progress) if p == 100.0), 0)
    return MofResult(reached, tuple(sorted(progress)), tuple(sorted(blockers)))


def assess(prov: Provenance) -> Assessment:
    """The MOF profile as findings: one per required component (and per optional one included)."""
    states = component_states(prov)
    result = _result(states)
    stand_in = any(s.component.name == RESEARCH_PAPER and s.status == "open" for s in states)
    unknown_fields = {u.field for u in prov.unknowns if u.subject == "model"}
    copy = prov.listing == "copy"
    findings = tuple(
        _finding(s, stand_in, unknown_fields, copy) for s in states if s.component.required or s.status != "missing"
    )
    warned = tuple(s.component.name for s in states if not s.type_appropriate)
    return Assessment(PROFILE, findings, mof=replace(result, not_type_appropriate=warned))


def _finding(state: ComponentState, stand_in: bool, unknown_fields: set[str], copy: bool) -> Finding:
    c = state.component
    status, reason, fix = _verdict(state, stand_in, unknown_fields, copy)
    return Finding(requirement_id(c), c.name, status, reason, fix, state.evidence)


COPY_FILES = ("Model parameters (Final)", "Model architecture")
"""Components a model copy carries as files: one missing from a local copy may be in the release."""


def _verdict(state: ComponentState, stand_in: bool, unknown_fields: set[str], copy: bool) -> tuple[Status, str, str]:
    """Status, reason and fix for one component; every reason names its component."""
    c = state.component
    scope = f"required from {CLASS_LABELS[c.mof_class].split(' - ')[0]}" if c.required else "optional"
    publish = f"publish the {c.name} under {FIX_LICENSES[c.content_type]}"
    if state.status == "open":
        warning = "" if state.type_appropriate else f"; open, but not meant for {c.content_type}"
        return "met", f"{c.name}: included under {', '.join(state.licenses)} ({scope}){warning}", ""
    if c.name == TECHNICAL_REPORT and stand_in:
        return "met", f"The Research paper stands in for the Technical report ({state.status})", ""
    if not c.required:
        return "partial", f"{c.name}: included but {_problem(state)}; optional, it does not change the class", publish
    if state.license_unknown:
        return (
            "unknown",
            f"{c.name}: included, but its license was not found ({scope})",
            f"declare the license of the {c.name} in aibom.yaml",
        )
    if state.status != "missing":
        return "unmet", f"{c.name}: included but {_problem(state)} ({scope})", publish
    if unknown_fields & {*UNREAD_FIELDS, *UNKNOWN_FIELDS.get(c.name, ())}:
        return (
            "unknown",
            f"Could not tell whether the {c.name} is released ({scope})",
            f"declare the {c.name} and its license in aibom.yaml",
        )
    if copy and c.name in COPY_FILES:
        return (
            "unknown",
            f"{c.name}: not in this copy of the model, but the published release may have it ({scope})",
            f"describe the published release (its Hub repo id), or declare the {c.name} in aibom.yaml",
        )
    what = f"{c.name} ({c.description.lower()})"
    return "unmet", f"{c.name}: not released ({scope})", f"publish the {what} under {FIX_LICENSES[c.content_type]}"


def _problem(state: ComponentState) -> str:
    if state.status == "unlicensed":
        return "no license is stated"
    closed = ", ".join(i for i in state.licenses if not is_open(i)) or ", ".join(state.licenses)
    return f"{closed} is not OSI-approved, FSF-libre or an open-data license"
