"""CycloneDX JSON -> Provenance: aibom's own BOMs losslessly, other tools' BOMs as far as they map.

Reads plain JSON rather than the library's model, because the library drops modelCard, data[]
and declarations. Whatever cannot be mapped becomes an `Unknown`; nothing here raises except
`InputError` for a document that is not a CycloneDX BOM of a readable version.
"""

from __future__ import annotations

import re
from typing import Any

from packageurl import PackageURL

from aibom import bom_json as js
from aibom import model as m
from aibom import strict_json
from aibom.emit import modelcard
from aibom.emit import properties as P
from aibom.emit.assessments_reader import assessments
from aibom.emit.validate import SCHEMA_VERSIONS
from aibom.errors import InputError
from aibom.identity import repo_id_of_purl
from aibom.licenses import current, resolve

SHA256 = re.compile(r"[0-9a-fA-F]{64}")
PURPOSES = {
    "vcs": "repository",
    "model-card": "model-card",
    "website": "website",
    "distribution": "distribution",
    "documentation": "other",
    "quality-metrics": "evaluation-results",
    "citation": "research-paper",
}
TOP_LEVEL = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata", "components",
             "dependencies", "definitions", "declarations")
"""The top-level keys aibom maps, in the order the emitter writes them."""
MAPPED_TOP = frozenset(TOP_LEVEL)
MAPPED_CARD = {"modelParameters", "quantitativeAnalysis", "considerations", "properties", "bom-ref"}


def from_json(text: str) -> m.Provenance:
    """The provenance a CycloneDX JSON BOM describes."""
    try:
        doc = strict_json.loads(text)
    except ValueError as exc:
        raise InputError(f"the BOM is not valid JSON: {str(exc)[:200]}") from exc
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise InputError('the document is not a CycloneDX BOM (no "bomFormat": "CycloneDX")')
    if doc.get("specVersion") not in SCHEMA_VERSIONS:
        raise InputError(
            f"CycloneDX specVersion {doc.get('specVersion')!r} is not supported",
            f"aibom reads CycloneDX {', '.join(SCHEMA_VERSIONS)}",
        )
    return _Reader(doc).provenance()


def _role(recorded: str | None, name: str) -> m.FileRole:
    """The file role aibom recorded; for another tool's file, weights when its name says so."""
    if recorded in m.FILE_ROLES:
        return recorded  # type: ignore[return-value]
    return "weights" if name.lower().endswith(m.WEIGHT_SUFFIXES) else "other"


def _name(comp: dict[str, Any]) -> str:
    name = js.text(comp.get("name")) or "unnamed"
    group = js.text(comp.get("group"))
    return f"{group}/{name}" if group and not name.startswith(group + "/") else name


