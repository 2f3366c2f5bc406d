"""Streaming SHA-256 of many files with bounded memory, one worker per core."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aibom.errors import EnvironmentFailure, InputError

CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Hashed:
    """The SHA-256 and size of one file."""

    sha256: str
    size: int


def hash_file(path: Path) -> Hashed:
    """Hash one file in fixed-size chunks; a file that changes meanwhile is an error."""
    try:
        before = path.stat()
        digest = hashlib.sha256()
        with path.open("rb", buffering=0) as fh:
            buf = bytearray(CHUNK)
            view = memoryview(buf)
            while n := fh.readinto(buf):
                digest.update(view[:n])
        after = path.stat()
    except PermissionError as exc:
        raise EnvironmentFailure(f"cannot read {path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        raise InputError(f"{path} changed while it was being hashed; hash it again when it is stable")
    return Hashed(digest.hexdigest(), after.st_size)


def hash_files(paths: Sequence[Path], jobs: int | None = None, progress: bool = False) -> dict[Path, Hashed]:
    """Hash every path, `jobs` at a time (default: one per core)."""
    workers = max(1, jobs or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(paths, pool.map(hash_file, paths), strict=True))
