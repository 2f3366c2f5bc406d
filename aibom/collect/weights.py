"""Header-only inspection of weight files: never loads tensors, never unpickles, never runs code.

Every read is bounded. A header that cannot be trusted gives a `WeightInfo` with the risk
``malformed-header: <why>`` and no parameters (the file is still hashed and listed: an unknown with
evidence, not a crash); only an unreadable file raises. The optional extras (``gguf`` for its type
tables, ``onnx`` for its parser) are imported on first use; without them the `WeightInfo` says how
to install them. GGUF headers are streamed here (token lists skipped, never built); pickles are only
walked with ``pickletools.genops``.

`WeightInfo.parameters` holds ``(dtype, count)`` pairs (safetensors dtype, GGML tensor type, ONNX
data type). `WeightInfo.metadata` keys, stable and emitted as properties:

- every format: ``header.error`` (why the header was rejected), ``inspection.skipped`` (why it
  was not read: a missing extra, a size over the cap, a format aibom does not parse);
- safetensors: ``safetensors.header_bytes``, ``safetensors.tensors``, ``safetensors.dtypes``
  (comma-separated), ``safetensors.metadata.<key>`` (each ``__metadata__`` entry);
- GGUF: ``gguf.version``, ``gguf.tensors``, ``gguf.architecture``, ``gguf.name``, ``gguf.license``,
  ``gguf.context_length``, ``gguf.file_type`` (the number), ``gguf.quantization`` (``Q4_K_M``,
  ``F16``, ...), ``gguf.quantized`` (``true``/``false``), ``gguf.base_model.count``,
  ``gguf.base_model.<n>.<field>`` (name, organization, repo_url, version, url, ...), plus any other
  short ``general.*`` string as ``gguf.<key without general.>``;
- chat template (GGUF ``tokenizer.chat_template``): ``chat_template.sha256``,
  ``chat_template.length``, ``chat_template`` (the text, when at most 32 KiB);
- ONNX: ``onnx.ir_version``, ``onnx.producer``, ``onnx.producer_version``, ``onnx.domain``,
  ``onnx.model_version``, ``onnx.opset`` (``ai.onnx=17,com.microsoft=1``), ``onnx.graph``,
  ``onnx.initializers``, ``onnx.external_data`` (initializers stored outside the file),
  ``onnx.metadata.<key>`` (each ``metadata_props`` entry);
- pickle: ``pickle.container`` (``raw`` or ``zip``), ``pickle.imports`` (``module.name``, comma-
  separated), ``pickle.scan`` (``complete`` or why it stopped).

Risks: ``malformed-header: <why>``, ``pickle-executable-on-load``, ``pickle-dangerous-import:
<module.name>`` (outside the allowlist of tensor-rebuilding callables), ``pickle-unresolved-import``
(a STACK_GLOBAL whose name was computed), ``torchscript-code``, ``chat-template-code: <constructs>``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import pickletools
import re
import struct
import zipfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from aibom.errors import from_os_error
from aibom.model import Evidence, WeightInfo

WEIGHT_SUFFIXES = (
    ".safetensors", ".gguf", ".onnx", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".h5", ".msgpack",
)
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
UNPARSED_FORMATS = {".h5": "hdf5", ".msgpack": "flax-msgpack"}



def _word(name: str) -> str:
    """`name` not inside a longer word (underscores do not join words: ``__mro__`` contains ``mro``)."""
    return rf"(?<![A-Za-z0-9]){name}(?![A-Za-z0-9])"


SAFETENSORS_MAX_HEADER = 25_000_000
"""The cap huggingface_hub applies to a safetensors JSON header (the Rust library allows 100 MB, but a
100 MB header parses into about 1.4 GB of Python objects; real ones are a few MB at most)."""
GGUF_MAX_TENSORS = 1_000_000
GGUF_MAX_KV = 100_000
GGUF_MAX_STRING = 16 * 1024 * 1024
GGUF_MAX_ARRAY = 16_000_000
GGUF_KEPT_ARRAY = 256
"""String arrays up to this length (tags, languages) are kept; longer ones (tokens, merges) skipped."""
ONNX_MAX_BYTES = 2**31 - 1
"""Protobuf cannot hold more; bigger models keep their weights as external data."""
PICKLE_MAX_BYTES = 64 * 1024 * 1024
PICKLE_MAX_OPCODES = 2_000_000
PICKLE_MAX_STREAMS = 8
"""Legacy ``torch.save`` files are several pickles in a row (magic, protocol, sys info, model, keys)."""
ZIP_MAX_MEMBERS = 100_000
METADATA_MAX_VALUE = 4096
CHAT_TEMPLATE_MAX = 32 * 1024

SAFETENSORS_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
    "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8, "C64": 8,
}
SAFETENSORS_SUBBYTE_DTYPES = frozenset({"F4", "F6_E2M3", "F6_E3M2"})

SAFE_PICKLE_IMPORTS = frozenset({
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._tensor._rebuild_from_type_v2",
    "torch.Size",
    "torch.device",
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
    "numpy.ndarray",
    "numpy.dtype",
    "_codecs.encode",
})
"""Callables a plain tensor state dict needs; anything else a pickle imports is flagged."""
SAFE_TORCH_ATTR = re.compile(
    r"torch\.(\w+Storage|u?int(8|16|32|64)|float(16|32|64)?|bfloat16|half|double|long|short|bool"
    r"|complex(32|64|128)|cfloat|cdouble|float8_\w+)"
)
PICKLE_STRING_OPS = frozenset({
    "STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8",
})
CHAT_TEMPLATE_CODE = {
    name: re.compile(pattern, re.IGNORECASE) for name, pattern in {
        "import": _word("import"),
        "dunder": r"__|\\x5f\\x5f|\\u005f\\u005f",
        "os.": _word("os") + r"\.",
        "eval": _word("eval"),
        "exec": _word("exec"),
        "subprocess": "subprocess",
        "popen": "popen",
        "cycler": _word("cycler"),
        "joiner": _word("joiner"),
        "lipsum": _word("lipsum"),
        "attr-filter": r"\|\s*attr(?![A-Za-z0-9])",
        "getattr": _word("getattr"),
        "globals": _word("globals"),
        "builtins": _word("builtins"),
        "mro": _word("mro"),
        "subclasses": _word("subclasses"),
        "self": _word("self"),
    }.items()
}
"""Constructs that normal chat templates never need but template-injection payloads do."""


class Malformed(ValueError):
    """A header that cannot be trusted; becomes the risk ``malformed-header: <message>``."""


def inspect(path: Path, rel: str, collector: str = "local") -> WeightInfo | None:
    """What the header of the weight file at `path` (shown as `rel`) says; None for non-weight files."""
    suffix = Path(rel).suffix.lower()
    if suffix not in WEIGHT_SUFFIXES:
        return None
    evidence = Evidence(collector, f"{rel}#header", "computed")
    readers = {
        ".safetensors": ("safetensors", _safetensors), ".gguf": ("gguf", _gguf), ".onnx": ("onnx", _onnx),
    }
    try:
        if suffix in readers:
            fmt, reader = readers[suffix]
            return WeightInfo(fmt, evidence, **reader(path))
        if suffix in PICKLE_SUFFIXES:
            return _pickle(path, suffix, evidence)
    except Malformed as exc:
        fmt = readers[suffix][0] if suffix in readers else "pickle"
        return WeightInfo(fmt, evidence, metadata=(("header.error", str(exc)),),
                          risks=(f"malformed-header: {exc}",))
    except OSError as exc:
        raise from_os_error(exc, f"cannot read {path}") from exc
    return WeightInfo(UNPARSED_FORMATS[suffix], evidence,
                      metadata=(("inspection.skipped", "aibom does not parse this format's header"),))


# --- safetensors --------------------------------------------------------------------------------


def _safetensors(path: Path) -> dict[str, Any]:
    """Length prefix checked against the file and the cap before reading; then every tensor entry
    checked (dtype, shape, offsets tiling the data) while counting. Entries are kept as small tuples
    so a header at the cap stays well inside the memory budget."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
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
        header = json.loads(text, object_pairs_hook=_compact_entry)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Malformed(f"header is not JSON ({type(exc).__name__})") from exc
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
    dtype, shape, offsets = DTYPES.get(obj["dtype"]), obj["shape"], obj["data_offsets"]
    if dtype is None:
        return _BadEntry(f"has unknown dtype {str(obj['dtype'])[:40]!r}")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        return _BadEntry("has a shape that is not a list of non-negative integers")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_count(o) for o in offsets):
        return _BadEntry("has data_offsets that are not two non-negative integers")
    begin, end = offsets
    elements = math.prod(shape)
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


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# --- GGUF ---------------------------------------------------------------------------------------


