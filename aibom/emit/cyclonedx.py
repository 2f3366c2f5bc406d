"""Provenance -> CycloneDX JSON (1.6 or 1.7), and back (`from_json`, in `aibom.emit.reader`).

cyclonedx-python-lib builds everything it models; `aibom.emit.modelcard` adds modelCard, data[]
and declarations by bom-ref, and `aibom.emit.files` the model's file components (fast for 100,000).
Output is deterministic: sorted keys and arrays, 2-space indent, and, when no serial is given, a
serial derived from the content.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.definition import Definitions, Level, Requirement, Standard
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6, JsonV1Dot7
from packageurl import PackageURL

from aibom import __version__
from aibom import model as m
from aibom.emit import SPEC_VERSIONS, files, modelcard
from aibom.emit import properties as P
from aibom.emit.reader import TOP_LEVEL, from_json
from aibom.emit.validate import safe_iri, spdx_ids
from aibom.errors import InputError
from aibom.licenses import spdx_expression
from aibom.mof_components import CLASS_LABELS, class_numeral, level_requirements

__all__ = ["SPEC_VERSIONS", "from_json", "to_json"]

OUTPUTTERS = dict(zip(SPEC_VERSIONS, (JsonV1Dot6, JsonV1Dot7), strict=True))
SERIAL = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
REFERENCE_TYPES = {
    "training-code": ExternalReferenceType.VCS,
    "inference-code": ExternalReferenceType.VCS,
    "evaluation-code": ExternalReferenceType.VCS,
    "data-preprocessing-code": ExternalReferenceType.VCS,
    "supporting-libraries": ExternalReferenceType.VCS,
    "repository": ExternalReferenceType.VCS,
    "research-paper": ExternalReferenceType.DOCUMENTATION,
    "technical-report": ExternalReferenceType.DOCUMENTATION,
    "model-card": ExternalReferenceType.MODEL_CARD,
    "data-card": ExternalReferenceType.DOCUMENTATION,
    "evaluation-data": ExternalReferenceType.DISTRIBUTION,
    "evaluation-results": ExternalReferenceType.QUALITY_METRICS,
    "intermediate-checkpoints": ExternalReferenceType.DISTRIBUTION,
    "sample-outputs": ExternalReferenceType.OTHER,
    "model-architecture": ExternalReferenceType.VCS,
    "website": ExternalReferenceType.WEBSITE,
    "distribution": ExternalReferenceType.DISTRIBUTION,
}
"""Reference purpose -> CycloneDX external reference type (the purpose itself goes in the comment)."""
PRETTY = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)


def to_json(prov: m.Provenance, *, spec_version: str = "1.6", timestamp: datetime | None, serial: str | None,
            reproducible: bool = False) -> str:
    """The CycloneDX JSON of `prov`; `serial` None derives the serial number from the content. A
    `timestamp` of None writes no time at all; `reproducible` marks the BOM ``cdx:reproducible``."""
    outputter = OUTPUTTERS.get(spec_version)
    if outputter is None:
        raise InputError(
            f"CycloneDX spec version {spec_version!r} is not supported",
            f"use one of {', '.join(SPEC_VERSIONS)}",
        )
    if serial is not None and not SERIAL.match(serial):
        raise InputError(f"serial number {serial!r} is not a urn:uuid: of lower-case hex")
    if timestamp is not None and timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    purl = _purl(prov.purl)
    model_ref = str(purl) if purl else f"model:{prov.name}"
    dataset_refs = _unique_refs(prov.datasets)
    datasets = [_dataset(ds, ref) for ds, ref in zip(prov.datasets, dataset_refs, strict=True)]
    model = _model(prov, model_ref, purl, spec_version)
    tool = Component(type=ComponentType.APPLICATION, name="aibom", version=__version__, bom_ref="tool:aibom")
    generators = {
        g: Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=g, bom_ref=P.GENERATOR_REF + g)
        for g in sorted({ds.generator for ds in prov.datasets if ds.generator})
    }
    bom = Bom(
        metadata=BomMetaData(component=model, tools=ToolRepository(components=[tool])),
        components=[*datasets, *generators.values()],
        definitions=_definitions(prov.assessments),
    )
    bom.register_dependency(model, datasets)
    for ds, comp in zip(prov.datasets, datasets, strict=True):
        if ds.generator:
            bom.register_dependency(comp, [generators[ds.generator]])
    doc: dict[str, Any] = json.loads(outputter(bom).output_as_string())
    extras: dict[str, dict[str, Any]] = {
        ref: {"data": [modelcard.dataset_data(ds)]} for ds, ref in zip(prov.datasets, dataset_refs, strict=True)
    }
    card = modelcard.model_card(prov, dataset_refs)
    if card:
        extras[model_ref] = {"modelCard": card}
    modelcard.attach(doc, extras)
    # a repeated entry is written once, as the library's sets did
    file_components = [files.file_component(f) for f in dict.fromkeys(prov.files)]
    _release_layout(doc, prov, model_ref, file_components)
    meta = doc["metadata"]
    meta.pop("timestamp", None)
    if timestamp is not None:
        meta["timestamp"] = modelcard.utc(timestamp)
    if reproducible:
        meta["properties"] = [{"name": "cdx:reproducible", "value": "true"}]
    if prov.assessments:
        doc["declarations"] = modelcard.declarations(prov.assessments, model_ref, timestamp)
    return _render(doc, serial)


RELEASE_PREFIX = "release:"
"""The bom-ref of `metadata.component`, the release the model belongs to: ``release:`` + the model's."""


