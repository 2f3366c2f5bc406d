"""The `aibom:*` property vocabulary of aibom's BOMs and its compact value packing.

Values that hold several fields are packed as ``field|field|...``; ``%`` and ``|`` inside a
field are percent-escaped, so any text survives a round trip. Evidence packs as
``method|collector|location`` (plus ``|quote`` when there is one).
"""

from __future__ import annotations

from aibom.model import (
    LICENSE_SCHEMES,
    METHODS,
    UNKNOWN_FIELDS,
    Evidence,
    License,
    Reference,
    ReferenceSubject,
    Unknown,
)

# On the model component.
SOURCE = "aibom:source"
REPO_ID = "aibom:repo-id"
GATED = "aibom:gated"
PARAMETERS_TOTAL = "aibom:parameters:total"
PARAMETER_COUNT = "cdx:ai-ml:model:parameter:count"
TUNE_METHOD = "cdx:ai-ml:model:parameter:tune_method"
LANGUAGES = "cdx:ai-ml:model:language"
LANGUAGES_BEFORE_2026 = "cdx:ai-ml:model:languages"
"""The taxonomy's name until its February 2026 rename; still read."""
TAXONOMY_WEIGHTS = {
    "gguf.quantization": "cdx:ai-ml:model:hyperparameter:quantization",
    "gguf.context_length": "cdx:ai-ml:model:hyperparameter:context_length",
    "chat_template": "cdx:ai-ml:tokenizer:hyperparameter:chat_template",
}
"""Weight-header facts the CycloneDX property taxonomy has a name for: written under that name with
their plain value (not packed into aibom:weights:metadata), read back into the header's metadata."""
UNKNOWN = "aibom:unknown"
REFERENCE = "aibom:reference"
REFERENCE_LICENSE = "aibom:reference:license"
"""Packed as ``key|license``, the key from `reference_index` (earlier aibom BOMs used the URL; still read)."""
PROPERTY_EVIDENCE = "aibom:evidence:property"
EVIDENCE = "aibom:evidence"
IDENTITY_EVIDENCE = "aibom:evidence:identity"
PARAMETERS_EVIDENCE = "aibom:evidence:parameters"

# On every component that carries licenses: the model, datasets, ancestors.
LICENSE = "aibom:license"
FILES_LISTING = "aibom:files:listing"
"""`Provenance.listing` when it is not ``copy`` (release, none)."""

# On file components.
FILE_ROLE = "aibom:file:role"
FILE_SIZE = "aibom:file:size"
WEIGHTS_FORMAT = "aibom:weights:format"
WEIGHTS_PARAMETERS = "aibom:weights:parameters:"
WEIGHTS_METADATA = "aibom:weights:metadata"
WEIGHTS_EVIDENCE = "aibom:weights:evidence"
RISK = "aibom:risk"

# On data components.
DATASET_USAGE = "aibom:dataset:usage"
DATASET_GENERATOR = "aibom:dataset:generator"
DATASET_SEED_SOURCE = "aibom:dataset:seed-source"
DATASET_LICENSES_STATED = "aibom:dataset:licenses-stated"

# Top-level components for the models that generated synthetic datasets (bom-ref prefix).
GENERATOR_REF = "generator:"

# On pedigree ancestors.
RELATION = "aibom:lineage:relation"

# In modelCard.properties.
LIBRARY = "aibom:library"
METRIC = "aibom:metric"
CONSIDERATION = "aibom:consideration"
CONSIDERATION_PREFIX = "aibom:consideration:"
CARD_EVIDENCE = {
    "task": "aibom:evidence:task",
    "architecture_family": "aibom:evidence:architecture-family",
    "model_architecture": "aibom:evidence:model-architecture",
    "library": "aibom:evidence:library",
}

OWN = frozenset(
    {
        SOURCE,
        REPO_ID,
        GATED,
        PARAMETERS_TOTAL,
        PARAMETER_COUNT,
        TUNE_METHOD,
        UNKNOWN,
        REFERENCE,
        REFERENCE_LICENSE,
        PROPERTY_EVIDENCE,
        EVIDENCE,
        IDENTITY_EVIDENCE,
        PARAMETERS_EVIDENCE,
        LICENSE,
        FILES_LISTING,
    }
)
"""Model-component property names aibom writes for itself (the rest are `Provenance.properties`)."""


def pack(*fields: str | None) -> str:
    """Join fields with ``|``, escaping ``%`` and ``|``; None packs as the empty string."""
    return "|".join((f or "").replace("%", "%25").replace("|", "%7C") for f in fields)


def unpack(value: str, n: int) -> list[str | None]:
    """Split a packed value into exactly `n` fields (missing or empty fields are None)."""
    parts = [p.replace("%7C", "|").replace("%25", "%") for p in value.split("|")]
    parts += [""] * (n - len(parts))
    return [p or None for p in parts[:n]]


