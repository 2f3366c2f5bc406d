"""SPDX 3.0.1 documents checked offline, as the SPDX project's own validator checks them: the JSON
schema, then the SHACL model over the document's RDF graph (its JSON-LD context read from the
packaged copy, never fetched). The spec files ship in ``aibom/schemas/spdx-3.0.1`` (see NOTICE.md)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from aibom.wording import clip

SPEC = Path(__file__).resolve().parent.parent / "schemas" / "spdx-3.0.1"
MAX_PROBLEMS = 20
TERMS = "https://spdx.org/rdf/3.0.1/terms/"


@cache
def _schema_validator() -> Any:
    """jsonschema-rs: the schema's unevaluatedProperties take jsonschema (Python) 8 s per document."""
    import jsonschema_rs

    schema = json.loads((SPEC / "spdx-json-schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


@cache
def _context() -> dict[str, Any]:
    return json.loads((SPEC / "spdx-context.jsonld").read_text(encoding="utf-8"))["@context"]


@cache
def _shapes() -> Any:
    import rdflib

    return rdflib.Graph().parse(SPEC / "spdx-model.ttl", format="turtle")


@cache
def _ontology() -> Any:
    """The part of the model a class check needs: subclass links, and the named individuals (a
    document may point at NoAssertionLicense) with what describes them (their creation info). The
    whole model as the ontology graph gives the same answers, 130 times slower (9 s)."""
    import rdflib

    shapes, ont = _shapes(), rdflib.Graph()
    for triple in shapes.triples((None, rdflib.RDFS.subClassOf, None)):
        ont.add(triple)
    todo = list(shapes.subjects(rdflib.RDF.type, rdflib.OWL.NamedIndividual))
    done = set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for triple in shapes.triples((node, None, None)):
            ont.add(triple)
            if str(triple[1]).startswith(TERMS):  # creationInfo, createdBy: what describes the individual
                todo.append(triple[2])
    return ont


def problems(text: str) -> list[str]:
    """What is wrong with SPDX 3.0.1 JSON-LD `text` (empty when it is valid)."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return [f"not JSON: {exc}"]
    schema = [f"{'/'.join(map(str, e.instance_path)) or '$'}: {clip(e.message, 200)}"
              for e in list(_schema_validator().iter_errors(doc))[:MAX_PROBLEMS]]
    if not isinstance(doc, dict) or not isinstance(doc.get("@graph", []), list):
        return schema or ["not an SPDX 3 JSON-LD document"]
    # the schema's errors say little (one anyOf over the whole graph); SHACL names the node and property
    shacl = _shacl(doc)
    return shacl or schema


def _shacl(doc: dict[str, Any]) -> list[str]:
    import pyshacl
    import rdflib

    try:
        graph = rdflib.Graph().parse(data=json.dumps({**doc, "@context": _context()}), format="json-ld")
    except Exception as exc:  # rdflib's JSON-LD parser raises many kinds on malformed input
        return [f"not readable as JSON-LD: {clip(str(exc), 200)}"]
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=_shapes(), ont_graph=_ontology(), inference="none",
                                           abort_on_first=False, allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for result in list(report.subjects(rdflib.RDF.type, sh.ValidationResult))[:MAX_PROBLEMS]:
        node = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        out.append(f"{node} {path}: {message}")
    return sorted(out)
