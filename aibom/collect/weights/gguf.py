"""GGUF headers streamed with bounded reads: metadata, tensor infos, quantization; token lists skipped.

The type tables are GGUF's own (`gguf_types`), so a plain install reads GGUF; the ``gguf`` package's
reader is not used: it builds one numpy array per token and merge (about 800 MB and 18 s for a
150k-token vocabulary).
"""

from __future__ import annotations

import hashlib
import math
import struct
from typing import Any, BinaryIO

from aibom.budget import (
    CHAT_TEMPLATE_MAX,
    GGUF_KEPT_ARRAY,
    GGUF_KEPT_STRING,
    GGUF_MAX_ARRAY,
    GGUF_MAX_KV,
    GGUF_MAX_STRING,
    GGUF_MAX_TENSORS,
)
from aibom.collect.weights.chat_template import chat_template_code
from aibom.collect.weights.gguf_types import FILE_TYPES, TENSOR_TYPES, VALUE_TYPES
from aibom.collect.weights.limits import Malformed, _short


def _gguf(fh: BinaryIO, size: int) -> dict[str, Any]:
    """GGUF key/values and tensor infos, streamed with bounded reads (token lists are skipped, not built)."""
    cursor = _Cursor(fh, size)
    version, n_tensors, n_kv = _gguf_head(cursor)
    fields = {}
    for _ in range(n_kv):
        key = cursor.string(GGUF_KEPT_STRING)
        keep = GGUF_MAX_STRING if key == "tokenizer.chat_template" else GGUF_KEPT_STRING
        fields[key] = _gguf_read_value(cursor, cursor.u32(), keep=keep)
    tensors = [_gguf_tensor_info(cursor) for _ in range(n_tensors)]
    _gguf_check_data(cursor, fields.get("general.alignment", 32), tensors)
    counts: dict[str, int] = {}
    for _, dtype, n, _ in tensors:
        counts[dtype] = counts.get(dtype, 0) + n
    metadata, risks = _gguf_metadata(fields, counts)
    metadata += [("gguf.version", str(version)), ("gguf.tensors", str(len(tensors)))]
    return {"parameters": tuple(sorted(counts.items())), "metadata": tuple(sorted(metadata)),
            "risks": tuple(risks)}


