"""The G7 "Software Bill of Materials for AI – Minimum Elements" (G7 Cybersecurity Working Group, BSI,
12 May 2026) as a completeness profile, judged from a CycloneDX BOM document itself.

Unlike the openness profiles, the question is not what the model is but what the BOM says: each
element is *met* when the BOM holds it (the evidence is its JSON path), *unmet* when it does not,
and *not-applicable* when it belongs to an AI system and the BOM describes one model release only.
Clusters and element names follow the document's seven clusters; the CycloneDX field of each
element is aibom's mapping, and the fix says how to fill it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from aibom import bom_json as js
from aibom.model import Assessment, Evidence, Finding, Status

PROFILE = "g7"
TITLE = "G7 SBOM for AI – Minimum Elements (2026)"
Cluster = Literal["metadata", "system", "models", "datasets", "kpi", "infrastructure", "security"]
CLUSTERS: dict[Cluster, str] = {
    "metadata": "Metadata",
    "system": "System Level Properties",
    "models": "Models",
    "datasets": "Dataset Properties",
    "kpi": "Key Performance Indicators",
    "infrastructure": "Infrastructure",
    "security": "Security Properties",
}
"""The document's cluster names, in its order."""

SYSTEM_TYPES = frozenset({"application", "framework", "library", "container", "platform", "operating-system",
                          "device", "firmware", "device-driver"})
SECURITY_METRIC = re.compile(r"secur|robust|attack|jailbreak|adversar|injection|toxic|safety|red.?team", re.I)
CONTROL_REFS = frozenset({"threat-model", "adversary-model", "pentest-report", "static-analysis-report",
                          "dynamic-analysis-report", "risk-assessment", "vulnerability-assertion"})
POLICY_REFS = frozenset({"security-contact", "rfc-9116", "advisories"})
Judged = tuple[Status, str, str]
"""Status, the reason (taken from the BOM), and the JSON path that shows it ("" when nothing does)."""


@dataclass(frozen=True)
class _Bom:
    """The parts of a CycloneDX document the elements read, found once."""

    doc: dict[str, Any]

    @property
    def meta(self) -> dict[str, Any]:
        return js.mapping(self.doc.get("metadata"))

    def components(self, kind: str) -> list[tuple[int, dict[str, Any]]]:
        return [(i, c) for i, c in js.indexed(self.doc.get("components")) if c.get("type") == kind]

    @property
    def models(self) -> list[tuple[str, dict[str, Any]]]:
        found = [(f"/components/{i}", c) for i, c in self.components("machine-learning-model")]
        root = js.mapping(self.meta.get("component"))
        if root.get("type") == "machine-learning-model":
            found.insert(0, ("/metadata/component", root))
        return found

    @property
    def model_only(self) -> bool:
        """No system around the model: only models, files and data, under at most a release wrapper."""
        root = js.mapping(self.meta.get("component"))
        wrapper = str(root.get("bom-ref", "")).startswith("release:") or root.get("type") == "machine-learning-model"
        others = [c for c in js.dicts(self.doc.get("components")) if c.get("type") in SYSTEM_TYPES]
        return (wrapper or not root) and not others and not js.dicts(self.doc.get("services"))


def _empty(value: object) -> bool:
    """Absent for an element: missing, or an empty string, list or object."""
    return value in (None, "", [], {})


def _text(value: object) -> str:
    return str(value)[:80]


def _field(path: str, value: object, what: str) -> Judged:
    """Met when `value` is there (a non-empty value), else unmet."""
    if not _empty(value):
        shown = f": {_text(value)}" if isinstance(value, str | int) else ""
        return "met", f"The BOM gives {what}{shown}.", path
    return "unmet", f"The BOM gives no {what} ({path.lstrip('/').replace('/', '.')}).", ""


def _each_model(key: Callable[[dict[str, Any]], object], name: str, what: str) -> Callable[[_Bom], Judged]:
    """An element every model component must carry: met when all do, naming the first that does not."""

    def judge(bom: _Bom) -> Judged:
        models = bom.models
        if not models:
            return "unmet", "The BOM lists no machine-learning-model component.", ""
        for _, comp in models:
            if _empty(key(comp)):
                return "unmet", f"The model {_text(comp.get('name', '?'))} has no {what} ({name}).", ""
        path, comp = models[0]
        value = key(comp)
        shown = f": {_text(value)}" if isinstance(value, str) else ""
        return "met", f"The model gives {what}{shown}.", f"{path}/{name.split('.')[0].split(' ')[0]}"

    return judge


