"""Header-only inspection of a weight file: picks the reader by suffix and turns its failures into risks."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

from aibom.budget import ZIP_MAX_MEMBERS
from aibom.collect.source import Source
from aibom.collect.weights.gguf import _gguf
from aibom.collect.weights.limits import (
    NUMPY_SUFFIXES,
    TEXT_SUFFIXES,
    UNPARSED_FORMATS,
    WEIGHT_SUFFIXES,
    Malformed,
    NotRead,
)
from aibom.collect.weights.onnx import _onnx
from aibom.collect.weights.pickle import _numpy, _pickle
from aibom.collect.weights.safetensors import _safetensors
from aibom.errors import from_os_error
from aibom.model import Evidence, WeightInfo

READERS = {".safetensors": ("safetensors", _safetensors), ".gguf": ("gguf", _gguf), ".onnx": ("onnx", _onnx)}


def inspect(source: Source, rel: str) -> WeightInfo | None:
    """What the header of weight file `rel` of `source` says; None for non-weight files. A file of
    another name is read as a pickle when its first bytes are one (protocol 2-5), or a zip holding
    ``.pkl`` members: the suffix does not make a pickle safe."""
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix not in WEIGHT_SUFFIXES:
        if suffix in TEXT_SUFFIXES or not _looks_like_pickle(source, rel):
            return None
        suffix = ".pkl"
    if suffix in UNPARSED_FORMATS:
        return WeightInfo(UNPARSED_FORMATS[suffix], Evidence(source.collector, f"{rel}#header", "computed"),
                          metadata=(("inspection.skipped", "aibom does not parse this format's header"),))
    evidence = Evidence(source.collector, f"{rel}#header", "computed")
    fmt, reader = READERS.get(suffix, ("pickle", None))
    try:
        with source.open(rel) as fh:
            if reader is not None:
                return WeightInfo(fmt, evidence, **reader(fh, source.size(rel)))
            if suffix in NUMPY_SUFFIXES:
                return _numpy(fh, suffix, evidence)
            return _pickle(fh, suffix, evidence)
    except Malformed as exc:
        return WeightInfo(fmt, evidence, metadata=(("header.error", str(exc)),),
                          risks=(f"malformed-header: {exc}",))
    except NotRead as exc:
        return WeightInfo(fmt, evidence, metadata=(("inspection.skipped", str(exc)),))
    except OSError as exc:
        raise from_os_error(exc, f"cannot read {rel}") from exc



def _looks_like_pickle(source: Source, rel: str) -> bool:
    """The first bytes of `rel` are a pickle's (PROTO 2-5) or a zip archive's."""
    try:
        head, _ = source.read(rel, 4)
    except Exception:  # an unreadable file is reported by the hashing, not here
        return False
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return True
    if head[:4] != b"PK\x03\x04":
        return False
    try:  # a zip is a pickle container only when it holds a pickle (torch's data.pkl)
        with source.open(rel) as fh, zipfile.ZipFile(fh) as archive:
            names = archive.namelist()
    except Exception:  # a broken zip is not ours to report
        return False
    return len(names) <= ZIP_MAX_MEMBERS and any(n.endswith(".pkl") for n in names)
