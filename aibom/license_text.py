"""A LICENSE file's text matched to a known license by its distinctive phrases (best effort, bounded)."""

from __future__ import annotations

import re
from dataclasses import replace

from aibom.licenses import license_from_row, lookup
from aibom.model import Evidence, License

MAX_TEXT = 64 * 1024
"""How much of a LICENSE file `from_text` reads."""


# Distinctive phrases of license texts (lower case, whitespace collapsed) -> table key.
# The earliest phrase in the text wins; on a tie, the first listed.
_MARKERS: tuple[tuple[str, str], ...] = (
    ("llama 4 community license agreement", "llama4"),
    ("llama 3.3 community license agreement", "llama3.3"),
    ("llama 3.2 community license agreement", "llama3.2"),
    ("llama 3.1 community license agreement", "llama3.1"),
    ("meta llama 3 community license agreement", "llama3"),
    ("llama 2 community license agreement", "llama2"),
    ("gemma terms of use", "gemma"),
    ("ai.google.dev/gemma/terms", "gemma"),
    ("tii falcon llm license", "tii-falcon-llm"),
    ("falcon 180b tii license", "falcon-llm-license"),
    ("tii falcon license 2.0", "falcon-2-11b-license"),
    ("tongyi qianwen research license agreement", "tongyi-qianwen-research"),
    ("tongyi qianwen license agreement", "tongyi-qianwen"),
    ("qwen research license agreement", "qwen-research"),
    ("qwen license agreement", "qwen"),
    ("deepseek license agreement", "deepseek"),
    ("yi series models community license agreement", "yi-license"),
    ("microsoft research license terms", "microsoft-research-license"),
    ("nvidia open model license", "nvidia-open-model-license"),
    ("mistral ai research license", "mrl"),
    ("mistral ai non-production license", "mnpl"),
    ("stability ai community license agreement", "stabilityai-ai-community"),
    ("bigscience bloom rail license", "bigscience-bloom-rail-1.0"),
    ("bigscience rail license", "bigscience-bloom-rail-1.0"),
    ("bigcode open rail-m", "bigcode-openrail-m"),
    ("creativeml open rail++-m", "openrail++"),
    ("open rail++-m", "openrail++"),
    ("creativeml open rail-m", "creativeml-openrail-m"),
    ("bigscience open rail-m", "bigscience-openrail-m"),
    ("open rail-m license", "openrail"),
    ("responsible ai license", "openrail"),
    ("open model, data & weights license agreement", "openmdw-1.0"),
    ("gnu affero general public license version 3", "agpl-3.0"),
    ("gnu lesser general public license version 3", "lgpl-3.0"),
    ("gnu lesser general public license version 2.1", "lgpl-2.1"),
    ("gnu general public license version 3", "gpl-3.0"),
    ("gnu general public license version 2", "gpl-2.0"),
    ("mozilla public license version 2.0", "mpl-2.0"),
    ("mozilla public license, version 2.0", "mpl-2.0"),
    ("apache license version 2.0", "apache-2.0"),
    ("apache license, version 2.0", "apache-2.0"),
    ("cc0 1.0 universal", "cc0-1.0"),
    ("this is free and unencumbered software released into the public domain", "unlicense"),
    ("boost software license - version 1.0", "bsl-1.0"),
    ("do what the fuck you want to public license", "wtfpl"),
    ("eclipse public license - v 2.0", "epl-2.0"),
    ("eclipse public license - v 1.0", "epl-1.0"),
    ("open data commons open database license", "odbl"),
    ("community data license agreement - permissive - version 2.0", "cdla-permissive-2.0"),
    ("community data license agreement - permissive - version 1.0", "cdla-permissive-1.0"),
    ("community data license agreement - sharing - version 1.0", "cdla-sharing-1.0"),
    ("permission to use, copy, modify, and/or distribute this software for any purpose", "isc"),
    ("permission is hereby granted, free of charge, to any person obtaining a copy", "mit"),
    ("redistribution and use in source and binary forms, with or without modification, are permitted", "bsd"),
)


_PUNCT = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
                        "\u201d": '"', "*": None, "#": None, "\u00a0": " "})


_CC_TEXT = re.compile(
    r"attribution(-noncommercial|-non commercial)?(-sharealike|-share alike|-noderivatives|-noderivs)?"
    r" (\d\.\d)\b"
)


def from_text(text: str, evidence: Evidence) -> License | None:
    """Best-effort match of a LICENSE file's text to a known license (first 64 KB only).

    The result's evidence method is ``inferred`` and its quote the phrase that matched.
    """
    if not isinstance(text, str):
        return None
    flat = _flatten(text[:MAX_TEXT])
    best: tuple[int, int, str, str] | None = None
    for order, (phrase, key) in enumerate(_MARKERS):
        at = flat.find(phrase)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, order, phrase, key)
    cc = _CC_TEXT.search(flat)
    if cc and (best is None or cc.start() < best[0]):
        nc, variant, version = cc.group(1), cc.group(2) or "", cc.group(3)
        suffix = ("-NC" if nc else "") + ("-SA" if "share" in variant else "-ND" if variant else "")
        best = (cc.start(), -1, cc.group(0), f"CC-BY{suffix}-{version}")
    if best is None:
        return None
    _, _, phrase, key = best
    if key == "bsd":
        key = _bsd_variant(flat)
    row = lookup(key)
    if row is None or not row.spdx:
        return None
    return license_from_row(row, phrase, replace(evidence, method="inferred", quote=phrase), None)


def _flatten(text: str) -> str:
    text = text.lower().translate(_PUNCT)
    return re.sub(r"\s+", " ", text).strip()


def _bsd_variant(flat: str) -> str:
    if "no express or implied licenses to any party's patent rights" in flat:
        return "bsd-3-clause-clear"
    if "neither the name" in flat or "names of its contributors may not be used" in flat:
        return "bsd-3-clause"
    return "bsd-2-clause"