def _release_layout(doc: dict[str, Any], prov: m.Provenance, model_ref: str,
                    file_components: list[dict[str, Any]]) -> None:
    """The layout that inventory tools and the ML-BOM guide both read: the model, its files, datasets
    and generators are top-level components (where cdxgen, OWASP's generator and aisbom-cli look for
    models, and lib4sbom and Dependency-Track count packages and files); `metadata.component` is the
    release they belong to, an application component (as OWASP's generator writes it) with its
    own bom-ref, so the model has one identity. Every edge is in `dependencies`, each entry with its
    `dependsOn` list, empty for a leaf (consumers read its length): release → model → files and
    datasets, dataset → the model that generated it."""
    meta = doc["metadata"]
    model = meta.pop("component")
    release: dict[str, Any] = {"type": "application", "bom-ref": RELEASE_PREFIX + model_ref, "name": prov.name,
                               "description": f"The release of the model {prov.name}: its files and the data it "
                                              "was trained on"}
    for key in ("version", "supplier", "manufacturer", "authors"):
        if key in model:
            release[key] = model[key]
    meta["component"] = release
    meta["lifecycles"] = [{"phase": "post-build"}]
    comps = doc.setdefault("components", [])
    comps += [model, *file_components]
    refs = {c["bom-ref"] for c in comps}
    edges = {d["ref"]: list(d.get("dependsOn", [])) for d in doc.get("dependencies", [])}
    graph = {ref: edges.get(ref, []) for ref in refs}
    graph[release["bom-ref"]] = [model_ref]
    graph[model_ref] = sorted({*edges.get(model_ref, []), *(f["bom-ref"] for f in file_components)})
    doc["dependencies"] = [{"ref": ref, "dependsOn": sorted(deps)} for ref, deps in graph.items()]


def _model(prov: m.Provenance, ref: str, purl: PackageURL | None, spec_version: str) -> Component:
    """The model component with its files, licenses, references, lineage and properties."""
    publisher = prov.author or (prov.repo_id.split("/")[0] if prov.repo_id and "/" in prov.repo_id else None)
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=prov.name,
        bom_ref=ref,
        # the version the purl carries when it has one (a commit, lower case), so the two agree
        version=purl.version if purl is not None and purl.version else prov.revision,
        purl=purl,
        description=prov.description,
        authors=[OrganizationalContact(name=prov.author)] if prov.author else None,
        # the Hub organisation that publishes the repo supplies and makes it, unless declared otherwise
        supplier=OrganizationalEntity(name=publisher) if publisher else None,
        manufacturer=OrganizationalEntity(name=publisher) if publisher else None,
        licenses=_licenses(prov.licenses),
        # the model's own links with a URL: a dataset's or base model's links, and a script path
        # the card names (`train_script.py`), are no external reference of the model (all are kept
        # as aibom:reference properties)
        external_references=[_reference(r, spec_version) for r in prov.own_references if "://" in r.url],
        properties=_model_properties(prov),
        pedigree=_pedigree(tuple(b for b in prov.base_models if not prov.is_itself(b))),
        tags=prov.card.tags,
    )


def _render(doc: dict[str, Any], serial: str | None) -> str:
    """Pretty JSON with canonical key order; the serial derives from everything else when not given."""
    doc.pop("serialNumber", None)
    _sort_arrays(doc)
    if serial is None:
        canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        serial = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'aibom:' + canonical)}"
    doc["serialNumber"] = serial
    keys = [k for k in TOP_LEVEL if k in doc] + sorted(k for k in doc if k not in TOP_LEVEL)
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {_pretty(doc[k])}" for k in keys) + "\n}\n"


