"""Walking a model folder safely: every regular file, sorted, with no link leaving the folder.

Kept apart from the collector so that a folder can be walked, and its hashing started, before the
card, license and weight readers are even imported (see dispatch).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from aibom.budget import WALK_MAX_DEPTH
from aibom.collect.options import CollectOptions
from aibom.errors import InputError, from_os_error
from aibom.hashing import HashRun

SKIPPED = frozenset({".cache/huggingface"})
"""Not model files: the bookkeeping ``hf download --local-dir`` keeps inside the folder."""


def walk(root: Path, *, allow_links_into: Path | None = None) -> list[tuple[str, Path]]:
    """Every regular file under `root`, sorted: (relative POSIX path, real path).

    ``.git/`` and the download bookkeeping in `SKIPPED` are skipped. A symlink may point anywhere
    inside `root` (or inside `allow_links_into`, where the HF cache keeps its blobs); one that leaves
    them, dangles or loops is an `InputError`, and so is a FIFO, socket or device, or a file this user
    cannot read.
    """
    if not root.is_dir():
        what = "does not exist" if not root.exists() and not root.is_symlink() else "is not a folder"
        raise InputError(f"{root} {what}")
    real_root = root.resolve()
    allowed = [real_root] + ([allow_links_into.resolve()] if allow_links_into is not None else [])
    found: list[tuple[str, Path]] = []
    _walk_dir(root, real_root, "", allowed, (real_root,), found)
    if not found:
        raise InputError(f"{root} has no files to describe", "give the folder that holds the model files")
    return sorted(found)


def _walk_dir(
    shown: Path,
    real: Path,
    prefix: str,
    allowed: list[Path],
    chain: tuple[Path, ...],
    found: list[tuple[str, Path]],
) -> None:
    if len(chain) > WALK_MAX_DEPTH:
        raise InputError(f"{shown} is nested more than {WALK_MAX_DEPTH} folders deep")
    try:
        entries = sorted(os.scandir(real), key=lambda e: e.name)
    except OSError as exc:
        raise from_os_error(exc, f"cannot read folder {shown}") from exc
    for entry in entries:
        rel = f"{prefix}{entry.name}"
        if entry.name == ".git" or rel in SKIPPED:
            continue
        path = shown / entry.name
        if not entry.name.isprintable() or _undecodable(entry.name):
            raise InputError(
                f"{shown / ascii(entry.name)[1:-1]}: the file name is not printable UTF-8",
                "rename the file; a BOM names every file",
            )
        target = _target(path, Path(entry.path), allowed) if entry.is_symlink() else Path(entry.path)
        try:
            mode = target.stat().st_mode
        except OSError as exc:
            raise from_os_error(exc, f"cannot read {path}") from exc
        if stat.S_ISDIR(mode):
            if target in chain:
                raise InputError(f"{path} is a symlink loop (it points back to {target})")
            _walk_dir(path, target, f"{rel}/", allowed, (*chain, target), found)
        elif stat.S_ISREG(mode):
            if not os.access(target, os.R_OK):
                raise from_os_error(PermissionError(errno.EACCES, "Permission denied"), f"cannot read {path}",
                                    "make every file of the model folder readable, or remove it")
            found.append((rel, target))
        else:
            raise InputError(
                f"{path} is not a regular file (a FIFO, socket or device)", "remove it from the model folder"
            )


def _undecodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes arrive as lone surrogates
        return True
    return False


def _target(shown: Path, link: Path, allowed: list[Path]) -> Path:
    """Where a symlink really points; an InputError when it dangles, loops or leaves the folder."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError as exc:  # Python < 3.13 reports loops this way
        raise InputError(f"{shown} is a symlink loop") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{shown} is a symlink loop") from exc
        raise InputError(f"{shown} is a broken symlink ({os.readlink(link)})") from exc
    if not any(target == base or target.is_relative_to(base) for base in allowed):
        cache = "snapshots" in shown.parts and target.parent.name == "blobs"
        raise InputError(
            f"{shown} is a symlink to {target}, outside the model folder",
            "this is a Hugging Face cache snapshot: give its repo id with --cache instead"
            if cache
            else "copy the file into the folder; aibom never follows links out of it",
        )
    return target


def start_hashing(walked: list[tuple[str, Path]], options: CollectOptions) -> HashRun:
    """Start hashing walked files in the background, with the jobs and progress `options` ask for."""
    return HashRun([p for _, p in walked], options.jobs, options.progress)
