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


def human_size(n: float) -> str:
    """Bytes in binary units, one decimal: ``1.5 GiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"
