"""Bounded reads of the text files aibom reads whole (BOMs, declarations, MOT files) and alias-free YAML."""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from aibom.budget import DOCUMENT_LIMIT
from aibom.errors import InputError, from_os_error


def read_text(path: Path, limit: int = DOCUMENT_LIMIT) -> str:
    """A UTF-8 text file, bounded in size, with a clear error for anything else. Only a regular file
    is opened (a FIFO with no writer would block for ever, ``/dev/zero`` never ends), and at most
    `limit` bytes are read whatever its size claims."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path} is not a regular file")
        if st.st_size > limit:
            raise InputError(f"{path} is {st.st_size} bytes; aibom reads at most {limit} bytes of a document")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"{path} holds more than {limit} bytes; aibom reads at most that of a document")
        return data.decode("utf-8")
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
    """Safe YAML without aliases and without dates: these files have no use for aliases, and
    expanding nested ones (a "billion laughs" card: 1 KB to 741 MB) would make reading them run out
    of memory; a date stays the text it was written as (an impossible one, 2023-02-30, would raise
    deep inside the parser)."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> object:
    """Alias-free, date-free safe YAML from untrusted text; yaml.YAMLError, or ValueError for a
    value the interpreter cannot hold (an integer of 5,000 digits)."""
    try:
        return yaml.load(text, Loader=NoAliasLoader)  # safe: no tags, no code
    except RecursionError as exc:
        raise yaml.YAMLError("YAML nested too deeply") from exc


def load_file(path: Path, limit: int) -> object:
    """The YAML document in the UTF-8 file at `path` (at most `limit` bytes); bad YAML is an InputError."""
    try:
        return load_yaml(read_text(path, limit=limit))
    except ValueError as exc:
        raise InputError(f"{path} holds a value aibom cannot read: {str(exc)[:200]}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"{path} is not valid YAML{where}: {problem}") from exc