def _gguf(path: Path) -> dict[str, Any]:
    """GGUF key/values and tensor infos, streamed with bounded reads (token lists are skipped, not built).

    The ``gguf`` package supplies the type tables; its reader is not used because it builds one numpy
    array per token and merge (about 800 MB and 18 s for a 150k-token vocabulary).
    """
    try:
        import gguf
    except ImportError:
        _gguf_head(path)
        return _missing_extra("gguf")
    with path.open("rb") as fh:
        cursor = _Cursor(fh, os.fstat(fh.fileno()).st_size)
        version, n_tensors, n_kv = _gguf_head(path, cursor)
        fields = {}
        for _ in range(n_kv):
            key = cursor.string(GGUF_MAX_STRING)
            fields[key] = _gguf_read_value(cursor, cursor.u32(), gguf)
        tensors = [_gguf_tensor_info(cursor, gguf) for _ in range(n_tensors)]
        _gguf_check_data(cursor, fields.get("general.alignment", 32), tensors)
    counts: dict[str, int] = {}
    for _, dtype, n, _ in tensors:
        counts[dtype] = counts.get(dtype, 0) + n
    metadata, risks = _gguf_metadata(fields, counts, gguf.LlamaFileType)
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


def _gguf_head(path: Path, cursor: _Cursor | None = None) -> tuple[int, int, int]:
    """Magic, version and the two counts, checked against the caps before anything else is read."""
    if cursor is None:
        with path.open("rb") as fh:
            return _gguf_head(path, _Cursor(fh, os.fstat(fh.fileno()).st_size))
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


