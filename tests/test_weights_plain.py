"""GGUF and ONNX headers in a plain install: no gguf or onnx package imported by aibom, memory that does
not grow with the model, and any bytes at all answered with a WeightInfo (never an exception)."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import gguf
import numpy as np
import onnx
import pytest
from builders import make_gguf, make_onnx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from aibom.collect.source import FolderSource
from aibom.collect.weights import inspect
from aibom.collect.weights.gguf_types import FILE_TYPES, TENSOR_TYPES, VALUE_TYPES
from aibom.model import WeightInfo


def inspect_file(path: Path, rel: str) -> WeightInfo:
    info = inspect(FolderSource({rel: path}), rel)
    assert info is not None
    return info


def test_gguf_type_tables_agree_with_the_gguf_package() -> None:
    assert {t.value: t.name for t in gguf.GGUFValueType} == VALUE_TYPES
    assert {k: v[0] for k, v in TENSOR_TYPES.items()} == {t.value: t.name for t in gguf.GGMLQuantizationType}
    assert {k: v[1:] for k, v in TENSOR_TYPES.items()} == {
        t.value: gguf.GGML_QUANT_SIZES[t] for t in gguf.GGMLQuantizationType}
    names = {t.value: t.name.removeprefix("MOSTLY_").removeprefix("ALL_") for t in gguf.LlamaFileType}
    assert {k: v for k, v in names.items() if v != "GUESSED"} == FILE_TYPES
    assert FILE_TYPES[15] == "Q4_K_M"


def test_gguf_and_onnx_are_read_without_their_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    g = make_gguf(tmp_path / "m.gguf", file_type=15)
    o = make_onnx(tmp_path / "m.onnx", props={"license": "mit", "author": "tests"}, doc_string="A tiny graph.")
    for blocked in ("gguf", "onnx", "google.protobuf", "numpy"):
        monkeypatch.setitem(sys.modules, blocked, None)
    info = inspect_file(g, "m.gguf")
    meta = dict(info.metadata)
    assert info.parameters == (("F32", 17),)
    assert (meta["gguf.quantization"], meta["gguf.file_type"], meta["gguf.name"]) == ("Q4_K_M", "15", "Tiny Llama")
    info = inspect_file(o, "m.onnx")
    meta = dict(info.metadata)
    assert info.parameters == (("FLOAT", 9),)
    assert meta["onnx.producer"] == "aibom-tests" and meta["onnx.opset"] == "ai.onnx=17"
    assert meta["onnx.metadata.license"] == "mit" and meta["onnx.doc_string"] == "A tiny graph."
    assert meta["onnx.graph"] == "tiny-graph" and meta["onnx.initializers"] == "2"


def test_onnx_reader_agrees_with_onnx_on_sparse_int8_and_packed_dims(tmp_path: Path) -> None:
    dense = numpy_helper.from_array(np.zeros((4, 5, 6), dtype=np.int8), "D")
    values = numpy_helper.from_array(np.ones(3, dtype=np.float16), "V")
    indices = numpy_helper.from_array(np.array([0, 4, 9], dtype=np.int64), "I")
    sparse = helper.make_sparse_tensor(values, indices, [10])
    graph = helper.make_graph([], "g", [], [helper.make_tensor_value_info("D", TensorProto.INT8, [4, 5, 6])],
                              [dense], sparse_initializer=[sparse])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.x", 2)])
    model.model_version = 7
    path = tmp_path / "s.onnx"
    onnx.save_model(model, str(path))
    info = inspect_file(path, "s.onnx")
    assert dict(info.parameters) == {"INT8": 120, "FLOAT16": 3}
    meta = dict(info.metadata)
    assert meta["onnx.opset"] == "ai.onnx=18,com.x=2" and meta["onnx.model_version"] == "7"
    assert meta["onnx.ir_version"] == str(model.ir_version)


@pytest.mark.slow
def test_onnx_memory_does_not_grow_with_the_model(tmp_path: Path) -> None:
    big = numpy_helper.from_array(np.zeros((64, 1024, 1024), dtype=np.uint8), "W")  # 64 MiB inline
    graph = helper.make_graph([], "big", [], [helper.make_tensor_value_info("W", TensorProto.UINT8, [1])], [big])
    path = tmp_path / "big.onnx"
    onnx.save_model(helper.make_model(graph), str(path))
    del big, graph
    tracemalloc.start()
    info = inspect_file(path, "big.onnx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert info.parameters == (("UINT8", 64 << 20),)
    assert peak < 2 << 20  # one 64 KiB buffer and the header's strings, not the 64 MiB of data


def _any(path: Path, data: bytes) -> WeightInfo:
    path.write_bytes(data)
    return inspect_file(path, path.name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=512))
def test_any_bytes_as_onnx_give_a_weight_info(tmp_path: Path, data: bytes) -> None:
    info = _any(tmp_path / "x.onnx", data)
    assert info.format == "onnx"
    assert info.parameters == () or not info.risks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=400), flips=st.lists(st.tuples(st.integers(0, 399), st.integers(0, 255)),
                                                                   max_size=6))
def test_damaged_real_onnx_and_gguf_give_a_weight_info(tmp_path: Path, cut: int, flips: list[tuple[int, int]]) -> None:
    for name, make in (("r.onnx", make_onnx), ("r.gguf", make_gguf)):
        real = bytearray(make(tmp_path / ("src-" + name)).read_bytes())
        for at, value in flips:
            if at < len(real):
                real[at] = value
        info = _any(tmp_path / name, bytes(real[: len(real) - cut]))
        assert all(r.startswith("malformed-header: ") for r in info.risks if "chat-template" not in r)


def test_onnx_garbage_is_a_malformed_header(tmp_path: Path) -> None:
    info = _any(tmp_path / "g.onnx", b"\xff" * 100)
    assert info.parameters == () and info.risks[0].startswith("malformed-header: protobuf varint longer than")
    info = _any(tmp_path / "e.onnx", b"")
    assert info.risks[0] == "malformed-header: not an ONNX model (no ir_version)"