def _pretty(value: Any) -> str:
    """`value` as JSON with sorted keys, indented to sit one level inside the document.

    Encoded in batches: `json.dumps` with an indent lists every small piece first (7 million, 400 MB
    for 100,000 files). JSON text holds no raw newline inside a string, so indenting is a replace.
    """
    chunks = PRETTY.iterencode(value)
    return "".join(iter(lambda: "".join(islice(chunks, 1 << 16)).replace("\n", "\n  "), ""))


def _sort_arrays(doc: dict[str, Any]) -> None:
    """Components by bom-ref, nested files by name, dependencies by ref (arrays whose order means nothing)."""
    doc.get("components", []).sort(key=lambda c: c.get("bom-ref", ""))
    for dep in doc.get("dependencies", []):
        dep.get("dependsOn", []).sort()
    doc.get("dependencies", []).sort(key=lambda d: d["ref"])


def _purl(value: str | None, *, required: bool = True) -> PackageURL | None:
    """The parsed purl; an invalid one is an input error for the model, and left out for an ancestor."""
    if not value:
        return None
    try:
        return PackageURL.from_string(value)
    except ValueError as exc:
        if not required:
            return None
        raise InputError(f"package URL {value!r} is not valid: {exc}") from exc


def _unique_refs(datasets: tuple[m.Dataset, ...]) -> list[str]:
    refs: list[str] = []
    for ds in datasets:
        ref = f"dataset:{ds.id}"
        n = 2
        while ref in refs:
            ref, n = f"dataset:{ds.id}#{n}", n + 1
        refs.append(ref)
    return refs


def _props(*pairs: tuple[str, str]) -> list[Property]:
    return [Property(name=k, value=v) for k, v in pairs]


def _license_props(licenses: tuple[m.License, ...]) -> list[Property]:
    return _props(*((P.LICENSE, P.pack_license(lic)) for lic in licenses))


def _licenses(licenses: tuple[m.License, ...]) -> list[License]:
    """CycloneDX licenses: exact-case SPDX ids, one expression, or named licenses; never `unknown`."""
    out: list[License] = []
    for lic in licenses:
        url = XsUri(safe_iri(lic.url)) if lic.url else None
        spdx_id = spdx_ids().get(lic.spdx.lower()) if lic.spdx else None
        if spdx_id:
            out.append(DisjunctiveLicense(id=spdx_id, url=url))
        elif lic.spdx and not lic.spdx.startswith("LicenseRef-") and (expression := spdx_expression(lic.spdx)):
            out.append(LicenseExpression(expression))
        elif lic.name or lic.spdx:
            out.append(DisjunctiveLicense(name=lic.name or lic.spdx, url=url))
    if len(out) > 1:  # the schema allows one expression alone, or a list of licenses
        terms = [lic.spdx for lic in licenses if lic.spdx]
        joined = spdx_expression(" AND ".join(f"({t})" for t in terms)) if len(terms) == len(licenses) else None
        if joined:  # every license has an SPDX id (or LicenseRef): all of them apply, as one expression
            return [LicenseExpression(joined)]
        out = [DisjunctiveLicense(name=li.value) if isinstance(li, LicenseExpression) else li for li in out]
    return out


def _model_properties(prov: m.Provenance) -> list[Property]:
    pairs: list[tuple[str, str]] = [
        (P.SOURCE, prov.source),
        (P.IDENTITY_EVIDENCE, P.pack_evidence(prov.identity)),
    ]
    if prov.repo_id:
        pairs.append((P.REPO_ID, prov.repo_id))
    if prov.gated is not None:
        pairs.append((P.GATED, str(prov.gated).lower()))
    if prov.listing != "copy":
        pairs.append((P.FILES_LISTING, prov.listing))
    if prov.parameters is not None:
        pairs += [
            (P.PARAMETERS_TOTAL, str(prov.parameters.value)),
            (P.PARAMETERS_EVIDENCE, P.pack_evidence(prov.parameters.evidence)),
        ]
    packed = [P.pack_reference(r) for r in prov.references]
    index = P.reference_index(packed)
    for r, value in zip(prov.references, packed, strict=True):
        pairs.append((P.REFERENCE, value))
        pairs += [(P.REFERENCE_LICENSE, P.pack_license(lic, index[value])) for lic in r.licenses]
    for p in prov.properties:
        pairs += [(p.name, p.value), (P.PROPERTY_EVIDENCE, P.pack_evidence(p.evidence, p.name, p.value))]
    pairs += [(P.UNKNOWN, P.pack_unknown(u)) for u in prov.unknowns]
    return _props(*pairs) + _license_props(prov.licenses)


