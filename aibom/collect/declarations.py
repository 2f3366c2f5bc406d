"""User-declared provenance: an `aibom.yaml` (or a Model Openness Tool YAML) read into the model.

Release pipelines know what model cards omit: the training code and its commit, every dataset with
its license, synthetic data and the model that generated it, papers, and whether weights are released
at all. Every fact read here carries `Evidence("declarations", "aibom.yaml#/datasets/0", "declared")`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from aibom.budget import DECLARATIONS_MAX_BYTES
from aibom.collect.textfiles import load_file
from aibom.errors import InputError
from aibom.identity import hub_purl
from aibom.model import (
    PROP_ACCESS,
    PROP_LICENSE_OVERRIDDEN,
    PROP_VERSION,
    PROP_WEIGHTS_AVAILABLE,
    BaseModel,
    Dataset,
    Evidence,
    License,
    Property,
    Provenance,
    Reference,
)

COLLECTOR = "declarations"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "declarations.schema.json"
T = TypeVar("T")

_DOCUMENTS = (
    ("technical_report", "technical-report"),
    ("data_card", "data-card"),
    ("intermediate_checkpoints", "intermediate-checkpoints"),
    ("sample_outputs", "sample-outputs"),
)
_EVALUATION = (("code", "evaluation-code"), ("data", "evaluation-data"), ("results", "evaluation-results"))


def load(path: Path) -> Provenance:
    """Read and validate a declarations file into a Provenance whose every fact is declared; a Model
    Openness Tool YAML is read by `aibom.collect.mot`. Alone it describes a model (e.g. a closed one
    with API access only); `apply` merges it into a collected one."""
    data = _parse_yaml(path)
    from aibom.collect import mot

    if mot.is_mot(data):
        return mot.from_mot(data, path.name)
    _validate(data, path)
    return _facts(data, path)


def apply(prov: Provenance, facts: Provenance) -> Provenance:
    """`prov` with the declared facts merged in: declared facts add to, or complete, collected ones.

    Identity fields and gating fill gaps (a collected Hub identity is never overridden); a declared
    license replaces only collected licenses nobody could classify; datasets, references and base
    models are merged by id or URL, declared values winning field by field; unknowns the declared
    facts answer are dropped.
    """
    declared_identity = facts.identity.collector == COLLECTOR and facts.identity.location.endswith("#/model")
    return prov.with_changes(
        name=facts.name if declared_identity and prov.repo_id is None else prov.name,
        repo_id=prov.repo_id or facts.repo_id,
        purl=prov.purl or facts.purl,
        description=prov.description or facts.description,
        author=prov.author or facts.author,
        gated=prov.gated if prov.gated is not None else facts.gated,
        licenses=_merge_licenses(prov.licenses, facts.licenses),
        datasets=_merge_by(prov.datasets, facts.datasets, lambda d: d.id.lower()),
        base_models=_merge_by(prov.base_models, facts.base_models, lambda b: b.id.lower()),
        references=_merge_by(prov.references, facts.references, lambda r: (r.url.rstrip("/"), r.purpose)),
        properties=_merge_by(prov.properties, facts.properties, lambda p: p.name)
        + _overridden(prov.licenses, facts.licenses),
        unknowns=tuple(u for u in prov.unknowns if u.subject != "model" or u.field not in _answered(facts))
        + facts.unknowns,
    )


def _answered(facts: Provenance) -> set[str]:
    """The `Unknown.field`s of a collected model that these declared facts answer."""
    answered = {"license"} if facts.licenses else set()
    return answered | {"datasets"} if facts.datasets else answered


def _parse_yaml(path: Path) -> dict[str, Any]:
    data = load_file(path, DECLARATIONS_MAX_BYTES)
    if not isinstance(data, dict):
        raise InputError(f"{path}: a declarations file must be a YAML mapping, not {type(data).__name__}")
    return data


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validate(data: dict[str, Any], path: Path) -> None:
    import jsonschema  # slow to import (its format checkers compile grammars): only when validating

    validator = jsonschema.Draft202012Validator(_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise InputError(
            f"{path}: {where}: {error.message}",
            "see schemas/declarations.schema.json for the fields a declarations file may hold",
        )


class _Reader:
    """Builds model objects from validated data, each with evidence pointing into the file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def evidence(self, pointer: str) -> Evidence:
        return Evidence(COLLECTOR, f"{self.name}#{pointer}", "declared")

    def license(self, value: str | dict[str, str], pointer: str) -> License:
        from aibom.licenses import resolve

        if isinstance(value, str):
            return resolve(value, self.evidence(pointer))
        return resolve(value["id"], self.evidence(pointer), name=value.get("name"), url=value.get("url"))

    def licenses(self, item: dict[str, Any], pointer: str) -> tuple[License, ...]:
        if "licenses" in item:
            return tuple(self.license(v, f"{pointer}/licenses/{i}") for i, v in enumerate(item["licenses"]))
        if "license" in item:
            return (self.license(item["license"], f"{pointer}/license"),)
        return ()

    def reference(self, value: str | dict[str, Any], purpose: str, pointer: str) -> Reference:
        item = {"url": value} if isinstance(value, str) else value
        return Reference(
            url=item["url"],
            purpose=purpose,
            evidence=self.evidence(pointer),
            licenses=self.licenses(item, pointer),
            commit=item.get("commit"),
            comment=item.get("title") or item.get("comment"),
        )

    def dataset(self, item: dict[str, Any], pointer: str) -> Dataset:
        return Dataset(
            id=item["id"],
            evidence=self.evidence(pointer),
            name=item.get("name"),
            url=item.get("url"),
            licenses=self.licenses(item, pointer),
            gated=item.get("gated"),
            usage=item.get("usage", "training"),
            revision=item.get("revision"),
            description=item.get("description"),
            generator=item.get("generator"),
            seed_source=item.get("seed_source"),
        )


