"""Header-only inspection of a weight file: picks the reader by suffix and turns its failures into risks."""

from __future__ import annotations

from pathlib import PurePosixPath

from aibom.collect.source import Source
from aibom.collect.weights.gguf import _gguf
from aibom.collect.weights.limits import UNPARSED_FORMATS, WEIGHT_SUFFIXES, Malformed, NotRead
from aibom.collect.weights.onnx import _onnx
from aibom.collect.weights.pickle import _pickle
from aibom.collect.weights.safetensors import _safetensors
from aibom.errors import from_os_error
from aibom.model import Evidence, WeightInfo

READERS = {".safetensors": ("safetensors", _safetensors), ".gguf": ("gguf", _gguf), ".onnx": ("onnx", _onnx)}


def inspect(source: Source, rel: str) -> WeightInfo | None:
    """What the header of weight file `rel` of `source` says; None for non-weight files."""
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix not in WEIGHT_SUFFIXES:
        return None
    if suffix in UNPARSED_FORMATS:
        return WeightInfo(UNPARSED_FORMATS[suffix], Evidence(source.collector, f"{rel}#header", "computed"),
                          metadata=(("inspection.skipped", "aibom does not parse this format's header"),))
    evidence = Evidence(source.collector, f"{rel}#header", "computed")
    fmt, reader = READERS.get(suffix, ("pickle", None))
    try:
        with source.open(rel) as fh:
            if reader is not None:
                return WeightInfo(fmt, evidence, **reader(fh, source.size(rel)))
            return _pickle(fh, suffix, evidence)
    except Malformed as exc:
        return WeightInfo(fmt, evidence, metadata=(("header.error", str(exc)),),
                          risks=(f"malformed-header: {exc}",))
    except NotRead as exc:
        return WeightInfo(fmt, evidence, metadata=(("inspection.skipped", str(exc)),))
    except OSError as exc:
        raise from_os_error(exc, f"cannot read {rel}") from exc

