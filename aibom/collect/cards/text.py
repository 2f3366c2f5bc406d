"""A card's text as lines, and the bounds every card reader keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aibom.model import (
    Unknown,
)

MAX_ITEMS = 1000


MAX_SECTION_CHARS = 4000


MAX_DESCRIPTION_CHARS = 1000


MAX_QUOTE_CHARS = 300


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


_Heading = tuple[int, int, str]


"""(index of the line in the body, level 1-6, plain heading text)."""


@dataclass(frozen=True)
class _Parsed:
    """A card split into front matter, numbered body lines and their headings."""

    meta: dict[str, Any]
    body: tuple[_Line, ...]
    unknowns: tuple[Unknown, ...]
    heads: tuple[_Heading, ...] = ()
