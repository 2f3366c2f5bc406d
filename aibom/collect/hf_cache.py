"""Collect a model from the local Hugging Face cache, with no network at all.

The cache keeps ``models--org--name/{refs,snapshots,blobs}``: a ref file names a commit, a snapshot
folder holds relative symlinks into ``../../blobs``. The snapshot is walked (links may point into the
repo's cache folder, nowhere else), every file is hashed here (a blob's name is not trusted as its
hash), then it goes through the same ``build_provenance`` as a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from huggingface_hub import constants, scan_cache_dir
from huggingface_hub.errors import CacheNotFound, CorruptedCacheException

from aibom.collect import local
from aibom.collect.options import CollectOptions
from aibom.collect.walk import start_hashing, walk
from aibom.errors import EnvironmentFailure
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


def collect_cache(repo_id: str, revision: str | None, options: CollectOptions) -> Provenance:
    """The provenance of `repo_id` at `revision` (default: main) as cached locally."""
    root = cache_dir(options)
    wanted = revision or "main"
    missing = f"{repo_id}@{wanted} is not in the Hugging Face cache at {root}"
    hint = "download it while online (hf download REPO --revision REV), or run without HF_HUB_OFFLINE"
    try:
        info = scan_cache_dir(root)
    except CacheNotFound:
        raise EnvironmentFailure(missing, hint) from None
    except (CorruptedCacheException, OSError) as exc:
        raise EnvironmentFailure(f"cannot read the Hugging Face cache at {root}: {exc}") from None
    repo = next((r for r in info.repos if r.repo_type == "model" and r.repo_id == repo_id), None)
    if repo is None:
        raise EnvironmentFailure(missing, hint)
    by_ref = {ref: rev for rev in repo.revisions for ref in rev.refs}
    found = by_ref.get(wanted) or next((r for r in repo.revisions if r.commit_hash == wanted), None)
    if found is None and local.COMMIT.fullmatch(wanted) is None and len(wanted) >= 7:
        prefixed = [r for r in repo.revisions if r.commit_hash.startswith(wanted)]
        found = prefixed[0] if len(prefixed) == 1 else None
    if found is None:
        raise EnvironmentFailure(missing, hint)
    snapshot = Path(found.snapshot_path)
    walked = walk(snapshot, allow_links_into=Path(repo.repo_path))
    files = local.describe_files(walked, start_hashing(walked, options), collector=COLLECTOR)
    return local.build_provenance(
        snapshot,
        files,
        collector=COLLECTOR,
        repo_id=repo_id,
        revision=found.commit_hash,
        fallback_name=repo_id.split("/")[-1],
    )
