"""What cyclonedx-python-lib does not model yet: `modelCard`, component `data[]`, `declarations`.

One small layer of plain JSON, attached to the library's output by bom-ref. Delete it when
the library models these parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from aibom.emit import properties as P
from aibom.emit.validate import safe_iri
from aibom.model import Assessment, Consideration, Dataset, Provenance

CONSIDERATION_FIELDS = {
    "users": "users",
    "use-cases": "useCases",
    "limitations": "technicalLimitations",
    "performance-tradeoffs": "performanceTradeoffs",
}
"""Consideration kinds stored as plain strings in `modelCard.considerations`."""

PROPERTY_KINDS = ("training-procedure", "training-data", "hyperparameters", "hardware")
"""Consideration kinds with no CycloneDX field: they go to `modelCard.properties`."""

KIND_ORDER = (*CONSIDERATION_FIELDS, "ethical-considerations", "fairness", "environmental", *PROPERTY_KINDS)

STATUS_SCORE = {"met": 1, "partial": 0.5, "unmet": 0}
ASSESSOR_REF = "assessor:aibom"


def utc(timestamp: datetime) -> str:
    """A time in UTC as ``2026-12-02T10:00:00Z``: the form every consumer parses (cdxgen's SPDX 3
    converter refuses ``+00:00``)."""
    return timestamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parameter_count(n: int) -> str:
    """The taxonomy's human form: 17, 1.7M, 8B, 70B, 1T."""
    for unit, size in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return str(n)


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


def ordered_considerations(considerations: tuple[Consideration, ...]) -> list[Consideration]:
    """Considerations grouped by kind in a fixed order (unknown kinds last, by name), stable within a kind."""

    def rank(c: Consideration) -> tuple[int, str]:
        return (KIND_ORDER.index(c.kind), "") if c.kind in KIND_ORDER else (len(KIND_ORDER), c.kind)

    return sorted(considerations, key=rank)


def model_card(prov: Provenance, dataset_refs: list[str]) -> dict[str, Any]:
    """The `modelCard` of the model component; `dataset_refs` are the bom-refs of every dataset."""
    card = prov.card
    params: dict[str, Any] = {}
    for key, fact in (
        ("task", card.task),
        ("architectureFamily", card.architecture_family),
        ("modelArchitecture", card.model_architecture),
    ):
        if fact is not None:
            params[key] = fact.value
    if prov.datasets:
        # written inline, not as {"ref": …}: lib4sbom (sbom2doc, sbomaudit) reads each entry's type, name
        # and classification and fails on a reference; the data components, linked to the model in
        # `dependencies`, hold every fact
        params["datasets"] = [training_entry(ds) for ds in prov.datasets]
    out: dict[str, Any] = {}
    if params:
        out["modelParameters"] = params
    if card.metrics:
        out["quantitativeAnalysis"] = {
            "performanceMetrics": [
                {
                    "type": m.type,
                    "value": m.value,
                    **({"slice": s} if (s := _slice(m.dataset, m.split)) else {}),
                }
                for m in card.metrics
            ]
        }
    considerations, props = _considerations(card.considerations)
    if considerations:
        out["considerations"] = considerations
    for attr, name in P.CARD_EVIDENCE.items():
        fact = getattr(card, attr)
        if fact is not None:
            props.append(_prop(name, P.pack_evidence(fact.evidence)))
    if card.library is not None:
        props.append(_prop(P.LIBRARY, card.library.value))
    if card.languages:
        props.append(_prop(P.LANGUAGES, ",".join(card.languages)))
    if prov.parameters is not None:  # where the taxonomy's examples put it (modelParameters has no properties)
        props.append(_prop(P.PARAMETER_COUNT, parameter_count(prov.parameters.value)))
    if any(b.relation == "adapter" for b in prov.base_models):  # the one tune method the files prove
        props.append(_prop(P.TUNE_METHOD, "adapter"))
    props += [
        _prop(P.METRIC, P.pack_evidence(m.evidence, m.type, m.value, m.name, m.dataset, m.split, m.task))
        for m in card.metrics
    ]
    if props:
        out["properties"] = props
    return out


def _slice(dataset: str | None, split: str | None) -> str:
    return f"{dataset or ''} ({split})".strip() if split else dataset or ""


