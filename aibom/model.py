"""The neutral provenance model: frozen facts about one model, each with its evidence.

Collectors build these; emitters, the scorer and the differ read them. No I/O here, and
no third-party imports. Collections are tuples so every value is hashable and immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Generic, Literal, TypeVar, get_args

from aibom.identity import names_same_model
from aibom.mof_components import MofResult

T = TypeVar("T")

Method = Literal["declared", "computed", "inferred"]
"""How a fact was obtained: a card/user/Hub said so, we hashed or parsed it, or a heuristic read it."""

FileRole = Literal["weights", "config", "tokenizer", "code", "doc", "license", "other"]
Relation = Literal["fine-tune", "adapter", "quantized", "merge", "unknown"]
Status = Literal["met", "unmet", "partial", "unknown", "not-applicable"]
"""not-applicable: a completeness element (G7) that belongs to an AI system, judged on a model-only BOM."""
ReferencePurpose = Literal[
    "repository", "website", "distribution", "model-card", "data-card", "research-paper", "technical-report",
    "training-code", "inference-code", "evaluation-code", "data-preprocessing-code", "supporting-libraries",
    "model-architecture", "intermediate-checkpoints", "evaluation-data", "evaluation-results", "sample-outputs",
    "other",
]
"""What a reference is to its subject; the MOF components that are documents or code have one each."""
ReferenceSubject = Literal["model", "dataset", "base-model"]
"""Whose a reference is: the model's own, a training dataset's (a data table's links, a dataset's
paper), or a base model's."""
DatasetUsage = Literal["training", "fine-tuning", "evaluation"]
UnknownSubject = Literal["model", "file", "dataset", "base-model", "bom"]
"""What an unknown is about: the model itself, one of its files, a dataset or base model it names, or
a part of a BOM that was read (`Unknown.name` says which file, dataset, base model or BOM path)."""
UnknownField = Literal[
    "card", "front-matter", "config", "license", "datasets", "parameters", "metrics", "revision", "weights",
    "sha256", "type", "lineage", "mof-component", "purl", "mapping",
]
"""Which fact could not be found or read (``mapping``: a part of a read BOM aibom does not map)."""
WEIGHT_SUFFIXES = (
    ".safetensors", ".gguf", ".onnx", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".h5", ".msgpack",
    ".pickle", ".joblib", ".dill", ".npy", ".npz",
)
"""File name endings of weight files (lower case): what collectors inspect and BOM readers recognise."""
CARD_NAMES = ("readme.md", "model_card.md", "modelcard.md")
"""Top-level files that are a model's card, in order of preference (matched in any case)."""
FileListing = Literal["release", "copy", "none"]
"""How far `Provenance.files` goes: the whole release at a commit (a Hub listing), a local copy that
may hold only some of the release's files (a folder, a cache snapshot, a lone file), or no files
looked at (declarations, a MOT file). Only a whole release is evidence that a file is absent."""
LicenseScheme = Literal["spdx", "mof"]
"""Whose identifiers a license is judged by: SPDX (resolved, expressions folded) or the Model Openness
Framework's license list (the id as the release file wrote it, as the MOF's own tool compares it)."""

METHODS: tuple[str, ...] = get_args(Method)
FILE_ROLES: tuple[str, ...] = get_args(FileRole)
RELATIONS: tuple[str, ...] = get_args(Relation)
REFERENCE_PURPOSES: tuple[str, ...] = get_args(ReferencePurpose)
DATASET_USAGES: tuple[str, ...] = get_args(DatasetUsage)
UNKNOWN_SUBJECTS: tuple[str, ...] = get_args(UnknownSubject)
UNKNOWN_FIELDS: tuple[str, ...] = get_args(UnknownField)
LICENSE_SCHEMES: tuple[str, ...] = get_args(LicenseScheme)
FILE_LISTINGS: tuple[str, ...] = get_args(FileListing)
STATUSES: tuple[str, ...] = get_args(Status)
STATUS_ORDER: tuple[Status, ...] = ("unmet", "partial", "unknown", "met", "not-applicable")
"""Statuses from worst to best: how score summarises findings and diff ranks a change of status."""

