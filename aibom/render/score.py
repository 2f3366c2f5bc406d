"""A score report document (aibom.score.report.build) as JSON, a terminal table, or Markdown for
pull-request comments."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from aibom.model import STATUSES
from aibom.mof_components import class_numeral
from aibom.render.markup import cell
from aibom.wording import clip

MARKS = {"met": "✅ met", "unmet": "❌ unmet", "partial": "🟡 partial", "unknown": "❔ unknown",
         "not-applicable": "➖ not applicable"}
REASON_WIDTH = 72
QUOTE_WIDTH = 100


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _model_line(report: dict[str, Any]) -> str:
    m = report["model"]
    ident = m.get("repo_id") or m["name"]
    rev = f"@{m['revision'][:12]}" if m.get("revision") else ""
    names = (x.get("name", x["id"]) if x["id"].startswith("LicenseRef-") else x["id"] for x in m.get("licenses", ()))
    licenses = ", ".join(dict.fromkeys(names)) or "no license"  # card and LICENSE file may name one twice
    return f"{ident}{rev} ({m['source']}; {licenses})"


def to_text(report: dict[str, Any]) -> str:
    """A table for terminals: requirement, status, reason (wrapped), then fixes and evidence."""
    rows = report["requirements"]
    width = max([len("REQUIREMENT"), *(len(r["id"]) for r in rows)])
    out = [f"{report['title']}: {_model_line(report)}", f"Verdict: {report['verdict']}", ""]
    shown = max([len("STATUS"), *(len(r["status"]) for r in rows)])
    out.append(f"{'REQUIREMENT':<{width}}  {'STATUS':<{shown}}  REASON")
    cluster = None
    for r in rows:
        if r.get("cluster", cluster) != cluster:  # the G7 profile's elements, under their cluster
            cluster = r["cluster"]
            out.append(f"{cluster}:")
        lines = _wrap(r["reason"], REASON_WIDTH) or [""]
        out.append(f"{r['id']:<{width}}  {r['status']:<{shown}}  {lines[0]}")
        out += [f"{'':<{width}}  {'':<{shown}}  {line}" for line in lines[1:]]
    s = report["summary"]
    out += ["", ", ".join(f"{s[k]} {k}" for k in STATUSES if k in s) + f" (of {s['total']})"]
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
    quote = f" — {clip(quote, QUOTE_WIDTH)}" if quote else ""
    return f"{e['location'] or '(no location)'} [{e['collector']}, {e['method']}]{quote}"


def _mof_text(mof: dict[str, Any] | None) -> list[str]:
    if mof is None:
        return []
    out = [f"MOF class: {mof['class'] or 'none'} ({mof['label']})"]
    for c in ("3", "2", "1"):
        blockers = mof["blockers"][c]
        more = f"; blocked by {', '.join(blockers)}" if blockers else ""
        out.append(f"  class {class_numeral(int(c))}: {mof['progress'][c]:.0f}%{more}")
    return out


def to_markdown(report: dict[str, Any]) -> str:
    """A PR comment: a heading, the verdict in plain words, a table, evidence folded away."""
    kind = "Completeness" if report["profile"] == "g7" else "Openness"
    out = [
        f"### {kind} ({report['title']}): {cell(_model_line(report))}",
        "",
        f"**{report['verdict']}**",
        "",
    ]
    out += ["| Requirement | Status | Why | How to fix |", "|---|---|---|---|"]
    for r in report["requirements"]:
        group = f"{cell(r['cluster'])}: " if "cluster" in r else ""
        out.append(
            f"| {group}{cell(r['title'])} (`{r['id']}`) | {MARKS[r['status']]} | {cell(r['reason'])} "
            f"| {cell(r['fix']) or '—'} |"
        )
    mof = report.get("mof")
    if mof is not None:
        out += ["", f"MOF class reached: **{mof['class'] or 'none'}** ({mof['label']})", ""]
        out += ["| MOF class | Progress | Blockers |", "|---|---|---|"]
        for c in ("3", "2", "1"):
            blockers = ", ".join(mof["blockers"][c]) or "—"
            out.append(f"| {class_numeral(int(c))} | {mof['progress'][c]:.0f}% | {cell(blockers)} |")
    cited = [(r["id"], e) for r in report["requirements"] for e in r["evidence"]]
    if cited:
        out += ["", "<details><summary>Evidence</summary>", ""]
        out += [f"- `{rid}`: {cell(_cite(e))}" for rid, e in cited]
        out += ["", "</details>"]
    for note in report.get("notes", ()):
        out += ["", f"> Note: {cell(note)}"]
    return "\n".join(out) + "\n"


RENDERERS = {"json": to_json, "text": to_text, "markdown": to_markdown}
