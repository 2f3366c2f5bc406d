"""What a card's running text says: links to code and papers, named training scripts, base models in prose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from aibom.budget import HEADING_CHARS
from aibom.collect.cards.front_matter import _base_model, _strings
from aibom.collect.cards.sections import _BOLD_LABEL, _LIST_ITEM, _normalise, _plain, _prose, _quote, heading
from aibom.collect.cards.text import MAX_ITEMS, MAX_QUOTE_CHARS, _Line
from aibom.identity import hub_model_id, is_model_like
from aibom.model import (
    BaseModel,
    Evidence,
    Reference,
    ReferenceSubject,
    Relation,
)

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




"""A Hub URL where a card should have written an id (``https://huggingface.co/org/name``)."""


_BASE_TRIGGER = re.compile(
    r"(?i:\b(?:fine-?tuned|finetuned)\s+(?:version\s+of|from|on\s+top\s+of)(?:\s+model)?"
    r"(?:\s*\[optional\])?\s*:?(?:\*\*|__)?\s*(?:the\s+)?(?:pre-?trained\s+)?"
    r"|\bwe\s+used\s+the\s+pre-?trained\s+|\binitiali[sz]ed\s+from\s+(?:the\s+)?)"
)


_FINE_TUNED = re.compile(r"(?i)fine-?tun|finetun")


_CANDIDATE_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((\S{1,500}?)\)")


_CANDIDATE_TOKEN = re.compile(r"[*_`]{0,2}([A-Za-z0-9][\w./-]*[\w])[*_`]{0,2}")


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
    section: ReferenceSubject = "model"
    for line in _prose(body):
        section = _section_subject(line.text, previous, section)
        if _LIST_ITEM.match(line.text.strip()) or line.text.lstrip().startswith("|"):
            previous = ""  # a list item or table row starts its own sentence
        for ref in _named_scripts(line, previous, collector, location):
            found.setdefault(ref.url, ref)
        row = section if "huggingface.co/datasets/" not in line.text else "dataset"
        for m in _URL.finditer(line.text):
            # the sentence before a link, bounded: a line of 50,000 links must not copy itself per link
            before = f"{previous} {line.text[max(0, m.start() - 2 * MAX_QUOTE_CHARS) : m.start()]}"
            ref = _reference(trim_url(m.group(0)), line, m.start(), before, collector, location, repo_id)
            if ref is None:
                continue
            if ref.purpose != "technical-report" and row != "model":
                ref = replace(ref, subject=row)
            known = found.get(ref.url)
            if known is None or (known.purpose == "repository" and ref.purpose == "training-code"):
                found[ref.url] = ref
        text = line.text.strip()
        joins = text and not (heading(text) or _LIST_ITEM.match(text) or text.startswith("|"))
        previous = f"{previous} {text}"[-MAX_QUOTE_CHARS:] if joins else ""
        if len(found) >= MAX_ITEMS:
            break
    return tuple(found.values())


_DATA_SECTION = re.compile(r"\b(data|datasets?|corpus|corpora)\b")
_BASE_SECTION = re.compile(r"\bbase models?\b")
_REPORT_TEXT = re.compile(r"(?i)\btech(?:nical)? report\b")


def _section_subject(text: str, previous: str, current: ReferenceSubject) -> ReferenceSubject:
    """Whose links the section that `text` opens holds: a (training) data section's are its
    datasets', a base-model section's the base model's; `current` when `text` opens none."""
    found = heading(text)
    label = _plain(found[1][:HEADING_CHARS]) if found else None
    if label is None and not previous.strip() and (bold := _BOLD_LABEL.match(text)):
        label = bold.group(1)
    if label is None:
        return current
    norm = _normalise(label)
    if _DATA_SECTION.search(norm) and "evaluation" not in norm:
        return "dataset"
    return "base-model" if _BASE_SECTION.search(norm) else "model"


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
    text = _LINK_TEXT.search(line.text[max(0, start - 100):start])
    if text is not None and _REPORT_TEXT.search(text.group(1)):
        return Reference(url, "technical-report", evidence)  # the model's report, wherever the card links it
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
        prefix = line.text[max(0, start - 2 * MAX_QUOTE_CHARS):start]  # a label or link text is near the link
        text = _LINK_TEXT.search(prefix)
        introduced = (
            _TRAINING_CONTEXT.search(sentence)
            or (start <= 2 * MAX_QUOTE_CHARS and _CODE_LABEL.match(_label(prefix)) and (own or repo_id is None))
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
