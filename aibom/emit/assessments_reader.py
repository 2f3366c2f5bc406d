"""Openness assessments read back from a CycloneDX BOM (what `aibom.emit.modelcard.declarations`
writes, and the same structure from other tools): one Assessment per attestation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aibom import bom_json as js
from aibom import model as m
from aibom.emit import properties as P
from aibom.mof_components import MOF_PAIRS, MofResult

EvidenceReader = Callable[[str | None, str], m.Evidence]
"""Packed evidence and the location it was found at -> the Evidence (the BOM reader's own)."""


def assessments(doc: dict[str, Any], evidence_of: EvidenceReader) -> tuple[m.Assessment, ...]:
    """The assessments a BOM embeds: definitions.standards (requirements) joined with declarations
    (claims, evidence, attestations); a finding's evidence read back through `evidence_of`."""
    standards = js.dicts(js.mapping(doc.get("definitions")).get("standards"))
    requirements = {
        r["bom-ref"]: r for s in standards for r in js.dicts(s.get("requirements")) if js.text(r.get("bom-ref"))
    }
    decl = js.mapping(doc.get("declarations"))
    claims = {c["bom-ref"]: c for c in js.dicts(decl.get("claims")) if js.text(c.get("bom-ref"))}
    evidence = {e["bom-ref"]: e for e in js.dicts(decl.get("evidence")) if js.text(e.get("bom-ref"))}
    out = []
    for att in js.dicts(decl.get("attestations")):
        profile, *summary = P.unpack(str(att.get("summary", "")), 1 + str(att.get("summary", "")).count("|"))
        findings = []
        for entry in js.dicts(att.get("map")):
            req = requirements.get(str(entry.get("requirement")), {})
            claim = claims.get(next(iter(js.texts(entry.get("claims"))), ""), {})
            conf = js.mapping(entry.get("conformance"))
            findings.append(
                m.Finding(
                    requirement=js.text(req.get("identifier")) or str(entry.get("requirement", "")),
                    title=js.text(req.get("title")) or "",
                    status=_status(claim, conf),
                    reason=js.text(claim.get("reasoning")) or "",
                    fix=js.text(conf.get("rationale")) or "",
                    evidence=tuple(
                        _evidence(evidence.get(ref, {}), evidence_of) for ref in js.texts(claim.get("evidence"))
                    ),
                )
            )
        pairs: tuple[tuple[str, str], ...] = tuple(
            (k, v) for k, _, v in (s.partition("=") for s in summary if s and "=" in s)
        )
        out.append(m.Assessment(
            profile=profile or "unknown",
            findings=tuple(findings),
            summary=tuple(p for p in pairs if not MOF_PAIRS.match(p[0])),
            mof=MofResult.from_pairs(pairs),
        ))
    return tuple(out)


def _evidence(obj: dict[str, Any], evidence_of: EvidenceReader) -> m.Evidence:
    data = next(iter(js.dicts(obj.get("data"))), {})
    return evidence_of(js.text(data.get("name")), "$.declarations.evidence")


def _status(claim: dict[str, Any], conformance: dict[str, Any]) -> m.Status:
    predicate = str(claim.get("predicate", ""))
    status = predicate.rsplit(": ", 1)[-1]
    if status in m.STATUSES:
        return status  # type: ignore[return-value]
    score = conformance.get("score")
    if isinstance(score, int | float):
        return "met" if score >= 1 else "unmet" if score <= 0 else "partial"
    return "unknown"
