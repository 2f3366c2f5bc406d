"""Model and dataset cards: YAML front matter, Markdown sections, links and lineage in prose.

Parses text it is given (no network, no files). Front matter that is missing, broken or not a
mapping becomes an `Unknown`; the rest of the card is still read. Everything is bounded: only the
first `MAX_CARD_CHARS` characters are looked at and every list is capped at `MAX_ITEMS` entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from aibom import licenses
from aibom.identity import hub_model_id, hub_purl, is_model_like, looks_like_hub_id
from aibom.model import (
    BaseModel,
    CardFacts,
    Consideration,
    Dataset,
    Evidence,
    Fact,
    License,
    Metric,
    Reference,
    Relation,
    Unknown,
)

MAX_CARD_CHARS = 1024 * 1024
MAX_ITEMS = 1000
MAX_SECTION_CHARS = 4000
MAX_DESCRIPTION_CHARS = 1000
MAX_QUOTE_CHARS = 300

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A card's YAML front matter: optional leading blank space, a `---` line, the YAML, a closing `---` line.
# (Written here rather than imported from huggingface_hub.repocard, whose import costs 0.2 s of HTTP stack.)
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)

RELATION_WORDS: dict[str, Relation] = {
    "adapter": "adapter",
    "merge": "merge",
    "quantized": "quantized",
    "finetune": "fine-tune",
    "fine-tune": "fine-tune",
}
"""The Hub's ``base_model_relation`` values (and our own spelling) as `model.RELATIONS`."""

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
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
        (r"fairness", "fairness"),
        (r"out[- ]of[- ]scope|misuse|malicious use", "limitations"),
        (r"intended use", "use-cases"),
        (r"ethic", "ethical-considerations"),
        (r"limitation", "limitations"),
        (r"\bbias|\brisks?\b|responsible ai", "ethical-considerations"),
        (r"\busers\b", "users"),
        (r"^uses?$|\buse cases?\b|^direct use|^downstream use", "use-cases"),
    )
)
_DESCRIPTION_HEADINGS = re.compile(r"^(model )?(description|summary|overview|introduction|details)$")

