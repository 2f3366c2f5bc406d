"""Inventory rows (one per model; schema: schemas/inventory.schema.json) and the fleet summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from aibom.licenses import restrictiveness
from aibom.model import Assessment, Provenance

ROW_KEYS = ("target", "name", "purl", "revision", "licenses", "license_category", "requirements", "mof_class",
            "files", "bytes", "weight_formats", "risks", "base_models", "datasets", "error", "exit_code",
            "duration_s")


def license_category(prov: Provenance) -> str:
    """The most restrictive category among the model's licenses; unknown when none is known."""
    categories = [lic.category for lic in prov.licenses] or ["unknown"]
    return max(categories, key=restrictiveness)


def facts_row(target: str, prov: Provenance, assessment: Assessment | None, mof_class: int | None,
              exit_code: int, duration_s: float) -> dict[str, Any]:
    """The inventory row of a model that was described."""
    return {
        "target": target,
        "name": prov.name,
        "purl": prov.purl,
        "revision": prov.revision,
        "licenses": list(dict.fromkeys(lic.spdx or lic.name or lic.raw for lic in prov.licenses)),
        "license_category": license_category(prov),
        "requirements": {f.requirement: f.status for f in assessment.findings} if assessment else None,
        "mof_class": mof_class,
        "files": len(prov.files),
        "bytes": sum(f.size or 0 for f in prov.files),
        "weight_formats": sorted({f.weights.format for f in prov.files if f.weights is not None}),
        "risks": sorted(f"{f.path}: {risk}" for f in prov.files if f.weights for risk in f.weights.risks),
        "base_models": [b.id for b in prov.base_models],
        "datasets": len(prov.datasets),
        "error": None,
        "exit_code": exit_code,
        "duration_s": round(duration_s, 3),
    }


def error_row(target: str, error: str, exit_code: int, duration_s: float) -> dict[str, Any]:
    """The inventory row of a model that could not be described: its error, nothing else known."""
    return {
        "target": target, "name": None, "purl": None, "revision": None, "licenses": [],
        "license_category": None, "requirements": None, "mof_class": None, "files": 0, "bytes": 0,
        "weight_formats": [], "risks": [], "base_models": [], "datasets": 0, "error": error,
        "exit_code": exit_code, "duration_s": round(duration_s, 3),
    }


def summary_markdown(rows: Iterable[dict[str, Any]], *, main_snapshots: Iterable[str] = ()) -> str:
    """Counts by license category and verdict, the models with risks, and the failures."""
    rows = list(rows)
    ok = [r for r in rows if r["error"] is None]
    failed = [r for r in rows if r["error"] is not None]
    main = set(main_snapshots)
    lines = ["# aibom fleet scan", "", f"{len(rows)} models: {len(ok)} described, {len(failed)} failed.", ""]
    lines += ["## License categories", "", "| category | models |", "|---|---|"]
    lines += [f"| {c} | {n} |" for c, n in sorted(Counter(r["license_category"] for r in ok).items())]
    verdicts = Counter((req, status) for r in ok for req, status in (r["requirements"] or {}).items())
    if verdicts:
        lines += ["", "## Verdicts", "", "| requirement | status | models |", "|---|---|---|"]
        lines += [f"| {req} | {status} | {n} |" for (req, status), n in sorted(verdicts.items())]
    risky = [r for r in ok if r["risks"]]
    lines += ["", "## Models with risks", ""]
    lines += [f"- `{r['target']}`{' (refs/main)' if r['target'] in main else ''}: {'; '.join(r['risks'])}"
              for r in risky] or ["None."]
    if main:
        lines += ["", "## Cache", "", f"{len(main)} of the cached snapshots are the ones `refs/main` points to:", ""]
        lines += [f"- `{t}`" for t in sorted(main)]
    lines += ["", "## Failures", ""]
    lines += [f"- `{r['target']}` (exit {r['exit_code']}): {r['error']}" for r in failed] or ["None."]
    return "\n".join(lines) + "\n"
