"""Header-only inspection of real safetensors, GGUF, ONNX and pickle files written by their own tools."""

from __future__ import annotations

import hashlib
import json
import pickle
import struct
import time
from pathlib import Path

import gguf
import numpy as np
import pytest
from builders import (
    Payload,
    make_gguf,
    make_onnx,
    make_torch_zip,
    safetensors_claiming,
    state_dict_pickle,
    write_safetensors,
)
from conftest import FIXTURES
from huggingface_hub import parse_local_safetensors_file_metadata

from aibom.collect.source import FolderSource
from aibom.collect.weights import chat_template_code, inspect
from aibom.model import WeightInfo

LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)


# --- safetensors --------------------------------------------------------------------------------


def inspect_file(path: Path, rel: str) -> WeightInfo | None:
    """What `inspect` says of the file at `path` listed as `rel`, as a folder collector would see it."""
    return inspect(FolderSource({rel: path}), rel)


def test_safetensors_dtypes_counts_metadata(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "model.safetensors",
                            {"a": ("F32", [3, 4]), "b": ("BF16", [10]), "c": ("F32", [2])}, {"format": "pt"})
    info = inspect_file(path, "model.safetensors")
    assert info is not None and info.format == "safetensors"
    assert info.parameters == (("BF16", 10), ("F32", 14))
    assert info.parameter_count == 24
    meta = dict(info.metadata)
    assert meta["safetensors.metadata.format"] == "pt"
    assert meta["safetensors.tensors"] == "3"
    assert meta["safetensors.dtypes"] == "BF16,F32"
    assert info.risks == ()
    assert info.evidence.location == "model.safetensors#header" and info.evidence.method == "computed"


def test_agrees_with_huggingface_hub_on_the_fixture_models() -> None:
    files = sorted(FIXTURES.rglob("*.safetensors"))
    assert files
    for path in files:
        info = inspect_file(path, path.name)
        assert info is not None and info.risks == ()
        assert dict(info.parameters) == parse_local_safetensors_file_metadata(path).parameter_count


def test_scalar_tensor_counts_one(tmp_path: Path) -> None:
    info = inspect_file(write_safetensors(tmp_path / "s.safetensors", {"s": ("I64", [])}), "s.safetensors")
    assert info is not None and info.parameters == (("I64", 1),)


@pytest.mark.parametrize(("header", "why"), [
    ({"a": {"dtype": "F99", "shape": [1], "data_offsets": [0, 4]}}, "unknown dtype"),
    ({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, "shape"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, "does not fit"),
    ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, "gap"),
    ({"a": {"dtype": "F32", "shape": [1]}}, "dtype, shape, data_offsets"),
    ({"__metadata__": {"n": 1}}, "__metadata__"),
    ([1, 2], "not an object"),
])
def test_bad_tensor_entries_are_malformed(tmp_path: Path, header: object, why: str) -> None:
    raw = json.dumps(header).encode()
    path = tmp_path / "bad.safetensors"
    path.write_bytes(safetensors_claiming(len(raw), raw + bytes(8)))
    info = inspect_file(path, "bad.safetensors")
    assert info is not None and info.parameters == ()
    assert len(info.risks) == 1 and info.risks[0].startswith("malformed-header: ") and why in info.risks[0]
    assert dict(info.metadata)["header.error"] in info.risks[0]


def test_data_shorter_than_offsets_is_malformed(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "t.safetensors", {"a": ("F32", [4])})
    path.write_bytes(path.read_bytes()[:-4])
    info = inspect_file(path, "t.safetensors")
    assert info is not None and "cover 16 bytes but the file holds 12" in info.risks[0]


