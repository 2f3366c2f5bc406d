"""A safe YAML loader that refuses aliases, for files aibom reads whole (declarations, MOT files)."""

from __future__ import annotations

import yaml


class NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: these files have no use for them, and expanding nested aliases
    (a "billion laughs" file) would make reading or validating them run for ever."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]