class _Cursor:
    """Little-endian reads from a file that never go past its end (a short file is `Malformed`)."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh, self.size, self.pos = fh, size, 0

    def read(self, n: int) -> bytes:
        if n > self.size - self.pos:
            raise Malformed(f"GGUF file is truncated: {n} bytes needed at byte {self.pos} of {self.size}")
        data = self.fh.read(n)
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        if n > self.size - self.pos:
            raise Malformed(f"GGUF file is truncated: {n} bytes needed at byte {self.pos} of {self.size}")
        self.pos += n
        self.fh.seek(self.pos)

    def u32(self) -> int:
        return int(struct.unpack("<I", self.read(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.read(8))[0])

    def string(self, limit: int) -> str:
        n = self.u64()
        if n > limit:
            raise Malformed(f"GGUF string of {n} bytes at byte {self.pos} is above the {limit}-byte cap")
        try:
            return self.read(n).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Malformed(f"GGUF string at byte {self.pos - n} is not UTF-8") from exc


def _gguf_head(cursor: _Cursor) -> tuple[int, int, int]:
    """Magic, version and the two counts, checked against the caps before anything else is read."""
    if cursor.size < 24 or cursor.read(4) != b"GGUF":
        raise Malformed("not a GGUF file (no GGUF magic and 24-byte header)")
    version, n_tensors, n_kv = cursor.u32(), cursor.u64(), cursor.u64()
    if version not in (2, 3):
        raise Malformed(f"GGUF version {version} is not 2 or 3")
    if n_tensors > GGUF_MAX_TENSORS or n_kv > GGUF_MAX_KV:
        raise Malformed(f"GGUF header claims {n_tensors} tensors and {n_kv} keys, above the caps")
    return version, n_tensors, n_kv


GGUF_SCALARS = {"UINT8": "<B", "INT8": "<b", "UINT16": "<H", "INT16": "<h", "UINT32": "<I", "INT32": "<i",
                "FLOAT32": "<f", "BOOL": "<?", "UINT64": "<Q", "INT64": "<q", "FLOAT64": "<d"}


def _gguf_read_value(cursor: _Cursor, raw_type: int, depth: int = 0, keep: int = GGUF_KEPT_STRING) -> object:
    """A scalar or string (one longer than `keep` is skipped: None); a short string array joined by
    commas; any other array skipped (None)."""
    kind = _gguf_enum(VALUE_TYPES, raw_type, "value type")
    if kind in GGUF_SCALARS:
        fmt = GGUF_SCALARS[kind]
        return struct.unpack(fmt, cursor.read(struct.calcsize(fmt)))[0]
    if kind == "STRING":
        n = cursor.u64()
        if n > GGUF_MAX_STRING:
            raise Malformed(f"GGUF string of {n} bytes at byte {cursor.pos} is above the {GGUF_MAX_STRING}-byte cap")
        if n > keep:
            cursor.skip(n)
            return None
        cursor.pos -= 8
        cursor.fh.seek(cursor.pos)
        return cursor.string(keep)
    if kind != "ARRAY" or depth > 1:
        raise Malformed(f"GGUF value type {kind} is nested too deep")
    item_type, count = cursor.u32(), cursor.u64()
    item = _gguf_enum(VALUE_TYPES, item_type, "array element type")
    if count > GGUF_MAX_ARRAY:
        raise Malformed(f"GGUF array claims {count} elements, above the {GGUF_MAX_ARRAY} cap")
    if item in GGUF_SCALARS:
        cursor.skip(count * struct.calcsize(GGUF_SCALARS[item]))
        return None
    if item == "STRING" and count <= GGUF_KEPT_ARRAY and depth == 0:
        return ",".join(cursor.string(GGUF_MAX_STRING) for _ in range(count))
    for _ in range(count):
        if item == "STRING":
            cursor.skip(cursor.u64())
        else:
            _gguf_read_value(cursor, item_type, depth + 1)
    return None


def _gguf_tensor_info(cursor: _Cursor) -> tuple[str, str, int, int]:
    """(name, GGML type name, element count, data offset) of one tensor info; no tensor data is read."""
    name = cursor.string(GGUF_MAX_STRING)
    n_dims = cursor.u32()
    if n_dims > 8:
        raise Malformed(f"GGUF tensor {name[:60]!r} claims {n_dims} dimensions")
    elements = math.prod(cursor.u64() for _ in range(n_dims))
    raw_type = cursor.u32()
    if raw_type not in TENSOR_TYPES:
        raise Malformed(f"unknown GGUF tensor type {raw_type}")
    ggml_type, block, type_size = TENSOR_TYPES[raw_type]
    offset = cursor.u64()
    if elements % block:
        raise Malformed(f"GGUF tensor {name[:60]!r} has {elements} elements, not whole {ggml_type} blocks")
    return name, ggml_type, elements, offset + elements // block * type_size


def _gguf_check_data(cursor: _Cursor, alignment: object, tensors: list[tuple[str, str, int, int]]) -> None:
    """Every tensor's data must lie inside the file (a cut-off download is caught here)."""
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise Malformed(f"GGUF general.alignment {alignment!r} is not a power of two")
    start = -(-cursor.pos // alignment) * alignment
    end = max((t[3] for t in tensors), default=0)
    if start + end > cursor.size:
        raise Malformed(f"GGUF tensor data is truncated: needs {start + end} bytes, the file has {cursor.size}")


def _gguf_enum(table: dict[int, str], raw: int, what: str) -> str:
    if raw not in table:
        raise Malformed(f"unknown GGUF {what} {raw}")
    return table[raw]


def _gguf_metadata(fields: dict[str, object], counts: dict[str, int]) -> tuple[list[tuple[str, str]], list[str]]:
    metadata: list[tuple[str, str]] = []
    risks: list[str] = []
    arch = fields.get("general.architecture")
    for key, value in fields.items():
        if key.startswith("general.") and isinstance(value, str | int | float) and key != "general.file_type":
            metadata.append((f"gguf.{key.removeprefix('general.')}", _short(str(value))))
    if isinstance(arch, str) and f"{arch}.context_length" in fields:
        metadata.append(("gguf.context_length", str(fields[f"{arch}.context_length"])))
    quant = _gguf_quantization(fields.get("general.file_type"), counts)
    if quant is not None:
        metadata.append(("gguf.quantization", quant))
        metadata.append(("gguf.quantized", str(quant not in ("F32", "F16", "BF16", "F64")).lower()))
    if isinstance(fields.get("general.file_type"), int):
        metadata.append(("gguf.file_type", str(fields["general.file_type"])))
    template = fields.get("tokenizer.chat_template")
    if isinstance(template, str):
        metadata += [("chat_template.sha256", hashlib.sha256(template.encode("utf-8")).hexdigest()),
                     ("chat_template.length", str(len(template)))]
        if len(template) <= CHAT_TEMPLATE_MAX:
            metadata.append(("chat_template", template))
        found = chat_template_code(template)
        if found:
            risks.append(f"chat-template-code: {', '.join(found)}")
    return metadata, risks


def _gguf_quantization(file_type: object, counts: dict[str, int]) -> str | None:
    """The file type's name (``Q4_K_M``), or else the tensor type holding most parameters."""
    if isinstance(file_type, int) and not isinstance(file_type, bool):
        return FILE_TYPES.get(file_type, f"file-type-{file_type}")
    return max(counts, key=lambda k: counts[k]) if counts else None
