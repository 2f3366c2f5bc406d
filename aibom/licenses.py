"""License knowledge: what a card, a BOM or a LICENSE file says, resolved to SPDX and a category.

The facts live in ``aibom/data/licenses.csv`` (every Hugging Face license id, common
``license: other`` names, and SPDX ids seen in model repos) and ``aibom/data/spdx-osi.csv`` (the OSI
flag of every id on the SPDX License List of 2024-05-21). SPDX expressions are parsed with
license-expression. Nothing here raises on odd input: what cannot be resolved is category
``unknown``, never an SPDX id of ``unknown``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Literal, TypeVar, get_args

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
    get_spdx_licensing,
)

from aibom.model import LICENSE_CATEGORIES, Evidence, License

T = TypeVar("T")

MAX_INPUT = 512
"""Longest license string worth parsing; longer input is kept (clipped) as an unknown name."""


_RANK = {category: rank for rank, category in enumerate(LICENSE_CATEGORIES)}

_LABELS = {
    "public-domain": "public domain",
    "permissive": "permissive",
    "open-data-permissive": "open data (permissive)",
    "weak-copyleft": "weak copyleft",
    "open-data-share-alike": "open data (share-alike)",
    "strong-copyleft": "strong copyleft",
    "network-copyleft": "network copyleft",
    "rail-use-restricted": "use-restricted (RAIL)",
    "proprietary-community": "community license (use, user or revenue caps)",
    "no-derivatives": "no derivatives",
    "non-commercial": "non-commercial",
    "research-only": "research only",
    "restricted-data": "restricted data use",
    "proprietary": "proprietary",
    "unknown": "unknown",
}

_PERMISSIVE = frozenset({"public-domain", "permissive", "open-data-permissive"})
_COPYLEFT = frozenset({"weak-copyleft", "strong-copyleft", "network-copyleft", "open-data-share-alike"})
_OPEN_DATA = frozenset({"public-domain", "permissive", "open-data-permissive", "open-data-share-alike"})

_PLACEHOLDERS = frozenset({"", "other", "unknown", "noassertion", "none"})

# SPDX ids the table lacks: category by family (prefix of the exact-case id), first match wins.
_FAMILIES: tuple[tuple[str, str], ...] = (
    ("CC-BY-NC", "non-commercial"),
    ("CC-BY-ND", "no-derivatives"),
    ("CC-BY-SA", "open-data-share-alike"),
    ("CC-BY-", "open-data-permissive"),
    ("CC0", "public-domain"),
    ("CC-PDD", "public-domain"),
    ("AGPL-", "network-copyleft"),
    ("GPL-", "strong-copyleft"),
    ("EUPL-", "strong-copyleft"),
    ("LGPL-", "weak-copyleft"),
    ("MPL-", "weak-copyleft"),
    ("EPL-", "weak-copyleft"),
    ("CDDL-", "weak-copyleft"),
    ("GFDL-", "open-data-share-alike"),
    ("ODbL-", "open-data-share-alike"),
    ("CDLA-Sharing", "open-data-share-alike"),
    ("CDLA-Permissive", "open-data-permissive"),
    ("MIT", "permissive"),
    ("BSD-", "permissive"),
    ("Apache-", "permissive"),
)


_STOPWORDS = frozenset(
    {"the", "a", "license", "licenses", "agreement", "version", "v", "gnu", "terms", "of", "use",
     "international", "generic", "unported"}
)
"""Words that carry no identity in a license's name."""


