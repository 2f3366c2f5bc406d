"""Benchmark: `aibom generate` on a sharded safetensors folder against `openssl dgst -sha256`, one per core.

Not a test. Builds N valid safetensors shards (default 4 × 192 MiB of random F32 data) plus an index,
a config and a card under ``bench/_work/`` (gitignored), warms the page cache for both contenders
with one full read, then alternates the two commands for R rounds and prints every timing, the
median ratio aibom/openssl, aibom's peak RSS, the same ratio for the hashing engine alone
(``aibom.hashing`` in a bare Python child), and aibom's fixed cost on a one-file folder.
Every run's CPU time (user + system, all threads) is counted too: on a machine whose cores are all
busy hashing, wall time cannot drop below (hashing CPU + everything else's CPU) / cores, and the
last lines print that floor.

Measure an installed aibom (``pip install .``): an editable install under
``PYTHONDONTWRITEBYTECODE=1`` compiles every module again on each run (about 70 ms).
``--cold`` evicts the shards from the page cache (``POSIX_FADV_DONTNEED``) before every run instead
of warming it once.

    python bench/hash_bench.py [--shards 4] [--shard-mib 192] [--rounds 3] [--cold] [--aibom PATH] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from builders import safetensors_header

WORK = Path(__file__).resolve().parent / "_work"
WRITE_BLOCK = 16 * 1024 * 1024


def shard(path: Path, name: str, mib: int) -> dict[str, object]:
    """Write one valid safetensors file holding a single F32 tensor of random bytes; return its entry."""
    elements = (mib * 1024 * 1024 - 8 - 256) // 4  # 256 bytes of room for the header
    head, left = safetensors_header({name: ("F32", (elements,))}, {"format": "pt"})
    with path.open("wb") as fh:
        fh.write(head)
        size = left
        while left:
            n = min(left, WRITE_BLOCK)
            fh.write(os.urandom(n))
            left -= n
    return {"size": size}


def build(folder: Path, shards: int, mib: int) -> list[Path]:
    """A model folder as the Hub lays out a sharded checkpoint."""
    folder.mkdir(parents=True, exist_ok=True)
    files, weight_map, total = [], {}, 0
    for i in range(1, shards + 1):
        name = f"model-{i:05d}-of-{shards:05d}.safetensors"
        path = folder / name
        entry = shard(path, f"layers.{i}.weight", mib)
        weight_map[f"layers.{i}.weight"] = name
        total += int(entry["size"])  # type: ignore[call-overload]
        files.append(path)
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2))
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama"}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Bench model\n\nRandom weights.\n")
    return files


def warm(paths: list[Path]) -> float:
    """Read every file once so both contenders start from the same (warm) page cache."""
    start = time.perf_counter()
    buf = bytearray(WRITE_BLOCK)
    for p in paths:
        with p.open("rb", buffering=0) as fh:
            while fh.readinto(buf):
                pass
    return time.perf_counter() - start


def evict(paths: list[Path]) -> None:
    """Drop the files' pages from the page cache (clean pages; no root needed)."""
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_aibom(aibom: str, folder: Path) -> tuple[float, float, int, str]:
    """Wall time, CPU time, peak RSS (KiB) and stdout of one `aibom generate --reproducible` (BOM to a pipe).

    The RSS is RUSAGE_CHILDREN's high-water mark: the largest child so far, which is aibom (the
    openssl children stay near 5 MiB).
    """
    cpu, start = children_cpu(), time.perf_counter()
    run = subprocess.run([aibom, "generate", str(folder), "--reproducible"], capture_output=True)
    elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu
    if run.returncode != 0:
        sys.exit(f"aibom failed ({run.returncode}): {run.stderr.decode(errors='replace')[-2000:]}")
    return elapsed, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, run.stdout.decode()


def run_engine(python: str, paths: list[Path]) -> tuple[float, float]:
    """Wall and CPU time of a bare Python child that only imports aibom.hashing and hashes the shards."""
    code = ("import sys; from pathlib import Path; from aibom.hashing import hash_files; "
            "hash_files([Path(p) for p in sys.argv[1:]])")
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run([python, "-c", code, *map(str, paths)], check=True)
    return time.perf_counter() - start, children_cpu() - cpu


def run_openssl(paths: list[Path], jobs: int) -> tuple[float, float, dict[str, str]]:
    """Wall and CPU time of `jobs` concurrent `openssl dgst -sha256` processes over round-robin groups of files."""
    groups = [paths[i::jobs] for i in range(jobs) if paths[i::jobs]]
    cpu, start = children_cpu(), time.perf_counter()
    procs = [subprocess.Popen(["openssl", "dgst", "-sha256", *map(str, g)], stdout=subprocess.PIPE)
             for g in groups]
    outputs = [p.communicate()[0].decode() for p in procs]
    elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu
    digests = {}
    for line in "".join(outputs).splitlines():
        left, _, digest = line.rpartition("= ")
        digests[Path(left[left.index("(") + 1:-1]).name] = digest.strip()
    return elapsed, cpu, digests


