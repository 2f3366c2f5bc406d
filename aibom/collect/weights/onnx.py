"""ONNX model headers: producer, opsets, metadata_props and initializer counts, never external data."""

from __future__ import annotations

import math
from typing import Any, BinaryIO

from aibom.collect.weights.limits import ONNX_MAX_BYTES, Malformed, _missing_extra, _short


def _onnx(fh: BinaryIO, size: int) -> dict[str, Any]:
    if size > ONNX_MAX_BYTES:
        raise Malformed(f"ONNX protobuf of {size} bytes is above the {ONNX_MAX_BYTES}-byte cap")
    try:
        import onnx
    except ImportError:
        return _missing_extra("onnx")
    try:
        model = onnx.load(fh, load_external_data=False)
    except OSError:
        raise
    except Exception as exc:  # protobuf DecodeError and friends
        raise Malformed(f"not an ONNX protobuf ({type(exc).__name__})") from exc
    graph = model.graph
    counts: dict[str, int] = {}
    external = 0
    for tensor in (*graph.initializer, *(s.values for s in graph.sparse_initializer)):
        dtype = onnx.TensorProto.DataType.Name(tensor.data_type) if tensor.data_type else "UNDEFINED"
        counts[dtype] = counts.get(dtype, 0) + math.prod(tensor.dims)
        external += tensor.data_location == onnx.TensorProto.EXTERNAL
    opset = ",".join(f"{o.domain or 'ai.onnx'}={o.version}" for o in model.opset_import)
    metadata = [
        ("onnx.ir_version", str(model.ir_version)),
        ("onnx.producer", model.producer_name),
        ("onnx.producer_version", model.producer_version),
        ("onnx.domain", model.domain),
        ("onnx.model_version", str(model.model_version) if model.model_version else ""),
        ("onnx.opset", opset),
        ("onnx.graph", graph.name),
        ("onnx.initializers", str(len(graph.initializer) + len(graph.sparse_initializer))),
        ("onnx.external_data", str(external)),
        *((f"onnx.metadata.{p.key}", _short(p.value)) for p in model.metadata_props),
    ]
    return {"parameters": tuple(sorted(counts.items())),
            "metadata": tuple(sorted((k, v) for k, v in metadata if v))}
