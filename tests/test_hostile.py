"""Hostile inputs, through the real `aibom generate`: each gives a clear result (a risk or unknown with
evidence in a valid BOM, or exit 2 with one line), never a traceback, in bounded time and memory.

Every file is generated here in a temporary folder; big files are sparse.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import Payload, make_gguf, make_torch_zip, safetensors_claiming, write_safetensors
from conftest import files_of, model_of

from aibom.collect.local import collect_folder
from aibom.collect.options import CollectOptions
from aibom.emit.validate import problems

TIME_LIMIT = 120.0
RSS_LIMIT_KIB = 300 * 1024


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_kib: int


# Linux carries a process's peak RSS across exec, and a child spawned straight from pytest starts from
# pytest's own (hundreds of MB late in a full run). So a small Python process spawns the CLI and reports
# the CLI's peak RSS from wait4: the CLI then starts from that small process's footprint.
MEASURE = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "child.returncode = os.waitstatus_to_exitcode(status)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(child.returncode)\n"
)


def aibom(*args: str, prefix: tuple[str, ...] = (), rss_limit_kib: int = RSS_LIMIT_KIB) -> Run:
    """Run the real CLI in a grandchild; its own peak RSS comes from wait4, its output from temp files."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", MEASURE, rss.name, *prefix, sys.executable, "-m", "aibom",
                               *args], stdin=subprocess.DEVNULL, stdout=out, stderr=err, check=False)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        run = Run(proc.returncode, out.read().decode(), err.read().decode(), seconds, int(rss.read() or 0))
    assert "Traceback" not in run.stderr, run.stderr
    assert run.seconds < TIME_LIMIT
    assert run.rss_kib < rss_limit_kib, f"peak RSS {run.rss_kib} KiB"
    return run


def model_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Hostile\n")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2, 2])})
    return folder


def generate_ok(folder: Path) -> dict[str, object]:
    run = aibom("generate", str(folder), "--reproducible")
    assert run.code == 0, run.stderr
    assert problems(run.stdout) == []
    return json.loads(run.stdout)


def file_props(bom: dict[str, object], name: str) -> list[tuple[str, str]]:
    (component,) = [c for c in files_of(bom) if c["name"] == name]  # type: ignore[index]
    return [(p["name"], p["value"]) for p in component["properties"]]


def risks(bom: dict[str, object], name: str) -> list[str]:
    return [v for k, v in file_props(bom, name) if k == "aibom:risk"]


def exit_2(folder: Path, *, prefix: tuple[str, ...] = ()) -> str:
    run = aibom("generate", str(folder), "--reproducible", prefix=prefix)
    assert run.code == 2, (run.code, run.stderr)
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith("aibom: error: ") and len(lines) <= 2
    return lines[0]


# --- safetensors headers ------------------------------------------------------------------------


def test_truncated_safetensors_headers(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "short.safetensors").write_bytes(b"\x10\x00\x00")
    (folder / "cut.safetensors").write_bytes(safetensors_claiming(64, b'{"w": {"dtype": "F32"'))
    bom = generate_ok(folder)
    assert risks(bom, "short.safetensors") == [
        "malformed-header: file is 3 bytes, shorter than the 8-byte header length"]
    assert risks(bom, "cut.safetensors") == [
        "malformed-header: header claims 64 bytes but the file has only 21 after the length"]
    assert risks(bom, "model.safetensors") == []


def test_oversized_header_claims(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "more.safetensors").write_bytes(safetensors_claiming(10_000, b"{}" + bytes(98)))
    capped = folder / "capped.safetensors"  # a sparse 30 MB file whose header claims 25 MB + 1
    with capped.open("wb") as fh:
        fh.write(safetensors_claiming(25_000_001, b"{"))
        fh.truncate(30_000_000)
    (folder / "huge.safetensors").write_bytes(safetensors_claiming(2**63, b"{}"))
    bom = generate_ok(folder)
    assert risks(bom, "more.safetensors") == [
        "malformed-header: header claims 10000 bytes but the file has only 100 after the length"]
    assert risks(bom, "capped.safetensors") == [
        "malformed-header: header claims 25000001 bytes, above the 25000000-byte cap"]
    assert risks(bom, "huge.safetensors") == [
        f"malformed-header: header claims {2**63} bytes but the file has only 2 after the length"]


@pytest.mark.slow
def test_header_at_the_cap_stays_inside_the_memory_budget(tmp_path: Path) -> None:
    """Just under 25 MB of the smallest tensor entries: about 370,000 tensors, all checked."""
    folder = model_folder(tmp_path)
    entries, size = [], 2
    while size < 24_900_000:
        i = len(entries)
        entries.append(f'"t{i}":{{"dtype":"U8","shape":[1],"data_offsets":[{i},{i + 1}]}}')
        size += len(entries[-1]) + 1
    raw = ("{" + ",".join(entries) + "}").encode()
    (folder / "many.safetensors").write_bytes(safetensors_claiming(len(raw), raw + bytes(len(entries))))
    bom = generate_ok(folder)  # generate_ok's child stays under RSS_LIMIT_KIB
    assert risks(bom, "many.safetensors") == []
    assert ("aibom:weights:parameters:U8", str(len(entries))) in file_props(bom, "many.safetensors")


