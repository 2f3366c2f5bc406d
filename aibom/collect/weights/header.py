"""Header-only inspection of a weight file: picks the reader by suffix and turns its failures into risks."""

from __future__ import annotations

from pathlib import Path

from aibom.collect.weights.gguf import _gguf
from aibom.collect.weights.limits import PICKLE_SUFFIXES, UNPARSED_FORMATS, WEIGHT_SUFFIXES, Malformed
from aibom.collect.weights.onnx import _onnx
from aibom.collect.weights.pickle import _pickle
from aibom.collect.weights.safetensors import _safetensors
from aibom.errors import from_os_error
from aibom.model import Evidence, WeightInfo


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