LICENSE_CATEGORIES: tuple[str, ...] = (
    "public-domain",
    "permissive",
    "open-data-permissive",
    "weak-copyleft",
    "open-data-share-alike",
    "strong-copyleft",
    "network-copyleft",
    "rail-use-restricted",
    "proprietary-community",
    "no-derivatives",
    "non-commercial",
    "research-only",
    "restricted-data",
    "proprietary",
    "unknown",
)
"""Every license category aibom knows, from least to most restrictive (`licenses.restrictiveness`)."""

# -- the names of `Provenance.properties`, every one a collector writes ---------------------------
PROP_WEIGHTS_AVAILABLE = "aibom:weights-available"
"""``"false"`` when the publisher declares the weights are not released."""
PROP_ACCESS = "aibom:access"
"""How the model can be used, ``open``, ``gated`` or ``api-only`` (declared)."""
PROP_VERSION = "aibom:version"
"""The model's declared version (declarations, MOT files)."""
PROP_HF_PRIVATE = "aibom:hf:private"
"""Whether the Hub repo is private (``true``/``false``)."""
PROP_HF_GATED = "aibom:hf:gated"
"""The Hub's gating mode as it says it (``false``, ``auto``, ``manual``)."""
PROP_DOWNLOAD_COMMIT = "aibom:hf:download-commit"
"""The Hub commit ``hf download --local-dir`` recorded for a folder's files."""
PROP_TORCH_DTYPE = "aibom:torch_dtype"
"""``config.json:torch_dtype``."""
PROP_WEIGHTS_TOTAL_SIZE = "aibom:weights:total-size"
"""A shard index's ``metadata.total_size`` in bytes."""
PROP_WEIGHTS_SHARDS = "aibom:weights:shards"
"""How many shards a shard index lists."""
PROP_PARAMETERS_PREFIX = "aibom:parameters:"
"""Followed by a dtype: the parameters of that dtype over every counted header."""
PROP_LICENSE_OVERRIDDEN = "aibom:license:overridden"
"""A license the model's sources stated that a declaration replaced (the value: its SPDX id or name;
the evidence: where it was stated). The BOM carries the declared license; the scorer weighs both."""
PROP_MOT_PREFIX = "aibom:mot:"
"""Followed by a MOT release key (or ``license.<content type>``): what a MOT file says beyond components."""


@dataclass(frozen=True)
class Evidence:
    """Where a fact came from: which collector, which location, how it was obtained."""

    collector: str
    location: str
    method: Method
    quote: str = ""


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A single value with its evidence."""

    value: T
    evidence: Evidence


@dataclass(frozen=True)
class Unknown:
    """Something that could not be found; the scorer reports it as unknown, never as unmet.

    `name` says which file, dataset, base model or BOM part (empty for the model itself).
    """

    subject: UnknownSubject
    field: UnknownField
    reason: str
    name: str = ""

    @property
    def label(self) -> str:
        """The subject in words: ``model``, ``dataset org/x``, ``base model org/y``, a file's path."""
        words = {"model": "model", "dataset": "dataset", "base-model": "base model", "bom": "bom", "file": ""}
        return f"{words[self.subject]} {self.name}".strip()


@dataclass(frozen=True)
class License:
    """One license as a source stated it, resolved to SPDX where possible.

    `spdx` holds an exact-case SPDX id or expression (``Apache-2.0``, ``MIT OR Apache-2.0``) or
    a ``LicenseRef-*`` id; `name`/`url` describe a named license (Llama, Gemma, RAIL, other).
    `raw` keeps what the source said (``apache-2.0``, ``other``, ``llama2``).
    """

    raw: str
    evidence: Evidence
    spdx: str | None = None
    name: str | None = None
    url: str | None = None
    category: str = "unknown"
    osi_approved: bool | None = None
    scheme: LicenseScheme = "spdx"


