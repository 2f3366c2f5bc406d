"""How aibom words things for people, in one place: text cut at a word, counts with their noun.

Below every layer (like `model`): collectors, scorers, diff and renderers word alike.
"""

from __future__ import annotations


def clip(text: str, limit: int = 120) -> str:
    """`text` on one line, at most `limit` characters: cut at the last space that fits (never inside
    a word, unless one word is longer than `limit`), with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def count(n: int, noun: str, plural: str = "") -> str:
    """``1 listed training dataset``, ``3 listed training datasets``: the noun agrees with `n`."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"
