"""Openness profiles: named sets of requirements, applied to a Provenance to give an Assessment."""

from __future__ import annotations

from aibom.errors import InputError
from aibom.model import STATUS_ORDER, STATUSES, Assessment, Finding, Provenance
from aibom.score import PROFILES
from aibom.score.core import core
from aibom.score.osaid import osaid
from aibom.score.requirements import Requirement

TITLES = {
    "core": "aibom core openness",
    "mof": "Model Openness Framework (MOF) 1.0",
    "osaid": "OSI Open Source AI Definition 1.0",
    "g7": "G7 SBOM for AI – Minimum Elements (2026)",
}
HEADLINE_ORDER = (
    "permissive-license",
    "parameters",
    "open-weights",
    "open-code",
    "code",
    "open-data",
    "data-information",
)
"""Which failing requirement a verdict line names first: license terms worry reviewers most."""


def requirements(profile: str, *, allow_copyleft: bool = False) -> tuple[Requirement, ...]:
    """The requirements of `core` or `osaid` (MOF's seventeen components live in `aibom.score.mof`)."""
    if profile == "core":
        return core(allow_copyleft=allow_copyleft)
    if profile == "osaid":
        return osaid()
    raise InputError(f"unknown profile {profile!r}", f"choose one of {', '.join(PROFILES)}")


def evaluate(prov: Provenance, profile: str, *, allow_copyleft: bool = False) -> Assessment:
    """Score `prov` against `profile` (core, mof or osaid): one finding per requirement, and a summary."""
    if profile == "mof":
        from aibom.score import mof

        return mof.assess(prov)
    findings = tuple(r.check(prov) for r in requirements(profile, allow_copyleft=allow_copyleft))
    return Assessment(profile, findings, summary(findings))


def summary(findings: tuple[Finding, ...], profile: str = "") -> tuple[tuple[str, str], ...]:
    """Counts per status and the verdict line, as name/value pairs."""
    counts = tuple((s, str(sum(f.status == s for f in findings))) for s in STATUSES
                   if s != "not-applicable" or profile == "g7")
    return (*counts, ("verdict", verdict(findings, profile)))


def verdict(findings: tuple[Finding, ...], profile: str = "") -> str:
    """One line a non-engineer understands: `Not open: License forbids commercial use (CC-BY-NC-4.0)`;
    for the G7 completeness profile, how many elements the BOM lacks."""
    if not findings:
        return "Not scored: the profile has no requirements."
    judged = [f for f in findings if f.status != "not-applicable"]
    if profile == "g7":
        missing = [f for f in judged if f.status != "met"]
        skipped = len(findings) - len(judged)
        aside = f" ({skipped} system elements not applicable to a model-only BOM)" if skipped else ""
        if not missing:
            return f"Complete: the BOM holds all {len(judged)} applicable G7 minimum elements{aside}."
        return (f"Incomplete: the BOM lacks {len(missing)} of {len(judged)} applicable G7 minimum elements, "
                f"first: {missing[0].title}{aside}.")
    if all(f.status == "met" for f in judged):
        return f"Open: all {len(judged)} requirements are met."
    worst = min((f.status for f in judged if f.status != "met"), key=STATUS_ORDER.index)
    word = {"unmet": "Not open", "partial": "Partly open"}.get(worst, "Undetermined")
    hits = sorted((f for f in judged if f.status == worst), key=_headline_rank)
    more = f" (+{len(hits) - 1} more {worst})" if len(hits) > 1 else ""
    return f"{word}: {hits[0].reason.rstrip('.')}{more}."


def _headline_rank(finding: Finding) -> int:
    rid = finding.requirement
    return HEADLINE_ORDER.index(rid) if rid in HEADLINE_ORDER else len(HEADLINE_ORDER)