def _model_hashes(bom: _Bom) -> Judged:
    """A model's hash: on the model component, or on every weight file it depends on (aibom's layout)."""
    models = bom.models
    if not models:
        return "unmet", "The BOM lists no machine-learning-model component.", ""
    path, comp = models[0]
    if js.dicts(comp.get("hashes")):
        alg = js.dicts(comp["hashes"])[0].get("alg", "?")
        return "met", f"The model component carries a {alg} hash.", f"{path}/hashes"
    ref = comp.get("bom-ref")
    needs = {d for dep in js.dicts(bom.doc.get("dependencies")) if js.mapping(dep).get("ref") == ref
             for d in js.texts(js.mapping(dep).get("dependsOn"))}
    files = [(i, c) for i, c in bom.components("file") if c.get("bom-ref") in needs]
    if not files:
        return "unmet", "Neither the model nor any file it depends on carries a hash.", ""
    bare = [c.get("name", "?") for _, c in files if not js.dicts(c.get("hashes"))]
    if bare:
        return "unmet", f"{len(bare)} of the model's {len(files)} files carry no hash (first: {bare[0]}).", ""
    algs = sorted({h.get("alg", "?") for _, c in files for h in js.dicts(c.get("hashes"))})
    return "met", f"All {len(files)} files of the model carry a hash ({', '.join(algs)}).", \
        f"/components/{files[0][0]}/hashes"


def _each_dataset(key: Callable[[dict[str, Any]], object], what: str) -> Callable[[_Bom], Judged]:
    def judge(bom: _Bom) -> Judged:
        data = bom.components("data")
        if not data:
            return "unmet", "The BOM lists no dataset (no component of type data).", ""
        missing = [c.get("name", "?") for _, c in data if _empty(key(c))]
        if missing:
            return "unmet", f"{len(missing)} of {len(data)} datasets give no {what} (first: {_text(missing[0])}).", ""
        return "met", f"All {len(data)} datasets give {what}.", f"/components/{data[0][0]}"

    return judge


def _system(what: str, key: Callable[[_Bom], tuple[object, str]]) -> Callable[[_Bom], Judged]:
    """An element of the AI system: not applicable when the BOM describes one model release only."""

    def judge(bom: _Bom) -> Judged:
        if bom.model_only:
            return ("not-applicable", f"The BOM describes a model release, not an AI system: the system's {what} "
                    "is for the BOM of the system that deploys the model.", "")
        value, path = key(bom)
        return _field(path, value, f"the system's {what}")

    return judge


def _card(comp: dict[str, Any], part: str) -> dict[str, Any]:
    """One part of a model component's modelCard (modelParameters, considerations, quantitativeAnalysis)."""
    return js.mapping(js.mapping(comp.get("modelCard")).get(part))


def _root(bom: _Bom, name: str) -> tuple[object, str]:
    return js.mapping(bom.meta.get("component")).get(name), f"/metadata/component/{name}"


def _performance(bom: _Bom) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{path}/modelCard/quantitativeAnalysis/performanceMetrics/{i}", js.mapping(m))
            for path, comp in bom.models
            for i, m in js.indexed(_card(comp, "quantitativeAnalysis").get("performanceMetrics"))]


def _kpi(security: bool) -> Callable[[_Bom], Judged]:
    def judge(bom: _Bom) -> Judged:
        metrics = [(p, m) for p, m in _performance(bom)
                   if bool(SECURITY_METRIC.search(f"{m.get('type', '')} {m.get('slice', '')}")) == security]
        what = "security metric (robustness, jailbreak or attack success)" if security else "performance metric"
        if not metrics:
            return "unmet", f"The BOM gives no {what} in the model's quantitativeAnalysis.", ""
        path, first = metrics[0]
        return "met", (f"The BOM gives {len(metrics)} {what}{'s' if len(metrics) > 1 else ''} "
                       f"(first: {_text(first.get('type', '?'))} = {_text(first.get('value', '?'))})."), path

    return judge


