"""Run one function per model, locally (a process pool) or on Ray, and stream the results to OUTDIR.

`describe` is the per-model function on both engines: it calls `api.generate` exactly as
`aibom generate` does, so a scan's BOM is the command's BOM, byte for byte under ``--reproducible``.
Workers only compute; the driver writes every BOM and inventory row as results arrive, so a crash
keeps what was done and remote workers need no access to OUTDIR.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aibom.collect.options import CollectOptions
from aibom.collect.walk import walk
from aibom.errors import AibomError, EnvironmentFailure, InputError
from aibom.fleet.inventory import error_row, facts_row
from aibom.fleet.sources import Target
from aibom.identity import COMMIT
from aibom.output import write_text

Engine = Literal["local", "ray"]
TASKS_PER_WORKER = 50
"""A local worker is replaced after this many chunks, which bounds what a long scan can leak."""
CHUNK = 8
"""Most targets one local task describes."""


@dataclass(frozen=True)
class Settings:
    """How every model of a scan is described."""

    spec_version: str = "1.6"
    reproducible: bool = False
    score: str | None = None
    fail_on: str | None = None
    lineage_depth: int = 1


@dataclass(frozen=True)
class Result:
    """What a worker sends back: the inventory row and the BOM text (None when it failed)."""

    target: Target
    row: dict[str, Any]
    bom: str | None


def describe(target: Target, settings: Settings) -> Result:
    """One model: its BOM and inventory row, or an error row; never raises for a model's own failure."""
    from aibom import api
    from aibom.score import report
    from aibom.score.mof import classify

    start = time.monotonic()
    options = CollectOptions(lineage_depth=settings.lineage_depth, jobs=1,
                             use_cache=target.kind == "cache",
                             cache_dir=Path(target.cache_dir) if target.cache_dir else None)
    try:
        bom = api.generate(target.spec, options, spec_version=settings.spec_version,
                           reproducible=settings.reproducible, score=settings.score)
        policy = bool(bom.assessment and report.failing(bom.assessment, settings.fail_on))
        row = facts_row(target.spec, bom.provenance, bom.assessment, classify(bom.provenance).mof_class or None,
                        1 if policy else 0, time.monotonic() - start)
        return Result(target, row, bom.text)
    except AibomError as exc:
        return Result(target, error_row(target.spec, exc.message, exc.exit_code, time.monotonic() - start), None)
    except Exception as exc:  # a bug in aibom for this model: the batch goes on, the row says so
        message = f"unexpected error: {type(exc).__name__}: {exc}"
        return Result(target, error_row(target.spec, message, 2, time.monotonic() - start), None)


def describe_into(targets: list[Target], settings: Settings, outdir: str) -> list[Result]:
    """`describe` for a chunk of targets, each BOM written to OUTDIR by the worker itself: the driver
    only receives rows (a BOM never crosses the process boundary on the local engine)."""
    results = []
    for target in targets:
        result = describe(target, settings)
        if result.bom is not None:
            write_text(bom_path(Path(outdir), target), result.bom)
        results.append(Result(target, result.row, None))
    return results