def _gguf_read_value(cursor: _Cursor, raw_type: int, gguf: Any, depth: int = 0) -> object:
    """A scalar or string; a short string array joined by commas; any other array skipped (None)."""
    kind = _gguf_enum(gguf.GGUFValueType, raw_type, "value type")
    if kind in GGUF_SCALARS:
        fmt = GGUF_SCALARS[kind]
        return struct.unpack(fmt, cursor.read(struct.calcsize(fmt)))[0]
    if kind == "STRING":
        return cursor.string(GGUF_MAX_STRING)
    if kind != "ARRAY" or depth > 1:
        raise Malformed(f"GGUF value type {kind} is nested too deep")
    item_type, count = cursor.u32(), cursor.u64()
    item = _gguf_enum(gguf.GGUFValueType, item_type, "array element type")
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
            _gguf_read_value(cursor, item_type, gguf, depth + 1)
    return None


def _gguf_tensor_info(cursor: _Cursor, gguf: Any) -> tuple[str, str, int, int]:
    """(name, GGML type name, element count, data offset) of one tensor info; no tensor data is read."""
    name = cursor.string(GGUF_MAX_STRING)
    n_dims = cursor.u32()
    if n_dims > 8:
        raise Malformed(f"GGUF tensor {name[:60]!r} claims {n_dims} dimensions")
    elements = math.prod(cursor.u64() for _ in range(n_dims))
    ggml_type = _gguf_enum(gguf.GGMLQuantizationType, cursor.u32(), "tensor type")
    offset = cursor.u64()
    block, type_size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType[ggml_type]]
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


