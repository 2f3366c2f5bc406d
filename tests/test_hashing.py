"""Streaming, parallel SHA-256: right digests, bounded buffers, clear errors."""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import threading
import time
from pathlib import Path

import pytest

from aibom import hashing
from aibom.errors import InputError
from aibom.hashing import Hashed, hash_file, hash_files


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_hash_file_matches_hashlib_across_chunk_boundaries(tmp_path: Path) -> None:
    data = os.urandom(hashing.CHUNK * 2 + 12345)
    got = hash_file(_write(tmp_path / "w.bin", data))
    assert got == Hashed(hashlib.sha256(data).hexdigest(), len(data))


def test_hash_file_with_small_buffer_and_counter(tmp_path: Path) -> None:
    data = os.urandom(100_001)
    counter = [0]
    got = hash_file(_write(tmp_path / "w.bin", data), bytearray(4096), counter)
    assert got.sha256 == hashlib.sha256(data).hexdigest()
    assert counter == [100_001]


def test_empty_file(tmp_path: Path) -> None:
    assert hash_file(_write(tmp_path / "e", b"")) == Hashed(hashlib.sha256(b"").hexdigest(), 0)


def test_hash_files_many_files_any_jobs(tmp_path: Path) -> None:
    blobs = {tmp_path / f"f{i}": os.urandom(i * 997) for i in range(40)}
    for p, d in blobs.items():
        p.write_bytes(d)
    order = list(blobs)
    for jobs in (1, 3, None):
        got = hash_files(order, jobs=jobs)
        assert list(got) == order  # keeps the caller's order
        assert all(got[p].sha256 == hashlib.sha256(d).hexdigest() and got[p].size == len(d)
                   for p, d in blobs.items())


def test_hash_files_empty_list() -> None:
    assert hash_files([]) == {}


def test_buffers_are_bounded_for_many_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = hashing.hash_file

    def spy(path: Path, buffer: bytearray | None = None, counter: list[int] | None = None,
            stop: threading.Event | None = None, window: int = hashing.WINDOW) -> Hashed:
        assert buffer is not None
        seen.append(len(buffer) + window)
        return real(path, buffer, counter, stop, window)

    monkeypatch.setattr(hashing, "hash_file", spy)
    paths = [_write(tmp_path / f"f{i}", b"x" * i) for i in range(300)]
    hash_files(paths, jobs=256)
    assert len(seen) == 300
    assert max(seen) * 256 <= hashing.BUFFER_BUDGET


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        hash_files([tmp_path / "nope"])


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(InputError, match="not a regular file"):
        hash_file(fifo)
    assert time.monotonic() - start < 5


def test_file_growing_while_hashed_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "growing.bin", os.urandom(64 * 1024 * 1024))
    stop = threading.Event()

    def writer() -> None:
        with path.open("ab") as fh:
            while not stop.is_set():
                fh.write(b"more")
                fh.flush()
                time.sleep(0.001)

    t = threading.Thread(target=writer)
    t.start()
    try:
        with pytest.raises(InputError, match="changed while it was being hashed"):
            hash_file(path, bytearray(64 * 1024))
    finally:
        stop.set()
        t.join()


def test_stop_abandons_a_file_midway(tmp_path: Path) -> None:
    path = _write(tmp_path / "big", os.urandom(1024 * 1024))
    stop = threading.Event()
    stop.set()
    counter = [0]
    with pytest.raises(hashing.Stopped):
        hash_file(path, bytearray(4096), counter, stop)
    assert counter == [0]  # noticed before hashing the first block


def test_first_error_stops_and_surfaces(tmp_path: Path) -> None:
    good = [_write(tmp_path / f"g{i}", b"ok") for i in range(5)]
    with pytest.raises(InputError, match="missing"):
        hash_files([*good, tmp_path / "missing"], jobs=2)


def test_progress_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "a", b"a" * 1000)
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    hash_files([path], progress=True)
    assert pipe.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    hash_files([path], progress=True)
    line = tty.getvalue()
    assert "1000.0 B / 1000.0 B (100%)" in line
    assert "/s" in line and line.endswith("\n")


def test_mapped_windows_match_hashlib_at_every_boundary(tmp_path: Path) -> None:
    step = mmap.ALLOCATIONGRANULARITY
    for size in (step + 1, 3 * step, 3 * step + 4097):
        data = os.urandom(size)
        counter = [0]
        got = hash_file(_write(tmp_path / f"w{size}", data), bytearray(1024), counter, window=step)
        assert got == Hashed(hashlib.sha256(data).hexdigest(), size)
        assert counter == [size]


def test_a_file_that_cannot_be_mapped_is_read_from_where_mapping_stopped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    step = mmap.ALLOCATIONGRANULARITY
    data = os.urandom(5 * step + 17)
    real = mmap.mmap
    calls: list[int] = []

    def map_once(fd: int, length: int, **kwargs: object) -> mmap.mmap:
        calls.append(int(kwargs.get("offset", 0)))  # type: ignore[call-overload]
        if len(calls) > 2:
            raise OSError(19, "No such device")  # what a file system without mmap says
        return real(fd, length, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashing.mmap, "mmap", map_once)
    got = hash_file(_write(tmp_path / "w", data), bytearray(1024), window=step)
    assert got == Hashed(hashlib.sha256(data).hexdigest(), len(data))
    assert calls == [0, step, 2 * step]


def test_a_file_truncated_between_windows_is_an_error_not_a_crash(tmp_path: Path) -> None:
    step = mmap.ALLOCATIONGRANULARITY
    path = _write(tmp_path / "shrinking.bin", os.urandom(8 * step))

    class TruncateAfterFirstWindow(list[int]):
        def __setitem__(self, index: object, value: object) -> None:
            os.truncate(path, 2 * step)  # another process cutting the file short
            super().__setitem__(index, value)  # type: ignore[index, assignment]

    with pytest.raises(InputError, match="changed while it was being hashed"):
        hash_file(path, bytearray(1024), TruncateAfterFirstWindow([0]), window=step)


def test_a_run_hashes_in_the_background_until_waited_for(tmp_path: Path) -> None:
    blobs = {tmp_path / f"f{i}": os.urandom(300_000 + i) for i in range(6)}
    for p, d in blobs.items():
        p.write_bytes(d)
    run = hashing.HashRun(list(blobs), jobs=2)
    assert run.wait() == {p: Hashed(hashlib.sha256(d).hexdigest(), len(d)) for p, d in blobs.items()}


def test_cancel_stops_every_worker_before_the_files_are_done(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"big{i}", os.urandom(4 * 1024 * 1024)) for i in range(16)]
    run = hashing.HashRun(paths, jobs=1)
    run.cancel()
    assert not any(t.is_alive() for t in run.threads)
    assert len(run.results) < len(paths)
