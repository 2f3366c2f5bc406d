"""Writing what aibom produces: atomically, with the user's umask, never half a file."""

from __future__ import annotations

import os
from pathlib import Path

from aibom.errors import InputError, from_os_error


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename it into place.

    The file gets mode 0666 less the umask (as `open` would give), not mkstemp's 0600, so CI artifact
    readers can open it. A device or a pipe (``/dev/null``, a FIFO) is written in place: renaming over
    it would replace it."""
    if path.exists() and not path.is_file():
        _write_special(path, text)
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_umask())
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise from_os_error(exc, f"cannot write {path}") from exc


def _write_special(path: Path, text: str) -> None:
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a folder")
    try:
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise from_os_error(exc, f"cannot write {path}") from exc
