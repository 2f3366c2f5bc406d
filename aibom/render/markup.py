"""Text the renderers share: Markdown cells for pull-request comments, and evidence locations read
back into a file and a line (HTML prints them, SARIF points at them)."""

from __future__ import annotations

import re

LINE = re.compile(r"#L(\d+)$")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def place(location: str) -> tuple[str, str, int | None]:
    """An evidence location as (file or URL, fragment, line): ``README.md#L12`` is the card's line 12,
    ``README.md#front-matter`` its line 1; a URL (a Hub page) is no file of the model."""
    found = LINE.search(location)
    path, _, fragment = location.partition("#") if not SCHEME.match(location) else (location, "", "")
    line = int(found.group(1)) if found else 1 if fragment == "front-matter" else None
    return path, fragment, line


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, backslashes and pipes escaped, no backticks."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")
