"""Static scans of pickles and torch zip archives: the imports a pickle would make, never unpickled."""

from __future__ import annotations

import io
import pickletools
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from typing import BinaryIO

from aibom.collect.weights.limits import (
    PICKLE_MAX_BYTES,
    PICKLE_MAX_OPCODES,
    PICKLE_MAX_STREAMS,
    ZIP_MAX_MEMBERS,
    Malformed,
    _short,
)
from aibom.model import Evidence, WeightInfo

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


def _pickle(fh: BinaryIO, suffix: str, evidence: Evidence) -> WeightInfo:
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
