"""Streaming SHA-256 of many files: large reads into a reused buffer, one thread per core, bounded memory.

Files are handed out largest first to `jobs` worker threads (hashlib and ``readinto`` release the GIL,
so two threads keep two cores busy just as two ``openssl dgst`` processes would). Each worker owns one
read buffer, so memory is ``jobs × buffer`` whatever the file sizes. A file that is not a regular file,
or whose size or mtime differ before and after hashing, is an `InputError`, never a wrong hash.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from aibom.errors import AibomError, EnvironmentFailure, InputError

CHUNK = 4 * 1024 * 1024
"""Read size per call. 1–16 MiB hash at the same speed here (about 1 GB/s per core); 4 MiB keeps
the buffers small and the syscalls few."""
BUFFER_BUDGET = 64 * 1024 * 1024
"""Upper bound on all read buffers together, however many jobs are asked for."""
PROGRESS_EVERY = 0.25


class Stopped(Exception):
    """A hash abandoned because another file of the same run failed."""


@dataclass(frozen=True)
class Hashed:
    """The SHA-256 and size of one file."""

    sha256: str
    size: int


def hash_file(path: Path, buffer: bytearray | None = None, counter: list[int] | None = None,
              stop: threading.Event | None = None) -> Hashed:
    """Hash one regular file in large reads; `counter[0]` grows by the bytes read (for progress).

    Setting `stop` from another thread abandons the file (`Stopped`): another file failed.
    """
    buf = buffer if buffer is not None else bytearray(CHUNK)
    view = memoryview(buf)
    digest = hashlib.sha256()
    read = 0
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError as exc:
        raise EnvironmentFailure(f"cannot read {path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise InputError(f"{path} is not a regular file (a FIFO, device or socket)",
                             "aibom hashes files only")
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as fh:
            while n := fh.readinto(buf):
                if stop is not None and stop.is_set():
                    raise Stopped(path)
                digest.update(view[:n])
                read += n
                if counter is not None:
                    counter[0] += n
        after = os.fstat(fd)
    except PermissionError as exc:
        raise EnvironmentFailure(f"cannot read {path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or read != after.st_size:
        raise InputError(f"{path} changed while it was being hashed",
                         "hash it again once nothing writes to it")
    return Hashed(digest.hexdigest(), read)


def hash_files(paths: Sequence[Path], jobs: int | None = None, progress: bool = False) -> dict[Path, Hashed]:
    """Hash every path, `jobs` files at a time (default: one per core); the first error stops the rest.

    `progress` draws a line on stderr, and only when stderr is a terminal.
    """
    unique = list(dict.fromkeys(paths))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(unique) or 1))
    chunk = max(256 * 1024, min(CHUNK, BUFFER_BUDGET // workers))
    sizes = {p: _size(p) for p in unique}
    queue = deque(sorted(unique, key=lambda p: sizes[p], reverse=True))
    results: dict[Path, Hashed] = {}
    errors: list[BaseException] = []
    failed = threading.Event()
    counters = [[0] for _ in range(workers)]

    def work(counter: list[int]) -> None:
        buffer = bytearray(chunk)
        while not failed.is_set():
            try:
                path = queue.popleft()
            except IndexError:
                return
            try:
                results[path] = hash_file(path, buffer, counter, failed)
            except Stopped:
                return
            except BaseException as exc:  # handed to the caller's thread below
                errors.append(exc)
                failed.set()
                return

    threads = [threading.Thread(target=work, args=(c,), name=f"aibom-hash-{i}", daemon=True)
               for i, c in enumerate(counters)]
    for t in threads:
        t.start()
    meter = _Progress(sys.stderr, sum(sizes.values())) if progress and sys.stderr.isatty() else None
    for t in threads:
        while t.is_alive():
            t.join(PROGRESS_EVERY)
            if meter:
                meter.show(sum(c[0] for c in counters))
    if meter:
        meter.done(sum(c[0] for c in counters))
    if errors:
        first = errors[0]
        if isinstance(first, AibomError):
            raise first
        raise InputError(f"hashing failed: {first}") from first
    return {p: results[p] for p in paths}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # hash_file reports the problem with its own clear message


class _Progress:
    """One self-overwriting line on a terminal: bytes done / total and the rate."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total, self.start = stream, total, time.monotonic()

    def show(self, done: int) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        pct = 100 * done / self.total if self.total else 100.0
        self.stream.write(f"\rhashing {_human(done)} / {_human(self.total)} ({pct:.0f}%) "
                          f"{_human(done / elapsed)}/s ")
        self.stream.flush()

    def done(self, done: int) -> None:
        self.show(done)
        self.stream.write("\n")
        self.stream.flush()


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"
