"""Provenance x Provenance -> Changes: identity, licenses, lineage, datasets, access, and the rest in
`files` and `card`. Models match by identity, files by path, datasets by id; serial, timestamps and tool
metadata are ignored."""

from __future__ import annotations

from collections.abc import Iterable

from aibom.diff.card import _card, _openness, _references
from aibom.diff.changes import KINDS, Change, Changes, Severity, Side, _change, _matched, _revision
from aibom.diff.files import _files, _parameters, _weights
from aibom.identity import id_key, purl_base
from aibom.licenses import category_label, restrictiveness
from aibom.model import (
    BaseModel,
    Dataset,
    License,
    Provenance,
)


def compare(old: Provenance, new: Provenance) -> Changes:
    """Every difference between `old` and `new` that matters to someone adopting the new version.

    A side that lists no files at all (a BOM from a tool that does not record them) leaves the files
    unknown: they are not compared, and a note says so.
    """
    notes = tuple(f"files not compared: the {label} side lists none"
                  for label, prov, other in (("old", old, new), ("new", new, old)) if other.files and not prov.files)
    files = () if notes else (old.files, new.files)
    found = [
        *_identity(old, new),
        *_licenses("license", "model", "License", old.licenses, new.licenses),
        *(_weights(*files) if files else ()),
        *_base_models(old.base_models, new.base_models),
        *_datasets(old.datasets, new.datasets),
        *_parameters(old, new),
        *_access(old.gated, new.gated),
        *(_files(*files) if files else ()),
        *_card(old, new),
        *_openness(old.assessments, new.assessments),
        *_references(old, new),
    ]
    found.sort(key=lambda c: (KINDS.index(c.kind), c.subject, c.message))
    return Changes(_side(old), _side(new), tuple(found), notes)


def _side(prov: Provenance) -> Side:
    return Side(prov.name, _revision(prov), prov.purl, prov.repo_id, prov.source, prov.unknowns)


def _identity(old: Provenance, new: Provenance) -> list[Change]:
    if old.purl and new.purl:
        before, after = purl_base(old.purl), purl_base(new.purl)
    elif old.repo_id and new.repo_id:
        before, after = old.repo_id.casefold(), new.repo_id.casefold()
    else:
        before, after = old.name.casefold(), new.name.casefold()
    found = []
    if before != after:
        label_old, label_new = old.repo_id or old.name, new.repo_id or new.name
        found.append(_change("identity", "model", label_old, label_new, "medium",
                             f"Comparing different models ({label_old} → {label_new})"))
    rev_old, rev_new = _revision(old), _revision(new)
    if rev_old != rev_new:
        found.append(_change("revision", "model", rev_old, rev_new, "info",
                             f"Revision changed ({rev_old or 'none'} → {rev_new or 'none'})"))
    return found


def _license_key(lic: License) -> str:
    return lic.spdx or lic.name or lic.raw


def _license_text(licenses: Iterable[License]) -> str | None:
    keys = sorted({_license_key(lic) for lic in licenses})
    return " AND ".join(keys) if keys else None


def _category(licenses: tuple[License, ...]) -> str:
    """The most restrictive known category of a set of licenses; unknown if any is unknown."""
    categories = {lic.category for lic in licenses}
    if not categories or "unknown" in categories:
        return "unknown"
    return max(categories, key=restrictiveness)


def _licenses(kind: str, subject: str, what: str,
              old: tuple[License, ...], new: tuple[License, ...]) -> list[Change]:
    """At most one change: the license set of `subject` and the shift of its category."""
    before, after = _license_text(old), _license_text(new)
    if before == after:
        return []
    if after is None:
        return [_change(kind, subject, before, None, "medium", f"{what} no longer stated (was {before})")]
    if before is None:
        label = category_label(_category(new))
        return [_change(kind, subject, None, after, "low", f"{what} now stated: {after} ({label})")]
    cat_old, cat_new = _category(old), _category(new)
    values = f"({before} → {after})"
    severity: Severity
    if cat_old == "unknown" or cat_new == "unknown":
        severity = "medium"
        message = f"{what} changed {values}; category {category_label(cat_old)} → {category_label(cat_new)}"
    elif cat_old == cat_new:
        severity = "medium"
        message = f"{what} changed, still {category_label(cat_new)} {values}"
    else:
        severity = "high" if restrictiveness(cat_new) > restrictiveness(cat_old) else "low"
        message = f"{what} became {category_label(cat_new)} {values}"
    return [_change(kind, subject, before, after, severity, message)]


def _base_models(old: tuple[BaseModel, ...], new: tuple[BaseModel, ...]) -> list[Change]:
    removed, added, both = _matched(old, new, lambda b: id_key(b.id))
    found = []
    if len(removed) == 1 and len(added) == 1:
        b_old, b_new = removed[0], added[0]
        found.append(_change("base-model", b_new.id, b_old.id, b_new.id, "high",
                             f"Base model swapped ({b_old.id} → {b_new.id}, {b_new.relation})"))
        both.append((b_old, b_new))
    else:
        for b in removed:
            found.append(_change("base-model", b.id, b.id, None, "medium", f"Base model removed: {b.id}"))
        for b in added:
            found.append(_change("base-model", b.id, None, b.id, "medium",
                                 f"Base model added: {b.id} ({b.relation})"))
    for b_old, b_new in both:
        if b_old.relation != b_new.relation:
            found.append(_change("base-model", b_new.id, b_old.relation, b_new.relation, "medium",
                                 f"Base model {b_new.id}: relation {b_old.relation} → {b_new.relation}"))
        if b_old.revision and b_new.revision and b_old.revision != b_new.revision:
            found.append(_change("base-model", b_new.id, b_old.revision, b_new.revision, "low",
                                 f"Base model {b_new.id}: revision {b_old.revision} → {b_new.revision}"))
        if b_old.licenses and b_new.licenses:
            found += _licenses("license", f"base model {b_new.id}", f"Base model {b_new.id} license",
                               b_old.licenses, b_new.licenses)
    return found


def _datasets(old: tuple[Dataset, ...], new: tuple[Dataset, ...]) -> list[Change]:
    removed, added, both = _matched(old, new, lambda d: id_key(d.id))
    found = []
    for d in removed:
        found.append(_change("dataset-removed", d.id, d.id, None, "medium", f"Dataset removed: {d.id}"))
    for d in added:
        lic = _license_text(d.licenses)
        note = f" ({lic}, {category_label(_category(d.licenses))})" if lic else ""
        found.append(_change("dataset-added", d.id, None, d.id, "medium", f"Dataset added: {d.id}{note}"))
    for d_old, d_new in both:
        found += _licenses("dataset-license", d_new.id, f"Dataset {d_new.id} license", d_old.licenses,
                           d_new.licenses)
    return found


def _access(old: bool | None, new: bool | None) -> list[Change]:
    if old is None or new is None or old == new:
        return []
    if new:
        return [_change("access", "gated", "open", "gated", "medium", "Model became gated")]
    return [_change("access", "gated", "gated", "open", "info", "Model is no longer gated")]
