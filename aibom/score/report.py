"""An assessment as a report document (schemas/score-report.schema.json); aibom.render.score draws it
as JSON, a terminal table or Markdown. Pure functions of their arguments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aibom.model import STATUSES, Assessment, Evidence, Provenance
from aibom.mof_components import class_numeral
from aibom.score.g7 import PROFILE as G7
from aibom.score.g7 import cluster_of
from aibom.score.mof import PROFILE
from aibom.score.profiles import TITLES, requirements, verdict

FAIL_ON = {"unmet": ("unmet", "partial"), "unknown": ("unmet", "partial", "unknown")}
"""Statuses that fail `--fail-on`: partial is "not met, in part", so it fails like unmet."""
TEXTED = ("core", "osaid")
"""Profiles whose requirement texts (what satisfies each) the report quotes; MOF's live in its components."""


def failing(assessment: Assessment, fail_on: str | None) -> tuple[str, ...]:
    """The requirements for which the policy `--fail-on unmet|unknown` says no (none without a policy)."""
    if fail_on is None:
        return ()
    return tuple(f.requirement for f in assessment.findings if f.status in FAIL_ON[fail_on])


def build(
    prov: Provenance,
    assessment: Assessment,
    *,
    allow_copyleft: bool = False,
    notes: Iterable[str] = (),
) -> dict[str, Any]:
    """The report as a JSON-ready dict; for the mof profile, with the class, progress and blockers."""
    result = assessment.mof if assessment.profile == PROFILE else None
    mof = None if result is None else {**result.to_dict(), "label": result.label}
    model: dict[str, Any] = {"name": prov.name, "source": prov.source}
    for key in ("repo_id", "revision", "purl"):
        if getattr(prov, key):
            model[key] = getattr(prov, key)
    if prov.licenses:
        model["licenses"] = [
            {"id": x.spdx or x.raw, **({"name": x.name} if x.name else {}), "category": x.category}
            for x in prov.licenses
        ]
    counts = {s: sum(f.status == s for f in assessment.findings) for s in STATUSES
              if s != "not-applicable" or assessment.profile == G7}  # only G7 elements can be not applicable
    texts = (
        {r.id: r.text for r in requirements(assessment.profile, allow_copyleft=allow_copyleft)}
        if assessment.profile in TEXTED
        else {}
    )
    report: dict[str, Any] = {
        "profile": assessment.profile,
        "title": TITLES.get(assessment.profile, assessment.profile),
        "model": model,
        "verdict": _verdict(assessment, mof),
        "summary": {**counts, "total": len(assessment.findings)},
        "requirements": [
            {
                "id": f.requirement,
                "title": f.title,
                **({"text": texts[f.requirement]} if f.requirement in texts else {}),
                "status": f.status,
                **({"cluster": cluster_of(f.requirement)} if assessment.profile == G7 else {}),
                "reason": f.reason,
                "fix": f.fix,
                "evidence": [_evidence(e) for e in f.evidence],
            }
            for f in assessment.findings
        ],
    }
    if assessment.profile == "core":
        report["allow_copyleft"] = allow_copyleft
    if mof is not None:
        report["mof"] = mof
    if notes:
        report["notes"] = list(notes)
    return report


def embedded_notes(embedded: Iterable[Assessment], fresh: Assessment) -> tuple[str, ...]:
    """Notes comparing a fresh assessment with one of the same profile embedded in a BOM."""
    old = next((a for a in embedded if a.profile == fresh.profile), None)
    if old is None:
        return ()
    was = {f.requirement: f.status for f in old.findings}
    changed = [
        f"{f.requirement} (BOM: {was[f.requirement]}, now: {f.status})"
        for f in fresh.findings
        if f.requirement in was and was[f.requirement] != f.status
    ]
    if not changed:
        return (f"Re-scored from the BOM's facts; the {fresh.profile} assessment embedded in the BOM agrees.",)
    return (
        f"Re-scored from the BOM's facts; the {fresh.profile} assessment embedded in the BOM differs on "
        f"{', '.join(changed)}.",
    )


def _verdict(assessment: Assessment, mof: dict[str, Any] | None) -> str:
    line = verdict(assessment.findings, assessment.profile)
    if mof is None:
        return line
    reached = (
        f"MOF class {class_numeral(mof['class'])} reached ({mof['label']})"
        if mof["class"]
        else (f"No MOF class reached ({mof['label']})")
    )
    return f"{reached}. {line}"


def _evidence(e: Evidence) -> dict[str, str]:
    out = {"collector": e.collector, "location": e.location, "method": e.method}
    if e.quote:
        out["quote"] = e.quote
    return out