def _gguf_enum(enum: Any, raw: int, what: str) -> str:
    try:
        return str(enum(raw).name)
    except ValueError as exc:
        raise Malformed(f"unknown GGUF {what} {raw}") from exc


def _gguf_metadata(fields: dict[str, object], counts: dict[str, int],
                   file_types: Any) -> tuple[list[tuple[str, str]], list[str]]:
    metadata: list[tuple[str, str]] = []
    risks: list[str] = []
    arch = fields.get("general.architecture")
    for key, value in fields.items():
        if key.startswith("general.") and isinstance(value, str | int | float) and key != "general.file_type":
            metadata.append((f"gguf.{key.removeprefix('general.')}", _short(str(value))))
    if isinstance(arch, str) and f"{arch}.context_length" in fields:
        metadata.append(("gguf.context_length", str(fields[f"{arch}.context_length"])))
    quant = _gguf_quantization(fields.get("general.file_type"), counts, file_types)
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


def _gguf_quantization(file_type: object, counts: dict[str, int], file_types: Any) -> str | None:
    """The file type's name (``Q4_K_M``), or else the tensor type holding most parameters."""
    if isinstance(file_type, int):
        try:
            return file_types(file_type).name.removeprefix("MOSTLY_").removeprefix("ALL_")
        except ValueError:
            return f"file-type-{file_type}"
    return max(counts, key=lambda k: counts[k]) if counts else None


def chat_template_code(template: str) -> tuple[str, ...]:
    """Names of code-like constructs in a chat template that plain Jinja formatting never needs."""
    return tuple(name for name, pattern in CHAT_TEMPLATE_CODE.items() if pattern.search(template))


# --- ONNX ---------------------------------------------------------------------------------------


