"""A Hub repo as a `Source`: downloaded files read from disk, every other file by HTTP range requests.

A weight header is read exactly as a local file's would be (the same readers, seeking in a stream),
but only the bytes a reader asks for cross the network, in aligned blocks, within a byte budget per
file; the tensors are never fetched and nothing is written to disk.
"""

from __future__ import annotations

import errno
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from huggingface_hub import get_session, hf_hub_url
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

from aibom import __version__
from aibom.budget import HUB_RANGE_BLOCK, HUB_REMOTE_BUDGET
from aibom.collect.hf_hub.client import Hub
from aibom.collect.source import FolderSource
from aibom.collect.weights.limits import NotRead

Fetch = Callable[[int, int], bytes]
"""Bytes ``start..end`` (inclusive) of one remote file."""


class RemoteFile(io.RawIOBase):
    """A seekable, read-only view of a remote file of known size; reads fetch whole blocks, kept
    for later reads, and stop with `NotRead` once `budget` bytes have been fetched."""

    def __init__(self, fetch: Fetch, size: int, name: str, budget: int) -> None:
        super().__init__()
        self._fetch, self._size, self._name, self._budget = fetch, size, name, budget
        self._pos, self._fetched = 0, 0
        self._blocks: dict[int, bytes] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError(errno.EINVAL, "negative seek position")  # as a file does: zipfile relies on it
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        end = min(self._pos + len(buffer), self._size)
        if end <= self._pos:
            return 0
        first, last = self._pos // HUB_RANGE_BLOCK, (end - 1) // HUB_RANGE_BLOCK
        missing = [b for b in range(first, last + 1) if b not in self._blocks]
        if missing:
            self._load(missing[0], missing[-1])
        data = b"".join(self._blocks[b] for b in range(first, last + 1))
        start = self._pos - first * HUB_RANGE_BLOCK
        n = end - self._pos
        buffer[:n] = data[start : start + n]
        self._pos = end
        return n

    def _load(self, first: int, last: int) -> None:
        start, end = first * HUB_RANGE_BLOCK, min((last + 1) * HUB_RANGE_BLOCK, self._size) - 1
        if self._fetched + end - start + 1 > self._budget:
            raise NotRead(f"{self._name}: its header is larger than the {self._budget}-byte remote read budget")
        data = self._fetch(start, end)
        if len(data) != end - start + 1:
            raise NotRead(f"{self._name}: the Hub did not serve bytes {start}-{end} (range requests unsupported?)")
        self._fetched += len(data)
        for b in range(first, last + 1):
            self._blocks[b] = data[(b - first) * HUB_RANGE_BLOCK : (b - first + 1) * HUB_RANGE_BLOCK]


def read_range(url: str, headers: dict[str, str], start: int, end: int, timeout: float | None = 30.0) -> bytes:
    """Bytes `start`..`end` of `url`, read no further even if the server ignores the range (then only
    a range from byte 0 is usable)."""
    limit = end - start + 1
    with get_session().stream("GET", url, headers={**headers, "range": f"bytes={start}-{end}"},
                              timeout=timeout) as r:
        if r.status_code >= 400:
            r.read()
            hf_raise_for_status(r)
        data = bytearray()
        for chunk in r.iter_bytes():
            data += chunk
            if len(data) >= limit:
                break
    return bytes(data[:limit]) if r.status_code == 206 or start == 0 else b""


@dataclass(frozen=True)
class HubSource:
    """Files of `repo_id` at commit `sha`: `sizes` as the Hub lists them, `downloaded` on disk."""

    hub: Hub
    repo_id: str
    sha: str
    sizes: Mapping[str, int]
    downloaded: Mapping[str, Path]
    collector: str = "hf-hub"

    def files(self) -> tuple[str, ...]:
        return tuple(sorted(self.sizes))

    def size(self, rel: str) -> int:
        return self.sizes[rel]

    def read(self, rel: str, limit: int) -> tuple[bytes, bool]:
        if rel in self.downloaded:
            return FolderSource(self.downloaded, self.collector).read(rel, limit)
        size = self.sizes[rel]
        if size == 0 or limit == 0:
            return b"", size > limit
        return self._fetcher(rel)(0, min(size, limit) - 1), size > limit

    def open(self, rel: str) -> BinaryIO:
        if rel in self.downloaded:
            return self.downloaded[rel].open("rb")
        return RemoteFile(self._fetcher(rel), self.sizes[rel], rel, HUB_REMOTE_BUDGET)  # type: ignore[return-value]

    def _fetcher(self, rel: str) -> Fetch:
        url = hf_hub_url(self.repo_id, rel, revision=self.sha, endpoint=self.hub.endpoint)
        headers = build_hf_headers(token=self.hub.token or False, library_name="aibom", library_version=__version__)

        def fetch(start: int, end: int) -> bytes:
            return self.hub.call(f"reading bytes {start}-{end} of {rel}", self.repo_id,
                                 lambda: read_range(url, headers, start, end, self.hub.timeout))

        return fetch
