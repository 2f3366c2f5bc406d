"""Markdown for pull-request comments, shared by the score report and the diff renderer."""

from __future__ import annotations


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, backslashes and pipes escaped, no backticks."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")