@dataclass(frozen=True)
class WeightInfo:
    """What a header-only inspection of a weight file found (never the tensors)."""

    format: str
    evidence: Evidence
    parameters: tuple[tuple[str, int], ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    risks: tuple[str, ...] = ()

    @property
    def parameter_count(self) -> int:
        return sum(n for _, n in self.parameters)


@dataclass(frozen=True)
class FileEntry:
    """One file of the model, by relative POSIX path."""

    path: str
    size: int | None
    sha256: str | None
    role: FileRole
    evidence: Evidence
    weights: WeightInfo | None = None


@dataclass(frozen=True)
class Dataset:
    """A dataset the model was trained, tuned or evaluated on."""

    id: str
    evidence: Evidence
    name: str | None = None
    url: str | None = None
    licenses: tuple[License, ...] = ()
    gated: bool | None = None
    usage: DatasetUsage = "training"
    revision: str | None = None
    description: str | None = None
    generator: str | None = None
    seed_source: str | None = None
    licenses_stated: bool = False
    """As `Reference.licenses_stated`: no license here means unlicensed, not unknown."""


@dataclass(frozen=True)
class BaseModel:
    """An ancestor: what this model was fine-tuned, adapted, quantized or merged from."""

    id: str
    relation: Relation
    evidence: Evidence
    purl: str | None = None
    revision: str | None = None
    licenses: tuple[License, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A link to something outside the model files: code, paper, card, website."""

    url: str
    purpose: ReferencePurpose
    evidence: Evidence
    licenses: tuple[License, ...] = ()
    commit: str | None = None
    comment: str | None = None
    licenses_stated: bool = False
    """The source states every license of what this points to (none stated means unlicensed, as in a
    MOT file); otherwise the target was not read, and no license means the license is unknown."""
    subject: ReferenceSubject = "model"


@dataclass(frozen=True)
class Metric:
    """One evaluation result, from model-index or a declaration."""

    type: str
    value: str
    evidence: Evidence
    name: str | None = None
    dataset: str | None = None
    split: str | None = None
    task: str | None = None


@dataclass(frozen=True)
class Consideration:
    """A passage of the card filed under a modelCard consideration.

    `kind` is one of: use-cases, limitations, ethical-considerations, training-procedure,
    training-data, hyperparameters, hardware, environmental, users, fairness.
    """

    kind: str
    text: str
    evidence: Evidence


@dataclass(frozen=True)
class CardFacts:
    """The modelCard part: task, architecture, languages, metrics, considerations."""

    task: Fact[str] | None = None
    architecture_family: Fact[str] | None = None
    model_architecture: Fact[str] | None = None
    library: Fact[str] | None = None
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    considerations: tuple[Consideration, ...] = ()


@dataclass(frozen=True)
class Property:
    """A name/value fact with no better home (``aibom:*`` or ``cdx:ai-ml:*`` names)."""

    name: str
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class Finding:
    """The verdict on one requirement of an openness profile."""

    requirement: str
    title: str
    status: Status
    reason: str
    fix: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """An openness profile applied to a model: one finding per requirement, a summary (name/value
    pairs: counts per status and the verdict) and, for the MOF profile, its result."""

    profile: str
    findings: tuple[Finding, ...]
    summary: tuple[tuple[str, str], ...] = ()
    mof: MofResult | None = None

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The summary and the MOF result as name/value pairs (a BOM's attestation summary)."""
        return self.summary + (self.mof.to_pairs() if self.mof else ())


@dataclass(frozen=True)
class Provenance:
    """Everything aibom knows about one model. The only thing collectors hand to outputs."""

    name: str
    identity: Evidence
    source: str
    repo_id: str | None = None
    revision: str | None = None
    purl: str | None = None
    description: str | None = None
    author: str | None = None
    gated: bool | None = None
    files: tuple[FileEntry, ...] = ()
    licenses: tuple[License, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    base_models: tuple[BaseModel, ...] = ()
    references: tuple[Reference, ...] = ()
    card: CardFacts = field(default_factory=CardFacts)
    parameters: Fact[int] | None = None
    properties: tuple[Property, ...] = ()
    unknowns: tuple[Unknown, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    listing: FileListing = "copy"

    @property
    def own_references(self) -> tuple[Reference, ...]:
        """The references that are the model's own (not a dataset's or a base model's)."""
        return tuple(r for r in self.references if r.subject == "model")

    @property
    def weight_files(self) -> tuple[FileEntry, ...]:
        return tuple(f for f in self.files if f.role == "weights")

    def is_itself(self, base: BaseModel) -> bool:
        """Whether `base` names this model (by Hub id or purl, any revision, any case)."""
        return names_same_model((self.repo_id, self.purl), base.id, base.purl)

    def without_self_ancestry(self) -> Provenance:
        """A copy whose base models exclude the model itself: a model is never its own ancestor."""
        kept = tuple(b for b in self.base_models if not self.is_itself(b))
        return self if len(kept) == len(self.base_models) else replace(self, base_models=kept)

    def with_changes(self, **changes: object) -> Provenance:
        """A copy with some fields replaced (the model is frozen)."""
        return replace(self, **changes)  # type: ignore[arg-type]