def test_non_json_header(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "text.safetensors").write_bytes(safetensors_claiming(8, b"\xffnot-js\x00"))
    (folder / "array.safetensors").write_bytes(safetensors_claiming(2, b"[]"))
    bom = generate_ok(folder)
    assert risks(bom, "text.safetensors") == [
        "malformed-header: header is not JSON (UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: "
        "invalid start byte)"]
    assert risks(bom, "array.safetensors") == ["malformed-header: header is JSON list, not an object"]
    props = dict(file_props(bom, "text.safetensors"))
    assert props["aibom:weights:evidence"] == "computed|local|text.safetensors#header"


# --- GGUF ---------------------------------------------------------------------------------------


def test_truncated_gguf_in_a_folder_and_alone(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    whole = make_gguf(tmp_path / "whole.gguf").read_bytes()
    for cut in (10, 30, 100, len(whole) - 60):
        (folder / f"cut{cut}.gguf").write_bytes(whole[:cut])
    bom = generate_ok(folder)
    assert risks(bom, "cut10.gguf") == ["malformed-header: not a GGUF file (no GGUF magic and 24-byte header)"]
    assert risks(bom, "cut30.gguf") == ["malformed-header: GGUF file is truncated: 8 bytes needed at byte 24 of 30"]
    (risk,) = risks(bom, "cut100.gguf")
    assert risk.startswith("malformed-header: GGUF file is truncated: ")
    (risk,) = risks(bom, f"cut{len(whole) - 60}.gguf")
    assert risk.startswith("malformed-header: GGUF tensor data is truncated: needs ")
    alone = tmp_path / "alone.gguf"
    alone.write_bytes(whole[:100])
    bom = generate_ok(alone)
    unknowns = [p["value"] for p in model_of(bom)["properties"] if p["name"] == "aibom:unknown"]
    assert any(u.startswith("model|parameters|alone.gguf: header unreadable: GGUF file is truncated")
               for u in unknowns)


def test_gguf_claiming_absurd_counts(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "claims.gguf").write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 2**62, 2**62) + bytes(64))
    assert risks(generate_ok(folder), "claims.gguf") == [
        f"malformed-header: GGUF header claims {2**62} tensors and {2**62} keys, above the caps"]


# --- pickle -------------------------------------------------------------------------------------


def test_reduce_payload_never_runs_and_is_listed(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    marker = tmp_path / "PWNED"
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps({"w": Payload(marker)}, protocol=4))
    make_torch_zip(folder / "model.pt", pickle.dumps(Payload(marker), protocol=2))
    bom = generate_ok(folder)
    assert not marker.exists()
    for name in ("pytorch_model.bin", "model.pt"):
        assert risks(bom, name) == ["pickle-dangerous-import: posix.system", "pickle-executable-on-load"]
        assert ("aibom:weights:metadata", "pickle.imports|posix.system") in file_props(bom, name)


# --- the folder itself --------------------------------------------------------------------------


def test_symlink_loop(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "loop").symlink_to(folder)
    assert "symlink loop" in exit_2(folder)
    (folder / "loop").unlink()
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    assert "symlink loop" in exit_2(folder)


def test_symlink_leaving_the_folder(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    secret = tmp_path / "outside.txt"
    secret.write_text("not part of the model")
    (folder / "escape.txt").symlink_to(secret)
    message = exit_2(folder)
    assert "escape.txt" in message and "outside" in message


def test_dangling_symlink(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "gone.safetensors").symlink_to(folder / "never-there.safetensors")
    assert "gone.safetensors" in exit_2(folder)


def test_fifo_does_not_block(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    os.mkfifo(folder / "model-00002-of-00002.safetensors")
    assert "not a regular file" in exit_2(folder)


def test_100_mb_readme_is_bounded(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    with (folder / "README.md").open("wb") as fh:  # real front matter, then 100 MB of sparse zeros
        fh.write(b"---\nlicense: mit\n---\n# Big card\n")
        fh.truncate(100 * 1024 * 1024)
    run = aibom("generate", str(folder), "--reproducible")
    assert run.code == 0, run.stderr
    assert problems(run.stdout) == []
    doc = json.loads(run.stdout)
    model = model_of(doc)
    assert model["licenses"] == [{"license": {"id": "MIT"}}]
    (readme,) = [c for c in files_of(doc) if c["name"] == "README.md"]
    assert {"name": "aibom:file:size", "value": str(100 * 1024 * 1024)} in readme["properties"]


@pytest.mark.slow
def test_100k_tiny_files_collect_in_bounded_time(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    start = time.monotonic()
    for d in range(100):
        sub = folder / f"shard{d:03d}"
        sub.mkdir()
        for f in range(1000):
            (sub / f"f{f:04d}.txt").write_bytes(b"x")
    made = time.monotonic()
    prov = collect_folder(folder, CollectOptions())
    collected = time.monotonic() - made
    print(f"\n100,000 tiny files: made in {made - start:.1f} s, walked+hashed+inspected in {collected:.1f} s")
    assert len(prov.files) == 100_002
    assert prov.files[-1].sha256 == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert collected < 60
    out = tmp_path / "bom.json"
    run = aibom("generate", str(folder), "--reproducible", "-o", str(out), rss_limit_kib=1024 * 1024)
    print(f"generate (collect, emit, validate, write): {run.seconds:.1f} s, peak RSS {run.rss_kib // 1024} MB")
    assert run.code == 0, run.stderr
    files = files_of(json.loads(out.read_text()))
    assert len(files) == 100_002 and files[-1]["name"] == "shard099/f0999.txt"
