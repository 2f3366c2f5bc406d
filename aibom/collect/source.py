"""Where a collector reads a model's files from: a folder (or cache snapshot) or a Hub repo.

Collectors and readers see only `Source`: the paths it holds (`files`), a bounded whole read of one
(`read`) and a seekable binary stream (`open`). A folder's streams are its files; a Hub repo's are
ranged HTTP reads (`aibom.collect.hf_hub.ranges`), so a weight header is inspected without
downloading the tensors and without writing anything to disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from aibom.errors import from_os_error


class Source(Protocol):
    """A model's files, readable by relative POSIX path; every read is bounded by its caller."""

    collector: str

    def files(self) -> tuple[str, ...]:
        """Every path the source holds, sorted."""
        ...

    def read(self, rel: str, limit: int) -> tuple[bytes, bool]:
        """At most `limit` bytes of `rel` from its start, and whether the file was longer."""
        ...

    def open(self, rel: str) -> BinaryIO:
        """`rel` as a seekable binary stream (a context manager); readers seek and read headers."""
        ...

    def size(self, rel: str) -> int:
        """The size in bytes of `rel`."""
        ...


@dataclass(frozen=True)
class FolderSource:
    """Files on disk: `paths` maps each relative path to the real file the safe walk found for it
    (so a link is followed only where the walk allowed it)."""

    paths: Mapping[str, Path]
    collector: str = "local"

    @classmethod
    def of(cls, root: Path, rels: tuple[str, ...] | None = None, collector: str = "local") -> FolderSource:
        """The files `rels` (default: none) under `root`, taken as they are (for tests and single files)."""
        return cls({rel: root / rel for rel in rels or ()}, collector)

    def files(self) -> tuple[str, ...]:
        return tuple(sorted(self.paths))

    def read(self, rel: str, limit: int) -> tuple[bytes, bool]:
        path = self.paths[rel]
        try:
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise from_os_error(exc, f"cannot read {path}") from exc
        return data[:limit], len(data) > limit

    def open(self, rel: str) -> BinaryIO:
        return self.paths[rel].open("rb")

    def size(self, rel: str) -> int:
        return self.paths[rel].stat().st_size