def test_non_weight_files_are_none(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    assert inspect_file(tmp_path / "config.json", "config.json") is None
    assert inspect_file(tmp_path / "config.json", "model.safetensors.index.json") is None


# --- GGUF ---------------------------------------------------------------------------------------


def test_gguf_metadata_and_parameters(tmp_path: Path) -> None:
    path = make_gguf(tmp_path / "tiny.Q8_0.gguf", chat_template=LLAMA3_TEMPLATE, base_models=(
        {"name": "Llama 3 8B", "organization": "Meta Llama", "repo_url": "https://huggingface.co/meta-llama/Meta-Llama-3-8B"},
    ))
    info = inspect_file(path, "tiny.Q8_0.gguf")
    assert info is not None and info.format == "gguf"
    assert info.parameters == (("F32", 17),)  # the writer's tensors: 3×4 + 5, no tensor data read
    meta = dict(info.metadata)
    assert meta["gguf.architecture"] == "llama"
    assert meta["gguf.name"] == "Tiny Llama"
    assert meta["gguf.license"] == "apache-2.0"
    assert meta["gguf.context_length"] == "4096"
    assert meta["gguf.file_type"] == "7"
    assert meta["gguf.quantization"] == "Q8_0"
    assert meta["gguf.quantized"] == "true"
    assert meta["gguf.base_model.count"] == "1"
    assert meta["gguf.base_model.0.repo_url"] == "https://huggingface.co/meta-llama/Meta-Llama-3-8B"
    assert meta["gguf.base_model.0.organization"] == "Meta Llama"
    assert meta["gguf.tensors"] == "2"
    assert meta["gguf.version"] == "3"
    assert meta["chat_template.sha256"] == hashlib.sha256(LLAMA3_TEMPLATE.encode()).hexdigest()
    assert meta["chat_template"] == LLAMA3_TEMPLATE
    assert not any(k.startswith("gguf.tokenizer") for k in meta)  # the token list is never recorded
    assert info.risks == ()


def test_gguf_large_vocabulary_is_skipped_not_built(tmp_path: Path) -> None:
    writer = gguf.GGUFWriter(str(tmp_path / "vocab.gguf"), "llama")
    writer.add_name("big vocab")
    writer.add_tags(["chat", "quantized"])
    writer.add_token_list([f"t{i}" for i in range(100_000)])
    writer.add_token_scores([0.0] * 100_000)
    writer.add_tensor("x", np.ones(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    start = time.monotonic()
    info = inspect_file(tmp_path / "vocab.gguf", "vocab.gguf")
    assert time.monotonic() - start < 5  # gguf.GGUFReader builds an array per token: seconds and hundreds of MB
    assert info is not None and info.parameters == (("F32", 4),) and info.risks == ()
    meta = dict(info.metadata)
    assert meta["gguf.name"] == "big vocab" and meta["gguf.tags"] == "chat,quantized"
    assert all("t99999" not in v for v in meta.values())


def test_gguf_without_file_type_uses_dominant_tensor_type(tmp_path: Path) -> None:
    info = inspect_file(make_gguf(tmp_path / "f.gguf", file_type=None), "f.gguf")
    assert info is not None
    meta = dict(info.metadata)
    assert meta["gguf.quantization"] == "F32" and meta["gguf.quantized"] == "false"
    assert "gguf.file_type" not in meta


def test_gguf_chat_template_with_code_is_flagged(tmp_path: Path) -> None:
    evil = "{{ ''.__class__.__mro__[1].__subclasses__() }}{% for m in messages %}{{ m.content }}{% endfor %}"
    info = inspect_file(make_gguf(tmp_path / "e.gguf", chat_template=evil), "e.gguf")
    assert info is not None
    assert info.risks == ("chat-template-code: dunder, mro, subclasses",)


@pytest.mark.parametrize(("template", "found"), [
    (LLAMA3_TEMPLATE, ()),
    ("{% set ns = namespace(system='') %}{{ ns.system }}", ()),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}",
     ("dunder", "os.", "popen", "cycler", "globals")),
    ("{{ joiner }}{{ lipsum }}", ("joiner", "lipsum")),
    ("{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", ("dunder", "attr-filter")),
    ("{% import 'x' as y %}{{ eval }}{{ exec }}", ("import", "eval", "exec")),
])
def test_chat_template_code(template: str, found: tuple[str, ...]) -> None:
    assert chat_template_code(template) == found


# --- ONNX ---------------------------------------------------------------------------------------


def test_onnx_producer_opset_metadata_parameters(tmp_path: Path) -> None:
    info = inspect_file(make_onnx(tmp_path / "m.onnx"), "m.onnx")
    assert info is not None and info.format == "onnx"
    assert info.parameters == (("FLOAT", 9),)
    meta = dict(info.metadata)
    assert meta["onnx.producer"] == "aibom-tests" and meta["onnx.producer_version"] == "1.0"
    assert meta["onnx.opset"] == "ai.onnx=17"
    assert meta["onnx.graph"] == "tiny-graph"
    assert meta["onnx.metadata.license"] == "mit"
    assert meta["onnx.initializers"] == "2" and meta["onnx.external_data"] == "0"
    assert int(meta["onnx.ir_version"]) >= 8


def test_onnx_external_data_is_not_loaded(tmp_path: Path) -> None:
    path = make_onnx(tmp_path / "ext.onnx", external=True)
    (tmp_path / "ext.onnx.data").unlink()  # loading it would fail: counts come from dims alone
    info = inspect_file(path, "ext.onnx")
    assert info is not None and info.parameters == (("FLOAT", 9),)
    assert dict(info.metadata)["onnx.external_data"] == "2"


# --- pickle -------------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", [2, 4])
def test_state_dict_pickle_is_risky_but_imports_allowlisted(tmp_path: Path, protocol: int) -> None:
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(state_dict_pickle(protocol))
    info = inspect_file(path, "pytorch_model.bin")
    assert info is not None and info.format == "pickle"
    assert info.risks == ("pickle-executable-on-load",)
    meta = dict(info.metadata)
    assert meta["pickle.imports"].split(",") == [
        "collections.OrderedDict", "torch.FloatStorage", "torch._utils._rebuild_tensor_v2"]
    assert meta["pickle.container"] == "raw" and meta["pickle.scan"] == "complete"
    assert info.evidence.location == "pytorch_model.bin#pickle-opcodes"


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_reduce_payload_is_listed_never_run(tmp_path: Path, protocol: int) -> None:
    marker = tmp_path / "PWNED"
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"w": Payload(marker)}, protocol=protocol))
    info = inspect_file(path, "model.pkl")
    assert not marker.exists()
    assert info is not None
    assert "pickle-dangerous-import: posix.system" in info.risks
    assert info.risks[0] == "pickle-executable-on-load"
    assert "posix.system" in dict(info.metadata)["pickle.imports"]


