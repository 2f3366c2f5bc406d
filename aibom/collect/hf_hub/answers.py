"""The shape of a Hub answer, checked before aibom reads it: huggingface_hub builds its ModelInfo from
the JSON as sent, so a hostile or broken Hub can put a list where the commit goes, a string where a
size goes, or a newline in a file name. Every field aibom reads is checked here, once, and a wrong
one is an environment failure naming the field, never an exception deep inside the collector."""

from __future__ import annotations

import re
from typing import TypeVar

from aibom.errors import EnvironmentFailure

T = TypeVar("T")

COMMIT = re.compile(r"[0-9a-f]{40}")
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_SIZE = 2**53
"""Largest file size taken from the Hub (9 PB): beyond it a size is not one, and JSON's numbers stop
being exact."""
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def checked_model_info(info: T, shown: str, repo: str, *, files: bool) -> T:
    """`info` as huggingface_hub built it, once each field aibom reads has the type it must have."""

    def bad(field: str, value: object) -> EnvironmentFailure:
        return EnvironmentFailure(
            f"the Hub at {shown} describes {repo} with a malformed {field} "
            f"({type(value).__name__} {str(value)[:60]!r})", "HF_ENDPOINT may not point to a Hugging Face Hub")

    sha = getattr(info, "sha", None)
    if sha is not None and not (isinstance(sha, str) and COMMIT.fullmatch(sha)):
        raise bad("commit sha", sha)
    for field in ("author", "library_name", "pipeline_tag"):
        value = getattr(info, field, None)
        if value is not None and not isinstance(value, str):
            raise bad(field, value)
    gated = getattr(info, "gated", None)
    if gated is not None and not isinstance(gated, bool | str):
        raise bad("gated flag", gated)
    tags = getattr(info, "tags", None)
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise bad("tag list", tags)
    st = getattr(info, "safetensors", None)
    if st is not None and not _size(getattr(st, "total", None), optional=True):
        raise bad("safetensors.total", getattr(st, "total", None))
    if not files:
        return info
    siblings = getattr(info, "siblings", None)
    if siblings is not None and not isinstance(siblings, list):
        raise bad("file list", siblings)
    for s in siblings or ():
        name = getattr(s, "rfilename", None)
        if not isinstance(name, str) or not name or UNSAFE_NAME.search(name):
            raise bad("file name", name)
        if not _size(getattr(s, "size", None), optional=True):
            raise bad(f"size of {name}", s.size)
        lfs = getattr(s, "lfs", None)
        if lfs is not None:
            if not _size(getattr(lfs, "size", None), optional=False):
                raise bad(f"LFS size of {name}", getattr(lfs, "size", None))
            digest = getattr(lfs, "sha256", None)
            if not (isinstance(digest, str) and SHA256.fullmatch(digest)):
                raise bad(f"LFS sha256 of {name}", digest)
    return info


def _size(value: object, *, optional: bool) -> bool:
    if value is None:
        return optional
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_SIZE