_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s")
_URL = re.compile(r"https?://[^\s)\]>\"'<`]+")
_OPENERS = {"}": "{", ")": "(", "]": "["}
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+)")
_GITHUB_NOT_OWNERS = frozenset(
    {
        "orgs",
        "sponsors",
        "features",
        "settings",
        "login",
        "marketplace",
        "topics",
        "apps",
        "about",
        "pricing",
        "site",
        "collections",
        "users",
    }
)
_NOT_CODE_PATH = re.compile(
    r"^/(issues|pull|discussions|actions|releases|wiki|commits?|stargazers|network)\b"
    r"|\.(png|jpe?g|gif|svg|webp|pdf)$|/(LICEN[SC]E|COPYING)[^/]*$",
    re.I,
)
_LIBRARIES = frozenset(
    {
        "huggingface/transformers",
        "huggingface/trl",
        "huggingface/accelerate",
        "huggingface/peft",
        "huggingface/diffusers",
        "huggingface/datasets",
        "huggingface/text-generation-inference",
        "huggingface/optimum",
        "pytorch/pytorch",
        "google/jax",
        "google/flax",
        "tensorflow/tensorflow",
        "microsoft/deepspeed",
        "nvidia/megatron-lm",
        "hazyresearch/flash-attention",
        "dao-ailab/flash-attention",
        "facebookresearch/xformers",
        "facebookresearch/bitsandbytes",
        "timdettmers/bitsandbytes",
        "bitsandbytes-foundation/bitsandbytes",
        "ggerganov/llama.cpp",
        "ggml-org/llama.cpp",
        "vllm-project/vllm",
        "openaccess-ai-collective/axolotl",
        "axolotl-ai-cloud/axolotl",
        "mlfoundations/open_clip",
        "ukplab/sentence-transformers",
        "eleutherai/lm-evaluation-harness",
        "nvidia/nemo",
    }
)
"""Frameworks a card mentions as tools, never as the model's own training code (lower-case owner/repo)."""
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.I)
_ARXIV_TAG = re.compile(r"^arxiv:(\d{4}\.\d{4,5}|[a-z-]+/\d{7})$", re.I)
_CODE_LABEL = re.compile(
    r"(?i)^(?:github\s+|git\s+|code\s+|source\s+|training\s+)?(?:repo|repository|repositories|code|codebase"
    r"|source\s+code|github)$"
)
"""How a card introduces the model's own code: ``Repository:``, ``Code:``, ``GitHub Repository:``."""
_LINK_TEXT = re.compile(r"\[([^\]\n]{1,80})\]\($")
_SCRIPT = re.compile(r"(?<![\w/.:-])((?:\./)?[A-Za-z0-9_][\w./-]{0,200}\.(?:py|sh|ipynb))(?![\w/-])")
_TRAINING_WORDS = re.compile(r"(?i)train|fine-?tun|finetun|\bsft\b|\bdpo\b")
_IN_THIS_REPO = re.compile(
    r"(?i)\bthis\s+(?:current\s+|model(?:'s)?\s+|hf\s+|hub\s+|hugging\s*face\s+)?(?:repo|repository|folder|directory)\b"
    r"|\b(?:is|are)\s+(?:also\s+)?(?:included|provided|shipped|bundled)\b|\bincluded\s+(?:here|with\s+th)"
)
_RUN_SCRIPT = re.compile(
    r"(?i)\b(?:run|execute|launch)\s*:?\s*`(?:python3?|bash|sh|torchrun|deepspeed|accelerate\s+launch)\s+(?:-m\s+)?$"
)
_ELSEWHERE = re.compile(
    r"(?i)https?://|\bgit\s+clone\b"
    r"|\b(?:the|our|their)\s+(?!model\b|same\b|current\b|hf\b|hub\b)[\w.-]+\s+(?:repo|repository|github|codebase)\b"
)
_TRAINING_CONTEXT = re.compile(r"(?i:\btrain|\bfine-?tun|\bfinetun|\brecipe|source code|training code)|\bCode\b")

_HUB_PREFIX = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/", re.I)
"""A Hub URL where a card should have written an id (``https://huggingface.co/org/name``)."""
_BASE_TRIGGER = re.compile(
    r"(?i:\b(?:fine-?tuned|finetuned)\s+(?:version\s+of|from|on\s+top\s+of)(?:\s+model)?"
    r"(?:\s*\[optional\])?\s*:?(?:\*\*|__)?\s*(?:the\s+)?(?:pre-?trained\s+)?"
    r"|\bwe\s+used\s+the\s+pre-?trained\s+|\binitiali[sz]ed\s+from\s+(?:the\s+)?)"
)
_FINE_TUNED = re.compile(r"(?i)fine-?tun|finetun")
_CANDIDATE_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((\S{1,500}?)\)")
_CANDIDATE_TOKEN = re.compile(r"[*_`]{0,2}([A-Za-z0-9][\w./-]*[\w])[*_`]{0,2}")


