"""Benchmark: `aibom scan` over 500 small cached models against looping one-model commands.

Not a test. Builds N models (default 500) in a Hugging Face cache layout under ``bench/_work/``
(a card with a license and datasets, a config, a tokenizer config and a valid safetensors file,
written by tests/builders.py), then measures in one run, each from a fresh OUTDIR:

- ``aibom scan --cache DIR -j 1``, ``-j 2`` and ``--engine ray -j 2``: models/s and peak RSS;
- looping ``aibom generate ORG/NAME --cache DIR`` over the first L models (default 40);
- looping the peer ``toolkit-mlsbom generate --root SNAPSHOT --include '**/*' --format cyclonedx``
  (PyPI: toolkit-ml-provenance, the fastest peer on single models) over the same L models.

It prints models/s for each, scan -j 2 against the peer loop, and 2 workers against 1.

    python bench/fleet_bench.py [--models 500] [--loop 40] [--peer PATH] [--no-ray]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from builders import make_cache, safetensors_bytes

WORK = Path(__file__).resolve().parent / "_work" / "fleet"
TENSORS = {"embed.weight": ("F32", (64, 16)), "head.weight": ("F16", (16, 64))}
LICENSES = ("apache-2.0", "mit", "cc-by-nc-4.0", "llama2", "openrail")


def build(cache: Path, models: int) -> list[str]:
    repos = []
    for i in range(models):
        repo = f"bench-org-{i % 7}/model-{i:04d}"
        card = (f"---\nlicense: {LICENSES[i % len(LICENSES)]}\ndatasets:\n- bench/data-{i % 11}\n- c4\n"
                f"pipeline_tag: text-generation\n---\n# model-{i:04d}\n\nA benchmark model.\n")
        files = {
            "README.md": card.encode(),
            "config.json": json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}).encode(),
            "tokenizer_config.json": b'{"model_max_length": 2048}',
            "model.safetensors": safetensors_bytes(TENSORS, {"format": "pt"}),
        }
        make_cache(cache, repo, files, f"{i:040x}")
        repos.append(repo)
    return repos


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and the child's peak RSS in MiB (each contender runs in its own child)."""
    code = ("import resource, subprocess, sys, time; t = time.monotonic(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env, check=True)
    wall, rss, rc = out.stdout.split()
    if int(rc) not in (0, 1):
        raise SystemExit(f"{cmd[:3]} exited {rc}")
    return float(wall), int(rss) // 1024


def loop(cmds: list[list[str]], env: dict[str, str]) -> float:
    start = time.monotonic()
    for cmd in cmds:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", type=int, default=500)
    ap.add_argument("--loop", type=int, default=40, help="models for the one-command-per-model loops")
    ap.add_argument("--aibom", default=shutil.which("aibom") or str(Path(sys.executable).with_name("aibom")))
    ap.add_argument("--peer", default=shutil.which("toolkit-mlsbom"), help="the toolkit-mlsbom command")
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()

    cache = WORK / f"cache-{args.models}"
    if not cache.is_dir():
        print(f"building {args.models} cached models in {cache} ...", flush=True)
        build(cache, args.models)
    repos = sorted("/".join(p.name.split("--")[1:]) for p in cache.glob("models--*"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(WORK / "home")}
    results: dict[str, tuple[float, int | None]] = {}

    runs = [("scan -j 1", ["-j", "1"]), ("scan -j 2", ["-j", "2"])]
    if not args.no_ray:
        runs.append(("scan --engine ray -j 2", ["-j", "2", "--engine", "ray"]))
    for label, extra in runs:
        out = WORK / "out"
        shutil.rmtree(out, ignore_errors=True)
        wall, rss = timed([args.aibom, "scan", "--cache", str(cache), "-o", str(out), "--score", "core", *extra], env)
        rows = (out / "inventory.jsonl").read_text().count("\n")
        assert rows == len(repos), (label, rows)
        results[label] = (len(repos) / wall, rss)

    subset = repos[: args.loop]
    wall = loop([[args.aibom, "generate", r, "--cache", str(cache), "-o", str(WORK / "one.json")] for r in subset], env)
    results["loop aibom generate"] = (len(subset) / wall, None)
    if args.peer:
        snaps = [next((cache / f"models--{r.replace('/', '--')}" / "snapshots").iterdir()) for r in subset]
        wall = loop([[args.peer, "generate", "--root", str(s), "--include", "**/*", "--out", str(WORK / "peer.json"),
                      "--format", "cyclonedx"] for s in snaps], env)
        results["loop toolkit-mlsbom generate"] = (len(subset) / wall, None)

    print(f"\n{len(repos)} cached models (loops over the first {len(subset)}), {os.cpu_count()} cores")
    for label, (rate, rss) in results.items():
        print(f"  {label:32} {rate:8.1f} models/s" + (f"   peak RSS {rss} MiB" if rss else ""))
    one, two = results["scan -j 1"][0], results["scan -j 2"][0]
    print(f"  2 workers / 1 worker: {two / one:.2f}")
    if "loop toolkit-mlsbom generate" in results:
        print(f"  scan -j 2 / peer loop: {two / results['loop toolkit-mlsbom generate'][0]:.1f}x")


if __name__ == "__main__":
    main()
