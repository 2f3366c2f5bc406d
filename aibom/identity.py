"""One home for model identity: Hub repo ids, revisions, package URLs, and when two names are one model.

Purls are built and validated with packageurl-python. The purl spec's huggingface type requires the
namespace (the Hub org) and takes the commit as the version, lower-cased: a model known only by an
org-less legacy name (``gpt2``) or a branch (``main``) gets no such purl part.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from packageurl import PackageURL

from aibom.errors import InputError

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(?:/[\w.-]{1,96})?$")
"""``org/name``, or a legacy org-less ``name``, as the Hub spells them."""
REVISION = re.compile(r"[\w./-]{1,256}")
COMMIT = re.compile(r"[0-9a-f]{40}")
"""A full git commit id, as the Hub cache names its snapshots."""
COMMIT_ID = re.compile(r"[0-9a-f]{7,40}")
"""A git commit id, full or abbreviated: what a purl version may be (a branch or tag may not)."""
_HUB_MODEL_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/([\w.-]{1,96}/[\w.-]{1,96})/?$")
_HUB_URL_PREFIX = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/", re.I)
_NOT_MODEL_ORGS = frozenset({"datasets", "spaces", "docs", "papers", "blog", "models", "collections"})


def looks_like_hub_id(value: str) -> bool:
    """True for ``org/name`` or a legacy org-less ``name`` as the Hub spells them."""
    return bool(HUB_ID.match(value)) and not value.isdigit()


def is_repo_id(value: str) -> bool:
    """An ``org/name`` Hub repo id (with its namespace)."""
    return "/" in value and looks_like_hub_id(value)


def is_hub_reference(value: str) -> bool:
    """A Hub id, not a local path (``/data/ckpt``, ``./out``, ``C:\\runs``, ``~/m``)."""
    return (looks_like_hub_id(value) and value.count("/") <= 1 and not value.startswith((".", "~"))
            and ":" not in value and "\\" not in value)


def is_model_like(value: str) -> bool:
    """Shaped like a model id, not a word: has a slash, or a digit or hyphen (gpt2, Granite-3.0-8B-Base)."""
    return (looks_like_hub_id(value) and value.count("/") <= 1
            and ("/" in value or any(c.isdigit() for c in value) or "-" in value))


_MODEL_CARD_WORDS = re.compile(r"^(model card (for|of)\s+)|(\s+model card)$", re.I)
_SENTENCE = re.compile(r"[?!;,]|:\s|\.\s|\.$|://")
_VERSIONED = re.compile(r"\d|\w[-_.]\w")
HEADING_WORDS = 6


def heading_name(heading: str) -> str | None:
    """A card heading as the model's name, verbatim, when it is one: a repo id, or a short name
    (at most six words, "Model card for" dropped) with a version-like word (a digit, or an inner
    ``-``, ``_`` or ``.``) and no sentence in it (no question, clause, colon, full stop or link).
    ``Zephyr 7B β`` and ``Llama 2 7B Chat - GGUF`` are names; ``What is Yi?``, ``Gemma`` and
    ``Meet 10.7B Solar: Elevating…`` are not."""
    text = _MODEL_CARD_WORDS.sub("", heading.strip()).strip()
    if is_repo_id(text):
        return text
    words = text.split()
    if not words or len(words) > HEADING_WORDS or _SENTENCE.search(text):
        return None
    return text if any(_VERSIONED.search(w) for w in words) else None


def split_target(target: str) -> tuple[str, str | None] | None:
    """``org/name@rev`` -> ("org/name", "rev"); None when `target` is not shaped like a repo id."""
    repo, at, rev = target.partition("@")
    if not is_repo_id(repo) or (at and not REVISION.fullmatch(rev)):
        return None
    return repo, rev or None


def strip_hub_url(value: str) -> str:
    """A Hub id written as its page URL (``https://huggingface.co/org/name/``) back to ``org/name``."""
    return _HUB_URL_PREFIX.sub("", value).removesuffix("/")


def hub_model_id(url: str) -> str | None:
    """The model repo id of a Hub model page URL (``https://huggingface.co/org/name``); None for any
    other URL, including the Hub's dataset, space, paper and collection pages."""
    m = _HUB_MODEL_URL.match(url)
    return m.group(1) if m and m.group(1).split("/")[0].lower() not in _NOT_MODEL_ORGS else None


DEFAULT_HUB = "https://huggingface.co"


def hf_purl(repo_id: str, revision: str | None = None, repository_url: str | None = None) -> str:
    """``pkg:huggingface/Org/Name[@commit][?repository_url=…]`` for an ``org/name`` repo id, built and
    checked by packageurl-python; a revision that is not a commit stays out of the purl, and a Hub
    other than the default one is named by the spec's ``repository_url`` qualifier (credentials
    dropped). ValueError for a repo id the purl spec cannot name (no namespace, not a Hub id)."""
    if not is_repo_id(repo_id):
        raise ValueError(f"{repo_id!r} is not an org/name Hugging Face repo id")
    org, name = repo_id.split("/")
    commit = revision.lower() if revision and COMMIT_ID.fullmatch(revision.lower()) else None
    hub = without_credentials(repository_url).rstrip("/") if repository_url else None
    qualifiers = {"repository_url": hub} if hub and hub != DEFAULT_HUB else None
    return PackageURL(type="huggingface", namespace=org, name=name, version=commit,
                      qualifiers=qualifiers).to_string()


DEFAULT_ENDPOINT = "https://huggingface.co"
CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@")


def check_endpoint(raw: str | None) -> str:
    """The Hub endpoint ``HF_ENDPOINT`` names (the public Hub when unset or empty), checked before
    huggingface_hub is imported: it parses the variable at import and prints its failure to stdout."""
    if not raw or not raw.strip():
        return DEFAULT_ENDPOINT
    shown = CREDENTIALS.sub("***@", raw)
    try:
        parts = urlsplit(raw.strip())
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise InputError(f"HF_ENDPOINT={shown!r} is not an http(s) URL of a Hub",
                         "set it to a URL like https://huggingface.co, or unset it")
    return raw.strip().rstrip("/")


def without_credentials(url: str) -> str:
    """`url` without a ``user:password@`` part: never printed, never written into a BOM."""
    return CREDENTIALS.sub("", url)


def hub_purl(model_id: str, revision: str | None = None) -> str | None:
    """`hf_purl` of a model named by its ``org/name`` Hub id; None for an org-less name or a non-id."""
    return hf_purl(model_id, revision) if is_repo_id(model_id) else None


def repo_id_of_purl(purl: str) -> str | None:
    """The Hub repo id a ``pkg:huggingface/...`` purl names; None for any other purl."""
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    if parsed.type != "huggingface" or not parsed.namespace:
        return None
    return f"{parsed.namespace}/{parsed.name}"


def purl_base(purl: str) -> str:
    """A purl without version, qualifiers and subpath, case-folded: the model across its revisions."""
    return re.split(r"[?#]", purl)[0].rsplit("@", 1)[0].casefold()


def id_key(value: str) -> str:
    """Hub ids compare case-insensitively; URLs and other ids exactly."""
    return value.casefold() if HUB_ID.match(value) else value


def names_same_model(names: tuple[str | None, ...], other_id: str, other_purl: str | None) -> bool:
    """Whether a model known by `names` (repo ids, purls) is the one named `other_id` / `other_purl`,
    at any revision and in any case: the rule that a model is never its own ancestor."""
    own = {x.split("@")[0].lower() for x in names if x}
    return other_id.lower() in own or bool(other_purl and other_purl.split("@")[0].lower() in own)