# License pages -> what to resolve (str.format of the match groups; ``_`` becomes ``.``).
_URL_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)"), "cc-{}-{}"),
    (re.compile(r"^creativecommons\.org/publicdomain/zero/1\.0"), "cc0-1.0"),
    (re.compile(r"^spdx\.org/licenses/([a-z0-9.+-]+?)(?:\.html|\.json)?$"), "{}"),
    (re.compile(r"^opensource\.org/licenses?/([a-z0-9.+-]+?)(?:\.php|\.html)?$"), "{}"),
    (re.compile(r"^apache\.org/licenses/license-2\.0(?:\.txt|\.html)?$"), "apache-2.0"),
    (re.compile(r"^gnu\.org/licenses/((?:a|l)?gpl)-(\d\.\d)(?:\.html|\.txt|\.en\.html)?$"), "{}-{}"),
    (re.compile(r"^(?:llama\.meta\.com|llama\.com)/llama(\d(?:_\d)?)/license$"), "llama{}"),
)


TermKind = Literal[
    "non-commercial", "research-only", "field-of-use", "user-threshold", "revenue-threshold", "registration",
    "attribution", "naming", "pass-through", "output-use", "no-derivatives", "share-alike", "revocation", "other",
]
"""The kinds of condition a license sets, as the ``restrictions`` column of licenses.csv names them."""


@dataclass(frozen=True)
class Term:
    """One condition of a license in a reviewer's words: `kind` and what the license's own text says."""

    kind: TermKind
    text: str


def _terms(cell: str) -> tuple[Term, ...]:
    """``kind: text; kind: text`` (``none`` and ``unknown`` hold no term); an unknown kind is a table bug."""
    if cell in ("none", "unknown", ""):
        return ()
    terms = []
    for item in cell.split("; "):
        kind, _, text = item.partition(": ")
        if kind not in get_args(TermKind) or not text:
            raise ValueError(f"licenses.csv: restriction {item!r} does not start with a known kind")
        terms.append(Term(kind, text))  # type: ignore[arg-type]
    return tuple(terms)


@dataclass(frozen=True)
class LicenseFacts:
    """One row of the license table: an HF id or ``other`` name, its SPDX id and what it allows."""

    hf_id: str
    license_name: str
    spdx: str | None
    name: str
    url: str | None
    category: str
    osi_approved: bool | None
    commercial_use: str
    restrictions: tuple[Term, ...]
    aliases: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class _Part:
    spdx: str
    category: str
    osi: bool | None
    compound: str = ""


@cache
def table() -> tuple[LicenseFacts, ...]:
    """Every row of the packaged license table, in file order."""
    text = resources.files("aibom").joinpath("data/licenses.csv").read_text(encoding="utf-8")
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        osi = {"True": True, "False": False}.get(r["osi_approved"])
        rows.append(
            LicenseFacts(
                hf_id=r["hf_id"],
                license_name=r["license_name"],
                spdx=r["spdx"] or None,
                name=r["name"],
                url=r["url"] or None,
                category=r["category"],
                osi_approved=osi,
                commercial_use=r["commercial_use"],
                restrictions=_terms(r["restrictions"]),
                aliases=tuple(a for a in r["aliases"].split("|") if a),
                notes=r["notes"],
            )
        )
    return tuple(rows)


def _key(text: str) -> str:
    """A spelling-insensitive key: ``Apache License, Version 2.0`` and ``apache-2.0`` meet."""
    s = text.lower().replace("licence", "license").replace("++", " plusplus ")
    s = re.sub(r"creative\s*commons", "cc", s)
    s = s.replace("attribution", "by")
    s = re.sub(r"non[\s_-]*commercial", "nc", s)
    s = re.sub(r"share[\s_-]*alike", "sa", s)
    s = re.sub(r"no[\s_-]*deriv(?:ative)?s?\b", "nd", s)
    s = re.sub(r"(?:lesser|library) general public license", "lgpl", s)
    s = re.sub(r"affero general public license", "agpl", s)
    s = s.replace("general public license", "gpl").replace("+", " or later ")
    s = re.sub(r"([a-z])v(\d)", r"\1 \2", s)
    s = re.sub(r"([a-z])(\d)", r"\1 \2", s)
    words = []
    for token in re.findall(r"[a-z]+|\d+(?:\.\d+)*", s):
        if token in _STOPWORDS:
            continue
        words.append(re.sub(r"(?:\.0)+$", "", token) if token[0].isdigit() else token)
    return " ".join(words)


