"""A card's Markdown structure: headings, sections filed as considerations, the title and description."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aibom.budget import HEADING_CHARS
from aibom.collect.cards.text import (
    MAX_DESCRIPTION_CHARS,
    MAX_ITEMS,
    MAX_QUOTE_CHARS,
    MAX_SECTION_CHARS,
    _Heading,
    _Line,
)
from aibom.model import (
    Consideration,
    Evidence,
)

_HEADING_OPEN = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, else None. The closing ``#`` run is stripped by hand: a
    regex ``(.*?)[ #]*$`` is quadratic over a line of `` # # # …`` (11 s for 40,000 characters)."""
    m = _HEADING_OPEN.match(line)
    if m is None:
        return None
    text = line[m.end():].rstrip(" \t")
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] in " \t"):
        text = closed.rstrip(" \t")
    return len(m.group(1)), text


_BOLD_LABEL = re.compile(r"^ {0,3}(?:\*\*|__)([^*_:\n]{2,60}?):?(?:\*\*|__):?[ \t]*(.*)$")
"""A paragraph that opens with a bold label, ``**Training Data:** …`` (Granite's cards are sections
of these): a heading below every ``#`` level whose text may go on on the same line."""
LABEL_LEVEL = 7


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def strip_comments(text: str) -> str:
    """`text` without HTML comments, in one pass (a regex ``<!--.*?-->`` rescans to the end for every
    unclosed ``<!--``: 9 s for 20,000 of them); an unclosed comment runs to the end, as in HTML."""
    out, at = [], 0
    while (start := text.find("<!--", at)) != -1:
        out.append(text[at:start])
        end = text.find("-->", start + 4)
        if end == -1:
            return "".join(out)
        at = end + 3
    out.append(text[at:])
    return "".join(out)




_LAYOUT_TAGS = re.compile(r"</?(details|summary|br|p|div|span|center|img)\b[^>]*>", re.I)


_EMPHASISED = re.compile(r"^([*_]).*\1$", re.S)


_NOT_PROSE = re.compile(r"^\*\*[^*]{1,60}:\*\*|^\*\*[^*]{1,60}\*\*:|^@|<[a-zA-Z]|\s\|\s")


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


_PLACEHOLDER = re.compile(r"\[?more information needed\]?", re.I)


# Heading text (normalised) -> consideration kind; the first rule that matches wins.
_KIND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"hyper-?parameters?", "hyperparameters"),
        (r"hardware|compute infrastructure|training compute", "hardware"),
        (r"environmental|carbon|emissions", "environmental"),
        (
            r"^training (procedure|details|process|recipe|setup)|^training$"
            r"|^fine-?tuning (procedure|details)",
            "training-procedure",
        ),
        (r"^(training|pre-?training|fine-?tuning|sft|instruction|alignment)? ?(data|datasets?|corpus|corpora)$",
         "training-data"),
        (r"fairness", "fairness"),
        (r"out[- ]of[- ]scope|misuse|malicious use", "limitations"),
        (r"intended us(e|age)", "use-cases"),
        (r"ethic", "ethical-considerations"),
        (r"limitation", "limitations"),
        (r"\bbias|\brisks?\b|responsible ai", "ethical-considerations"),
        (r"\busers\b", "users"),
        (r"^uses?$|\buse cases?\b|^direct use|^downstream use", "use-cases"),
    )
)


_DESCRIPTION_HEADINGS = re.compile(r"^(model )?(description|summary|overview|introduction|details)$")


_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s")


def _prose(body: tuple[_Line, ...]) -> Iterator[_Line]:
    """Body lines outside fenced code blocks."""
    fence = ""
    for line in body:
        m = _FENCE.match(line.text)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m:
            fence = m.group(1)
            continue
        yield line


def _headings(body: tuple[_Line, ...]) -> tuple[_Heading, ...]:
    """(index in body, level, plain heading text) for every ATX heading outside code, and every bold
    label that opens a paragraph (level `LABEL_LEVEL`)."""
    index = {line.number: i for i, line in enumerate(body)}
    out = []
    previous = ""
    for line in _prose(body):
        found = heading(line.text)
        if found:
            out.append((index[line.number], found[0], _plain(found[1][:HEADING_CHARS])))
        elif not previous.strip() and (label := _BOLD_LABEL.match(line.text)):
            out.append((index[line.number], LABEL_LEVEL, label.group(1).strip()[:HEADING_CHARS]))
        previous = line.text
    return tuple(out)