def test_torch_zip_archive_is_scanned(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    path = make_torch_zip(tmp_path / "model.pt", pickle.dumps(Payload(marker), protocol=2), code=True)
    info = inspect_file(path, "model.pt")
    assert not marker.exists()
    assert info is not None and dict(info.metadata)["pickle.container"] == "zip"
    assert info.risks == (
        "pickle-executable-on-load", "torchscript-code", "pickle-dangerous-import: posix.system")


def test_legacy_torch_sequence_of_pickles_is_scanned_past_the_first(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    path = tmp_path / "old.bin"
    path.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(1001, protocol=2)
                     + pickle.dumps({"w": Payload(marker)}, protocol=2) + b"\x00" * 64)
    info = inspect_file(path, "old.bin")
    assert info is not None and "pickle-dangerous-import: posix.system" in info.risks
    assert not marker.exists()


def test_stack_global_from_computed_strings_is_unresolved(tmp_path: Path) -> None:
    # STACK_GLOBAL whose module and name come from an empty tuple, not literal strings
    raw = b"\x80\x04" + b")" + b")" + b"\x93" + b"."
    path = tmp_path / "odd.pkl"
    path.write_bytes(raw)
    info = inspect_file(path, "odd.pkl")
    assert info is not None and "pickle-unresolved-import" in info.risks


def test_garbage_pickle_scan_stops_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "junk.pkl"
    path.write_bytes(b"\x80\x02\xff\xff\xff")
    info = inspect_file(path, "junk.pkl")
    assert info is not None and info.risks == ("pickle-executable-on-load", "pickle-scan-incomplete")
    assert dict(info.metadata)["pickle.scan"].startswith("stopped at byte")


def test_huge_length_claim_in_pickle_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "claim.pkl"
    path.write_bytes(b"\x80\x04\x8e" + struct.pack("<Q", 2**62) + b"abc")  # BINBYTES8 claiming 4 EiB
    info = inspect_file(path, "claim.pkl")
    assert info is not None and "stopped" in dict(info.metadata)["pickle.scan"]


def test_bin_that_is_not_a_pickle(tmp_path: Path) -> None:
    path = tmp_path / "vocab.bin"
    path.write_bytes(b"\x00\x01raw data")
    info = inspect_file(path, "vocab.bin")
    assert info is not None and info.format == "bin" and info.risks == ()


def test_opcode_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aibom.collect.weights.pickle.PICKLE_MAX_OPCODES", 10)
    path = tmp_path / "long.pkl"
    path.write_bytes(pickle.dumps(list(range(100)), protocol=2))
    info = inspect_file(path, "long.pkl")
    assert info is not None and dict(info.metadata)["pickle.scan"] == "stopped after 10 opcodes"
