"""Hostile input held to the promise: one clear line and exit 2 (or an unknown with evidence),
never a traceback, nothing that blocks or grows without bound. Each case is a class of the
adversarial corpus, written here."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import write_safetensors
from hypothesis import given
from hypothesis import strategies as st

from aibom import api, strict_json
from aibom.collect.cards import parse_model_card
from aibom.emit.validate import problems
from aibom.errors import InputError


def aibom(*args: str, timeout: float = 60, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aibom", *args], capture_output=True, text=True,
                          timeout=timeout, **kw)  # type: ignore[call-overload]


def one_line_error(run: subprocess.CompletedProcess[str], code: int) -> str:
    assert run.returncode == code, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr
    return run.stderr


@pytest.mark.parametrize("value", ["1" * 5000, "NaN", "Infinity", '"\\ud800"', "[" * 100_000 + "]" * 100_000])
def test_config_json_the_interpreter_cannot_hold_is_an_unknown(tmp_path: Path, value: str) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text("---\nlicense: mit\n---\n# m-1\n")
    (root / "config.json").write_text('{"model_type": "llama", "max_position_embeddings": ' + value + "}")
    prov = api.collect(str(root))
    reasons = [u.reason for u in prov.unknowns if u.field == "config"]
    assert reasons and reasons[0].startswith("config.json is not valid JSON")


def test_a_safetensors_header_with_a_lone_surrogate_is_a_malformed_header(tmp_path: Path) -> None:
    header = b'{"__metadata__": {"x": "\\udc80"}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}'
    path = tmp_path / "m" / "model.safetensors"
    path.parent.mkdir()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    (f,) = api.collect(str(path.parent)).files
    assert f.weights is not None and f.weights.risks[0].startswith("malformed-header: header is not JSON")
    assert "surrogate" in f.weights.risks[0]


def test_a_bom_with_a_lone_surrogate_or_a_huge_integer_is_invalid_and_refused(tmp_path: Path) -> None:
    text = api.generate("fixtures/models/tiny-llama-ft", reproducible=True).text
    surrogate = text.replace('"tiny-llama-ft"', '"\\ud83d"', 1)
    for bad in (surrogate, text.replace('"version": 1', '"version": ' + "9" * 5000, 1)):
        assert problems(bad) and problems(bad)[0].startswith("not JSON")
        path = tmp_path / "bad.json"
        path.write_text(bad)
        one_line_error(aibom("score", str(path)), 2)


def test_an_impossible_date_in_a_card_stays_text() -> None:
    info = parse_model_card("---\nlicense: mit\nreleased: 2023-02-30\n---\n# m-1\n", collector="t")
    assert [lic.spdx for lic in info.licenses] == ["MIT"]
    assert not [u for u in info.unknowns if u.field == "front-matter"]


def test_yaml_aliases_in_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "aibom.yaml"
    path.write_text("a: &a [x, x]\nmodel: {name: m, license: *a}\n")
    with pytest.raises(InputError, match="aliases"):
        api.collect(str(path))


def test_dev_zero_as_a_bom_or_declarations_is_refused_at_once(tmp_path: Path) -> None:
    start = time.monotonic()
    with open("/dev/zero", "rb") as zero:  # standard input without end: read up to the cap, then refused
        assert "standard input holds more than" in one_line_error(aibom("score", "-", stdin=zero), 2)
    assert "is not a regular file" in one_line_error(
        aibom("generate", "fixtures/models/tiny-llama-ft", "--declarations", "/dev/zero"), 2)
    assert time.monotonic() - start < 30


def test_a_fifo_without_a_writer_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "bom.json"
    os.mkfifo(fifo)
    start = time.monotonic()
    err = one_line_error(aibom("score", str(fifo), timeout=20), 2)
    assert "is not a regular file" in err and time.monotonic() - start < 20
    err = one_line_error(aibom("validate", str(fifo), timeout=20), 2)
    assert "is not a regular file" in err


@pytest.mark.parametrize("depth", [700, 5000])
def test_deeply_nested_components_are_one_problem(depth: int) -> None:
    text = api.generate("fixtures/models/tiny-llama-ft", reproducible=True).text
    nested = '{"type": "file", "name": "x", "components": [' * depth + '{"type": "file", "name": "y"}' + "]}" * depth
    found = problems(text.replace('"components": [', '"components": [' + nested + ",", 1))
    assert found and len(found) <= 3
    assert any("too deeply" in p for p in found) or all(p.startswith("$") for p in found)


def test_credentials_in_the_hub_endpoint_are_never_printed(tmp_path: Path) -> None:
    run = aibom("generate", "hf://org/name", env={**os.environ, "HF_ENDPOINT": "http://user:s3cret@127.0.0.1:9"})
    err = one_line_error(run, 3)
    assert "s3cret" not in err and "user:" not in err and "http://127.0.0.1:9" in err


@given(st.text(max_size=200))
def test_strict_json_gives_a_value_or_a_value_error(text: str) -> None:
    try:
        value = strict_json.loads(text)
    except ValueError:
        return
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # whatever it returns can be written back


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(), lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                                       max_size=3), max_leaves=20))
def test_strict_json_reads_every_json_a_producer_writes(value: object) -> None:
    assert strict_json.loads(json.dumps(value)) == value


def test_a_safetensors_file_still_reads(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    path = write_safetensors(tmp_path / "m" / "model.safetensors", {"w": ("F32", [2, 3])})
    (f,) = api.collect(str(path.parent)).files
    assert f.weights is not None and f.weights.parameters == (("F32", 6),)


CRAFTED_CARDS = {
    "unclosed comments": "# m\n" + "<!-- x " * 60_000,
    "brackets in a heading": "# " + "[" * 200_000,
    "closing hashes in a heading": "# " + " #" * 100_000 + "x",
    "links on one line": "# m\n" + "[a](https://x.org/a) " * 30_000,
    "a label of stars": "# m\n\n**" + "a" * 200_000,
    "headings": "".join(f"## Training data {i}\ntext\n" for i in range(20_000)),
}


@pytest.mark.parametrize("name", sorted(CRAFTED_CARDS))
def test_card_patterns_run_in_linear_time(name: str) -> None:
    text = "---\nlicense: mit\n---\n" + CRAFTED_CARDS[name] + "\n"
    start = time.monotonic()
    parse_model_card(text, collector="t")
    assert time.monotonic() - start < 3, name  # each was 2–10 s at a tenth of this size before


def _su(text: str) -> bytes:
    """SHORT_BINUNICODE: push a string."""
    return b"\x8c" + bytes([len(text)]) + text.encode()


CALL_AND_STOP = b")R."  # EMPTY_TUPLE, REDUCE (call the global), STOP
EVASIONS = {
    # decoy strings popped off: STACK_GLOBAL takes what is under them
    "pop": _su("os") + _su("system") + _su("collections") + _su("OrderedDict") + b"00\x93" + CALL_AND_STOP,
    # decoys above a mark, dropped by POP_MARK
    "pop-mark": _su("os") + _su("system") + b"(" + _su("collections") + _su("OrderedDict") + b"1\x93" + CALL_AND_STOP,
    # the real names memoized, decoys pushed, the real names fetched back
    "memo": _su("posix") + b"q\x00" + _su("system") + b"q\x01" + b"00" + _su("collections") + _su("OrderedDict")
    + b"00h\x00h\x01\x93" + CALL_AND_STOP,
    # DUP and a decoy: the names STACK_GLOBAL sees are "builtins" "eval"
    "dup": _su("builtins") + _su("eval") + b"2" + b"0" + b"\x93" + CALL_AND_STOP,
}


@pytest.mark.parametrize("case", sorted(EVASIONS))
def test_the_pickle_scanner_follows_the_stack_as_the_unpickler_does(tmp_path: Path, case: str) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "pytorch_model.bin").write_bytes(b"\x80\x04" + EVASIONS[case])
    (f,) = api.collect(str(root)).files
    risks = f.weights.risks  # type: ignore[union-attr]
    dangerous = [r for r in risks if r.startswith("pickle-dangerous-import: ")]
    assert dangerous and "collections.OrderedDict" not in " ".join(dangerous), risks
    assert any(name in dangerous[0] for name in ("os.system", "posix.system", "builtins.eval")), risks


def test_a_pickle_whose_imports_cannot_be_followed_is_a_risk_never_a_pass(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    # STACK_GLOBAL with an empty stack: no unpickler would run it, and nobody can say what it imports
    (root / "pytorch_model.bin").write_bytes(b"\x80\x04\x93" + CALL_AND_STOP)
    (f,) = api.collect(str(root)).files
    assert {"pickle-unresolved-import", "pickle-scan-incomplete"} <= set(f.weights.risks)  # type: ignore[union-attr]


class _Payload:
    """Pickles as a call of os.system; nothing here ever unpickles it."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, ("echo never",)


