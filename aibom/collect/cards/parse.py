"""Model and dataset cards read into facts: the entry points, which join front matter, sections and prose.

Parses text it is given (no network, no files). Front matter that is missing, broken or not a
mapping becomes an `Unknown`; the rest of the card is still read. Everything is bounded: only the
first `MAX_CARD_CHARS` characters are looked at and every list is capped at `MAX_ITEMS` entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aibom.collect.cards.front_matter import (
    _base_models,
    _datasets,
    _fact,
    _first,
    _gated,
    _metrics,
    _split,
    _strings,
    front_matter_licenses,
)
from aibom.collect.cards.license_statement import statement_licenses
from aibom.collect.cards.prose import _prose_base_models, _references
from aibom.collect.cards.sections import _considerations, _description, _title
from aibom.collect.cards.text import _Parsed
from aibom.model import (
    BaseModel,
    CardFacts,
    Dataset,
    Evidence,
    License,
    Reference,
    Unknown,
)


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
    quantized_by: str | None = None
    """The front matter's ``quantized_by``: who repacked the model (a quantization of its base)."""
    gated: bool | None = None
    """True when the front matter asks users to accept conditions (``extra_gated_*``, ``gated``);
    None otherwise: a card without those keys does not prove the repo is open."""


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
        licenses=_model_licenses(front_matter_licenses(meta, fm), parsed, collector, location),
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
        quantized_by=_first(meta.get("quantized_by")),
        gated=_gated(meta),
    )


def _model_licenses(declared: tuple[License, ...], parsed: _Parsed, collector: str,
                    location: str) -> tuple[License, ...]:
    """The front matter's licenses; when it names none (or only ``other``), the body's statement."""
    if any(lic.category != "unknown" or lic.name or lic.url for lic in declared):
        return declared
    return statement_licenses(parsed.body, parsed.heads, collector, location) or declared


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