def _reference(r: m.Reference, spec_version: str) -> ExternalReference:
    kind = REFERENCE_TYPES.get(r.purpose, ExternalReferenceType.OTHER)
    if r.purpose == "research-paper" and spec_version != "1.6":
        kind = ExternalReferenceType.CITATION  # new in 1.7
    comment = r.purpose + (f" @ {r.commit}" if r.commit else "") + (f": {r.comment}" if r.comment else "")
    return ExternalReference(type=kind, url=XsUri(safe_iri(r.url)), comment=comment)


def _dataset(ds: m.Dataset, ref: str) -> Component:
    pairs: list[tuple[str, str]] = [(P.DATASET_USAGE, ds.usage), (P.EVIDENCE, P.pack_evidence(ds.evidence))]
    if ds.gated is not None:
        pairs.append((P.GATED, str(ds.gated).lower()))
    if ds.generator:
        pairs.append((P.DATASET_GENERATOR, ds.generator))
    if ds.seed_source:
        pairs.append((P.DATASET_SEED_SOURCE, ds.seed_source))
    if ds.licenses_stated:
        pairs.append((P.DATASET_LICENSES_STATED, "true"))
    refs = [ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(safe_iri(ds.url)))] if ds.url else None
    org = ds.id.split("/")[0] if "/" in ds.id and "://" not in ds.id else None
    return Component(
        type=ComponentType.DATA,
        name=ds.id,
        bom_ref=ref,
        supplier=OrganizationalEntity(name=org) if org else None,
        version=ds.revision,
        description=ds.description,
        licenses=_licenses(ds.licenses),
        external_references=refs,
        properties=_props(*pairs) + _license_props(ds.licenses),
    )


LINEAGE_WORDS = {"fine-tune": "fine-tuned from", "adapter": "an adapter on", "quantized": "quantized from",
                 "merge": "merged from", "unknown": "derived (how is not known) from"}
"""A relation in words for `pedigree.notes`: ``quantized from meta-llama/Llama-2-7b-chat-hf``."""


def _pedigree(bases: tuple[m.BaseModel, ...]) -> Pedigree | None:
    if not bases:
        return None
    bases = tuple(sorted(bases, key=lambda b: (b.id, b.relation, b.purl or "")))
    ancestors = [
        Component(
            type=ComponentType.MACHINE_LEARNING_MODEL,
            name=b.id,
            version=b.revision,
            purl=_purl(b.purl, required=False),
            licenses=_licenses(b.licenses),
            properties=_props((P.RELATION, b.relation), (P.EVIDENCE, P.pack_evidence(b.evidence)))
            + _license_props(b.licenses),
        )
        for b in bases
    ]
    notes = "; ".join(f"{LINEAGE_WORDS[b.relation]} {b.id} ({b.evidence.method}, {b.evidence.location})"
                      for b in bases)
    return Pedigree(ancestors=ancestors, notes=notes)


def _definitions(assessments: tuple[m.Assessment, ...]) -> Definitions | None:
    """One standard per assessed profile, holding its requirements."""
    if not assessments:
        return None
    return Definitions(
        standards=[
            Standard(
                bom_ref=modelcard.standard_ref(a.profile),
                name=a.profile,
                owner="aibom",
                description=f"aibom openness profile {a.profile}",
                requirements=[
                    Requirement(
                        bom_ref=modelcard.requirement_ref(a.profile, f.requirement),
                        identifier=f.requirement,
                        title=f.title,
                    )
                    for f in a.findings
                ],
                levels=_levels(a),
            )
            for a in assessments
        ]
    )


def _levels(a: m.Assessment) -> list[Level] | None:
    """The Model Openness Framework's classes as the standard's levels, each listing the requirements
    a model meets to reach it (its class's required components and those of the classes below)."""
    if a.mof is None:
        return None
    assessed = {f.requirement for f in a.findings}
    return [
        Level(
            bom_ref=f"level:{a.profile}:class-{class_numeral(c)}",
            identifier=f"class-{class_numeral(c)}",
            title=CLASS_LABELS[c],
            requirements=[modelcard.requirement_ref(a.profile, r) for r in level_requirements(c) if r in assessed],
        )
        for c in (3, 2, 1)
    ]
