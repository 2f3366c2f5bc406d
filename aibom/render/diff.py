"""`Changes` as text for a terminal, JSON (schemas/diff.schema.json) or Markdown for a PR comment. Pure."""

from __future__ import annotations

import json

from aibom.diff import KINDS, Change, Changes, Side, shorten
from aibom.render.markup import cell

_MARKS = {"high": "⚠", "medium": "●", "low": "○", "info": "·"}


def render(changes: Changes, fmt: str) -> str:
    """`changes` as `text`, `json` or `markdown`."""
    return {"text": to_text, "json": to_json, "markdown": to_markdown}[fmt](changes)


def summary(changes: Changes) -> dict[str, object]:
    """Counts per kind and severity, and the most severe change."""
    return {
        "total": len(changes.changes),
        "max_severity": changes.max_severity,
        "by_severity": dict(changes.count_by_severity()),
        "by_kind": dict(changes.count_by_kind()),
    }


def headline(changes: Changes) -> str:
    """One line for the top of a report: the first of the most severe changes, or 'no changes'."""
    if not changes.changes:
        return f"No changes between {_label(changes.old)} and {_label(changes.new)}"
    first = next(c for c in changes.changes if c.severity == changes.max_severity)
    more = len(changes.changes) - 1
    tail = f" (+{more} more change{'s' if more != 1 else ''})" if more else ""
    mark = f"{_MARKS['high']} " if first.severity == "high" else ""
    return f"{mark}{first.message}{tail}"


def to_json(changes: Changes) -> str:
    """The diff document: old and new identities, summary, changes in stable order."""
    doc = {
        "old": _side(changes.old),
        "new": _side(changes.new),
        "summary": summary(changes),
        "changes": [_change(c) for c in changes.changes],
        "notes": list(changes.notes),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(changes: Changes) -> str:
    """Changes grouped by kind, one line each, for a terminal."""
    lines = [f"aibom diff: {_label(changes.old)} → {_label(changes.new)}", _counts(changes)]
    for kind in KINDS:
        group = [c for c in changes.changes if c.kind == kind]
        if group:
            lines += ["", f"{kind} ({len(group)})"]
            lines += [f"  [{c.severity:<6}] {c.subject}: {c.message}" for c in group]
    lines += _caveats(changes, "")
    return "\n".join(lines) + "\n"


def to_markdown(changes: Changes) -> str:
    """A headline and a table, ready for a pull-request comment."""
    lines = [f"### {cell(headline(changes))}", "",
             f"`{cell(_label(changes.old))}` → `{cell(_label(changes.new))}` · {_counts(changes)}"]
    if changes.changes:
        lines += ["", "| Severity | Kind | Subject | Old | New | Change |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {_MARKS[c.severity]} {c.severity} | {c.kind} | {cell(c.subject)} | {_value(c.old)} "
            f"| {_value(c.new)} | {cell(c.message)} |"
            for c in changes.changes
        ]
    lines += _caveats(changes, "> ")
    return "\n".join(lines) + "\n"


def _side(side: Side) -> dict[str, object]:
    return {
        "name": side.name,
        "version": side.revision,
        "purl": side.purl,
        "repo_id": side.repo_id,
        "source": side.source,
        "unknowns": [
            {"subject": u.subject, "name": u.name, "field": u.field, "reason": u.reason} for u in side.unknowns
        ],
    }


def _change(c: Change) -> dict[str, object]:
    return {"kind": c.kind, "subject": c.subject, "old": c.old, "new": c.new, "severity": c.severity,
            "groups": list(c.groups), "message": c.message}


def _label(side: Side) -> str:
    name = side.repo_id or side.name
    return f"{name}@{side.revision}" if side.revision else name


def _counts(changes: Changes) -> str:
    if not changes.changes:
        return "no changes"
    parts = ", ".join(f"{n} {s}" for s, n in changes.count_by_severity() if n)
    total = len(changes.changes)
    return f"{total} change{'s' if total != 1 else ''} ({parts})"


def _caveats(changes: Changes, prefix: str) -> list[str]:
    """What could not be compared, found or read on either side, so an empty diff is not over-trusted."""
    lines = [f"{prefix}{note}" for note in changes.notes]
    for label, side in (("old", changes.old), ("new", changes.new)):
        if side.unknowns:
            fields = ", ".join(sorted({f"{u.label}.{u.field}" for u in side.unknowns}))
            lines.append(f"{prefix}{label} side has {len(side.unknowns)} unknown(s): {shorten(fields, 300)}")
    return ["", *lines] if lines else []


def _value(text: str | None) -> str:
    """An old/new cell: a SHA-256 shortened like git does, long text cut (the JSON keeps it whole)."""
    if text is None:
        return "—"
    flat = " ".join(text.split())
    if len(flat) == 64 and all(ch in "0123456789abcdef" for ch in flat):
        return f"`{flat[:12]}…`"
    return cell(shorten(flat, 80))
