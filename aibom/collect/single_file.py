"""A lone ``.gguf`` or ``.onnx`` file as a model: one hashed file plus what its own header declares.

It is described as a folder holding only that file would be (`local.build_provenance`), so a GGUF
gives the same identity, license and base models alone, in a folder or on the Hub: GGUF
``general.name``, ``general.license`` (``.name``, ``.link``) and ``general.base_model.N.*``
(relation ``quantized`` for a quantized file); else the file's stem.
"""

from __future__ import annotations

from pathlib import Path

from aibom.collect.local import build_provenance
from aibom.collect.options import CollectOptions
from aibom.collect.source import FolderSource
from aibom.collect.weights import inspect
from aibom.errors import InputError
from aibom.hashing import hash_files
from aibom.model import Evidence, FileEntry, Provenance

COLLECTOR = "file"


def collect_file(path: Path, options: CollectOptions) -> Provenance:
    """The provenance of one GGUF or ONNX file, hashed and header-inspected (tensors never loaded)."""
    rel = path.name
    source = FolderSource({rel: path}, COLLECTOR)
    hashed = hash_files([path], jobs=1, progress=options.progress)[path]
    info = inspect(source, rel)
    if info is None:
        raise InputError(f"{path} is not a .gguf or .onnx file")
    entry = FileEntry(rel, hashed.size, hashed.sha256, "weights", Evidence(COLLECTOR, rel, "computed"), info)
    return build_provenance(source, [entry], repo_id=options.repo_id, revision=options.revision,
                            fallback_name=path.stem)
