"""The license a card states in its body: a ``License:`` line or the opening of a License section.

Read only when the front matter names no license, or only the placeholder ``other``: many cards
(Tulu 2, Stable Beluga, the first Llama 2 cards) name theirs in prose alone. A sentence about the
repository's source code is not the model's license. The first statement that names a license aibom
knows wins; otherwise the first that names one at all, kept by name (its category unknown unless
the name itself says non-commercial or research-only). Lines are bounded before any regex runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aibom import licenses
from aibom.collect.cards.sections import _normalise, _prose
from aibom.collect.cards.text import MAX_QUOTE_CHARS, _Heading, _Line
from aibom.model import Evidence, License

MAX_STATEMENT = 600
"""Characters of one line looked at."""

_LABEL = re.compile(
    r"^(?:[-*+]\s+)?(?:\*\*|__)?licen[cs]e(?P<what>(?: for| of)? [\w ]{1,30}?)?"
    r"(?:\s*:\s*(?:\*\*|__)|(?:\*\*|__)\s*:?|\s*:)\s*(?P<rest>.+)$",
    re.I,
)
_SECTION = re.compile(r"^(\d+ )?licen[cs](e|es|ing)\b")
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")
_CODE_SUBJECT = re.compile(r"\b(source code|code repository|this (code )?repo(sitory)?|the code)\b", re.I)
_MODEL_WORDS = re.compile(r"\b(model|weights?|checkpoints?)\b", re.I)
_UNDER = re.compile(
    r"\b(?:licen[cs]ed|released|available|distributed|governed|provided)\s+(?:\w+\s+){0,3}?"
    r"(?:under|by)\s+(?:the\s+(?:terms\s+of\s+(?:the\s+)?)?)?(?P<name>[^.;()]{2,120})",
    re.I,
)
_TRAILER = re.compile(r"\s+(?:is|are)\s+(?:available|found|described|here)\b.*$|\s*[.;:,]+$", re.I)
_NOT_A_NAME = re.compile(r"^(here|link|this|license|licence|the license|https?://\S+)$", re.I)


def statement_licenses(body: tuple[_Line, ...], heads: tuple[_Heading, ...], collector: str,
                       location: str) -> tuple[License, ...]:
    """The license the card's body states, as at most one License (method ``inferred``, quoted)."""
    named: License | None = None
    for number, text in _statements(body, heads):
        for name, url in _names(text):
            evidence = Evidence(collector, f"{location}#L{number}", "inferred", _quote(text))
            found = licenses.resolve(name, evidence, url=url)
            if found.category != "unknown":
                return (found,)
            if named is None and re.search(r"licen[cs]e|agreement|terms", name, re.I):
                named = licenses.named(name, evidence, url)
    return (named,) if named else ()


def _statements(body: tuple[_Line, ...], heads: tuple[_Heading, ...]) -> Iterator[tuple[int, str]]:
    """(line number, text) of ``License:`` lines, then of the first lines of License sections."""
    lines = [line for line in _prose(body) if line.text.strip()]
    for line in lines:
        m = _LABEL.match(line.text.strip()[:MAX_STATEMENT])
        if m and not _CODE_SUBJECT.search(m.group("what") or ""):
            yield line.number, m.group("rest")
    for n, (index, level, heading) in enumerate(heads):
        if not _SECTION.match(_normalise(heading)):
            continue
        end = next((i for i, lv, _ in heads[n + 1:] if lv <= level), len(body))
        kept = [ln for ln in _prose(body[index + 1:end]) if ln.text.strip()][:3]
        for line in kept:
            yield line.number, line.text.strip()[:MAX_STATEMENT]


def _names(text: str) -> Iterator[tuple[str, str | None]]:
    """Candidate license names in one statement, best first, each with the link it carries."""
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
        if _CODE_SUBJECT.search(sentence) and not _MODEL_WORDS.search(sentence):
            continue  # the repository's code license, not the model's
        links = [(t.strip(" `*_"), u) for t, u in _LINK.findall(sentence)]
        plain = _LINK.sub(lambda m: m.group(1), sentence)
        plain = re.sub(r"[*_`]+", "", plain).strip()
        plain = re.sub(r"^(?:licen[cs]e\s*:\s*)+", "", plain, flags=re.I)
        url = next((u for _, u in links if u.startswith(("http://", "https://"))), None)
        under = _UNDER.search(plain)
        if under:
            yield _TRAILER.sub("", under.group("name")).strip(), url
        for link_text, link in links:
            if not _NOT_A_NAME.match(link_text):
                yield link_text, link if link.startswith(("http://", "https://")) else None
        bare = _TRAILER.sub("", plain).strip()
        if bare and len(bare) <= 120:
            yield bare, url


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1] + "…"
