"""Score reports and diffs as SARIF 2.1.0, for code scanning: every finding a reviewer must act on is
a result with a stable rule id, a level and a location in the model repository, so the scanner
annotates the card line or the weight file it is about.

Paths are relative to the model folder under the base id ``MODELROOT`` (declared in
``originalUriBaseIds``). When the input was a BOM file, the BOM is the artifact every result points
at, and the evidence's own location is kept in the message. Pure functions of their arguments."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from aibom import __version__
from aibom.diff import Changes
from aibom.render.markup import place

Level = Literal["error", "warning", "note"]
BASE = "MODELROOT"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RISK_LEVELS: dict[str, Level] = {
    "pickle-dangerous-import": "error",
    "pickle-unresolved-import": "error",
    "chat-template-code": "error",
}
"""Weight risks that can run code or hide what would: errors. Any other risk is a warning."""


@dataclass(frozen=True)
class Root:
    """Where result paths point: the model folder (its files, and its URI when known), or a BOM file."""

    files: frozenset[str] = frozenset()
    uri: str | None = None
    bom: str | None = None
    """The BOM file given as input: then every result points at it."""
    source_root: str | None = None
    """The working directory's URI when the model folder lies inside it (a repository checkout):
    MODELROOT is then declared relative to SRCROOT, so code scanning maps results to repository paths."""


@dataclass(frozen=True)
class _Result:
    rule: str
    title: str
    level: Level
    message: str
    location: str


def score_log(report: dict[str, Any], risks: Iterable[tuple[str, str]], root: Root, *,
              fail_on: str | None = None) -> str:
    """A score report (and the weight risks, as (file, risk)) as a SARIF log: unmet is an error,
    partial a warning, unknown a note (a warning under ``--fail-on unknown``); met and
    not-applicable requirements are not results."""
    profile = report["profile"]
    levels: dict[str, Level] = {"unmet": "error", "partial": "warning",
                                "unknown": "warning" if fail_on == "unknown" else "note"}
    results = []
    for r in report["requirements"]:
        if r["status"] not in levels:
            continue
        evidence = r["evidence"]
        where = evidence[0]["location"] if evidence else ""
        cited = "; ".join(e["location"] for e in evidence[:3] if e["location"])
        text = f"{r['title']}: {r['status']}. {r['reason']}" + (f" Fix: {r['fix']}" if r["fix"] else "")
        results.append(_Result(f"aibom/{profile}/{r['id']}", r["title"], levels[r["status"]],
                               text + (f" (evidence: {cited})" if cited else ""), where))
    for path, risk in risks:
        kind = risk.split(":", 1)[0]
        results.append(_Result(f"aibom/weights/{kind}", f"Weight risk: {kind}", RISK_LEVELS.get(kind, "warning"),
                               f"{path}: {risk}", path))
    return _log(results, root)


def diff_log(changes: Changes, root: Root) -> str:
    """A diff as a SARIF log: high changes are errors (a license now non-commercial, weights
    swapped for a pickle), medium ones warnings; low and informational changes are left out."""
    levels: dict[str, Level] = {"high": "error", "medium": "warning"}
    results = [_Result(f"aibom/diff/{c.kind}", f"Change: {c.kind}", levels[c.severity],
                       f"{c.subject}: {c.message}", c.subject)
               for c in changes.changes if c.severity in levels]
    return _log(results, root)


def _log(results: list[_Result], root: Root) -> str:
    rules: dict[str, tuple[str, Level]] = {}
    for r in results:
        worst = rules.get(r.rule, (r.title, r.level))[1]
        rules[r.rule] = (r.title, r.level if ("error", "warning", "note").index(r.level) <
                         ("error", "warning", "note").index(worst) else worst)
    order = list(rules)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "aibom", "version": __version__,
            "rules": [{"id": rid, "name": _name(rid), "shortDescription": {"text": title},
                       "defaultConfiguration": {"level": level}} for rid, (title, level) in rules.items()],
        }},
        "results": [{
            "ruleId": r.rule, "ruleIndex": order.index(r.rule), "level": r.level, "message": {"text": r.message},
            "locations": [_location(r, root)],
            "partialFingerprints": {"aibomResult/v1": hashlib.sha256(
                f"{r.rule}\0{r.location}".encode()).hexdigest()[:32]},
        } for r in results],
    }
    if root.bom is None and root.uri:
        folder = root.uri if root.uri.endswith("/") else root.uri + "/"
        if root.source_root and folder.startswith(root.source_root):
            inner = folder[len(root.source_root):]
            run["originalUriBaseIds"] = {"SRCROOT": {"uri": root.source_root},
                                         BASE: {"uri": inner or "./", "uriBaseId": "SRCROOT"}}
        else:
            run["originalUriBaseIds"] = {BASE: {"uri": folder}}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _name(rule: str) -> str:
    """A rule's PascalCase name (SARIF's `name`): aibom/core/open-data → CoreOpenData."""
    return "".join(part.capitalize() for part in re.split(r"[/\-_:]+", rule.removeprefix("aibom/")) if part)


def _location(result: _Result, root: Root) -> dict[str, Any]:
    """The file and line the result is about, relative to MODELROOT; the BOM when one was the input;
    else the model card (a Hub URL or a dataset is not a file of the repository)."""
    if root.bom is not None:
        return {"physicalLocation": {"artifactLocation": {"uri": root.bom}}}
    path, _, line = place(result.location)
    if path not in root.files:
        path = "README.md" if "README.md" in root.files else min(root.files, default="README.md")
        line = None
    physical: dict[str, Any] = {"artifactLocation": {"uri": path, "uriBaseId": BASE}}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}
