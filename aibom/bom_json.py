"""Tolerant accessors over a BOM parsed from JSON: a value of the wrong type reads as absent, never a crash."""

from __future__ import annotations

from typing import Any


def dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def indexed(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a list with their index in it (a JSON path must count what is skipped)."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def props(obj: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["name"], str(p.get("value", ""))) for p in dicts(obj.get("properties")) if text(p.get("name"))]


def first(props: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in props if k == name), None)


def every(props: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in props if k == name]


def count(value: str | None) -> int | None:
    """A non-negative count written in ASCII digits (at most 30 of them), else None."""
    if value is None or not (0 < len(value) <= 30 and value.isascii() and value.isdigit()):
        return None
    return int(value)
