"""A card's YAML front matter: licenses, datasets, base models and their relation, model-index metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from aibom import licenses
from aibom.budget import MAX_CARD_CHARS
from aibom.collect.cards.sections import _headings
from aibom.collect.cards.text import MAX_ITEMS, _Line, _Parsed
from aibom.collect.textfiles import load_yaml
from aibom.identity import hub_purl, looks_like_hub_id, strip_hub_url
from aibom.model import (
    BaseModel,
    Dataset,
    Evidence,
    Fact,
    License,
    Metric,
    Relation,
    Unknown,
)

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


def _split(text: str, location: str, subject: str) -> _Parsed:
    """Front matter mapping, numbered body lines, and what went wrong reading the front matter."""
    text = text[:MAX_CARD_CHARS].removeprefix("\ufeff")
    match = _FRONT_MATTER.search(text)
    if match is None:
        opened = text.lstrip().startswith("---")
        reason = "front matter is not closed by a '---' line" if opened else "has no YAML front matter"
        body = _lines(text, 1)
        unknown = Unknown(subject, "front-matter", f"{location} {reason}")
        return _Parsed({}, body, (unknown,), _headings(body))
    first_body_line = text.count("\n", 0, match.end()) + 1
    body = _lines(text[match.end() :], first_body_line)
    heads = _headings(body)
    try:
        meta = load_yaml(match.group(1))  # no aliases (a 1 KB card once expanded to 741 MB), no dates
    except ValueError as exc:
        reason = f"{location} front matter holds a value aibom cannot read: {str(exc)[:120]}"
        return _Parsed({}, body, (Unknown(subject, "front-matter", reason),), heads)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        reason = f"{location} front matter is not valid YAML{where}: {problem}"
        return _Parsed({}, body, (Unknown(subject, "front-matter", reason),), heads)
    if meta is None:
        return _Parsed({}, body, (), heads)
    if not isinstance(meta, dict):
        reason = f"{location} front matter is a YAML {type(meta).__name__}, not a mapping"
        return _Parsed({}, body, (Unknown(subject, "front-matter", reason),), heads)
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
        ds_id = strip_hub_url(raw)
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
                "lineage",
                f"base_model_relation {raw!r} is not one of adapter, merge, quantized, finetune",
            )
        )
        return "unknown"
    return relation


def _base_model(model_id: str, relation: Relation, evidence: Evidence) -> BaseModel:
    return BaseModel(id=model_id, relation=relation, evidence=evidence, purl=hub_purl(model_id))


def _base_models(meta: dict[str, Any], evidence: Evidence, unknowns: list[Unknown]) -> tuple[BaseModel, ...]:
    ids = tuple(dict.fromkeys(strip_hub_url(i) for i in _strings(meta.get("base_model"))))
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