@pytest.mark.parametrize("name", ["model.pickle", "model.joblib", "model.dill", "weights.data", "blob"])
def test_a_pickle_under_any_name_is_scanned(tmp_path: Path, name: str) -> None:
    import pickle

    root = tmp_path / "m"
    root.mkdir()
    (root / name).write_bytes(pickle.dumps(_Payload(), protocol=4))
    (f,) = api.collect(str(root)).files
    assert f.weights is not None and f.weights.format == "pickle"
    assert any(r.startswith("pickle-dangerous-import: ") and "system" in r for r in f.weights.risks)


def test_numpy_object_arrays_are_scanned_and_plain_arrays_are_not_risks(tmp_path: Path) -> None:
    import numpy as np

    root = tmp_path / "m"
    root.mkdir()
    np.save(root / "plain.npy", np.zeros((2, 3), dtype=np.float32))
    np.save(root / "objects.npy", np.array([_Payload()], dtype=object), allow_pickle=True)
    np.savez(root / "bundle.npz", a=np.zeros(3), b=np.array([_Payload()], dtype=object))
    files = {f.path: f.weights for f in api.collect(str(root)).files}
    assert files["plain.npy"] is not None and files["plain.npy"].risks == ()
    for name in ("objects.npy", "bundle.npz"):
        risks = files[name].risks  # type: ignore[union-attr]
        assert "pickle-executable-on-load" in risks and any("system" in r for r in risks), (name, risks)


