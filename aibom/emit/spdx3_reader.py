"""SPDX 3 JSON-LD (aibom's, and other tools' AI documents) read back into a Provenance, for `score`,
`diff` and `convert`.

The model is the AI package the document's SBOM is rooted at, else the first AI package that
descends from none other in the document. Its files are what it `contains` (else every
`software_File`), its datasets what it was `trainedOn` / `testedOn`, its base models what it is a
`descendantOf`, its licenses its `hasDeclaredLicense` expressions. Anything of the wrong type reads
as absent; what aibom does not map is said as a ``bom`` unknown, never dropped in silence.
"""

from __future__ import annotations

import re
from typing import Any

from aibom import bom_json as js
from aibom import model as m
from aibom import strict_json
from aibom.emit.spdx3 import ROLE_COMMENT
from aibom.errors import InputError
from aibom.licenses import current, resolve

COLLECTOR = "spdx3"
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
PURPOSE_ROLES: dict[str, m.FileRole] = {"model": "weights", "configuration": "config", "source": "code",
                                        "documentation": "doc", "data": "other"}
NOASSERTION = ("expandedlicensing_NoAssertionLicense", "expandedlicensing_NoneLicense",
               "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense",
               "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoneLicense")
RELATION = re.compile(r"relation: (fine-tune|adapter|quantized|merge|unknown)\b")
SHA256 = re.compile(r"[0-9a-f]{64}")


def looks_spdx3(text: str) -> bool:
    """Whether BOM `text` is SPDX 3 JSON-LD (its @context near the start), without parsing it."""
    head = text[:4096]
    return '"@context"' in head and "https://spdx.org/rdf/3.0." in head


def is_spdx3(doc: object) -> bool:
    """A JSON-LD document in the SPDX 3.0.x context."""
    return isinstance(doc, dict) and isinstance(doc.get("@context"), str) and doc["@context"].startswith(
        "https://spdx.org/rdf/3.0.")


def from_jsonld(text: str) -> m.Provenance:
    """The provenance an SPDX 3 document holds; InputError for a document that is none."""
    try:
        doc = strict_json.loads(text)
    except ValueError as exc:
        raise InputError(f"the document is not valid JSON: {str(exc)[:200]}") from exc
    if not is_spdx3(doc):
        raise InputError("the document is not SPDX 3 JSON-LD (no SPDX 3.0 @context)")
    return _Reader(js.dicts(doc.get("@graph"))).provenance()