@cache
def _index() -> tuple[dict[str, LicenseFacts], dict[str, LicenseFacts], dict[str, LicenseFacts]]:
    """(HF id -> row, lower-case SPDX id -> row, spelling key -> row); the first row wins."""
    by_hf: dict[str, LicenseFacts] = {}
    by_spdx: dict[str, LicenseFacts] = {}
    by_key: dict[str, LicenseFacts] = {}
    for row in table():
        if row.hf_id and row.hf_id != "other":
            by_hf.setdefault(row.hf_id, row)
        if row.license_name:
            by_hf.setdefault(row.license_name, row)
        if row.spdx:
            by_spdx.setdefault(row.spdx.lower(), row)
        names = (row.hf_id if row.hf_id != "other" else "", row.license_name, row.spdx or "", row.name)
        for spelling in (*names, *row.aliases):
            if spelling and (k := _key(spelling)):
                by_key.setdefault(k, row)
    return by_hf, by_spdx, by_key


def prepare() -> None:
    """Build the lookup indexes now (about 20 ms), e.g. in a thread while files are hashed."""
    _index()


def lookup(text: str) -> LicenseFacts | None:
    """The table row for an HF id, ``other`` name, SPDX id or common spelling, if any."""
    by_hf, by_spdx, by_key = _index()
    low = text.strip().lower()
    found = by_hf.get(low) or by_spdx.get(low)
    if found is None and low.count("(") == low.count(")"):  # a broken expression is not a name
        found = by_key.get(_key(low))
    return found


def resolve(raw: str, evidence: Evidence, *, name: str | None = None, url: str | None = None) -> License:
    """Resolve what a source said (HF id, ``other`` + name, SPDX expression, free text) to a License.

    `name` is the card's ``license_name``; `url` its ``license_link`` (kept only if absolute).
    Never raises: anything unresolvable is category ``unknown`` with the name kept.
    """
    link = url.strip() if isinstance(url, str) and re.match(r"https?://\S+$", url.strip()) else None
    if not isinstance(raw, str):
        return License(raw=_clip("" if raw is None else str(raw)), evidence=evidence, url=link)
    name = name.strip() if isinstance(name, str) and name.strip() else None
    text = raw.strip()
    kept = raw if len(raw) <= MAX_INPUT else _clip(raw)
    if text.lower() in _PLACEHOLDERS:
        if name is None:
            return _resolve_link(link, kept, evidence) or License(raw=kept, evidence=evidence, url=link)
        found = _resolve_text(name, kept, evidence, link) or _resolve_link(link, kept, evidence)
        return found or named(name, evidence, link, raw=kept)
    found = _resolve_text(text, kept, evidence, link)
    return found or named(name or text, evidence, link, raw=kept)


_NAME_CATEGORIES = (
    (re.compile(r"non[- ]?commercial|\bNC\b", re.I), "non-commercial"),
    (re.compile(r"research[- ]only|\bresearch (community )?licen[cs]e", re.I), "research-only"),
)
"""What a license's own name says about it, for a license aibom does not know otherwise."""


def named(name: str, evidence: Evidence, url: str | None = None, *, raw: str | None = None) -> License:
    """A license known only by its name: category unknown, unless the name itself says
    non-commercial or research-only (a license named so restricts use that way)."""
    name = _clip(name)
    category = next((c for rx, c in _NAME_CATEGORIES if rx.search(name)), "unknown")
    return License(raw=raw if raw is not None else name, evidence=evidence, name=name, url=url, category=category,
                   osi_approved=False if category != "unknown" else None)