def _considerations(items: tuple[Consideration, ...]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    out: dict[str, Any] = {}
    props: list[dict[str, str]] = []
    evidence: list[dict[str, str]] = []
    for c in ordered_considerations(items):
        evidence.append(_prop(P.CONSIDERATION, P.pack_evidence(c.evidence, c.kind)))
        if c.kind in CONSIDERATION_FIELDS:
            out.setdefault(CONSIDERATION_FIELDS[c.kind], []).append(c.text)
        elif c.kind == "ethical-considerations":
            out.setdefault("ethicalConsiderations", []).append({"name": c.text})
        elif c.kind == "fairness":
            out.setdefault("fairnessAssessments", []).append({"harms": c.text})
        elif c.kind == "environmental":
            env = out.setdefault("environmentalConsiderations", {"properties": []})
            env["properties"].append(_prop(P.CONSIDERATION_PREFIX + c.kind, c.text))
        else:
            props.append(_prop(P.CONSIDERATION_PREFIX + c.kind, c.text))
    return out, props + evidence


def training_entry(ds: Dataset) -> dict[str, Any]:
    """A dataset as `modelParameters.datasets` lists it: type, name (its id, as its component is
    named), where it is, and the classification of its access (public, gated, or not stated)."""
    entry = {**dataset_data(ds), "name": ds.id}
    entry.pop("description", None)
    entry["classification"] = "gated" if ds.gated else "public" if ds.gated is False or ds.url else "not stated"
    return entry


def dataset_data(ds: Dataset) -> dict[str, Any]:
    """The `data[]` entry of a dataset component."""
    entry: dict[str, Any] = {"type": "dataset", "name": ds.name or ds.id}
    if ds.url:
        entry["contents"] = {"url": safe_iri(ds.url)}
    if ds.description:
        entry["description"] = ds.description
    return entry


def attach(doc: dict[str, Any], extras: dict[str, dict[str, Any]]) -> None:
    """Merge `extras[bom_ref]` into the component with that bom-ref, wherever it sits."""
    for comp in _components(doc):
        extra = extras.get(comp.get("bom-ref", ""))
        if extra:
            comp.update(extra)


def _components(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = list(doc.get("components", []))
    if isinstance(doc.get("metadata", {}).get("component"), dict):
        stack.append(doc["metadata"]["component"])
    while stack:
        comp = stack.pop()
        yield comp
        stack.extend(comp.get("components", []))


def requirement_ref(profile: str, requirement: str) -> str:
    return f"requirement:{profile}:{requirement}"


def standard_ref(profile: str) -> str:
    return f"standard:{profile}"


def declarations(assessments: tuple[Assessment, ...], target: str, timestamp: datetime | None) -> dict[str, Any]:
    """CycloneDX `declarations`: aibom as assessor, one attestation per profile, a claim per finding."""
    attestations: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    created = {"created": utc(timestamp)} if timestamp else {}
    for a in assessments:
        mapping = []
        for f in a.findings:
            claim_ref = f"claim:{a.profile}:{f.requirement}"
            ev_refs = [f"evidence:{a.profile}:{f.requirement}:{i}" for i in range(len(f.evidence))]
            claim: dict[str, Any] = {
                "bom-ref": claim_ref,
                "target": target,
                "predicate": f"{f.requirement}: {f.status}",
                "reasoning": f.reason,
            }
            if ev_refs:
                claim["evidence"] = ev_refs
            claims.append(claim)
            evidence += [
                {
                    "bom-ref": ref,
                    "propertyName": P.EVIDENCE,
                    **created,
                    "data": [{"name": P.pack_evidence(e)}],
                }
                for ref, e in zip(ev_refs, f.evidence, strict=True)
            ]
            conformance: dict[str, Any] = {}
            if f.status in STATUS_SCORE:
                conformance["score"] = STATUS_SCORE[f.status]
            if f.fix:
                conformance["rationale"] = f.fix
            entry: dict[str, Any] = {
                "requirement": requirement_ref(a.profile, f.requirement),
                "claims": [claim_ref],
            }
            if conformance:
                entry["conformance"] = conformance
            mapping.append(entry)
        summary = P.pack(a.profile, *(f"{k}={v}" for k, v in a.pairs()))
        attestations.append({"summary": summary, "assessor": ASSESSOR_REF, "map": mapping})
    out: dict[str, Any] = {
        "assessors": [{"bom-ref": ASSESSOR_REF, "thirdParty": False, "organization": {"name": "aibom"}}],
        "attestations": attestations,
        "claims": claims,
    }
    if evidence:
        out["evidence"] = evidence
    return out