@dataclass(frozen=True)
class CardInfo:
    """What one card says about its model or dataset, each fact with its evidence.

    `model_name` is the front matter's ``model_name`` (a dataset card's ``pretty_name``), never the
    ``model-index`` name; `title` is the first ``#`` heading. `base_models` are the declared
    ``base_model`` entries or, only when there are none, those read from prose (method
    ``inferred``, the sentence quoted); a declared base without ``base_model_relation`` has relation
    ``unknown`` for the collector to settle from the files.
    """

    model_name: str | None = None
    title: str | None = None
    description: str | None = None
    licenses: tuple[License, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    base_models: tuple[BaseModel, ...] = ()
    references: tuple[Reference, ...] = ()
    card: CardFacts = field(default_factory=CardFacts)
    unknowns: tuple[Unknown, ...] = ()
    gated: bool | None = None
    """True when the front matter asks users to accept conditions (``extra_gated_*``, ``gated``);
    None otherwise: a card without those keys does not prove the repo is open."""


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


_Heading = tuple[int, int, str]
"""(index of the line in the body, level 1-6, plain heading text)."""


@dataclass(frozen=True)
class _Parsed:
    """A card split into front matter, numbered body lines and their headings."""

    meta: dict[str, Any]
    body: tuple[_Line, ...]
    unknowns: tuple[Unknown, ...]
    heads: tuple[_Heading, ...] = ()


def parse_model_card(text: str, *, collector: str, location: str = "README.md", repo_id: str | None = None) -> CardInfo:
    """The facts of a model card (README.md of a model repo). `repo_id`, when known, tells which
    GitHub links belong to the model's own organisation (see `_reference`)."""
    parsed = _split(text, location, "model")
    meta, fm = parsed.meta, Evidence(collector, f"{location}#front-matter", "declared")
    unknowns = list(parsed.unknowns)
    title = _title(parsed.heads)
    model_name = _first(meta.get("model_name"))
    declared = _base_models(meta, fm, unknowns)
    inferred = () if declared else _prose_base_models(parsed.body, collector, location, (model_name, title))
    return CardInfo(
        model_name=model_name,
        title=title,
        description=_description(parsed.body, parsed.heads),
        licenses=front_matter_licenses(meta, fm),
        datasets=_datasets(meta.get("datasets"), fm),
        base_models=declared + inferred,
        references=_references(meta, parsed.body, collector, location, repo_id),
        card=CardFacts(
            task=_fact(meta.get("pipeline_tag"), fm),
            library=_fact(meta.get("library_name"), fm),
            languages=_strings(meta.get("language")),
            tags=_strings(meta.get("tags")),
            metrics=_metrics(meta.get("model-index"), collector, location, unknowns),
            considerations=_considerations(parsed.body, parsed.heads, collector, location),
        ),
        unknowns=tuple(unknowns),
        gated=_gated(meta),
    )


def parse_dataset_card(text: str, *, collector: str, location: str) -> CardInfo:
    """The facts of a dataset card: license, title, description, languages, tasks, papers and code."""
    parsed = _split(text, location, "dataset")
    meta, fm = parsed.meta, Evidence(collector, f"{location}#front-matter", "declared")
    return CardInfo(
        model_name=_first(meta.get("pretty_name")),
        title=_title(parsed.heads),
        description=_description(parsed.body, parsed.heads),
        licenses=front_matter_licenses(meta, fm),
        references=_references(meta, parsed.body, collector, location),
        card=CardFacts(
            task=_fact(meta.get("task_categories"), fm),
            languages=_strings(meta.get("language")),
            tags=_strings(meta.get("tags")),
        ),
        unknowns=parsed.unknowns,
        gated=_gated(meta),
    )


def trim_url(url: str) -> str:
    """A URL found in text without the punctuation and Markdown that followed it: trailing ``.,;:!?``,
    quotes, ``>``, emphasis marks, and closing brackets that open nowhere in the URL (a BibTeX ``}``)."""
    while True:
        trimmed = url.rstrip(".,;:!?'\"*_~`>")
        closer = trimmed[-1:]
        opener = _OPENERS.get(closer)
        if opener and trimmed.count(closer) > trimmed.count(opener):
            trimmed = trimmed[:-1]
        if trimmed == url:
            return url
        url = trimmed


# -- front matter ---------------------------------------------------------------------------------


def _split(text: str, location: str, subject: str) -> _Parsed:
    """Front matter mapping, numbered body lines, and what went wrong reading the front matter."""
    text = text[:MAX_CARD_CHARS].removeprefix("\ufeff")
    match = _FRONT_MATTER.search(text)
    if match is None:
        opened = text.lstrip().startswith("---")
        reason = "front matter is not closed by a '---' line" if opened else "has no YAML front matter"
        body = _lines(text, 1)
        unknown = Unknown(subject, "card.front-matter", f"{location} {reason}")
        return _Parsed({}, body, (unknown,), _headings(body))
    first_body_line = text.count("\n", 0, match.end()) + 1
    body = _lines(text[match.end() :], first_body_line)
    heads = _headings(body)
    try:
        meta = yaml.load(match.group(1), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        reason = f"{location} front matter is not valid YAML{where}: {problem}"
        return _Parsed({}, body, (Unknown(subject, "card.front-matter", reason),), heads)
    if meta is None:
        return _Parsed({}, body, (), heads)
    if not isinstance(meta, dict):
        reason = f"{location} front matter is a YAML {type(meta).__name__}, not a mapping"
        return _Parsed({}, body, (Unknown(subject, "card.front-matter", reason),), heads)
    return _Parsed({str(k): v for k, v in meta.items()}, body, (), heads)


def _lines(text: str, start: int) -> tuple[_Line, ...]:
    return tuple(_Line(start + i, line) for i, line in enumerate(text.splitlines()))


def _scalar(value: object) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    s = str(value).strip()
    return s or None


def _strings(value: object) -> tuple[str, ...]:
    """A scalar or a list of scalars as a tuple of non-empty strings (at most MAX_ITEMS)."""
    items = value[:MAX_ITEMS] if isinstance(value, list) else [value]
    out = (_scalar(v) for v in items)
    return tuple(dict.fromkeys(s for s in out if s))


def _first(value: object) -> str | None:
    found = _strings(value)
    return found[0] if found else None


def _fact(value: object, evidence: Evidence) -> Fact[str] | None:
    found = _strings(value)
    return Fact(", ".join(found), evidence) if found else None


def _gated(meta: dict[str, Any]) -> bool | None:
    gate = meta.get("gated")
    asked = any(k.startswith("extra_gated_") for k in meta) or gate is True or gate in ("auto", "manual")
    return True if asked else None


def front_matter_licenses(meta: dict[str, Any], evidence: Evidence) -> tuple[License, ...]:
    """The licenses card metadata declares: ``license`` (one or a list), else ``license_name``;
    ``license_name`` and an http(s) ``license_link`` complete each."""
    name = _first(meta.get("license_name"))
    link = _first(meta.get("license_link"))
    url = link if link and link.startswith(("https://", "http://")) else None
    raws = _strings(meta.get("license")) or ((name,) if name else ())
    return tuple(licenses.resolve(raw, evidence, name=name, url=url) for raw in raws)


def _datasets(value: object, evidence: Evidence) -> tuple[Dataset, ...]:
    out: dict[str, Dataset] = {}
    for raw in _strings(value):
        ds_id = _HUB_PREFIX.sub("", raw).removesuffix("/")
        if ds_id.startswith("datasets/") and looks_like_hub_id(ds_id.removeprefix("datasets/")):
            ds_id = ds_id.removeprefix("datasets/")
        url = f"https://huggingface.co/datasets/{ds_id}" if looks_like_hub_id(ds_id) else None
        out.setdefault(ds_id.lower(), Dataset(id=ds_id, evidence=evidence, url=url))
    return tuple(out.values())


def _relation(meta: dict[str, Any], unknowns: list[Unknown]) -> Relation:
    raw = _first(meta.get("base_model_relation"))
    if raw is None:
        return "unknown"
    relation = RELATION_WORDS.get(raw.lower())
    if relation is None:
        unknowns.append(
            Unknown(
                "model",
                "base_model_relation",
                f"base_model_relation {raw!r} is not one of adapter, merge, quantized, finetune",
            )
        )
        return "unknown"
    return relation


def _base_model(model_id: str, relation: Relation, evidence: Evidence) -> BaseModel:
    return BaseModel(id=model_id, relation=relation, evidence=evidence, purl=hub_purl(model_id))


def _base_models(meta: dict[str, Any], evidence: Evidence, unknowns: list[Unknown]) -> tuple[BaseModel, ...]:
    ids = tuple(dict.fromkeys(_HUB_PREFIX.sub("", i).removesuffix("/") for i in _strings(meta.get("base_model"))))
    if not ids:
        return ()
    relation = _relation(meta, unknowns)
    unique = {i.lower(): i for i in reversed(ids)}
    return tuple(_base_model(i, relation, evidence) for i in ids if unique[i.lower()] == i)


def _results(value: list[Any]) -> Iterator[tuple[object, object]]:
    """(model name, result) pairs of a model-index, at most MAX_ITEMS in all (YAML aliases cannot
    multiply the work)."""
    budget = MAX_ITEMS
    for entry in value[:MAX_ITEMS]:
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results[:budget] if isinstance(results, list) else ():
            if isinstance(result, dict) and isinstance(result.get("metrics"), list):
                result = {**result, "metrics": result["metrics"][:MAX_ITEMS]}
            yield entry.get("name"), result
            budget -= 1
        if budget <= 0:
            return


def _metrics(value: object, collector: str, location: str, unknowns: list[Unknown]) -> tuple[Metric, ...]:
    """model-index results through huggingface_hub's own reader, one result at a time, so one
    incomplete result does not hide the others."""
    if value is None:
        return ()
    if not isinstance(value, list):
        unknowns.append(Unknown("model", "metrics", f"{location} model-index is not a list"))
        return ()
    # imported here: huggingface_hub's card module costs 0.1 s of start-up that cards without results skip
    from huggingface_hub.repocard_data import model_index_to_eval_results

    evidence = Evidence(collector, f"{location}#model-index", "declared")
    out: list[Metric] = []
    broken: list[str] = []
    for n, (name, result) in enumerate(_results(value), 1):
        try:
            _, evals = model_index_to_eval_results([{"name": name, "results": [result]}])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            broken.append(f"result {n} ({type(exc).__name__}: {exc})")
            continue
        out.extend(
            Metric(
                type=str(e.metric_type),
                value=str(e.metric_value),
                evidence=evidence,
                name=_scalar(e.metric_name),
                dataset=_scalar(e.dataset_name) or _scalar(e.dataset_type),
                split=_scalar(e.dataset_split),
                task=_scalar(e.task_type),
            )
            for e in evals
        )
        if len(out) >= MAX_ITEMS:
            break
    if broken:
        more = f" and {len(broken) - 1} more" if len(broken) > 1 else ""
        reason = f"{location} model-index has incomplete results: {broken[0]}{more}"
        unknowns.append(Unknown("model", "metrics", reason))
    return tuple(out[:MAX_ITEMS])


# -- Markdown body --------------------------------------------------------------------------------


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
    """(index in body, level, plain heading text) for every ATX heading outside code."""
    index = {line.number: i for i, line in enumerate(body)}
    out = []
    for line in _prose(body):
        m = _HEADING.match(line.text)
        if m:
            out.append((index[line.number], len(m.group(1)), _plain(m.group(2))))
    return tuple(out)


def _plain(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[*_`]", "", text).strip()


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
    text = _LAYOUT_TAGS.sub("", _COMMENT.sub("", "\n".join(lines)))
    kept = [ln.rstrip() for ln in text.splitlines() if not _PLACEHOLDER.fullmatch(ln.strip(" -*:"))]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
        text = _clean(_section_lines(body, index + 1, end), MAX_SECTION_CHARS)
        if text:
            evidence = Evidence(collector, f"{location}#{heading[:80]}", "declared")
            out.append(Consideration(kind, text, evidence))
    return tuple(out[:MAX_ITEMS])


def _paragraphs(lines: list[str]) -> Iterator[str]:
    """Runs of text lines; headings, HTML, images, tables, quotes and list items (with their
    continuation lines) end a paragraph and are left out."""
    para: list[str] = []
    in_list = False
    for line in [*_COMMENT.sub("", "\n".join(lines)).splitlines(), ""]:
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
    s = text.strip()
    if len(s) <= MAX_QUOTE_CHARS:
        return s
    lo = max(0, start - MAX_QUOTE_CHARS // 3)
    return s[lo : lo + MAX_QUOTE_CHARS].strip()


def _references(
    meta: dict[str, Any], body: tuple[_Line, ...], collector: str, location: str, repo_id: str | None = None
) -> tuple[Reference, ...]:
    found: dict[str, Reference] = {}
    tag_evidence = Evidence(collector, f"{location}#front-matter", "declared")
    for tag in _strings(meta.get("tags")):
        m = _ARXIV_TAG.match(tag)
        if m:
            url = f"https://arxiv.org/abs/{m.group(1)}"
            found.setdefault(url, Reference(url, "research-paper", tag_evidence))
    previous = ""
    for line in _prose(body):
        if _LIST_ITEM.match(line.text.strip()) or line.text.lstrip().startswith("|"):
            previous = ""  # a list item or table row starts its own sentence
        for ref in _named_scripts(line, previous, collector, location):
            found.setdefault(ref.url, ref)
        for m in _URL.finditer(line.text):
            before = f"{previous} {line.text[: m.start()]}"
            ref = _reference(trim_url(m.group(0)), line, m.start(), before, collector, location, repo_id)
            if ref is None:
                continue
            known = found.get(ref.url)
            if known is None or (known.purpose == "repository" and ref.purpose == "training-code"):
                found[ref.url] = ref
        text = line.text.strip()
        joins = text and not (_HEADING.match(text) or _LIST_ITEM.match(text) or text.startswith("|"))
        previous = f"{previous} {text}"[-MAX_QUOTE_CHARS:] if joins else ""
        if len(found) >= MAX_ITEMS:
            break
    return tuple(found.values())


def _reference(
    url: str, line: _Line, start: int, before: str, collector: str, location: str, repo_id: str | None = None
) -> Reference | None:
    """A paper or code link. Code is "training-code" when the sentence that links it (which may
    start on earlier lines of the paragraph: `before` holds them) speaks of training or code, or when
    the card introduces it as the model's code: a ``Repository:`` / ``Code:`` label, unless the
    model's `repo_id` is known and the link belongs to another organisation; and, for a link of the
    model's own organisation, a link alone on its line or one written as ``[repository](...)`` in a
    paragraph about training. The link starts at `start` of the line."""
    evidence = Evidence(collector, f"{location}#L{line.number}", "inferred", _quote(line.text, start))
    arxiv = _ARXIV.search(url)
    if arxiv:
        return Reference(f"https://arxiv.org/abs/{arxiv.group(1)}", "research-paper", evidence)
    gh = _GITHUB.match(url)
    if gh is None or gh.group(1).lower() in _GITHUB_NOT_OWNERS:
        return None
    owner, repo = gh.group(1), gh.group(2).removesuffix(".git")
    tail = url[gh.end() :].split("?")[0].rstrip("/")
    if repo in {"", ".", ".."} or _NOT_CODE_PATH.search(tail or "/"):
        return None
    clean = f"https://github.com/{owner}/{repo}{tail if tail.startswith(('/', '#')) else ''}"
    if f"{owner}/{repo}".lower() in _LIBRARIES:
        purpose = "supporting-libraries"
    elif re.search(r"(?i)eval", repo):
        purpose = "evaluation-code"
    else:
        sentence = re.split(r"(?<=[.!?])\s", before)[-1] + url
        own = repo_id is not None and _same_org(owner, repo, repo_id)
        prefix = line.text[:start]
        text = _LINK_TEXT.search(prefix)
        introduced = (
            _TRAINING_CONTEXT.search(sentence)
            or (_CODE_LABEL.match(_label(prefix)) and (own or repo_id is None))
            or (own and _bare_link(line.text, start, url))
            or (own and text is not None and _CODE_LABEL.match(text.group(1)) and _TRAINING_CONTEXT.search(before))
        )
        purpose = "training-code" if introduced else "repository"
    return Reference(clean, purpose, evidence)


def _named_scripts(line: _Line, previous: str, collector: str, location: str) -> Iterator[Reference]:
    """Training scripts the card says are part of the model repository ("the full training script
    is in this repository: `train_script.py`", "run `python train_sft.py`"), as references whose
    url is the path the card gives: the collector, which knows the files, can tell whether it is
    there. A script in a sentence that points elsewhere (a link, ``git clone``, "the X repository")
    is someone else's."""
    if not re.search(r"\.(?:py|sh|ipynb)\b", line.text) or _ELSEWHERE.search(line.text):
        return
    text = _URL.sub(" ", _CANDIDATE_LINK.sub(r"[\1]", line.text))
    for m in _SCRIPT.finditer(text):
        path = m.group(1).removeprefix("./")
        if path.startswith(("/", "../")) or "/../" in path:
            continue
        before = f"{previous} {text[max(0, m.start() - MAX_QUOTE_CHARS) : m.start()]}"
        head = re.split(r"(?<=[.!?])\s", before)[-1]
        tail = re.split(r"(?<=[.!?])\s", text[m.start() : m.start() + MAX_QUOTE_CHARS])[0]
        sentence = head + tail
        if _ELSEWHERE.search(sentence) or not _TRAINING_WORDS.search(sentence):
            continue
        if _IN_THIS_REPO.search(sentence) or _RUN_SCRIPT.search(before):
            evidence = Evidence(collector, f"{location}#L{line.number}", "inferred", _quote(line.text, m.start()))
            yield Reference(path, "training-code", evidence)


def _label(prefix: str) -> str:
    """The ``Label:`` a line gives before a link (``- **Repository:** [x](``), or ''."""
    prefix = _LINK_TEXT.sub("", prefix)
    found = re.match(r"^\s*(?:[-*+]|\d+[.)])?\s*([A-Za-z][A-Za-z ]{0,40}?)\s*:\s*$", re.sub(r"[*_]", "", prefix))
    return found.group(1).strip() if found else ""


def _bare_link(text: str, start: int, url: str) -> bool:
    """Whether the link is all its line holds (a plain URL, ``<url>`` or ``[text](url)``)."""
    rest = text[start + len(url) :].strip()
    head = text[:start].strip()
    if not head and not rest:
        return True
    return (head == "<" and rest == ">") or (bool(_LINK_TEXT.fullmatch(head)) and rest == ")")


def _same_org(owner: str, repo: str, repo_id: str) -> bool:
    """Whether GitHub `owner/repo` belongs to the organisation of Hub model `repo_id`: one name
    starts the other once punctuation is dropped (``lmsys`` / ``lm-sys``, ``bigcode`` /
    ``bigcode-project``, ``HuggingFaceH4`` / ``huggingface``), or the repository is named like it."""
    org = re.sub(r"[^a-z0-9]", "", repo_id.split("/")[0].lower())
    gh_owner, gh_repo = (re.sub(r"[^a-z0-9]", "", x.lower()) for x in (owner, repo))
    short = min(org, gh_owner, key=len)
    return (len(short) >= 3 and (org.startswith(gh_owner) or gh_owner.startswith(org))) or gh_repo == org


def _candidate(text: str) -> str | None:
    """The model id written right after a lineage phrase: a Hub link, link text or an id-like token."""
    link = _CANDIDATE_LINK.match(text)
    if link:
        hub = hub_model_id(link.group(2))
        if hub:
            return hub
        label = link.group(1).strip(" *_`")
        return label if is_model_like(label) else None
    url = _URL.match(text)
    if url:
        return hub_model_id(trim_url(url.group(0)))
    token = _CANDIDATE_TOKEN.match(text)
    if token:
        value = token.group(1).rstrip(".")
        return value if is_model_like(value) else None
    return None


def _prose_base_models(
    body: tuple[_Line, ...], collector: str, location: str, own: tuple[str | None, ...]
) -> tuple[BaseModel, ...]:
    """Base models named in sentences such as "a fine-tuned version of X" (never the model itself)."""
    own_names = {o.lower() for o in own if o}
    out: dict[str, BaseModel] = {}
    for line in _prose(body):
        for m in _BASE_TRIGGER.finditer(line.text):
            model_id = _candidate(line.text[m.end() :])
            if model_id is None or model_id.lower() in own_names or model_id.lower() in out:
                continue
            quote = _quote(line.text, m.start())
            evidence = Evidence(collector, f"{location}#L{line.number}", "inferred", quote)
            relation: Relation = "fine-tune" if _FINE_TUNED.search(line.text) else "unknown"
            out[model_id.lower()] = _base_model(model_id, relation, evidence)
        if len(out) >= MAX_ITEMS:
            break
    return tuple(out.values())