def _label_rest(body: tuple[_Line, ...], index: int, level: int) -> list[str]:
    """The text on a bold label's own line after the label (a heading has none)."""
    if level != LABEL_LEVEL:
        return []
    m = _BOLD_LABEL.match(body[index].text)
    return [m.group(2)] if m and m.group(2).strip() else []


def _plain(text: str) -> str:
    """A heading without links, tags, code ticks and emphasis marks; an underscore inside a word
    (``Q4_K_M``) is part of a name and stays."""
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[*`]|(?<!\w)_+|_+(?!\w)", "", text).strip()


def _normalise(heading: str) -> str:
    text = heading.lower().replace("&", " and ")
    text = re.sub(r"^[^a-z]+", "", text)
    text = re.sub(r"[^a-z0-9,\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,-")


def _kind(heading: str) -> str | None:
    norm = _normalise(heading)
    return next((kind for pattern, kind in _KIND_RULES if pattern.search(norm)), None)


def _title(heads: tuple[_Heading, ...]) -> str | None:
    for _, level, text in heads:
        text = re.sub(r"^[^\w\"'(\[]+", "", text)
        if level == 1 and text:
            return text[:200]
    return None


def _clean(lines: list[str], limit: int) -> str:
    text = _LAYOUT_TAGS.sub("", strip_comments("\n".join(lines)))
    kept = [ln.rstrip() for ln in text.splitlines() if not _PLACEHOLDER.fullmatch(ln.strip(" -*:"))]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return cut[: max(cut.rfind(" "), cut.rfind("\n"), limit // 2)].rstrip() + "…"  # at a word


def _section_lines(body: tuple[_Line, ...], start: int, end: int) -> list[str]:
    inside = {line.number for line in _prose(body[start:end])}
    return [line.text for line in body[start:end] if line.number in inside]


def _considerations(
    body: tuple[_Line, ...], heads: tuple[_Heading, ...], collector: str, location: str
) -> tuple[Consideration, ...]:
    kinds = [_kind(heading) for _, _, heading in heads]
    out: list[Consideration] = []
    for n, (index, level, heading) in enumerate(heads):
        kind = kinds[n]
        if kind is None:
            continue
        end = next(
            (heads[m][0] for m in range(n + 1, len(heads)) if heads[m][1] <= level or kinds[m] is not None),
            len(body),
        )
        text = _clean(_label_rest(body, index, level) + _section_lines(body, index + 1, end), MAX_SECTION_CHARS)
        if text:
            evidence = Evidence(collector, f"{location}#{heading[:80]}", "declared")
            out.append(Consideration(kind, text, evidence))
    return tuple(out[:MAX_ITEMS])


def _paragraphs(lines: list[str]) -> Iterator[str]:
    """Runs of text lines; headings, HTML, images, tables, quotes and list items (with their
    continuation lines) end a paragraph and are left out."""
    para: list[str] = []
    in_list = False
    for line in [*strip_comments("\n".join(lines)).splitlines(), ""]:
        s = line.strip()
        in_list = bool(s) and (in_list or bool(_LIST_ITEM.match(s)))
        if in_list or not s or s.startswith(("#", "<", "!", "|", "[![", "---", "***", ">")):
            if para:
                yield " ".join(para)
            para = []
        else:
            para.append(s)


def _prose_paragraphs(lines: list[str]) -> Iterator[str]:
    """Paragraphs of running text: not short notes, italic boilerplate, ``**Label:**`` lines, inline
    HTML, link bars or citations."""
    return (p for p in _paragraphs(lines) if len(p) >= 40 and not _NOT_PROSE.search(p) and not _EMPHASISED.match(p))


def _description(body: tuple[_Line, ...], heads: tuple[_Heading, ...]) -> str | None:
    for n, (index, level, heading) in enumerate(heads):
        if _DESCRIPTION_HEADINGS.match(_normalise(heading)):
            end = next((i for i, lv, _ in heads[n + 1 :] if lv <= level), len(body))
            found = next(_prose_paragraphs(_section_lines(body, index + 1, end)), None)
            if found:
                return _clean([found], MAX_DESCRIPTION_CHARS)
    found = next(_prose_paragraphs(_section_lines(body, 0, len(body))), None)
    return _clean([found], MAX_DESCRIPTION_CHARS) if found else None


def _quote(text: str, start: int) -> str:
    """The part of line `text` around offset `start` (the whole line when short); only that window is
    copied, so quoting every link of a long line stays linear."""
    if len(text) <= MAX_QUOTE_CHARS + 64:
        return text.strip()
    lo = max(0, start - MAX_QUOTE_CHARS // 3)
    return text[lo : lo + MAX_QUOTE_CHARS].strip()
