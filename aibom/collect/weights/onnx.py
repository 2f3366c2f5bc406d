"""ONNX model headers: producer, opsets, doc string, metadata_props and initializer counts, streamed
from the protobuf (`protobuf.Reader`) without the ``onnx`` package: tensor data and graph nodes are
seeked over, so memory does not grow with the model, and external data is never opened.

Field numbers are ONNX's (``onnx.proto``): ModelProto, GraphProto, TensorProto, SparseTensorProto,
OperatorSetIdProto, StringStringEntryProto.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from aibom.budget import METADATA_MAX_VALUE, ONNX_MAX_DIMS, ONNX_MAX_STRING
from aibom.collect.weights.limits import Malformed, _short
from aibom.collect.weights.protobuf import LEN, VARINT, Field, Reader, signed

DATA_TYPES = (
    "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16",
    "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
    "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2", "FLOAT6E2M3",
    "FLOAT6E3M2",
)
"""TensorProto.DataType by number."""
EXTERNAL = 1
"""TensorProto.DataLocation EXTERNAL."""


def _onnx(fh: BinaryIO, size: int) -> dict[str, Any]:
    reader = Reader(fh, size)
    model: dict[str, str] = {}
    opsets: list[str] = []
    props: list[tuple[str, str]] = []
    graph = _Graph()
    for f in reader.fields(0, size):
        if f.number in (1, 5) and f.wire == VARINT:  # ir_version, model_version
            model["ir_version" if f.number == 1 else "model_version"] = str(signed(f.value) or "")
        elif f.number in (2, 3, 4, 6) and f.wire == LEN:
            key = {2: "producer", 3: "producer_version", 4: "domain", 6: "doc_string"}[f.number]
            model[key] = _text(reader, f)
        elif f.number == 8 and f.wire == LEN:
            opsets.append(_opset(reader, f))
        elif f.number == 14 and f.wire == LEN:
            props.append(_entry(reader, f))
        elif f.number == 7 and f.wire == LEN:
            graph = _graph(reader, f)
    if "ir_version" not in model:
        raise Malformed("not an ONNX model (no ir_version)")
    metadata = [
        *((f"onnx.{k}", _short(v)) for k, v in model.items()),
        ("onnx.opset", ",".join(opsets)),
        ("onnx.graph", graph.name),
        ("onnx.initializers", str(graph.initializers)),
        ("onnx.external_data", str(graph.external)),
        *((f"onnx.metadata.{k[:METADATA_MAX_VALUE]}", _short(v)) for k, v in props),
    ]
    return {"parameters": tuple(sorted(graph.counts.items())),
            "metadata": tuple(sorted((k, v) for k, v in metadata if v))}


class _Graph:
    def __init__(self) -> None:
        self.name = ""
        self.counts: dict[str, int] = {}
        self.initializers = 0
        self.external = 0


def _text(reader: Reader, f: Field) -> str:
    return reader.take(f.value, f.length, ONNX_MAX_STRING).decode("utf-8", errors="replace")


def _opset(reader: Reader, f: Field) -> str:
    domain, version = "", 0
    for g in reader.fields(f.value, f.value + f.length):
        if g.number == 1 and g.wire == LEN:
            domain = _text(reader, g)
        elif g.number == 2 and g.wire == VARINT:
            version = signed(g.value)
    return f"{domain or 'ai.onnx'}={version}"


def _entry(reader: Reader, f: Field) -> tuple[str, str]:
    key = value = ""
    for g in reader.fields(f.value, f.value + f.length):
        if g.number in (1, 2) and g.wire == LEN:
            text = _text(reader, g)
            key, value = (text, value) if g.number == 1 else (key, text)
    return key, value


def _graph(reader: Reader, f: Field) -> _Graph:
    graph = _Graph()
    for g in reader.fields(f.value, f.value + f.length):
        if g.number == 2 and g.wire == LEN:
            graph.name = _text(reader, g)
        elif g.number == 5 and g.wire == LEN:
            _count(graph, *_tensor(reader, g))
        elif g.number == 15 and g.wire == LEN:  # sparse initializer: its values tensor holds the parameters
            for h in reader.fields(g.value, g.value + g.length):
                if h.number == 1 and h.wire == LEN:
                    _count(graph, *_tensor(reader, h))
    return graph


def _count(graph: _Graph, dtype: str, elements: int, external: bool) -> None:
    graph.counts[dtype] = graph.counts.get(dtype, 0) + elements
    graph.initializers += 1
    graph.external += external


def _tensor(reader: Reader, f: Field) -> tuple[str, int, bool]:
    """(data type name, element count, stored externally) of one TensorProto; its data is skipped."""
    dims: list[int] = []
    dtype, location = 0, 0
    for g in reader.fields(f.value, f.value + f.length):
        if g.number == 1 and g.wire == VARINT:
            dims.append(signed(g.value))
        elif g.number == 1 and g.wire == LEN:
            dims += [signed(v) for v in reader.packed_varints(g, ONNX_MAX_DIMS)]
        elif g.number == 2 and g.wire == VARINT:
            dtype = g.value
        elif g.number == 14 and g.wire == VARINT:
            location = g.value
        if len(dims) > ONNX_MAX_DIMS:
            raise Malformed(f"ONNX tensor at byte {f.value} has more than {ONNX_MAX_DIMS} dimensions")
    elements = 1
    for d in dims:
        if d < 0:
            raise Malformed(f"ONNX tensor at byte {f.value} has a negative dimension {d}")
        elements *= d
        if elements >= 1 << 63:
            raise Malformed(f"ONNX tensor at byte {f.value} claims more than 2**63 elements")
    name = DATA_TYPES[dtype] if dtype < len(DATA_TYPES) else f"TYPE{dtype}"
    return name, elements, location == EXTERNAL