def _references(kinds: frozenset[str], what: str) -> Callable[[_Bom], Judged]:
    def judge(bom: _Bom) -> Judged:
        places = [("/externalReferences", js.indexed(bom.doc.get("externalReferences")))]
        places += [(f"{p}/externalReferences", js.indexed(c.get("externalReferences"))) for p, c in bom.models]
        places += [("/metadata/component/externalReferences",
                    js.indexed(js.mapping(bom.meta.get("component")).get("externalReferences")))]
        for path, refs in places:
            for i, ref in refs:
                if ref.get("type") in kinds:
                    return "met", f"The BOM links {what}: {_text(ref.get('url', ''))}.", f"{path}/{i}"
        return "unmet", f"The BOM links no {what} (an externalReference of type {', '.join(sorted(kinds))}).", ""

    return judge


def _compliance(bom: _Bom) -> Judged:
    standards = js.dicts(js.mapping(bom.doc.get("definitions")).get("standards"))
    claims = js.dicts(js.mapping(bom.doc.get("declarations")).get("attestations"))
    if standards or claims:
        names = ", ".join(_text(js.mapping(s).get("name", "?")) for s in standards[:3]) or f"{len(claims)} attestations"
        return "met", f"The BOM states conformance claims against {names}.", \
            "/definitions/standards" if standards else "/declarations/attestations"
    return "unmet", "The BOM states no compliance claim (definitions.standards, declarations.attestations).", ""


def _vulnerabilities(bom: _Bom) -> Judged:
    if "vulnerabilities" not in bom.doc:
        return "unmet", "The BOM has no vulnerabilities section (not even an empty one saying none are known).", ""
    found = js.dicts(bom.doc["vulnerabilities"])
    return "met", f"The BOM lists {len(found)} known vulnerabilit{'y' if len(found) == 1 else 'ies'}.", \
        "/vulnerabilities"


def _tool(bom: _Bom) -> Judged:
    tools = js.mapping(bom.meta.get("tools"))
    named = [t for kind in ("components", "services") for t in js.dicts(tools.get(kind))
             if t.get("name") and t.get("version")]
    named += [t for t in js.dicts(bom.meta.get("tools")) if t.get("name") and t.get("version")]
    if named:
        return "met", f"Made by {_text(named[0]['name'])} {_text(named[0]['version'])}.", "/metadata/tools"
    return "unmet", "The BOM names no tool with a version (metadata.tools).", ""


def _timestamp(bom: _Bom) -> Judged:
    if bom.meta.get("timestamp"):
        return _field("/metadata/timestamp", bom.meta["timestamp"], "its time of writing")
    reproducible = any(p.get("name") == "cdx:reproducible" for p in js.dicts(bom.meta.get("properties")))
    why = " It was written with --reproducible, which leaves the time out." if reproducible else ""
    return "unmet", f"The BOM gives no time of writing (metadata.timestamp).{why}", ""


def _signature(bom: _Bom) -> Judged:
    if bom.doc.get("signature"):
        return "met", "The BOM carries an enveloped signature (JSF).", "/signature"
    return ("unmet", "The BOM carries no signature (signature); a detached signature beside it, if any, "
            "cannot be seen from the BOM.", "")


def _dependencies(bom: _Bom) -> Judged:
    edges = sum(len(js.texts(d.get("dependsOn"))) for d in js.dicts(bom.doc.get("dependencies")))
    if edges:
        return "met", f"The BOM records {edges} dependency edges.", "/dependencies"
    return "unmet", "The BOM records no dependency relationship (dependencies[].dependsOn).", ""


def _format(bom: _Bom) -> Judged:
    return "met", f"CycloneDX {_text(bom.doc.get('specVersion', '?'))} JSON.", "/specVersion"


def _producer(comp: dict[str, Any]) -> object:
    return comp.get("supplier") or comp.get("manufacturer") or comp.get("authors") or comp.get("publisher")


def _identifier(comp: dict[str, Any]) -> object:
    return comp.get("purl") or comp.get("cpe") or comp.get("swid") or comp.get("omniborId")


def _model_time(comp: dict[str, Any]) -> object:
    return js.mapping(comp.get("releaseNotes")).get("timestamp")


def _card_properties(comp: dict[str, Any]) -> object:
    return _card(comp, "modelParameters") or comp.get("properties")


def _dataset_source(comp: dict[str, Any]) -> object:
    contents = [js.mapping(d.get("contents")).get("url") for d in js.dicts(comp.get("data"))]
    return comp.get("purl") or js.dicts(comp.get("externalReferences")) or [u for u in contents if u]


def _dataset_description(comp: dict[str, Any]) -> object:
    return comp.get("description") or [d.get("description") for d in js.dicts(comp.get("data"))
                                       if d.get("description")] or js.mapping(comp.get("data")).get("governance")