def bom_digests(bom: str) -> dict[str, str]:
    component = json.loads(bom)["metadata"]["component"]
    return {c["name"]: c["hashes"][0]["content"] for c in component.get("components", []) if c.get("hashes")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--shard-mib", type=int, default=192)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="openssl processes (default: one per core)")
    parser.add_argument("--cold", action="store_true", help="evict the shards from the page cache before every run")
    parser.add_argument("--aibom", help="the aibom command to measure (default: the one on PATH)")
    parser.add_argument("--keep", action="store_true", help="keep bench/_work/ for the next run")
    args = parser.parse_args()
    aibom = args.aibom or shutil.which("aibom") or str(Path(sys.executable).with_name("aibom"))
    python = str(Path(aibom).with_name("python")) if Path(aibom).with_name("python").exists() else sys.executable
    folder = WORK / f"sharded-{args.shards}x{args.shard_mib}MiB"
    tiny = WORK / "tiny"

    if not (folder / "model.safetensors.index.json").is_file():
        print(f"building {args.shards} × {args.shard_mib} MiB safetensors shards in {folder} ...", flush=True)
        build(folder, args.shards, args.shard_mib)
    paths = sorted(folder.glob("*.safetensors"))
    if not (tiny / "README.md").is_file():
        build(tiny, 1, 1)
    total = sum(p.stat().st_size for p in paths)
    print(f"machine: {os.cpu_count()} cores; {len(paths)} shards, {total / 2**20:.0f} MiB; "
          f"openssl: {args.jobs} processes; aibom: {aibom}")
    if args.cold:
        print("page cache: every shard evicted before every run (cold reads from the disk)")
    else:
        print(f"page cache: warmed by one full read of every shard before timing ({warm(paths):.2f} s); "
              "both contenders then read from the same warm cache")

    rows: dict[str, list[tuple[float, float]]] = {"aibom": [], "openssl": [], "engine": []}
    ratios, engine_ratios, rss_peak = [], [], 0
    for r in range(1, args.rounds + 1):
        order = ("openssl", "aibom", "engine") if r % 2 else ("engine", "aibom", "openssl")
        for who in order:
            if args.cold:
                evict(paths)
            if who == "openssl":
                t_ssl, c_ssl, ssl_digests = run_openssl(paths, args.jobs)
            elif who == "engine":
                t_engine, c_engine = run_engine(python, paths)
            else:
                t_aibom, c_aibom, rss, bom = run_aibom(aibom, folder)
        mismatched = {n for n, d in ssl_digests.items() if bom_digests(bom).get(n) != d}
        if mismatched:
            sys.exit(f"digests differ between aibom and openssl for {sorted(mismatched)}")
        ratios.append(t_aibom / t_ssl)
        engine_ratios.append(t_engine / t_ssl)
        rss_peak = max(rss_peak, rss)
        rows["aibom"].append((t_aibom, c_aibom))
        rows["openssl"].append((t_ssl, c_ssl))
        rows["engine"].append((t_engine, c_engine))
        print(f"round {r} ({' then '.join(order)}): aibom {t_aibom:.3f} s, openssl {t_ssl:.3f} s, "
              f"ratio {t_aibom / t_ssl:.3f}, aibom peak RSS {rss / 1024:.0f} MiB; "
              f"hashing engine alone {t_engine:.3f} s, ratio {t_engine / t_ssl:.3f}", flush=True)

    fixed = [run_aibom(aibom, tiny)[:2] for _ in range(3)]
    med = {who: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for who, v in rows.items()}
    fixed_wall, fixed_cpu = statistics.median(w for w, _ in fixed), statistics.median(c for _, c in fixed)
    cores = os.cpu_count() or 1
    floor = (med["engine"][1] + fixed_cpu) / cores
    for who, (wall, cpu) in med.items():
        print(f"median {who}: {wall:.3f} s wall, {cpu:.3f} s CPU")
    print(f"MEDIAN RATIO aibom/openssl: {statistics.median(ratios):.3f} (target ≤ 1.15); "
          f"PEAK RSS aibom: {rss_peak / 1024:.0f} MiB (target < 300)")
    print(f"median ratio of the hashing engine alone (aibom.hashing in a bare Python child) / openssl: "
          f"{statistics.median(engine_ratios):.3f}")
    print(f"aibom fixed cost (start-up, imports, emitting and validating the BOM) on a 1 MiB one-shard folder: "
          f"{fixed_wall:.3f} s wall, {fixed_cpu:.3f} s CPU")
    print(f"floor: (hashing CPU {med['engine'][1]:.3f} s + fixed CPU {fixed_cpu:.3f} s) / {cores} cores = "
          f"{floor:.3f} s, ratio {floor / med['openssl'][0]:.3f} if every core were busy from the first "
          "to the last millisecond")
    print("digests: aibom and openssl agree on every shard")
    if not args.keep:
        shutil.rmtree(WORK)


if __name__ == "__main__":
    main()