class _Reader:
    """One pass over one BOM document."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        tools = js.mapping(js.mapping(doc.get("metadata")).get("tools"))
        self.own = any(c.get("name") == "aibom" for c in js.dicts(tools.get("components")))
        self.unknowns: list[m.Unknown] = []

    def default(self, location: str) -> m.Evidence:
        return m.Evidence("cyclonedx", location, "declared")

    def evidence(self, packed: str | None, location: str) -> m.Evidence:
        if packed is None:
            return self.default(location)
        return P.unpack_evidence(P.unpack(packed, 4), self.default(location))

    def purl(self, comp: dict[str, Any], where: str) -> str | None:
        """The component's purl when it parses; an unparsable one is recorded as unknown."""
        value = js.text(comp.get("purl"))
        if value is None:
            return None
        try:
            PackageURL.from_string(value)
        except ValueError as exc:
            self.unknowns.append(m.Unknown("bom", "purl", f"not a valid package URL: {exc}", where))
            return None
        return value

    def not_mapped(self, path: str, what: str) -> None:
        self.unknowns.append(m.Unknown("bom", "mapping", f"{what} is in the BOM but aibom does not map it", path))

    def provenance(self) -> m.Provenance:
        meta = js.mapping(self.doc.get("metadata"))
        top = js.dicts(self.doc.get("components"))
        comp, path = self._model(meta, top)
        props = js.props(comp)
        name = _name(comp)
        purl = self.purl(comp, path)
        repo_id = js.first(props, P.REPO_ID)
        if repo_id is None and purl:
            repo_id = repo_id_of_purl(purl)
        for key in sorted(set(self.doc) - MAPPED_TOP):
            self.not_mapped(f"$.{key}", key)
        self._duplicate_refs(meta, top)
        for i, other in enumerate(top):
            generator = self.own and str(other.get("bom-ref", "")).startswith(P.GENERATOR_REF)
            weight_named = _name(other).lower().endswith(m.WEIGHT_SUFFIXES)
            if other is not comp and other.get("type") not in ("data", "file") and not generator and not weight_named:
                self.not_mapped(f"$.components[{i}]", f"component {_name(other)!r} ({other.get('type')})")
        total = js.first(props, P.PARAMETERS_TOTAL)
        gated = js.first(props, P.GATED)
        prov = m.Provenance(
            name=name,
            identity=self.evidence(js.first(props, P.IDENTITY_EVIDENCE), path),
            source=js.first(props, P.SOURCE) or "cyclonedx",
            repo_id=repo_id,
            revision=js.text(comp.get("version")),
            purl=purl,
            description=js.text(comp.get("description")),
            author=self._author(comp),
            gated=None if gated is None else gated == "true",
            files=self._files(comp, top, path),
            licenses=self._licenses(comp, path),
            datasets=self._datasets(comp, top, path),
            base_models=self._base_models(comp, path),
            references=self._references(comp, props, path),
            card=self._card(comp, path),
            parameters=m.Fact(count, self.evidence(js.first(props, P.PARAMETERS_EVIDENCE), path))
            if (count := js.count(total)) is not None
            else None,
            properties=self._properties(comp, props, path),
            assessments=assessments(self.doc, self.evidence),
            listing=_vocabulary(js.first(props, P.FILES_LISTING), m.FILE_LISTINGS, "copy"),
        )
        recorded = tuple(filter(None, (P.unpack_unknown(u) for u in js.every(props, P.UNKNOWN))))
        # after every part was read; a BOM that names the model as its own ancestor is not believed
        return prov.with_changes(unknowns=recorded + tuple(self.unknowns)).without_self_ancestry()

    def _duplicate_refs(self, meta: dict[str, Any], top: list[dict[str, Any]]) -> None:
        """A bom-ref used twice (cdxgen writes such BOMs) makes `validate` fail; `score` and `diff`
        still read every component, and say so."""
        seen: dict[str, int] = {}
        stack = [js.mapping(meta.get("component")), *top]
        while stack:
            c = stack.pop()
            ref = c.get("bom-ref")
            if isinstance(ref, str):
                seen[ref] = seen.get(ref, 0) + 1
            stack += js.dicts(c.get("components"))
        for ref, n in sorted(seen.items()):
            if n > 1:
                why = f"bom-ref {ref[:120]!r} names {n} components; each was read as its own (the BOM is not valid)"
                self.unknowns.append(m.Unknown("bom", "mapping", why, "$"))

    def _model(self, meta: dict[str, Any], top: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
        """The model component: metadata.component when it is one; else the machine-learning-model
        that metadata.component depends on (aibom's release layout); else the first one that is
        no dataset's generator."""
        mc = js.mapping(meta.get("component"))
        if mc.get("type") == "machine-learning-model":
            return mc, "$.metadata.component"
        subject = js.text(mc.get("bom-ref"))  # every value read through js: another tool's types are not trusted
        edges = [(js.text(d.get("ref")), js.texts(d.get("dependsOn"))) for d in js.dicts(self.doc.get("dependencies"))]
        wanted = {ref for source, refs in edges if subject and source == subject for ref in refs}
        models = [(i, c) for i, c in enumerate(top) if c.get("type") == "machine-learning-model"]
        data = {js.text(c.get("bom-ref")) for c in top if c.get("type") == "data"}
        generated = {ref for source, refs in edges if source in data for ref in refs}
        ranked = [x for x in models if js.text(x[1].get("bom-ref")) in wanted] + [
            x for x in models if js.text(x[1].get("bom-ref")) not in generated]
        for i, c in ranked[:1] or models[:1]:
            return c, f"$.components[{i}]"
        self.unknowns.append(m.Unknown("model", "type", "the BOM has no machine-learning-model component"))
        return mc, "$.metadata.component"

    def _author(self, comp: dict[str, Any]) -> str | None:
        for contact in js.dicts(comp.get("authors")):
            if js.text(contact.get("name")):
                return contact["name"]
        if self.own:  # aibom writes the publishing Hub org as supplier: not an author it was told of
            return js.text(comp.get("author"))
        return (
            js.text(comp.get("author"))
            or js.text(js.mapping(comp.get("supplier")).get("name"))
            or js.text(js.mapping(comp.get("manufacturer")).get("name"))
        )

    def _licenses(self, comp: dict[str, Any], path: str) -> tuple[m.License, ...]:
        where = f"{path}.licenses"
        packed = js.every(js.props(comp), P.LICENSE)
        if packed or self.own:
            default = self.default(where)
            return tuple(current(P.unpack_license(P.unpack(v, P.PACKED_LICENSE), default)) for v in packed)
        out = []
        for entry in js.dicts(comp.get("licenses")):
            ev = self.default(where)
            if js.text(entry.get("expression")):
                out.append(resolve(entry["expression"], ev))
                continue
            lic = js.mapping(entry.get("license"))
            raw = js.text(lic.get("id")) or js.text(lic.get("name"))
            if raw:
                out.append(resolve(raw, ev, name=js.text(lic.get("name")), url=js.text(lic.get("url"))))
        return tuple(out)

    def _files(self, comp: dict[str, Any], top: list[dict[str, Any]], path: str) -> tuple[m.FileEntry, ...]:
        nested = [(c, f"{path}.components[{i}]") for i, c in enumerate(js.dicts(comp.get("components")))]
        loose = [(c, f"$.components[{i}]") for i, c in enumerate(top)]
        out = []
        for c, where in nested + loose:
            # a weight file some tools (aisbom-cli) write as a machine-learning-model component
            weight_named = c.get("type") == "machine-learning-model" and _name(c).lower().endswith(m.WEIGHT_SUFFIXES)
            if c.get("type") != "file" and not weight_named:
                if where.startswith(path + "."):
                    self.not_mapped(where, f"component {_name(c)!r} ({c.get('type')})")
                continue
            props = js.props(c)
            sha = next((js.text(h.get("content")) for h in js.dicts(c.get("hashes")) if h.get("alg") == "SHA-256"),
                       None)
            if sha is not None and not SHA256.fullmatch(sha):
                why = f"not a SHA-256 digest: {sha[:80]!r}"
                self.unknowns.append(m.Unknown("bom", "sha256", why, f"{where}.hashes"))
                sha = None
            sha = sha.lower() if sha else None
            size = js.first(props, P.FILE_SIZE)
            role = js.first(props, P.FILE_ROLE)
            out.append(
                m.FileEntry(
                    path=_name(c),
                    size=js.count(size),
                    sha256=sha,
                    role=_role(role, _name(c)),
                    evidence=self.evidence(js.first(props, P.EVIDENCE), where),
                    weights=self._weights(props, where),
                )
            )
        return tuple(out)

    def _weights(self, props: list[tuple[str, str]], where: str) -> m.WeightInfo | None:
        fmt = js.first(props, P.WEIGHTS_FORMAT)
        if fmt is None:
            return None
        params = tuple(
            (k.removeprefix(P.WEIGHTS_PARAMETERS), n)
            for k, v in props
            if k.startswith(P.WEIGHTS_PARAMETERS) and (n := js.count(v)) is not None
        )
        meta = tuple((k or "", v or "") for k, v in (P.unpack(x, 2) for x in js.every(props, P.WEIGHTS_METADATA)))
        meta = tuple(sorted(meta + tuple((key, v) for key, name in P.TAXONOMY_WEIGHTS.items()
                                          for v in js.every(props, name))))
        return m.WeightInfo(
            format=fmt,
            evidence=self.evidence(js.first(props, P.WEIGHTS_EVIDENCE), where),
            parameters=params,
            metadata=meta,
            risks=tuple(js.every(props, P.RISK)),
        )

    def _datasets(self, comp: dict[str, Any], top: list[dict[str, Any]], path: str) -> tuple[m.Dataset, ...]:
        by_ref = {c["bom-ref"]: (c, i) for i, c in enumerate(top)
                  if c.get("type") == "data" and js.text(c.get("bom-ref"))}
        by_name = {_name(c): ref for ref, (c, _) in by_ref.items()}
        params = js.mapping(js.mapping(comp.get("modelCard")).get("modelParameters"))
        out: list[m.Dataset] = []
        seen: set[str] = set()
        for j, entry in enumerate(js.dicts(params.get("datasets"))):
            # an inline entry named as a data component is that component (aibom writes both)
            ref = js.text(entry.get("ref")) or by_name.get(js.text(entry.get("name")) or "")
            where = f"{path}.modelCard.modelParameters.datasets[{j}]"
            if ref is not None and ref in by_ref:
                if ref not in seen:
                    c, i = by_ref[ref]
                    seen.add(ref)
                    out.append(self._dataset(c, f"$.components[{i}]"))
            elif ref is not None:
                why = f"dataset reference {ref!r} points at no data component"
                self.unknowns.append(m.Unknown("bom", "mapping", why, where))
            elif js.text(entry.get("name")):
                url = js.text(js.mapping(entry.get("contents")).get("url"))
                out.append(
                    m.Dataset(
                        id=entry["name"],
                        evidence=self.default(where),
                        url=url,
                        description=js.text(entry.get("description")),
                    )
                )
        for i, c in enumerate(top):
            if c.get("type") == "data" and js.text(c.get("bom-ref")) not in seen:
                out.append(self._dataset(c, f"$.components[{i}]"))
        return tuple(out)

    def _dataset(self, c: dict[str, Any], where: str) -> m.Dataset:
        props = js.props(c)
        data = next(iter(js.dicts(c.get("data"))), {})
        ds_id = _name(c)
        url = js.text(js.mapping(data.get("contents")).get("url")) or next(
            (js.text(r.get("url")) for r in js.dicts(c.get("externalReferences"))), None
        )
        gated = js.first(props, P.GATED)
        data_name = js.text(data.get("name"))
        return m.Dataset(
            id=ds_id,
            evidence=self.evidence(js.first(props, P.EVIDENCE), where),
            name=data_name if data_name != ds_id else None,
            url=url,
            licenses=self._licenses(c, where),
            gated=None if gated is None else gated == "true",
            usage=_vocabulary(js.first(props, P.DATASET_USAGE), m.DATASET_USAGES, "training"),
            revision=js.text(c.get("version")),
            description=js.text(c.get("description")) or js.text(data.get("description")),
            generator=js.first(props, P.DATASET_GENERATOR),
            seed_source=js.first(props, P.DATASET_SEED_SOURCE),
            licenses_stated=js.first(props, P.DATASET_LICENSES_STATED) == "true",
        )

    def _base_models(self, comp: dict[str, Any], path: str) -> tuple[m.BaseModel, ...]:
        out = []
        for i, c in enumerate(js.dicts(js.mapping(comp.get("pedigree")).get("ancestors"))):
            where = f"{path}.pedigree.ancestors[{i}]"
            props = js.props(c)
            relation = js.first(props, P.RELATION)
            out.append(
                m.BaseModel(
                    id=_name(c),
                    relation=relation if relation in m.RELATIONS else "unknown",  # type: ignore[arg-type]
                    evidence=self.evidence(js.first(props, P.EVIDENCE), where),
                    purl=self.purl(c, where),
                    revision=js.text(c.get("version")),
                    licenses=self._licenses(c, where),
                )
            )
        return tuple(out)

    def _references(self, comp: dict[str, Any], props: list[tuple[str, str]], path: str) -> tuple[m.Reference, ...]:
        where = f"{path}.externalReferences"
        if self.own:
            licenses: dict[str, list[m.License]] = {}
            for v in js.every(props, P.REFERENCE_LICENSE):
                fields = P.unpack(v, 1 + P.PACKED_LICENSE)
                lic = current(P.unpack_license(fields[1:], self.default(where)))
                licenses.setdefault(fields[0] or "", []).append(lic)
            packed = js.every(props, P.REFERENCE)
            index = P.reference_index(packed)
            out = []
            for v in packed:
                url, purpose, commit, comment, *ev = P.unpack(v, P.REFERENCE_FIELDS + 5)
                stated, subject = P.unpack_reference_trailer(ev[4])
                out.append(
                    m.Reference(
                        url=url or "",
                        purpose=_vocabulary(purpose, m.REFERENCE_PURPOSES, "other"),
                        evidence=P.unpack_evidence(ev, self.default(where)),
                        licenses=tuple(licenses.get(index[v]) or licenses.get(url or "", ())),
                        commit=commit,
                        comment=comment,
                        licenses_stated=stated,
                        subject=subject,
                    )
                )
            return tuple(out)
        return tuple(
            m.Reference(
                url=r["url"],
                purpose=PURPOSES.get(str(r.get("type")), "other"),
                evidence=self.default(f"{where}[{i}]"),
                comment=js.text(r.get("comment")),
            )
            for i, r in enumerate(js.dicts(comp.get("externalReferences")))
            if js.text(r.get("url"))
        )

    def _card(self, comp: dict[str, Any], path: str) -> m.CardFacts:
        card = js.mapping(comp.get("modelCard"))
        where = f"{path}.modelCard"
        for key in sorted(set(card) - MAPPED_CARD):
            self.not_mapped(f"{where}.{key}", f"modelCard.{key}")
        params = js.mapping(card.get("modelParameters"))
        props = js.props(card)

        def fact(key: str, attr: str) -> m.Fact[str] | None:
            value = js.text(params.get(key))
            if value is None:
                return None
            evidence = self.evidence(js.first(props, P.CARD_EVIDENCE[attr]), f"{where}.modelParameters.{key}")
            return m.Fact(value, evidence)

        library = js.first(props, P.LIBRARY)
        languages = js.first(props, P.LANGUAGES) or js.first(props, P.LANGUAGES_BEFORE_2026)
        return m.CardFacts(
            task=fact("task", "task"),
            architecture_family=fact("architectureFamily", "architecture_family"),
            model_architecture=fact("modelArchitecture", "model_architecture"),
            library=m.Fact(library, self.evidence(js.first(props, P.CARD_EVIDENCE["library"]), where))
            if library
            else None,
            languages=tuple(x for x in languages.split(",") if x) if languages else (),
            tags=tuple(t for t in comp.get("tags", ()) if isinstance(t, str))
            if isinstance(comp.get("tags"), list)
            else (),
            metrics=self._metrics(card, props, where),
            considerations=self._considerations(card, props, where),
        )

    def _metrics(self, card: dict[str, Any], props: list[tuple[str, str]], where: str) -> tuple[m.Metric, ...]:
        packed = js.every(props, P.METRIC)
        if packed or self.own:
            out = []
            for v in packed:
                mtype, value, name, dataset, split, task, *ev = P.unpack(v, 10)
                out.append(
                    m.Metric(
                        type=mtype or "",
                        value=value or "",
                        evidence=P.unpack_evidence(ev, self.default(where)),
                        name=name,
                        dataset=dataset,
                        split=split,
                        task=task,
                    )
                )
            return tuple(out)
        metrics = js.dicts(js.mapping(card.get("quantitativeAnalysis")).get("performanceMetrics"))
        return tuple(
            m.Metric(
                type=str(x.get("type", "")),
                value=str(x.get("value", "")),
                evidence=self.default(f"{where}.quantitativeAnalysis.performanceMetrics[{i}]"),
                dataset=js.text(x.get("slice")),
            )
            for i, x in enumerate(metrics)
            if x.get("type") is not None or x.get("value") is not None
        )

    def _considerations(
        self, card: dict[str, Any], props: list[tuple[str, str]], where: str
    ) -> tuple[m.Consideration, ...]:
        cons = js.mapping(card.get("considerations"))
        texts: dict[str, list[str]] = {}
        for kind, key in modelcard.CONSIDERATION_FIELDS.items():
            texts[kind] = (
                [str(t) for t in cons.get(key, ()) if isinstance(t, str | int | float)]
                if isinstance(cons.get(key), list)
                else []
            )
        texts["ethical-considerations"] = [
            x["name"] for x in js.dicts(cons.get("ethicalConsiderations")) if js.text(x.get("name"))
        ]
        texts["fairness"] = [
            js.text(x.get("harms")) or js.text(x.get("groupAtRisk")) or ""
            for x in js.dicts(cons.get("fairnessAssessments"))
        ]
        env = js.mapping(cons.get("environmentalConsiderations"))
        for name, value in js.props(env) + props:
            if name.startswith(P.CONSIDERATION_PREFIX):
                texts.setdefault(name.removeprefix(P.CONSIDERATION_PREFIX), []).append(value)
        out: list[m.Consideration] = []
        for packed in js.every(props, P.CONSIDERATION):
            kind, *ev = P.unpack(packed, 5)
            if kind and texts.get(kind):
                out.append(m.Consideration(kind, texts[kind].pop(0), P.unpack_evidence(ev, self.default(where))))
        for kind, rest in texts.items():
            out += [m.Consideration(kind, t, self.default(f"{where}.considerations")) for t in rest if t]
        return tuple(modelcard.ordered_considerations(tuple(out)))

    def _properties(self, comp: dict[str, Any], props: list[tuple[str, str]], path: str) -> tuple[m.Property, ...]:
        evidence = {}
        for v in js.every(props, P.PROPERTY_EVIDENCE):
            name, value, *ev = P.unpack(v, 6)
            evidence[(name or "", value or "")] = P.unpack_evidence(ev, self.default(path))
        where = f"{path}.properties"
        out = [m.Property(k, v, evidence.get((k, v), self.default(where))) for k, v in props if k not in P.OWN]
        if not self.own:
            card_where = f"{path}.modelCard.properties"
            out += [m.Property(k, v, self.default(card_where)) for k, v in js.props(js.mapping(comp.get("modelCard")))]
        return tuple(out)


def _vocabulary(value: str | None, known: tuple[str, ...], fallback: str) -> Any:
    """A value read from a BOM kept only when it is one of the model's vocabulary (another tool's
    word reads as the fallback)."""
    return value if value in known else fallback
