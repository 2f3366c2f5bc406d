"""JSON from untrusted bytes, parsed the one way every reader of it does: a value, or ValueError.

Python's own parser accepts what no JSON producer means and what later code cannot hold: ``NaN``
and ``Infinity``, lone UTF-16 surrogates (a string that cannot be written back as UTF-8), integers
beyond the interpreter's 4,300-digit limit (a plain ValueError, not a JSONDecodeError), and nesting
deep enough to exhaust the stack. Each of those is refused here as ValueError, with a line that
says why, in time linear in the text.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str, **kw: Any) -> Any:
    """`json.loads` that refuses NaN/Infinity, lone surrogates, oversized integers and deep nesting,
    all as ValueError."""
    try:
        value = json.loads(text, parse_constant=_no_constant, **kw)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    if _SURROGATE_ESCAPE.search(text):  # a pair is fine; a lone half cannot be encoded back
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text") from exc
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
    return value
