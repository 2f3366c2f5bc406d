"""Static scans of pickles and torch zip archives: the imports a pickle would make, never unpickled."""

from __future__ import annotations

import io
import pickletools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from aibom.budget import (
    PICKLE_MAX_BYTES,
    PICKLE_MAX_IMPORTS,
    PICKLE_MAX_NAME,
    PICKLE_MAX_OPCODES,
    PICKLE_MAX_STREAMS,
    PICKLE_STACK_MAX,
    PICKLE_ZIP_TOTAL,
    ZIP_MAX_MEMBERS,
)
from aibom.collect.weights.limits import Malformed, _short
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
    elif magic[:1] == b"\x80" or suffix in (".pkl", ".pickle", ".joblib", ".dill"):
        fh.seek(0)
        container, scans, risks = "raw", [_scan_stream(_capped(fh, PICKLE_MAX_BYTES)[0])], []
    else:
        return WeightInfo("bin", evidence, metadata=(("inspection.skipped", "not a pickle or a zip"),))
    return _report(scans, risks, container, evidence)


def _report(scans: list[_Scan], risks: list[str], container: str, evidence: Evidence) -> WeightInfo:
    """The WeightInfo of scanned pickles: their imports, the flagged ones, and what stayed unknown."""
    location = evidence.location.replace("#header", "#pickle-opcodes")
    evidence = Evidence(evidence.collector, location, "computed")
    imports = sorted({name for scan in scans for name in scan.imports})
    flagged = [name for name in imports if not _safe_import(name)]
    risks = ["pickle-executable-on-load", *risks, *(f"pickle-dangerous-import: {n}" for n in flagged)]
    if any(scan.unresolved for scan in scans):
        risks.append("pickle-unresolved-import")
    if any(scan.stopped for scan in scans):  # what comes after the stop may import anything
        risks.append("pickle-scan-incomplete")
    stopped = [scan.stopped for scan in scans if scan.stopped]
    metadata = (("pickle.container", container), ("pickle.imports", _short(",".join(imports))),
                ("pickle.scan", stopped[0] if stopped else "complete"))
    return WeightInfo("pickle", evidence, metadata=tuple(m for m in metadata if m[1]), risks=tuple(risks))


NPY_MAGIC = b"\x93NUMPY"


def _numpy(fh: BinaryIO, suffix: str, evidence: Evidence) -> WeightInfo:
    """A ``.npy`` array, or each ``.npy`` of an ``.npz`` archive: an object array (dtype ``O``) holds
    a pickle after its header, which `numpy.load(allow_pickle=True)` would run; it is scanned."""
    if suffix == ".npz":
        scans: list[_Scan] = []
        try:
            with zipfile.ZipFile(fh) as archive:
                members = archive.infolist()
                if len(members) > ZIP_MAX_MEMBERS:
                    raise Malformed(f"npz archive lists {len(members)} members, above the {ZIP_MAX_MEMBERS} cap")
                for member in members:
                    with archive.open(member) as stream:
                        scan = _npy_scan(_capped(stream, PICKLE_MAX_BYTES)[0])
                    if scan is not None:
                        scans.append(scan)
        except Malformed:
            raise
        except Exception as exc:  # zipfile signals corruption with many error types
            raise Malformed(f"npz archive is unreadable ({type(exc).__name__}: {str(exc)[:120]})") from exc
    else:
        one = _npy_scan(_capped(fh, PICKLE_MAX_BYTES)[0])
        scans = [one] if one is not None else []
    if not scans:
        return WeightInfo("numpy", evidence, metadata=(("numpy.object_arrays", "0"),))
    info = _report(scans, [], "npz" if suffix == ".npz" else "npy", evidence)
    return replace(info, metadata=(*info.metadata, ("numpy.object_arrays", str(len(scans)))))


def _npy_scan(stream: io.BytesIO) -> _Scan | None:
    """The pickle scan of one .npy stream when its dtype is an object dtype, else None."""
    head = stream.read(10)
    if head[:6] != NPY_MAGIC or len(head) < 10:
        raise Malformed("not a NumPy .npy array (no \\x93NUMPY magic)")
    width = 2 if head[6] == 1 else 4
    stream.seek(8)
    length = int.from_bytes(stream.read(width), "little")
    header = stream.read(length).decode("latin-1")
    if "'O'" not in header and "|O" not in header and "'descr': [" not in header:
        return None
    return _scan_stream(stream)  # the pickle follows the header: scanned in place, not copied


def _capped(stream: BinaryIO, cap: int) -> tuple[io.BytesIO, bool]:
    """At most `cap` bytes of `stream` in one buffer (read in 1 MiB steps, never copied again) and
    whether more followed: an inflating zip member would otherwise be joined from pieces, doubling
    the peak."""
    out = io.BytesIO()
    while out.tell() < cap:
        piece = stream.read(min(1 << 20, cap - out.tell()))
        if not piece:
            break
        out.write(piece)
    more = out.tell() >= cap and bool(stream.read(1))
    out.seek(0)
    return out, more