def test_a_plain_zip_or_text_file_is_not_taken_for_a_pickle(tmp_path: Path) -> None:
    import zipfile

    root = tmp_path / "m"
    root.mkdir()
    with zipfile.ZipFile(root / "assets.zip", "w") as z:
        z.writestr("a.txt", "hello")
    (root / "notes").write_text("plain text")
    assert all(f.weights is None for f in api.collect(str(root)).files)


def test_closed_stdout_is_exit_3_and_a_reader_that_leaves_is_not_an_error(tmp_path: Path) -> None:
    closed = subprocess.run([sys.executable, "-m", "aibom", "generate", "fixtures/models/tiny-llama-ft"],
                            stdout=subprocess.DEVNULL, capture_output=False, stderr=subprocess.PIPE, text=True,
                            timeout=120, preexec_fn=lambda: os.close(1))
    assert closed.returncode == 3 and "standard output is closed" in closed.stderr
    assert "Traceback" not in closed.stderr
    out = tmp_path / "bom.json"
    with_file = subprocess.run([sys.executable, "-m", "aibom", "generate", "fixtures/models/tiny-llama-ft",
                                "-o", str(out)], stderr=subprocess.PIPE, text=True, timeout=120,
                               preexec_fn=lambda: os.close(1))
    assert with_file.returncode == 0 and out.stat().st_size > 0
    head = subprocess.run(f"{sys.executable} -m aibom generate fixtures/models/tiny-llama-ft | head -c 5",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert head.stdout == '{\n  "' and head.stderr == ""


def test_long_gguf_strings_are_skipped_not_kept(tmp_path: Path) -> None:
    import gguf

    path = tmp_path / "m" / "big.gguf"
    path.parent.mkdir()
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("Acme")
    for i in range(8):
        writer.add_string(f"general.note{i}", "x" * (1 << 20))  # 8 strings of 1 MiB
    import numpy as np

    writer.add_tensor("w", np.ones(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    import tracemalloc

    tracemalloc.start()
    (f,) = api.collect(str(path.parent)).files
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    meta = dict(f.weights.metadata)  # type: ignore[union-attr]
    assert meta["gguf.name"] == "Acme" and not [k for k in meta if k.startswith("gguf.note")]
    assert f.weights.parameters == (("F32", 4),)  # type: ignore[union-attr]
    assert peak < 4 << 20  # the skipped strings were never held


@pytest.mark.slow
def test_a_deflate_bomb_in_a_torch_zip_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    import zipfile

    root = tmp_path / "m"
    root.mkdir()
    with zipfile.ZipFile(root / "pytorch_model.bin", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(4):
            z.writestr(f"archive/data{i}.pkl", b"\x80\x02" + b"\x00" * (100 << 20))  # 4 × 100 MiB of zeros
    start = time.monotonic()
    (f,) = api.collect(str(root)).files
    assert time.monotonic() - start < 20
    assert "pickle-scan-incomplete" in f.weights.risks  # type: ignore[union-attr]


HEADER_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(
        st.sampled_from(["dtype", "shape", "data_offsets", "__metadata__", "w", "x"]), c, max_size=4),
    max_leaves=25)


@given(st.dictionaries(st.text(max_size=6), HEADER_VALUES, max_size=5))
def test_any_safetensors_header_json_gives_counts_or_a_malformed_header(header: dict) -> None:
    import io

    from aibom.collect.weights.limits import Malformed
    from aibom.collect.weights.safetensors import _safetensors

    raw = json.dumps(header).encode()
    data = struct.pack("<Q", len(raw)) + raw + b"\0" * 64
    try:
        found = _safetensors(io.BytesIO(data), len(data))
    except Malformed as exc:
        assert "\n" not in str(exc)
    else:
        assert all(isinstance(n, int) and n >= 0 for _, n in found["parameters"])


@pytest.mark.parametrize("shape", [[1] * 100_000, [10**18] * 60_000, [2**62] * 3])
def test_tensor_shapes_are_bounded_in_dimensions_and_elements(tmp_path: Path, shape: list[int]) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": shape, "data_offsets": [0, 4]}}).encode()
    path = tmp_path / "m" / "model.safetensors"
    path.parent.mkdir()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    start = time.monotonic()
    (f,) = api.collect(str(path.parent)).files
    assert time.monotonic() - start < 5
    assert f.weights is not None and f.weights.risks[0].startswith("malformed-header: tensor 'w' has a shape")


def test_the_readme_states_the_budget_the_code_enforces() -> None:
    from aibom.budget import TABLE

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("| input | bound |")
    table = readme[start:readme.index("\n\n", start)].splitlines()[2:]
    assert table == [f"| {what} | {bound} |" for what, bound in TABLE]


def _peak_collect(root: Path) -> tuple[float, int, str]:
    """Seconds, peak RSS in MB (the child's own VmHWM) and risks of collecting `root` in a fresh process."""
    code = ("import sys; from aibom import api\n"
            "risks = [r for f in api.collect(sys.argv[1]).files if f.weights for r in f.weights.risks]\n"
            "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(peak, ' '.join(risks))")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    peak, _, risks = done.stdout.strip().partition(" ")
    return time.monotonic() - start, int(peak) // 1024, risks


def test_memoized_long_strings_never_pile_up(tmp_path: Path) -> None:
    """A 16 MiB string memoized once, then fetched as module and name of 5,000 imports: each import
    would be a new 32 MiB string; long strings are kept as a marker, so the import is unresolved."""
    long = b"X" * (16 << 20)
    body = b"\x8d" + len(long).to_bytes(8, "little") + long + b"\x94"  # BINUNICODE8, MEMOIZE
    body += b"h\x00h\x00\x930" * 5000 + b"N."  # BINGET 0 twice, STACK_GLOBAL, POP; None, STOP
    root = tmp_path / "m"
    root.mkdir()
    (root / "model.pkl").write_bytes(b"\x80\x04" + body)
    took, peak, risks = _peak_collect(root)
    assert "pickle-unresolved-import" in risks and took < 20 and peak < 300, (took, peak, risks)


def test_many_distinct_imports_stop_the_scan_and_say_so(tmp_path: Path) -> None:
    body = b"".join(b"c" + f"m{i}\nf\n".encode() + b"0" for i in range(20_000)) + b"N."  # GLOBAL, POP
    root = tmp_path / "m"
    root.mkdir()
    (root / "model.pkl").write_bytes(b"\x80\x02" + body)
    (f,) = api.collect(str(root)).files
    assert {"pickle-scan-incomplete", "pickle-unresolved-import"} <= set(f.weights.risks)  # type: ignore[union-attr]
    assert len([r for r in f.weights.risks if "dangerous-import" in r]) == 10_000  # type: ignore[union-attr]


def test_a_zip_of_large_valid_pickles_is_scanned_in_bounded_memory(tmp_path: Path) -> None:
    import zipfile

    pickle = b"\x80\x02" + b"(" + b"N" * (100 << 20) + b"t."  # MARK, 100 Mi × None, TUPLE: valid opcodes
    root = tmp_path / "m"
    root.mkdir()
    with zipfile.ZipFile(root / "pytorch_model.bin", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(3):
            z.writestr(f"archive/data{i}.pkl", pickle)
    took, peak, risks = _peak_collect(root)
    assert "pickle-scan-incomplete" in risks and took < 20 and peak < 300, (took, peak, risks)