def _resolve_link(link: str | None, raw: str, evidence: Evidence) -> License | None:
    """What a ``license_link`` names: a table URL, or a CC / SPDX / OSI / GNU / Apache / Llama page."""
    if link is None:
        return None
    page = _page(link)
    row = _index_urls().get(page)
    if row is not None:
        return license_from_row(row, raw, evidence, link)
    for pattern, form in _URL_FORMS:
        match = pattern.search(page)
        if match:
            return _resolve_text(form.format(*match.groups()).replace("_", "."), raw, evidence, link)
    return None


def _page(url: str) -> str:
    """A URL without scheme, ``www.``, query, fragment or trailing slash, lower case."""
    page = re.sub(r"^https?://(?:www\.)?", "", url.strip().lower())
    return re.split(r"[?#]", page, maxsplit=1)[0].rstrip("/")


@cache
def _index_urls() -> dict[str, LicenseFacts]:
    by_url: dict[str, LicenseFacts] = {}
    for row in table():
        if row.url:
            by_url.setdefault(_page(row.url), row)
    return by_url


def _resolve_text(text: str, raw: str, evidence: Evidence, link: str | None) -> License | None:
    if len(text) > MAX_INPUT:
        return None
    row = lookup(text)
    if row is not None and row.spdx:
        return license_from_row(row, raw, evidence, link)
    part = _expression(text)
    if part is None:
        return None
    single = lookup(part.spdx) if not part.compound else None
    return License(
        raw=raw,
        evidence=evidence,
        spdx=part.spdx,
        name=single.name if single else None,
        url=link or (single.url if single else None),
        category=part.category,
        osi_approved=part.osi,
    )


def license_from_row(row: LicenseFacts, raw: str, evidence: Evidence, link: str | None) -> License:
    return License(
        raw=raw,
        evidence=evidence,
        spdx=row.spdx,
        name=row.name or None,
        url=link or row.url,
        category=row.category,
        osi_approved=row.osi_approved,
    )


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_INPUT else text[: MAX_INPUT - 1] + "…"


@cache
def spdx_licensing() -> Licensing:
    """license-expression's SPDX licensing; building it reads its license index (~40 ms), so once per process."""
    return get_spdx_licensing()


def _parse(text: str) -> object | None:
    """license-expression's tree of an SPDX expression, or None when it does not parse."""
    try:
        return spdx_licensing().parse(text, validate=False)
    except (ExpressionError, TypeError, ValueError):
        return None


def fold_expression(text: str, leaf: Callable[[str, str | None], T | None],
                    combine: Callable[[str, list[T]], T | None]) -> T | None:
    """The one walk over an SPDX expression: `leaf(license, exception)` for each license, then
    `combine("AND" | "OR", parts)` upwards; None when the text does not parse or any part is None."""

    def walk(node: object) -> T | None:
        if isinstance(node, LicenseWithExceptionSymbol):
            return leaf(node.license_symbol.key, node.exception_symbol.key)
        if isinstance(node, LicenseSymbol):
            return leaf(node.key, None)
        if isinstance(node, AND | OR):
            parts = [walk(arg) for arg in node.args]
            if any(p is None for p in parts):
                return None
            return combine("AND" if isinstance(node, AND) else "OR", [p for p in parts if p is not None])
        return None

    parsed = _parse(text)
    return None if parsed is None else walk(parsed)


def spdx_expression(text: str) -> str | None:
    """`text` as a case-exact SPDX expression (LicenseRef-* symbols allowed), or None if it is not one."""
    parsed = _parse(text)
    if parsed is None or any(not k.startswith("LicenseRef-") for k in spdx_licensing().unknown_license_keys(parsed)):
        return None
    return str(parsed.render())


def _expression(text: str) -> _Part | None:
    """An SPDX expression with every symbol resolved, or None if any symbol is not a license."""
    return fold_expression(text, _leaf, _combine)


def _leaf(key: str, exception: str | None) -> _Part | None:
    base = _symbol(key)
    if exception is None or base is None:
        return base
    known = _known(exception)
    if known is None or base.compound:
        return None
    return _Part(f"{base.spdx} WITH {known}", base.category, base.osi, "WITH")