class _Scan:
    """What one static pass over pickle opcodes found."""

    def __init__(self) -> None:
        self.imports: dict[str, None] = {}
        """Distinct imports in the order met (at most PICKLE_MAX_IMPORTS)."""
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
            budget = PICKLE_ZIP_TOTAL
            for member in members:
                if member.filename.endswith(".pkl"):
                    if budget <= 0:
                        scans[-1].stopped = f"stopped before {member.filename}: {PICKLE_ZIP_TOTAL} bytes inflated"
                        break
                    with archive.open(member) as stream:  # inflated bytes are capped, whatever the member claims
                        data, more = _capped(stream, min(PICKLE_MAX_BYTES, budget))
                    read = len(data.getbuffer())
                    budget -= read
                    scan = _scan_stream(data)
                    if more:
                        scan.stopped = f"{member.filename}: scanned its first {read} inflated bytes"
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
        except _Unresolvable as exc:
            scan.unresolved = True
            scan.stopped = f"stopped at byte {stream.tell()}: {exc}"
            return scan
        except Exception as exc:  # pickletools reports bad opcodes and short reads with assorted errors
            scan.stopped = f"stopped at byte {stream.tell()}: {type(exc).__name__}: {str(exc)[:120]}"
            return scan
        if stream.tell() >= end or stream.getbuffer()[stream.tell()] != 0x80:
            return scan
    return scan


class _Unresolvable(Exception):
    """The stack the unpickler would hold cannot be followed (an underflow, a missing mark)."""


_MARK = object()
_LONG = object()
"""A string too long to be a module or attribute name: kept as this marker, not as a copy."""


def _name(arg: object) -> object:
    text = arg.decode("latin-1") if isinstance(arg, bytes) else arg
    return text if isinstance(text, str) and len(text) <= PICKLE_MAX_NAME else _LONG


def _opcodes(stream: io.BytesIO) -> Iterator[tuple[str, object]]:
    """(opcode name, argument) pairs, with STACK_GLOBAL's (module, name) read from a model of the
    unpickler's stack and memo: every opcode pops and pushes what pickletools says it does, so POP,
    POP_MARK, DUP, MEMOIZE and the GETs make STACK_GLOBAL see what the unpickler would. Only strings
    are known values (everything else is None); nothing is ever built or called. A stack the model
    cannot follow raises `_Unresolvable`: the imports are then not known, never assumed safe."""
    stack: list[object] = []
    memo: dict[object, object] = {}

    def pop() -> object:
        if not stack or stack[-1] is _MARK:
            raise _Unresolvable("the pickle pops from an empty stack")
        return stack.pop()

    def pop_mark() -> None:
        while stack:
            if stack.pop() is _MARK:
                return
        raise _Unresolvable("the pickle pops to a mark it never set")

    for op, arg, _ in pickletools.genops(stream):
        name = op.name
        if name == "STACK_GLOBAL":
            attr, module = pop(), pop()
            yield name, (module, attr)
            stack.append(None)
            continue
        yield name, arg
        if name in PICKLE_STRING_OPS:
            stack.append(_name(arg))
        elif name == "MARK":
            stack.append(_MARK)
        elif name == "POP":
            if stack and stack[-1] is _MARK:
                stack.pop()  # POP of a mark is how protocol 0/1 pickles drop it
            else:
                pop()
        elif name == "POP_MARK":
            pop_mark()
        elif name == "DUP":
            value = pop()
            stack += [value, value]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1] if stack else None
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1] if stack else None
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg))
        else:
            before = op.stack_before
            if pickletools.markobject in before:
                pop_mark()
                for _ in range(before.index(pickletools.markobject)):
                    pop()
            else:
                for _ in before:
                    pop()
            stack += [None] * len(op.stack_after)
        if len(stack) > PICKLE_STACK_MAX or len(memo) > PICKLE_STACK_MAX:
            raise _Unresolvable(f"the pickle holds more than {PICKLE_STACK_MAX} stack or memo entries")


def _record(scan: _Scan, name: str, arg: object) -> None:
    if name in ("GLOBAL", "INST"):
        module, _, attr = str(arg).partition(" ")
        found = f"{module}.{attr}" if len(module) + len(attr) <= 2 * PICKLE_MAX_NAME else None
    elif name == "STACK_GLOBAL":
        module, attr = arg  # type: ignore[misc]
        found = f"{module}.{attr}" if isinstance(module, str) and isinstance(attr, str) else None
    else:
        return
    if found is None:
        scan.unresolved = True
    elif found not in scan.imports:
        if len(scan.imports) >= PICKLE_MAX_IMPORTS:
            raise _Unresolvable(f"the pickle imports more than {PICKLE_MAX_IMPORTS} names")
        scan.imports[found] = None


def _safe_import(name: str) -> bool:
    return name in SAFE_PICKLE_IMPORTS or SAFE_TORCH_ATTR.fullmatch(name) is not None