def run_local(targets: list[Target], settings: Settings, jobs: int, outdir: Path) -> Iterator[Result]:
    """A process pool of `jobs` workers, each importing aibom once; results in completion order.

    Targets go in chunks (fewer round trips to the driver, which shares the cores with the workers)
    and at most 2 × jobs chunks are in flight, so the driver's memory stays bounded."""
    if not targets:
        return
    size = max(1, min(CHUNK, len(targets) // (4 * jobs)))
    chunks = iter([targets[i:i + size] for i in range(0, len(targets), size)])
    with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=TASKS_PER_WORKER) as pool:
        pending = {pool.submit(describe_into, c, settings, str(outdir)) for _, c in zip(range(2 * jobs), chunks,
                                                                                         strict=False)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
                nxt = next(chunks, None)
                if nxt is not None:
                    pending.add(pool.submit(describe_into, nxt, settings, str(outdir)))


def run_ray(targets: list[Target], settings: Settings, jobs: int, address: str | None) -> Iterator[Result]:
    """The same `describe` as Ray tasks, `jobs` at a time, on the cluster at `address` (or a local Ray)."""
    try:
        import ray
    except ImportError:
        raise EnvironmentFailure("--engine ray needs Ray", "pip install 'aibom[ray]'") from None
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(address=address, num_cpus=None if address else jobs, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise EnvironmentFailure(f"cannot start or reach Ray at {address or 'a local cluster'}: {exc}") from None
    remote = ray.remote(num_cpus=1, max_retries=1)(describe)
    try:
        queue = iter(targets)
        # range first: zip would otherwise pull one target past the window and drop it
        pending = [remote.remote(t, settings) for _, t in zip(range(2 * jobs), queue, strict=False)]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield ray.get(ref)
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append(remote.remote(nxt, settings))
    finally:
        if started:
            ray.shutdown()


# --- OUTDIR: boms/, inventory.jsonl, summary.md, and what --resume reads back --------------------
def bom_path(outdir: Path, target: Target) -> Path:
    return outdir / "boms" / f"{target.name}.cdx.json"


def previous_rows(outdir: Path) -> dict[str, dict[str, Any]]:
    """The rows of an earlier scan into OUTDIR, by target (a torn last line is ignored)."""
    rows: dict[str, dict[str, Any]] = {}
    try:
        with (outdir / "inventory.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and isinstance(row.get("target"), str):
                    rows[row["target"]] = row
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {outdir / 'inventory.jsonl'} to resume: {exc}") from exc
    return rows


def up_to_date(target: Target, row: dict[str, Any] | None, bom: Path) -> bool:
    """Whether an earlier scan's BOM of `target` still holds: a pinned commit that is unchanged, or a
    folder whose every file has the size the BOM records and is no newer than the BOM."""
    if row is None or row.get("error") is not None or not bom.is_file():
        return False
    if target.kind in ("cache", "repo"):
        return bool(target.revision and COMMIT.fullmatch(target.revision)) and row.get("revision") == target.revision
    try:
        recorded = _bom_file_sizes(bom)
        since = bom.stat().st_mtime_ns
        root = Path(target.spec)
        if target.kind == "file":
            st = root.stat()
            return recorded == {root.name: st.st_size} and st.st_mtime_ns <= since
        seen = {}
        for rel, path in walk(root):  # the very files `generate` would describe
            st = path.stat()
            if st.st_mtime_ns > since:
                return False
            seen[rel] = st.st_size
        return seen == recorded
    except (OSError, ValueError, KeyError, AibomError):  # an unreadable or foreign BOM: describe again
        return False


def _bom_file_sizes(bom: Path) -> dict[str, int]:
    from aibom.emit.properties import FILE_SIZE

    doc = json.loads(bom.read_text(encoding="utf-8"))
    sizes = {}
    for comp in doc.get("components", []):
        if comp.get("type") == "file":
            props = {p.get("name"): p.get("value") for p in comp.get("properties", [])}
            sizes[comp["name"]] = int(props[FILE_SIZE])
    return sizes


def scan(targets: list[Target], outdir: Path, settings: Settings, *, jobs: int, engine: Engine = "local",
         ray_address: str | None = None, resume: bool = False,
         on_row: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Describe every target into OUTDIR; the inventory's rows (kept ones first, then as they finish)."""
    from aibom.fleet.inventory import summary_markdown

    (outdir / "boms").mkdir(parents=True, exist_ok=True)
    before = previous_rows(outdir) if resume else {}
    kept = [before[t.spec] for t in targets if resume and up_to_date(t, before.get(t.spec), bom_path(outdir, t))]
    kept_targets = {row["target"] for row in kept}
    todo = [t for t in targets if t.spec not in kept_targets]
    rows: list[dict[str, Any]] = []
    with (outdir / "inventory.jsonl").open("w", encoding="utf-8", newline="\n") as inventory:
        def record(row: dict[str, Any]) -> None:
            inventory.write(json.dumps(row, sort_keys=False) + "\n")
            inventory.flush()
            rows.append(row)
            if on_row is not None:
                on_row(row)

        for row in kept:
            record(row)
        results: Iterable[Result] = (() if not todo else run_ray(todo, settings, jobs, ray_address)
                                     if engine == "ray" else run_local(todo, settings, jobs, outdir))
        for result in results:
            if result.bom is not None:
                write_text(bom_path(outdir, result.target), result.bom)
            record(result.row)
    main = [t.spec for t in targets if t.main]
    write_text(outdir / "summary.md", summary_markdown(rows, main_snapshots=main))
    return rows
