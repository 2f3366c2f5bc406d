"""Bounded reads of the text files aibom reads whole (BOMs, declarations, MOT files) and alias-free YAML."""

from __future__ import annotations

from pathlib import Path

import yaml

from aibom.errors import InputError, from_os_error

DOCUMENT_LIMIT = 256 * 1024 * 1024
"""Largest document (a BOM) aibom reads."""


def read_text(path: Path, limit: int = DOCUMENT_LIMIT) -> str:
    """A UTF-8 text file, bounded in size, with a clear error for anything else."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path} is {size} bytes; aibom reads at most {limit} bytes of a document")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    except OSError as exc:
        raise from_os_error(exc, f"cannot read {path}") from exc


STDIN = "-"
"""The target that names standard input (``aibom validate -``, ``aibom score -``)."""


def read_document(target: str, limit: int = DOCUMENT_LIMIT) -> str:
    """The UTF-8 text of file `target`, or of standard input for ``-``, bounded in size."""
    if target != STDIN:
        return read_text(Path(target), limit)
    import sys

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"standard input holds more than {limit} bytes; aibom reads at most that of a document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("standard input is not UTF-8 text") from exc


class NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: these files have no use for them, and expanding nested aliases
    (a "billion laughs" file) would make reading or validating them run for ever."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def load_file(path: Path, limit: int) -> object:
    """The YAML document in the UTF-8 file at `path` (at most `limit` bytes); bad YAML is an InputError."""
    try:
        return yaml.load(read_text(path, limit=limit), Loader=NoAliasLoader)  # safe: no tags, no code
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"{path} is not valid YAML{where}: {problem}") from exc