class _Reader:
    def __init__(self, graph: list[dict[str, Any]]) -> None:
        # an spdxId that is no string is no identifier: the element is read without one
        graph = [e if isinstance(e.get("spdxId", ""), str) else {k: v for k, v in e.items() if k != "spdxId"}
                 for e in graph]
        self.by_id = {e["spdxId"]: e for e in graph if isinstance(e.get("spdxId"), str)}
        self.graph = graph
        self.rels = [e for e in graph if e.get("type") == "Relationship"]
        self.unknowns: list[m.Unknown] = []

    def ev(self, element: dict[str, Any]) -> m.Evidence:
        return m.Evidence(COLLECTOR, str(element.get("spdxId") or element.get("name") or ""), "declared")

    def targets(self, source: str, kind: str) -> list[dict[str, Any]]:
        out = []
        for r in self.rels:
            if r.get("from") == source and r.get("relationshipType") == kind:
                out += [self.by_id[t] for t in _ids(r.get("to")) if t in self.by_id]
        return out

    def comments(self, source: str, kind: str, target: str) -> str:
        return " ".join(str(r.get("comment") or "") for r in self.rels if r.get("from") == source
                        and r.get("relationshipType") == kind and target in _ids(r.get("to")))

    def model(self) -> dict[str, Any] | None:
        ai = [e for e in self.graph if e.get("type") == "ai_AIPackage"]
        for sbom in (e for e in self.graph if e.get("type") == "software_Sbom"):
            for root in _ids(sbom.get("rootElement")):
                if self.by_id.get(root, {}).get("type") == "ai_AIPackage":
                    return self.by_id[root]
        ancestors = {t["spdxId"] for e in ai for t in self.targets(e.get("spdxId", ""), "descendantOf")}
        return next((e for e in ai if e.get("spdxId") not in ancestors), ai[0] if ai else None)

    def provenance(self) -> m.Provenance:
        comp = self.model()
        if comp is None:
            raise InputError("the SPDX 3 document describes no AI package (ai_AIPackage)")
        ident = comp.get("spdxId", "")
        purl = js.text(comp.get("software_packageUrl"))
        supplier = self.by_id.get(str(comp.get("suppliedBy")), {})
        types = _ids(comp.get("ai_typeOfModel"))
        domains = _ids(comp.get("ai_domain"))
        ev = self.ev(comp)
        prov = m.Provenance(
            name=js.text(comp.get("name")) or "unnamed",
            identity=ev,
            source=COLLECTOR,
            repo_id=_repo_id(purl),
            revision=js.text(comp.get("software_packageVersion")),
            purl=purl,
            description=js.text(comp.get("description")),
            author=js.text(supplier.get("name")),
            files=self.files(ident),
            licenses=self.licenses(ident),
            datasets=self.datasets(ident),
            base_models=self.bases(ident),
            card=m.CardFacts(
                task=m.Fact(domains[0], ev) if domains else None,
                model_architecture=m.Fact(types[0], ev) if types else None,
                architecture_family=m.Fact(types[1], ev) if len(types) > 1 else None,
                considerations=self.considerations(comp),
            ),
            references=self.references(comp),
            parameters=self.parameters(comp),
        )
        # a document that lists files is a copy (it may list some only); one that lists none looked at none
        prov = prov.with_changes(listing="copy" if prov.files else "none")
        return prov.with_changes(unknowns=tuple(self.unknowns)).without_self_ancestry()

    def files(self, ident: str) -> tuple[m.FileEntry, ...]:
        contained = [e for e in self.targets(ident, "contains") if e.get("type") == "software_File"]
        chosen = contained or [e for e in self.graph if e.get("type") == "software_File"]
        out = []
        for f in chosen:
            sha = next((js.text(h.get("hashValue")) for h in js.dicts(f.get("verifiedUsing"))
                        if h.get("algorithm") == "sha256"), None)
            if sha is not None and not SHA256.fullmatch(sha.lower()):
                self.unknowns.append(m.Unknown("bom", "sha256", f"not a SHA-256 digest: {sha[:80]!r}",
                                               str(f.get("spdxId"))))
                sha = None
            name = js.text(f.get("name")) or str(f.get("spdxId"))
            recorded = str(f.get("comment") or "").removeprefix(ROLE_COMMENT)
            role = recorded if recorded in m.FILE_ROLES else PURPOSE_ROLES.get(str(f.get("software_primaryPurpose")),
                                                                               "other")
            if role != "weights" and name.lower().endswith(m.WEIGHT_SUFFIXES):
                role = "weights"
            out.append(m.FileEntry(name, None, sha.lower() if sha else None, role, self.ev(f)))
        return tuple(out)

    def licenses(self, ident: str) -> tuple[m.License, ...]:
        out = []
        for r in self.rels:
            if r.get("from") != ident or r.get("relationshipType") != "hasDeclaredLicense":
                continue
            for t in _ids(r.get("to")):
                if t in NOASSERTION:
                    continue
                target = self.by_id.get(t, {})
                text = js.text(target.get("simplelicensing_licenseExpression"))
                if text:
                    out.append(current(resolve(text, self.ev(target))))
                else:
                    self.unknowns.append(m.Unknown("bom", "mapping", f"license {t[:120]!r} is not an expression",
                                                   ident))
        return tuple(out)

    def datasets(self, ident: str) -> tuple[m.Dataset, ...]:
        out = []
        for kind, usage in (("trainedOn", "training"), ("testedOn", "evaluation")):
            for d in self.targets(ident, kind):
                generator = next((g for g in self.graph for r in self.rels if r.get("from") == g.get("spdxId")
                                  and r.get("relationshipType") == "generates"
                                  and d.get("spdxId") in _ids(r.get("to"))), None)
                out.append(m.Dataset(
                    id=js.text(d.get("name")) or str(d.get("spdxId")),
                    evidence=self.ev(d),
                    url=js.text(d.get("software_downloadLocation")),
                    description=js.text(d.get("description")),
                    licenses=self.licenses(str(d.get("spdxId"))),
                    usage=usage,  # type: ignore[arg-type]
                    revision=js.text(d.get("software_packageVersion")),
                    generator=js.text(generator.get("name")) if generator else None,
                ))
        return tuple(out)

    def bases(self, ident: str) -> tuple[m.BaseModel, ...]:
        out = []
        for b in self.targets(ident, "descendantOf"):
            note = self.comments(ident, "descendantOf", str(b.get("spdxId")))
            relation = RELATION.search(note)
            out.append(m.BaseModel(
                id=js.text(b.get("name")) or str(b.get("spdxId")),
                relation=relation.group(1) if relation else "unknown",  # type: ignore[arg-type]
                evidence=self.ev(b),
                purl=js.text(b.get("software_packageUrl")),
                revision=js.text(b.get("software_packageVersion")),
                licenses=self.licenses(str(b.get("spdxId"))),
            ))
        return tuple(out)

    def references(self, comp: dict[str, Any]) -> tuple[m.Reference, ...]:
        out = []
        for ref in js.dicts(comp.get("externalRef")):
            purpose = str(ref.get("comment") or "")
            kind = str(ref.get("externalRefType") or "")
            if purpose not in m.REFERENCE_PURPOSES:
                purpose = {"vcs": "repository", "documentation": "research-paper", "altWebPage": "website",
                           "altDownloadLocation": "distribution"}.get(kind, "other")
            out += [m.Reference(url, purpose, self.ev(comp)) for url in _ids(ref.get("locator"))]  # type: ignore[arg-type]
        return tuple(out)

    def considerations(self, comp: dict[str, Any]) -> tuple[m.Consideration, ...]:
        ev = self.ev(comp)
        pairs = (("ai_limitation", "limitations"), ("ai_informationAboutApplication", "use-cases"),
                 ("ai_informationAboutTraining", "training-procedure"))
        return tuple(m.Consideration(kind, text, ev) for key, kind in pairs if (text := js.text(comp.get(key))))

    def parameters(self, comp: dict[str, Any]) -> m.Fact[int] | None:
        for entry in js.dicts(comp.get("ai_hyperparameter")):
            if entry.get("key") == "parameter_count" and (n := js.count(entry.get("value"))) is not None:
                return m.Fact(n, self.ev(comp))
        return None


def _ids(value: Any) -> list[str]:
    """A JSON-LD value that may be one string or a list of them."""
    return [value] if isinstance(value, str) else js.texts(value)


def _repo_id(purl: str | None) -> str | None:
    from aibom.identity import repo_id_of_purl

    return repo_id_of_purl(purl) if purl else None