def _combine(op: str, parts: list[_Part]) -> _Part:
    spdx = f" {op} ".join(f"({p.spdx})" if p.compound in ("AND", "OR") and p.compound != op else p.spdx
                          for p in parts)
    known = [p.category for p in parts if p.category != "unknown"]
    osis = [p.osi for p in parts]
    if op == "AND":
        category = max(known, key=restrictiveness) if len(known) == len(parts) else "unknown"
        osi = False if False in osis else (True if all(osis) else None)
    else:
        category = min(known, key=restrictiveness) if known else "unknown"
        osi = True if True in osis else (False if all(o is False for o in osis) else None)
    return _Part(spdx, category, osi, op)


def _symbol(key: str) -> _Part | None:
    row = lookup(key)
    if row is not None and row.spdx:
        return _Part(row.spdx, row.category, row.osi_approved)
    exact = _known(key)
    if exact is not None:
        family = next((cat for prefix, cat in _FAMILIES if exact.startswith(prefix)), "unknown")
        return _Part(exact, family, _spdx_osi().get(exact))
    if key.lower().startswith("licenseref-") and re.fullmatch(r"[A-Za-z0-9.\-]+", key):
        return _Part(key, "unknown", None)
    return None


@cache
def _spdx_osi() -> dict[str, bool]:
    text = resources.files("aibom").joinpath("data/spdx-osi.csv").read_text(encoding="utf-8")
    return {r["spdx_id"]: r["osi_approved"] == "True" for r in csv.DictReader(io.StringIO(text))}


def _known(key: str) -> str | None:
    symbol = spdx_licensing().known_symbols_lowercase.get(key.lower())
    return symbol.key if symbol is not None else None


def restrictiveness(category: str) -> int:
    """Order of categories for diff: higher is more restrictive; unknown ranks highest."""
    return _RANK.get(category, _RANK["unknown"])


def category_label(category: str) -> str:
    """Human words for a category (``non-commercial``, ``use-restricted (RAIL)``)."""
    return _LABELS.get(category, "unknown")


def current(lic: License) -> License:
    """`lic` judged with today's knowledge: what its source said (raw and name), else its SPDX id,
    resolved afresh for category and OSI approval; when that classifies nothing, what was recorded
    stays. The BOM reader applies
    this to every license it reads, so score, diff and inventories see one category per license."""
    for raw, name in ((lic.raw, lic.name), (lic.spdx, None)):
        if raw:
            fresh = resolve(raw, lic.evidence, name=name, url=lic.url)
            if fresh.category != "unknown":
                return replace(lic, spdx=lic.spdx or fresh.spdx, category=fresh.category,
                               osi_approved=fresh.osi_approved)
    return lic


def terms(lic: License) -> tuple[Term, ...]:
    """The conditions `lic` sets, from its row in the license table (none for a license aibom does not
    know by name or id, or for an expression of several)."""
    for text in (lic.spdx, lic.raw, lic.name):
        row = lookup(text) if text else None
        if row is not None and row.restrictions:
            return row.restrictions
    return ()


def is_osi(lic: License) -> bool | None:
    """OSI-approved (for an expression: any OR branch, every AND term); None when unknown."""
    return lic.osi_approved


def is_open_data(lic: License) -> bool | None:
    """Open-data terms: open-data categories plus permissive and public-domain; None when unknown."""
    category = lic.category
    return None if category == "unknown" else category in _OPEN_DATA


def is_permissive(lic: License, allow_copyleft: bool = False) -> bool | None:
    """Any use, commercial included, no field-of-use or user caps. Copyleft counts if allowed."""
    category = lic.category
    if category == "unknown":
        return None
    if category in _COPYLEFT:
        return allow_copyleft
    return category in _PERMISSIVE