def _onnx(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    if size > ONNX_MAX_BYTES:
        raise Malformed(f"ONNX protobuf of {size} bytes is above the {ONNX_MAX_BYTES}-byte cap")
    try:
        import onnx
    except ImportError:
        return _missing_extra("onnx")
    try:
        model = onnx.load(str(path), load_external_data=False)
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


# --- pickle -------------------------------------------------------------------------------------


def _pickle(path: Path, suffix: str, evidence: Evidence) -> WeightInfo:
    with path.open("rb") as fh:
        magic = fh.read(4)
        if zipfile.is_zipfile(fh):
            container, scans, risks = "zip", *_scan_zip(fh)
        elif magic[:1] == b"\x80" or suffix == ".pkl":
            fh.seek(0)
            container, scans, risks = "raw", [_scan_stream(io.BytesIO(fh.read(PICKLE_MAX_BYTES)))], []
        else:
            return WeightInfo("bin", evidence, metadata=(("inspection.skipped", "not a pickle or a zip"),))
    location = evidence.location.replace("#header", "#pickle-opcodes")
    evidence = Evidence(evidence.collector, location, "computed")
    imports = sorted({name for scan in scans for name in scan.imports})
    flagged = [name for name in imports if not _safe_import(name)]
    risks = ["pickle-executable-on-load", *risks, *(f"pickle-dangerous-import: {n}" for n in flagged)]
    if any(scan.unresolved for scan in scans):
        risks.append("pickle-unresolved-import")
    stopped = [scan.stopped for scan in scans if scan.stopped]
    metadata = (("pickle.container", container), ("pickle.imports", _short(",".join(imports))),
                ("pickle.scan", stopped[0] if stopped else "complete"))
    return WeightInfo("pickle", evidence, metadata=tuple(m for m in metadata if m[1]), risks=tuple(risks))


class _Scan:
    """What one static pass over pickle opcodes found."""

    def __init__(self) -> None:
        self.imports: list[str] = []
        self.unresolved = False
        self.stopped = ""


def _scan_zip(fh: BinaryIO) -> tuple[list[_Scan], list[str]]:
    try:
        with zipfile.ZipFile(fh) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise Malformed(f"zip archive lists {len(members)} members, above the {ZIP_MAX_MEMBERS} cap")
            risks = ["torchscript-code"] if any("/code/" in f"/{m.filename}" for m in members) else []
            scans = []
            for member in members:
                if member.filename.endswith(".pkl"):
                    with archive.open(member) as stream:
                        scan = _scan_stream(io.BytesIO(stream.read(PICKLE_MAX_BYTES)))
                    if member.file_size > PICKLE_MAX_BYTES:
                        scan.stopped = f"{member.filename}: scanned its first {PICKLE_MAX_BYTES} bytes"
                    scans.append(scan)
    except (Malformed, PermissionError):
        raise
    except Exception as exc:  # zipfile signals corruption with many error types
        raise Malformed(f"zip archive is unreadable ({type(exc).__name__}: {str(exc)[:120]})") from exc
    if not scans:
        raise Malformed("zip archive holds no .pkl member")
    return scans, risks


def _scan_stream(stream: io.BytesIO) -> _Scan:
    """Walk the opcodes of consecutive pickles in `stream`, recording every import; never unpickle."""
    scan = _Scan()
    ops = 0
    end = len(stream.getbuffer())
    for _ in range(PICKLE_MAX_STREAMS):
        try:
            for name, arg in _opcodes(stream):
                ops += 1
                if ops > PICKLE_MAX_OPCODES:
                    scan.stopped = f"stopped after {PICKLE_MAX_OPCODES} opcodes"
                    return scan
                _record(scan, name, arg)
        except Exception as exc:  # pickletools reports bad opcodes and short reads with assorted errors
            scan.stopped = f"stopped at byte {stream.tell()}: {type(exc).__name__}: {str(exc)[:120]}"
            return scan
        if stream.tell() >= end or stream.getbuffer()[stream.tell()] != 0x80:
            return scan
    return scan


def _opcodes(stream: io.BytesIO) -> Iterator[tuple[str, object]]:
    """(opcode name, argument) pairs, with STACK_GLOBAL resolved from the strings pushed before it."""
    memo: dict[object, object] = {}
    recent: deque[object] = deque([None, None], maxlen=2)
    for op, arg, _ in pickletools.genops(stream):
        name = op.name
        if name == "STACK_GLOBAL":
            yield name, (recent[0], recent[1])
            recent.append(None)
            continue
        yield name, arg
        if name in PICKLE_STRING_OPS:
            recent.append(arg.decode("latin-1") if isinstance(arg, bytes) else arg)
        elif name == "MEMOIZE":
            memo[len(memo)] = recent[-1]
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = recent[-1]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            recent.append(memo.get(arg))
        elif op.stack_after:
            recent.append(None)


def _record(scan: _Scan, name: str, arg: object) -> None:
    if name in ("GLOBAL", "INST"):
        module, _, attr = str(arg).partition(" ")
        scan.imports.append(f"{module}.{attr}")
    elif name == "STACK_GLOBAL":
        module, attr = arg  # type: ignore[misc]
        if isinstance(module, str) and isinstance(attr, str):
            scan.imports.append(f"{module}.{attr}")
        else:
            scan.unresolved = True


def _safe_import(name: str) -> bool:
    return name in SAFE_PICKLE_IMPORTS or SAFE_TORCH_ATTR.fullmatch(name) is not None


# --- shared -------------------------------------------------------------------------------------


def _missing_extra(name: str) -> dict[str, Any]:
    why = f"the {name} package is not installed: install aibom[{name}]"
    return {"metadata": (("inspection.skipped", why),)}


def _short(value: str) -> str:
    return value if len(value) <= METADATA_MAX_VALUE else value[:METADATA_MAX_VALUE] + "…"
