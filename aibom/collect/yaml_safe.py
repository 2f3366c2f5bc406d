"""A safe YAML loader that refuses aliases, for files aibom reads whole (declarations, MOT files)."""

from __future__ import annotations

from pathlib import Path

import yaml

from aibom.collect.dispatch import read_text
from aibom.errors import InputError


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
