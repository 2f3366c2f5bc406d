"""An assessment as a report: a JSON document (schemas/score-report.schema.json), a terminal table,
and Markdown for pull-request comments. Pure functions of their arguments."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from typing import Any

from aibom.markdown import cell
from aibom.model import STATUSES, Assessment, Evidence, Provenance
from aibom.score.mof import PROFILE, MofResult
from aibom.score.profiles import TITLES, requirements, verdict

FAIL_ON = {"unmet": ("unmet", "partial"), "unknown": ("unmet", "partial", "unknown")}
"""Statuses that fail `--fail-on`: partial is "not met, in part", so it fails like unmet."""
MARKS = {"met": "✅ met", "unmet": "❌ unmet", "partial": "🟡 partial", "unknown": "❔ unknown"}
TEXTED = ("core", "osaid")
"""Profiles whose requirement texts (what satisfies each) the report quotes; MOF's live in its components."""
REASON_WIDTH = 72
QUOTE_WIDTH = 100


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
    result = MofResult.from_summary(assessment.summary) if assessment.profile == PROFILE else None
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
    counts = {s: sum(f.status == s for f in assessment.findings) for s in STATUSES}
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
    line = verdict(assessment.findings)
    if mof is None:
        return line
    reached = (
        f"MOF class {_roman(mof['class'])} reached ({mof['label']})"
        if mof["class"]
        else (f"No MOF class reached ({mof['label']})")
    )
    return f"{reached}. {line}"


def _roman(mof_class: int) -> str:
    return {1: "I", 2: "II", 3: "III"}.get(mof_class, str(mof_class))


def _evidence(e: Evidence) -> dict[str, str]:
    out = {"collector": e.collector, "location": e.location, "method": e.method}
    if e.quote:
        out["quote"] = e.quote
    return out


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _model_line(report: dict[str, Any]) -> str:
    m = report["model"]
    ident = m.get("repo_id") or m["name"]
    rev = f"@{m['revision'][:12]}" if m.get("revision") else ""
    names = (x.get("name", x["id"]) if x["id"].startswith("LicenseRef-") else x["id"] for x in m.get("licenses", ()))
    licenses = ", ".join(names) or "no license"
    return f"{ident}{rev} ({m['source']}; {licenses})"


def to_text(report: dict[str, Any]) -> str:
    """A table for terminals: requirement, status, reason (wrapped), then fixes and evidence."""
    rows = report["requirements"]
    width = max([len("REQUIREMENT"), *(len(r["id"]) for r in rows)])
    out = [f"{report['title']}: {_model_line(report)}", f"Verdict: {report['verdict']}", ""]
    out.append(f"{'REQUIREMENT':<{width}}  {'STATUS':<8}  REASON")
    for r in rows:
        lines = _wrap(r["reason"], REASON_WIDTH) or [""]
        out.append(f"{r['id']:<{width}}  {r['status']:<8}  {lines[0]}")
        out += [f"{'':<{width}}  {'':<8}  {line}" for line in lines[1:]]
    s = report["summary"]
    out += ["", ", ".join(f"{s[k]} {k}" for k in STATUSES) + f" (of {s['total']})"]
    out += _mof_text(report.get("mof"))
    fixes = [r for r in rows if r["fix"]]
    if fixes:
        out += ["", "How to fix:"]
        for r in fixes:
            out += _wrap(r["fix"], REASON_WIDTH + width, initial_indent=f"  {r['id']}: ", subsequent_indent="    ")
    cited = [(r["id"], e) for r in rows for e in r["evidence"]]
    if cited:
        out += ["", "Evidence:"]
        out += [f"  {rid}: {_cite(e)}" for rid, e in cited]
    for note in report.get("notes", ()):
        out += ["", f"Note: {note}"]
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int, **indents: str) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False, **indents)


def _cite(e: dict[str, str]) -> str:
    quote = e.get("quote", "")
    quote = f" — {quote[: QUOTE_WIDTH - 1]}…" if len(quote) > QUOTE_WIDTH else (f" — {quote}" if quote else "")
    return f"{e['location'] or '(no location)'} [{e['collector']}, {e['method']}]{quote}"


def _mof_text(mof: dict[str, Any] | None) -> list[str]:
    if mof is None:
        return []
    out = [f"MOF class: {mof['class'] or 'none'} ({mof['label']})"]
    for c in ("3", "2", "1"):
        blockers = mof["blockers"][c]
        more = f"; blocked by {', '.join(blockers)}" if blockers else ""
        out.append(f"  class {_roman(int(c))}: {mof['progress'][c]:.0f}%{more}")
    return out


def to_markdown(report: dict[str, Any]) -> str:
    """A PR comment: a heading, the verdict in plain words, a table, evidence folded away."""
    out = [
        f"### Openness ({report['title']}): {cell(_model_line(report))}",
        "",
        f"**{report['verdict']}**",
        "",
    ]
    out += ["| Requirement | Status | Why | How to fix |", "|---|---|---|---|"]
    for r in report["requirements"]:
        out.append(
            f"| {cell(r['title'])} (`{r['id']}`) | {MARKS[r['status']]} | {cell(r['reason'])} "
            f"| {cell(r['fix']) or '—'} |"
        )
    mof = report.get("mof")
    if mof is not None:
        out += ["", f"MOF class reached: **{mof['class'] or 'none'}** ({mof['label']})", ""]
        out += ["| MOF class | Progress | Blockers |", "|---|---|---|"]
        for c in ("3", "2", "1"):
            blockers = ", ".join(mof["blockers"][c]) or "—"
            out.append(f"| {_roman(int(c))} | {mof['progress'][c]:.0f}% | {cell(blockers)} |")
    cited = [(r["id"], e) for r in report["requirements"] for e in r["evidence"]]
    if cited:
        out += ["", "<details><summary>Evidence</summary>", ""]
        out += [f"- `{rid}`: {cell(_cite(e))}" for rid, e in cited]
        out += ["", "</details>"]
    for note in report.get("notes", ()):
        out += ["", f"> Note: {cell(note)}"]
    return "\n".join(out) + "\n"


RENDERERS = {"json": to_json, "text": to_text, "markdown": to_markdown}
