"""Chat templates (Jinja) that run more than formatting: the constructs that flag them."""

from __future__ import annotations

import re

from aibom.collect.weights.limits import _word

CHAT_TEMPLATE_CODE = {
    name: re.compile(pattern, re.IGNORECASE) for name, pattern in {
        "import": _word("import"),
        "dunder": r"__|\\x5f\\x5f|\\u005f\\u005f",
        "os.": _word("os") + r"\.",
        "eval": _word("eval"),
        "exec": _word("exec"),
        "subprocess": "subprocess",
        "popen": "popen",
        "cycler": _word("cycler"),
        "joiner": _word("joiner"),
        "lipsum": _word("lipsum"),
        "attr-filter": r"\|\s*attr(?![A-Za-z0-9])",
        "getattr": _word("getattr"),
        "globals": _word("globals"),
        "builtins": _word("builtins"),
        "mro": _word("mro"),
        "subclasses": _word("subclasses"),
        "self": _word("self"),
    }.items()
}


"""Constructs that normal chat templates never need but template-injection payloads do."""


def chat_template_code(template: str) -> tuple[str, ...]:
    """Names of code-like constructs in a chat template that plain Jinja formatting never needs."""
    return tuple(name for name, pattern in CHAT_TEMPLATE_CODE.items() if pattern.search(template))
