"""safetensors headers: the JSON header, checked entry by entry, and parameter counts per dtype."""

from __future__ import annotations

import struct
from typing import Any, BinaryIO

from aibom import strict_json
from aibom.budget import SAFETENSORS_MAX_DIMS, SAFETENSORS_MAX_HEADER
from aibom.collect.weights.limits import Malformed, _is_count, _short

SAFETENSORS_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
    "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8, "C64": 8,
}


SAFETENSORS_SUBBYTE_DTYPES = frozenset({"F4", "F6_E2M3", "F6_E3M2"})


def _safetensors(fh: BinaryIO, size: int) -> dict[str, Any]:
    """Length prefix checked against the file and the cap before reading; then every tensor entry
    checked (dtype, shape, offsets tiling the data) while counting. Entries are kept as small tuples
    so a header at the cap stays well inside the memory budget."""
    prefix = fh.read(8)
    if len(prefix) < 8:
        raise Malformed(f"file is {len(prefix)} bytes, shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", prefix)
    if length > size - 8:
        raise Malformed(f"header claims {length} bytes but the file has only {size - 8} after the length")
    if length > SAFETENSORS_MAX_HEADER:
        raise Malformed(f"header claims {length} bytes, above the {SAFETENSORS_MAX_HEADER}-byte cap")
    raw = fh.read(length)
    if len(raw) != length:
        raise Malformed(f"header is truncated ({len(raw)} of {length} bytes)")
    try:
        text = raw.decode("utf-8")
        del raw
        header = strict_json.loads(text, object_pairs_hook=_compact_entry)
    except ValueError as exc:  # not UTF-8 or JSON, NaN, a lone surrogate, a 5,000-digit integer, deep nesting
        raise Malformed(f"header is not JSON ({type(exc).__name__}: {str(exc)[:120]})") from exc
    del text
    if not isinstance(header, dict):
        raise Malformed(f"header is JSON {type(header).__name__}, not an object")
    meta = header.pop("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise Malformed("__metadata__ is not an object of strings")
    counts: dict[str, int] = {}
    for name, entry in header.items():
        if isinstance(entry, _BadEntry):
            raise Malformed(f"tensor {name!r} {entry}")
        if not isinstance(entry, tuple):
            raise Malformed(f"tensor {name!r} is not {{dtype, shape, data_offsets}}")
        counts[entry[0]] = counts.get(entry[0], 0) + entry[1]
    _check_offsets(list(header.values()), size - 8 - length)
    metadata = [
        ("safetensors.header_bytes", str(length)),
        ("safetensors.tensors", str(len(header))),
        ("safetensors.dtypes", ",".join(sorted(counts))),
        *((f"safetensors.metadata.{k}", _short(v)) for k, v in meta.items()),
    ]
    return {"parameters": tuple(sorted(counts.items())), "metadata": tuple(sorted(metadata))}


TENSOR_KEYS = frozenset({"dtype", "shape", "data_offsets"})


DTYPES = {d: d for d in (*SAFETENSORS_DTYPE_BYTES, *SAFETENSORS_SUBBYTE_DTYPES)}


"""Canonical dtype strings, so a few hundred thousand entries share a handful of them."""




class _BadEntry(str):
    """Why a tensor entry is invalid; the caller prefixes the tensor's name."""


def _compact_entry(pairs: list[tuple[str, Any]]) -> object:
    """Each tensor entry checked as the JSON is parsed and kept as ``(dtype, elements, begin, end)``
    (a `_BadEntry` when invalid); any other JSON object stays a dict."""
    obj = dict(pairs)
    if obj.keys() != TENSOR_KEYS:
        return obj
    raw_dtype, shape, offsets = obj["dtype"], obj["shape"], obj["data_offsets"]
    dtype = DTYPES.get(raw_dtype) if isinstance(raw_dtype, str) else None
    if dtype is None:
        return _BadEntry(f"has unknown dtype {str(raw_dtype)[:40]!r}")
    if not isinstance(shape, list) or len(shape) > SAFETENSORS_MAX_DIMS or not all(_is_count(d) for d in shape):
        return _BadEntry(f"has a shape that is not a list of at most {SAFETENSORS_MAX_DIMS} non-negative integers")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_count(o) for o in offsets):
        return _BadEntry("has data_offsets that are not two non-negative integers")
    begin, end = offsets
    elements = 1
    for d in shape:  # bounded as it grows: a product of huge dimensions would take quadratic time
        elements *= d
        if elements >= 1 << 64:
            return _BadEntry("has a shape of more than 2**64 elements")
    if end < begin or (dtype in SAFETENSORS_DTYPE_BYTES and end - begin != elements * SAFETENSORS_DTYPE_BYTES[dtype]):
        return _BadEntry(f"spans bytes {begin}..{end}, which does not fit its dtype and shape")
    return (dtype, elements, begin, end)


def _check_offsets(entries: list[tuple[str, int, int, int]], data_size: int) -> None:
    """Tensors must tile the data area exactly: no gaps, no overlaps, nothing past the end."""
    entries.sort(key=lambda e: (e[2], e[3]))
    cursor = 0
    for _, _, begin, end in entries:
        if begin != cursor:
            raise Malformed(f"tensor data offsets overlap or leave a gap at byte {min(begin, cursor)}")
        cursor = end
    if cursor != data_size:
        raise Malformed(f"tensors cover {cursor} bytes but the file holds {data_size} bytes of data")