def _facts(data: dict[str, Any], path: Path) -> Provenance:
    """The validated declarations as a Provenance of declared facts."""

    r = _Reader(path.name)
    model = data.get("model", {})
    weights = data.get("weights", {})
    repo_id = model.get("repo_id")
    licenses = r.licenses(model, "/model")
    if "license" in weights:
        licenses += (r.license(weights["license"], "/weights/license"),)

    references = [r.reference(c, c["purpose"], at) for c, at in _each(data, "code")]
    references += [r.reference(p, "research-paper", at) for p, at in _each(data, "papers")]
    references += [r.reference(data[key], purpose, f"/{key}") for key, purpose in _DOCUMENTS if key in data]
    evaluation = data.get("evaluation", {})
    for key, purpose in _EVALUATION:
        references += [r.reference(v, purpose, at) for v, at in _each(evaluation, key, "/evaluation")]
    if "url" in weights:
        references.append(r.reference(weights["url"], "distribution", "/weights/url"))
    if "url" in model:
        references.append(r.reference(model["url"], "website", "/model/url"))
    datasets = [r.dataset(d, at) for key in ("datasets", "synthetic_datasets") for d, at in _each(data, key)]

    base_models = tuple(
        BaseModel(
            id=b["id"],
            relation=b.get("relation", "unknown"),
            evidence=r.evidence(at),
            purl=hub_purl(b["id"], b.get("revision")),
            revision=b.get("revision"),
            licenses=r.licenses(b, at),
        )
        for b, at in _each(data, "base_models")
    )

    properties = []
    if "available" in weights:
        available = str(weights["available"]).lower()
        properties.append(Property(PROP_WEIGHTS_AVAILABLE, available, r.evidence("/weights/available")))
    if "access" in model:
        properties.append(Property(PROP_ACCESS, model["access"], r.evidence("/model/access")))
    if "version" in model:
        properties.append(Property(PROP_VERSION, str(model["version"]), r.evidence("/model/version")))

    access = model.get("access")
    named = "name" in model or repo_id is not None
    return Provenance(
        name=model.get("name") or (repo_id.split("/")[-1] if repo_id else path.stem),
        identity=r.evidence("/model") if named else Evidence(COLLECTOR, path.name, "inferred"),
        source="declarations",
        listing="none",
        repo_id=repo_id,
        purl=hub_purl(repo_id) if repo_id else None,
        description=model.get("description"),
        author=model.get("author"),
        gated=None if access is None else access != "open",
        licenses=licenses,
        datasets=tuple(datasets),
        base_models=base_models,
        references=tuple(references),
        properties=tuple(properties),
    )


def _each(data: dict[str, Any], key: str, prefix: str = "") -> Iterable[tuple[Any, str]]:
    """The items of the list `data[key]`, each with its JSON pointer."""
    return ((item, f"{prefix}/{key}/{i}") for i, item in enumerate(data.get(key, ())))


def _key(lic: License) -> str:
    return (lic.spdx or lic.name or lic.raw).lower()


def _merge_licenses(collected: tuple[License, ...], declared: tuple[License, ...]) -> tuple[License, ...]:
    """The declared licenses when there are any: the releaser's statement wins over what the card or
    a LICENSE file says (a union would read as dual licensing). What it overrides is recorded by
    `_overridden`; a collected license the declaration repeats keeps its own evidence too."""
    if not declared:
        return collected
    return declared


def _overridden(collected: tuple[License, ...], declared: tuple[License, ...]) -> tuple[Property, ...]:
    """The collected licenses a declaration replaced (not the ones it repeats), as properties."""
    if not declared:
        return ()
    said = {_key(lic) for lic in declared}
    return tuple(Property(PROP_LICENSE_OVERRIDDEN, lic.spdx or lic.name or lic.raw, lic.evidence)
                 for lic in collected if _key(lic) not in said and (lic.spdx or lic.name))


def _merge_by(collected: Iterable[T], declared: Iterable[T], key: Callable[[T], Hashable]) -> tuple[T, ...]:
    """Union by `key`; for a key on both sides, the declared item wins field by field where it says so."""
    merged: dict[Hashable, T] = {key(item): item for item in collected}
    for item in declared:
        old = merged.get(key(item))
        merged[key(item)] = item if old is None else _overlay(old, item)
    return tuple(merged.values())


def _overlay(old: T, new: T) -> T:
    """`old` with every field `new` sets (anything but its default) taken from `new`, evidence included."""
    changes = {f.name: getattr(new, f.name) for f in fields(new) if getattr(new, f.name) != f.default}  # type: ignore[arg-type]
    return replace(old, **changes)  # type: ignore[type-var]
