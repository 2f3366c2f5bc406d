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
HUB_SCHEME = "hf://"
"""``hf://ORG/NAME[@REV]``: a repo id that is never taken for a path."""
_PATH_SUFFIXES = (*SINGLE_FILE_SUFFIXES, *DECLARATION_SUFFIXES, ".json", ".safetensors", ".bin", ".md")


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
    explicit = target.startswith(HUB_SCHEME)
    if not explicit:
        _refuse_missing_path(target)
    parsed = split_target(target.removeprefix(HUB_SCHEME))
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


def _refuse_missing_path(target: str) -> None:
    """A target that does not exist but reads as a path is a typo, not a repo id: sending it to the
    Hub could describe somebody else's model. A path: one written as one (``./``, ``/``, ``~``, a
    backslash, two slashes, a file suffix), or whose first part is a local folder or file."""
    first = target.split("/", 1)[0]
    written_as_path = (target.startswith((".", "/", "~")) or "\\" in target or target.count("/") > 1
                       or target.endswith("/") or target.lower().endswith(_PATH_SUFFIXES))
    if written_as_path or ("/" in target and os.path.lexists(first)):
        hint = f"for the Hub repo, write {HUB_SCHEME}{target}" if split_target(target) else ""
        named = "/" in target and first not in ("", ".", "..", "~")
        where = f" ({first}/ is a local folder)" if named and os.path.isdir(first) else ""
        raise InputError(f"{target}: no such folder or file{where}", hint)


def _refuse_cache_folders(path: Path) -> None:
    """A Hub cache root or one repo's ``models--ORG--NAME`` folder is not a model: walking it would
    list ``.lock`` files and every blob twice (as a blob and as a snapshot link)."""
    names = {p.name for p in path.iterdir()} if os.access(path, os.R_OK | os.X_OK) else set()
    if {"blobs", "snapshots"} <= names or path.name.startswith("models--"):
        repo = path.name.removeprefix("models--").replace("--", "/", 1) if path.name.startswith("models--") else ""
        raise InputError(
            f"{path} is a Hugging Face cache folder of one repo (blobs, refs, snapshots), not a model folder",
            f"give one snapshot ({path}/snapshots/COMMIT) or use --cache {repo or 'ORG/NAME'}",
        )
    if any(n.startswith(("models--", "datasets--")) for n in names):
        raise InputError(
            f"{path} is a Hugging Face cache (it holds models--ORG--NAME folders), not a model folder",
            f"describe one model with: aibom generate ORG/NAME --cache {path}; "
            f"every model with: aibom scan --cache {path}",
        )


def _collect_folder(path: Path, options: CollectOptions) -> Provenance:
    """`local.collect_folder`, but the hashing starts before the collector is imported: its imports
    (card, license and weight readers, about 0.1 s) then run beside the hashing, not before it."""
    from aibom.collect.walk import start_hashing, walk

    _refuse_cache_folders(path)
    walked = walk(path)
    running = start_hashing(walked, options)
    from aibom.collect import local

    return local.collect_walked(path, options, walked, running)
