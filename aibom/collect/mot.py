"""Model Openness Tool (MOT) YAML files: a model's MOF components and their licenses, as declared facts.

Each MOT component becomes one fact tagged with its MOF component name: Datasets and Evaluation data
become datasets (usage training / evaluation), every other component a reference whose ``comment`` is
the component name and whose purpose says what it is. Each carries the license MOT resolves for it:
its own ``license`` (``unlicensed`` = none), else the global license for its content type, else
``release.license.distribution``, else none, kept in ``License.raw`` exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from aibom.budget import MOT_MAX_BYTES
from aibom.collect.textfiles import load_file
from aibom.errors import InputError
from aibom.identity import hub_model_id, hub_purl
from aibom.licenses import resolve
from aibom.model import (
    PROP_MOT_PREFIX,
    PROP_VERSION,
    Dataset,
    Evidence,
    License,
    Property,
    Provenance,
    Reference,
    Unknown,
)
from aibom.mof_components import COMPONENT_PURPOSES, MOT_COLLECTOR, Component, components

DATASET_USAGE = {"Datasets": "training", "Evaluation data": "evaluation"}
RELEASE_PROPERTIES = ("version", "date", "type", "architecture", "treatment", "origin", "contact")
GLOBAL_LICENSES = ("distribution", "code", "data", "document")
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def is_mot(data: object) -> bool:
    """Whether parsed YAML is a MOT file: ``framework`` and a ``release`` with ``components``."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("framework"), dict)
        and isinstance(data.get("release"), dict)
        and "components" in data["release"]
    )


def load_mot(path: Path) -> Provenance:
    """Read a MOT YAML file into the neutral model; bad YAML or another kind of file → InputError."""
    data = load_file(path, MOT_MAX_BYTES)
    if not is_mot(data):
        raise InputError(f"{path} is not a Model Openness Tool file",
                         "a MOT file has 'framework:' and 'release:' with 'components:'")
    return from_mot(data, path.name)


def from_mot(data: dict[str, Any], location: str) -> Provenance:
    """The Provenance a parsed MOT document declares; `location` names the file in evidence."""
    release = data["release"]
    name = release.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{location}: release.name must be a non-empty string")
    items = release.get("components") or []
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("name"), str)
                                              for i in items):
        raise InputError(f"{location}: release.components must be a list of components with a name")
    globals_ = _global_licenses(release.get("license"), location)
    known = {c.name: c for c in components()}
    references: list[Reference] = []
    datasets: list[Dataset] = []
    unknown_names: list[str] = []
    for i, item in enumerate(items):
        component = known.get(item["name"])
        if component is None:
            unknown_names.append(item["name"])
            continue
        at = f"{location}#release.components[{i}]"
        evidence = Evidence(MOT_COLLECTOR, at, "declared", quote=_text(item.get("description")))
        licenses = _component_license(item, component, globals_, at)
        url = _url(item.get("component_path"))
        if component.name in DATASET_USAGE:
            datasets.append(Dataset(id=url or f"{name}: {component.name}", evidence=evidence,
                                    name=component.name, url=url or None, licenses=licenses,
                                    usage=DATASET_USAGE[component.name],
                                    description=_text(item.get("description")) or None,
                                    licenses_stated=True))
        else:
            references.append(Reference(url=url, purpose=COMPONENT_PURPOSES[component.name],
                                        evidence=evidence, licenses=licenses, comment=component.name,
                                        licenses_stated=True))
    references += _links(release, location)
    repo_id = hub_model_id(_text(release.get("huggingface")))
    distribution = globals_.get("distribution")
    producer = _text(release.get("producer"))
    return Provenance(
        name=name,
        identity=Evidence(MOT_COLLECTOR, f"{location}#release.name", "declared"),
        source=MOT_COLLECTOR,
        listing="none",
        repo_id=repo_id,
        purl=hub_purl(repo_id) if repo_id else None,
        author=producer or None,
        licenses=(distribution,) if distribution else (),
        datasets=tuple(datasets),
        references=tuple(references),
        properties=_properties(release, globals_, location),
        unknowns=tuple(Unknown("model", "mof-component", f"{location}: {n!r} is not one of the MOF components")
                       for n in unknown_names),
    )


def _global_licenses(value: object, location: str) -> dict[str, License]:
    """`release.license`: the licenses for the whole distribution and per content type."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{location}: release.license must be a mapping")
    found = {}
    for kind in GLOBAL_LICENSES:
        entry = value.get(kind)
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]:
            evidence = Evidence(MOT_COLLECTOR, f"{location}#release.license.{kind}", "declared")
            found[kind] = _license(entry["name"], evidence, _url(entry.get("path")))
    return found


def _component_license(item: dict[str, Any], component: Component, globals_: dict[str, License],
                       at: str) -> tuple[License, ...]:
    """MOT's order: own license (``unlicensed`` = none), global for the content type, distribution."""
    own = item.get("license")
    if own not in (None, ""):
        own = str(own)
        if own == "unlicensed":
            return ()
        return (_license(own, Evidence(MOT_COLLECTOR, f"{at}.license", "declared"),
                         _url(item.get("license_path"))),)
    inherited = globals_.get(component.content_type) or globals_.get("distribution")
    return (inherited,) if inherited else ()


def _license(raw: str, evidence: Evidence, url: str) -> License:
    """The license as written (`raw` untouched, judged by the MOF's license list), resolved for SPDX id
    and category."""
    lic = _resolved(raw)
    return replace(lic, raw=raw, evidence=evidence, url=url or lic.url, scheme="mof")


@cache
def _resolved(raw: str) -> License:
    """Resolution depends on the text alone; MOT files repeat a few dozen license names."""
    return resolve(raw, Evidence(MOT_COLLECTOR, "", "declared"))


def _links(release: dict[str, Any], location: str) -> list[Reference]:
    links = []
    for key, purpose in (("repository", "repository"), ("huggingface", "website")):
        url = _url(release.get(key))
        if url:
            links.append(Reference(url=url, purpose=purpose,
                                   evidence=Evidence(MOT_COLLECTOR, f"{location}#release.{key}", "declared")))
    return links


def _properties(release: dict[str, Any], globals_: dict[str, License], location: str) -> tuple[Property, ...]:
    """The release version (`aibom:version`), other release facts and global licenses (`aibom:mot:*`)."""
    props = []
    for key in RELEASE_PROPERTIES:
        value = _text(release.get(key))
        if value:
            name = PROP_VERSION if key == "version" else f"{PROP_MOT_PREFIX}{key}"
            evidence = Evidence(MOT_COLLECTOR, f"{location}#release.{key}", "declared")
            props.append(Property(name, value, evidence))
    for kind, lic in globals_.items():
        props.append(Property(f"{PROP_MOT_PREFIX}license.{kind}", lic.raw, lic.evidence))
    return tuple(props)


def _url(value: object) -> str:
    """A link as MOT files give it; anything that is not a URL (``arxiv license``) is no link."""
    text = _text(value).strip()
    return text if URL.match(text) else ""


def _text(value: object) -> str:
    """A scalar YAML value as text ('' for none); dates and numbers as YAML wrote them."""
    return "" if value is None else str(value)
