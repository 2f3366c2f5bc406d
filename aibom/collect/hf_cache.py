"""Collect a model from the local Hugging Face cache, with no network at all.

The cache keeps ``models--org--name/{refs,snapshots,blobs}``: a ref file names a commit, a snapshot
folder holds relative symlinks into ``../../blobs``. The snapshot is walked (links may point into the
repo's cache folder, nowhere else), every file is hashed here (a blob's name is not trusted as its
hash), then it goes through the same ``build_provenance`` as a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from huggingface_hub import constants
from huggingface_hub.file_download import repo_folder_name

from aibom.collect import local
from aibom.collect.options import CollectOptions
from aibom.collect.source import FolderSource
from aibom.collect.walk import start_hashing, walk
from aibom.errors import EnvironmentFailure, InputError
from aibom.identity import COMMIT
from aibom.model import Provenance

COLLECTOR = "hf-cache"


def cache_dir(options: CollectOptions) -> Path:
    """The hub cache: ``--cache DIR``, ``HF_HUB_CACHE``, or ``HF_HOME/hub`` (read now, not at import)."""
    if options.cache_dir is not None:
        return options.cache_dir.expanduser()
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    return Path(constants.HF_HUB_CACHE)


def snapshots(repo_path: Path) -> list[str]:
    """The commits a cached repo folder holds a snapshot of, sorted."""
    try:
        return sorted(p.name for p in (repo_path / "snapshots").iterdir()
                      if COMMIT.fullmatch(p.name) and p.is_dir())
    except OSError:
        return []


def resolve_snapshot(repo_path: Path, wanted: str) -> str | None:
    """The commit of `wanted` (a ref such as ``main``, a commit, or a unique commit prefix of 7+) in one
    cached repo folder, looked up directly: its cost does not grow with the rest of the cache."""
    held = snapshots(repo_path)
    if wanted in held:
        return wanted
    parts = wanted.split("/")
    ref = repo_path / "refs" / wanted
    if ".." not in parts and "" not in parts and ref.is_file():
        try:
            commit = ref.read_bytes()[:64].decode("ascii", errors="replace").strip()
        except OSError:
            commit = ""
        if commit in held:
            return commit
    if COMMIT.fullmatch(wanted) is None and len(wanted) >= 7:
        prefixed = [c for c in held if c.startswith(wanted)]
        return prefixed[0] if len(prefixed) == 1 else None
    return None


def collect_cache(repo_id: str, revision: str | None, options: CollectOptions) -> Provenance:
    """The provenance of `repo_id` at `revision` (default: main) as cached locally."""
    root = cache_dir(options)
    wanted = revision or "main"
    missing = f"{repo_id}@{wanted} is not in the Hugging Face cache at {root}"
    hint = "download it while online (hf download REPO --revision REV), or run without HF_HUB_OFFLINE"
    repo_path = root / repo_folder_name(repo_id=repo_id, repo_type="model")
    if not root.is_dir():
        if root.exists():
            raise InputError(f"the Hugging Face cache {root} is not a folder")
        raise EnvironmentFailure(missing, hint)
    commit = resolve_snapshot(repo_path, wanted)
    if commit is None:
        raise EnvironmentFailure(missing, hint)
    snapshot = repo_path / "snapshots" / commit
    if not snapshot.resolve().is_relative_to(repo_path.resolve()):  # a snapshot linked to /etc is not the model
        raise InputError(f"the cached snapshot {snapshot} points out of its repo folder {repo_path}",
                         "the cache is damaged or tampered with; download the model again")
    walked = walk(snapshot, allow_links_into=repo_path)
    source = FolderSource(dict(walked), COLLECTOR)
    files = local.describe_files(source, start_hashing(walked, options))
    return local.build_provenance(
        source,
        files,
        repo_id=repo_id,
        revision=commit,
        fallback_name=repo_id.split("/")[-1],
    )
