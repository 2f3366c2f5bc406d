"""Header-only inspection of weight files: never loads tensors, never executes code."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import parse_local_safetensors_file_metadata

from aibom.model import Evidence, WeightInfo

WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".onnx", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".h5", ".msgpack")


def inspect(path: Path, rel: str, collector: str = "local") -> WeightInfo | None:
    """What the header of the weight file at `path` (shown as `rel`) says; None for non-weight files."""
    if not rel.endswith(".safetensors"):
        return None
    meta = parse_local_safetensors_file_metadata(path)
    return WeightInfo(
        format="safetensors",
        evidence=Evidence(collector, f"{rel}#header", "computed"),
        parameters=tuple(sorted(meta.parameter_count.items())),
        metadata=tuple(sorted((meta.metadata or {}).items())),
    )