@dataclass(frozen=True)
class Element:
    """One minimum element: its cluster, name, the CycloneDX field aibom maps it to, and the fix."""

    id: str
    cluster: Cluster
    title: str
    field: str
    fix: str
    judge: Callable[[_Bom], Judged]


DECLARE = "declare it in aibom.yaml (--declarations) or add it to the BOM"
ELEMENTS: tuple[Element, ...] = (
    Element("md-author", "metadata", "Author of the SBOM", "metadata.authors", "add metadata.authors: the person "
            "or organisation answerable for this BOM", lambda b: _field("/metadata/authors", b.meta.get("authors"),
                                                                        "author")),
    Element("md-version", "metadata", "SBOM version", "version, serialNumber", "write the BOM's version number",
            lambda b: _field("/version", b.doc.get("version"), "version")),
    Element("md-format", "metadata", "Data format", "bomFormat, specVersion", "", _format),
    Element("md-signature", "metadata", "Author signature", "signature (JSF)", "sign the BOM: an enveloped JSF "
            "signature, or a Sigstore/cosign signature published beside it", _signature),
    Element("md-tool", "metadata", "Tool name and version", "metadata.tools", "name the generating tool and its "
            "version in metadata.tools", _tool),
    Element("md-context", "metadata", "Generation context", "metadata.lifecycles", "state the lifecycle phase the "
            "BOM was made in (metadata.lifecycles)", lambda b: _field(
                "/metadata/lifecycles", ", ".join(str(x.get("phase") or x.get("name") or "")
                                                  for x in js.dicts(b.meta.get("lifecycles"))).strip(", "),
                "generation context (lifecycle phase)")),
    Element("md-timestamp", "metadata", "Timestamp", "metadata.timestamp", "generate without --reproducible, or "
            "set SOURCE_DATE_EPOCH", _timestamp),
    Element("md-dependencies", "metadata", "Dependency relationships", "dependencies", "record which component "
            "depends on which (dependencies[].dependsOn)", _dependencies),
    Element("slp-name", "system", "System name", "metadata.component.name", "",
            _system("name", lambda b: _root(b, "name"))),
    Element("slp-producer", "system", "System producer", "metadata.component.manufacturer", "",
            _system("producer", lambda b: _root(b, "manufacturer"))),
    Element("slp-version", "system", "System version", "metadata.component.version", "",
            _system("version", lambda b: _root(b, "version"))),
    Element("slp-components", "system", "System components", "components", "",
            _system("component list", lambda b: (b.doc.get("components"), "/components"))),
    Element("slp-dataflow", "system", "Data flow and usage", "services[].data", "",
            _system("data flow", lambda b: (b.doc.get("services"), "/services"))),
    Element("slp-io", "system", "Input/output properties", "modelCard.modelParameters.inputs/outputs", "",
            _system("input and output formats", lambda b: (
                [_card(c, "modelParameters").get("inputs") for _, c in b.models
                 if _card(c, "modelParameters").get("inputs")], "/components"))),
    Element("slp-application", "system", "Intended application area", "modelCard.considerations.useCases", "",
            _system("intended application area", lambda b: (
                [u for _, c in b.models for u in js.texts(_card(c, "considerations").get("useCases"))],
                "/components"))),
    Element("mdl-name", "models", "Model name", "component.name", "",
            _each_model(lambda c: c.get("name"), "name", "name")),
    Element("mdl-identifier", "models", "Model identifier", "component.purl", "collect from the Hub (ORG/NAME) or "
            "give repo_id in the declarations, so the model has a purl",
            _each_model(_identifier, "purl", "identifier (purl, CPE or SWID)")),
    Element("mdl-version", "models", "Model version", "component.version", "collect a pinned revision "
            "(ORG/NAME@COMMIT) or declare version", _each_model(lambda c: c.get("version"), "version", "version")),
    Element("mdl-producer", "models", "Model producer", "component.supplier / manufacturer", "declare the "
            "supplier (the organisation that publishes the model)", _each_model(_producer, "supplier", "producer")),
    Element("mdl-description", "models", "Model description", "component.description", "give the card a "
            "description", _each_model(lambda c: c.get("description"), "description", "description")),
    Element("mdl-timestamp", "models", "Model timestamp", "component.releaseNotes.timestamp", "declare the "
            "release date of the model", _each_model(_model_time, "releaseNotes.timestamp", "release time")),
    Element("mdl-hash", "models", "Hash value and algorithm", "component.hashes / its files' hashes", "hash the "
            "weight files (collect the folder, or --verify-weights from the Hub)", _model_hashes),
    Element("mdl-properties", "models", "Model properties", "modelCard.modelParameters", "give the card the task, "
            "architecture and parameters", _each_model(_card_properties, "modelCard.modelParameters", "properties")),
    Element("mdl-license", "models", "Model license", "component.licenses", "state the license in the card's "
            "front matter or " + DECLARE, _each_model(lambda c: c.get("licenses"), "licenses", "license")),
    Element("mdl-references", "models", "External references", "component.externalReferences", "link the "
            "model's repository, paper or card", _each_model(lambda c: c.get("externalReferences"),
                                                            "externalReferences", "external reference")),
    Element("dp-listed", "datasets", "Datasets used", "components[type=data]", "name the training datasets in "
            "the card (datasets:) or " + DECLARE, _each_dataset(lambda c: c.get("name"), "name")),
    Element("dp-source", "datasets", "Dataset identifier and source", "data[].contents.url, externalReferences",
            "give each dataset's Hub id or URL", _each_dataset(_dataset_source, "source")),
    Element("dp-producer", "datasets", "Dataset producer", "component.supplier", "name who publishes each "
            "dataset", _each_dataset(_producer, "producer")),
    Element("dp-license", "datasets", "Dataset license", "component.licenses", "give each dataset's license "
            "(its Hub card, or the declarations)", _each_dataset(lambda c: c.get("licenses"), "license")),
    Element("dp-description", "datasets", "Dataset description and provenance", "component.description, "
            "data[].description", "describe how each dataset was made and collected",
            _each_dataset(_dataset_description, "description")),
    Element("kpi-performance", "kpi", "Operational performance", "modelCard.quantitativeAnalysis", "report the "
            "evaluation results in the card (model-index)", _kpi(security=False)),
    Element("kpi-security", "kpi", "Security metrics", "quantitativeAnalysis.performanceMetrics (security)",
            "report robustness or red-team results in the card", _kpi(security=True)),
    Element("inf-software", "infrastructure", "Software infrastructure", "components[type=framework|library|"
            "platform]", "", _system("software it runs on", lambda b: (
                [c for c in js.dicts(b.doc.get("components")) if c.get("type") in SYSTEM_TYPES], "/components"))),
    Element("inf-hardware", "infrastructure", "Hardware infrastructure", "components[type=device|platform]", "",
            _system("hardware it runs on", lambda b: (
                [c for c in js.dicts(b.doc.get("components")) if c.get("type") in ("device", "platform")],
                "/components"))),
    Element("sp-controls", "security", "Security controls", "externalReferences (threat-model, pentest-report, "
            "static-analysis-report, risk-assessment)", "link the threat model, test or analysis reports",
            _references(CONTROL_REFS, "security control evidence")),
    Element("sp-compliance", "security", "Security compliance", "definitions.standards, declarations",
            "score the BOM into it (aibom generate --score)", _compliance),
    Element("sp-policy", "security", "Cybersecurity policy", "externalReferences (security-contact, rfc-9116, "
            "advisories)", "link the security policy or contact (SECURITY.md, security.txt)",
            _references(POLICY_REFS, "security policy or contact")),
    Element("sp-vulnerabilities", "security", "Vulnerability references", "vulnerabilities", "add a vulnerabilities "
            "list (an empty one states that none are known)", _vulnerabilities),
)


def assess(doc: dict[str, Any], location: str) -> Assessment:
    """The G7 minimum elements judged from CycloneDX document `doc` (read from `location`)."""
    from aibom.score.profiles import summary

    bom = _Bom(doc)
    findings = []
    for element in ELEMENTS:
        status, reason, path = element.judge(bom)
        evidence = (Evidence("g7", f"{location}#{path}", "computed"),) if path else ()
        fix = "" if status in ("met", "not-applicable") else element.fix or f"add {element.field}"
        findings.append(Finding(element.id, element.title, status, reason, fix, evidence))
    return Assessment(PROFILE, tuple(findings), summary(tuple(findings), PROFILE))


def cluster_of(requirement: str) -> str | None:
    """The cluster name of a G7 element id (None for another profile's requirement)."""
    return next((CLUSTERS[e.cluster] for e in ELEMENTS if e.id == requirement), None)
