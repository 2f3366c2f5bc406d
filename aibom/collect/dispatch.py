"""Route a target (folder, file, repo id, cache) to the collector that understands it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from aibom.collect.options import CollectOptions
from aibom.errors import InputError
from aibom.identity import split_target

if TYPE_CHECKING:
    from aibom.model import Provenance

SINGLE_FILE_SUFFIXES = (".gguf", ".onnx")
DECLARATION_SUFFIXES = (".yml", ".yaml")


def collect(target: str, options: CollectOptions) -> Provenance:
    """Collect the provenance of `target`, then apply the user's declarations if any."""
    prov = _collect_target(target, options)
    declarations = options.declarations
    if declarations is None and Path(target).is_dir() and (Path(target) / "aibom.yaml").is_file():
        declarations = Path(target) / "aibom.yaml"
    if declarations is not None:
        from aibom.collect import declarations as decl

        prov = decl.apply(prov, decl.load(declarations))
    return prov.without_self_ancestry()


def _collect_target(target: str, options: CollectOptions) -> Provenance:
    path = Path(target)
    if path.is_dir():
        return _collect_folder(path, options)
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix in SINGLE_FILE_SUFFIXES:
            from aibom.collect import single_file

            return single_file.collect_file(path, options)
        if suffix in DECLARATION_SUFFIXES:
            from aibom.collect import declarations as decl

            return decl.load(path)
        raise InputError(
            f"{target} is a file aibom cannot describe on its own",
            "give a model folder, a .gguf or .onnx file, a declarations .yaml, or a Hub repo id",
        )
    if path.exists() or path.is_symlink():
        raise InputError(f"{target} is neither a folder nor a regular file")
    parsed = split_target(target)
    if parsed is None:
        raise InputError(f"{target}: no such folder or file, and not a Hugging Face repo id (ORG/NAME[@REV])")
    repo_id, rev = parsed
    if rev and options.revision and rev != options.revision:
        raise InputError(f"{target} names revision {rev} but --revision says {options.revision}")
    revision = rev or options.revision
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    if options.use_cache or offline:
        from aibom.collect import hf_cache

        return hf_cache.collect_cache(repo_id, revision, options)
    from aibom.collect import hf_hub

    return hf_hub.collect_hub(repo_id, revision, options)


def _collect_folder(path: Path, options: CollectOptions) -> Provenance:
    """`local.collect_folder`, but the hashing starts before the collector is imported: its imports
    (card, license and weight readers, about 0.1 s) then run beside the hashing, not before it."""
    from aibom.collect.walk import start_hashing, walk

    walked = walk(path)
    running = start_hashing(walked, options)
    from aibom.collect import local

    return local.collect_walked(path, options, walked, running)