def pack_evidence(ev: Evidence, *lead: str | None, trailer: str = "") -> str:
    """`lead` fields, then the evidence: ``lead...|method|collector|location[|quote][|trailer]``.

    A `trailer` (a flag added after the format was first written) comes after the quote slot, so a
    value without one reads exactly as it always did."""
    tail = (ev.method, ev.collector, ev.location) + ((ev.quote,) if ev.quote or trailer else ())
    return pack(*lead, *tail, *((trailer,) if trailer else ()))


def unpack_evidence(fields: list[str | None], default: Evidence) -> Evidence:
    """The evidence in the first four of `fields` (method, collector, location, quote)."""
    method, collector, location, quote = fields[:4]
    if method not in METHODS or not collector:
        return default
    return Evidence(collector, location or "", method, quote or "")  # type: ignore[arg-type]


def pack_reference(ref: Reference) -> str:
    """A reference as ``url|purpose|commit|comment``, its evidence, then a trailer: ``stated`` when its
    licenses are, and its subject when it is not the model's (``stated dataset``)."""
    trailer = " ".join(x for x in (STATED if ref.licenses_stated else "", "" if ref.subject == "model"
                                   else ref.subject) if x)
    return pack_evidence(ref.evidence, ref.url, ref.purpose, ref.commit, ref.comment, trailer=trailer)


def unpack_reference_trailer(trailer: str | None) -> tuple[bool, ReferenceSubject]:
    """(licenses stated, subject) from a packed reference's trailer."""
    words = (trailer or "").split()
    subject = next((w for w in words if w in ("dataset", "base-model")), "model")
    return STATED in words, subject  # type: ignore[return-value]


REFERENCE_FIELDS = 4
"""url, purpose, commit, comment (then the evidence and the `STATED` trailer)."""


STATED = "stated"
"""The trailer of a reference whose licenses are stated (`Reference.licenses_stated`)."""


def reference_index(packed: list[str]) -> dict[str, str]:
    """Packed reference -> its key for `REFERENCE_LICENSE`: its index among the distinct packed values, sorted.

    URLs cannot be the key: many references (all of a MOT file's) have none. Sorted distinct values
    are the order the properties are written in, so the key does not depend on the input order.
    """
    return {value: str(i) for i, value in enumerate(sorted(set(packed)))}


def pack_unknown(u: Unknown) -> str:
    """An unknown as ``label|field|reason``: the label in words (``dataset org/x``), as a reader sees it."""
    return pack(u.label, u.field, u.reason)


_LABELS = (("base model ", "base-model"), ("dataset ", "dataset"), ("bom ", "bom"))
_OLD_FIELDS = {"card.front-matter": "front-matter", "base_model_relation": "lineage"}


def unpack_unknown(value: str) -> Unknown | None:
    """The unknown `pack_unknown` wrote (None when its field is not in the vocabulary)."""
    label, field, reason = (f or "" for f in unpack(value, 3))
    field = _OLD_FIELDS.get(field, field)
    if field not in UNKNOWN_FIELDS:
        return None
    if label in ("model", "bom", "dataset"):
        return Unknown(label, field, reason)  # type: ignore[arg-type]
    subject, name = next(((s, label[len(p):]) for p, s in _LABELS if label.startswith(p)), ("file", label))
    return Unknown(subject, field, reason, name)  # type: ignore[arg-type]


LICENSE_FIELDS = 6
"""spdx, name, url, raw, category, osi-approved (then the evidence and the scheme when not SPDX)."""


PACKED_LICENSE = LICENSE_FIELDS + 5


def pack_license(lic: License, *lead: str | None) -> str:
    osi = "" if lic.osi_approved is None else str(lic.osi_approved).lower()
    return pack_evidence(lic.evidence, *lead, lic.spdx, lic.name, lic.url, lic.raw, lic.category, osi,
                         trailer="" if lic.scheme == "spdx" else lic.scheme)


def unpack_license(fields: list[str | None], default: Evidence) -> License:
    """A license from `LICENSE_FIELDS` fields, four evidence fields and the scheme."""
    spdx, name, url, raw, category, osi = fields[:LICENSE_FIELDS]
    scheme = fields[LICENSE_FIELDS + 4]
    return License(
        raw=raw or spdx or name or "",
        evidence=unpack_evidence(fields[LICENSE_FIELDS:], default),
        spdx=spdx,
        name=name,
        url=url,
        category=category or "unknown",
        osi_approved=None if osi is None else osi == "true",
        scheme=scheme if scheme in LICENSE_SCHEMES else "spdx",  # type: ignore[arg-type]
    )
