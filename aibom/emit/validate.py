"""Is a CycloneDX JSON BOM valid? Strict schema of its spec version, unique bom-refs, no dangling refs.

Importing this module is cheap (the emitter needs `safe_iri`): the schema libraries, validators and
the RFC 3986 grammar are loaded on first use and kept.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aibom import strict_json
from aibom.emit import SPEC_VERSIONS

if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from jsonschema.protocols import Validator

SCHEMA_VERSIONS = ("1.5", *SPEC_VERSIONS)
"""Versions that can be validated and read: those aibom writes and 1.5."""
BOM_LINK = "urn:cdx:"
SCHEMA_BASE = "http://cyclonedx.org/schema/"
"""Where the BOM schemas' $refs point (the library registers its bundled files under it)."""
URI_CHARACTERS = ":/?#[]@!$&'()*+,;=%-._~"
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def problems(text: str) -> list[str]:
    """Every problem found, one readable line each (JSON path first); an empty list means valid."""
    try:
        doc = strict_json.loads(text)
    except ValueError as exc:  # NaN, lone surrogates and 5,000-digit integers are not valid BOM JSON either
        return [f"not JSON: {str(exc)[:200]}"]
    if not isinstance(doc, dict):
        return ["not a CycloneDX BOM: the document is not a JSON object"]
    version = doc.get("specVersion")
    if version not in SCHEMA_VERSIONS:
        return [
            f"$.specVersion: {version!r} is not a supported CycloneDX version (supported: {', '.join(SCHEMA_VERSIONS)})"
        ]
    try:
        return _schema_problems(doc, version) + _reference_problems(doc)
    except RecursionError:  # explaining errors walks the document recursively (the fast check does not)
        return ["the BOM nests components too deeply to be checked (more than the interpreter's recursion limit)"]


def prepare(version: str) -> None:
    """Compile the schema of `version` now, so that `problems` does not have to (see cli._warm_up)."""
    _fast_validator(version)


def _schema_problems(doc: dict[str, Any], version: str) -> list[str]:
    """The library's strict schema, with every format checked.

    jsonschema-rs decides whether the document is valid (0.03 s for 10,000 files, where jsonschema
    takes 11 s); only an invalid one goes through jsonschema, whose messages and paths are reported.
    """
    if _fast_validator(version).is_valid(doc):
        return []
    from jsonschema.exceptions import best_match

    lines = []
    for error in _validator(version).iter_errors(doc):
        message = _first_line(error.message)
        if error.context:  # anyOf/oneOf: say which alternative came closest and why it failed
            message += f" (closest: {_first_line(best_match(error.context).message)})"
        lines.append(f"{error.json_path}: {message}")
    return sorted(set(lines))


def _iri_as_uri(value: str) -> str:
    """RFC 3987 §3.1: an IRI maps to a URI by percent-encoding its non-ASCII characters as UTF-8."""
    return "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode()) for c in value)


def _is_iri(value: object) -> bool:
    return not isinstance(value, str) or bool(_rfc3986()(_iri_as_uri(value), rule="URI"))


def is_iri_reference(value: object) -> bool:
    """Whether `value` is an RFC 3987 IRI reference (what CycloneDX URL fields must hold)."""
    return not isinstance(value, str) or bool(_rfc3986()(_iri_as_uri(value), rule="URI_reference"))


@cache
def _rfc3986() -> Any:
    """rfc3986-validator's check (its import compiles the RFC 3986 grammar: 15 ms)."""
    from rfc3986_validator import validate_rfc3986

    return validate_rfc3986


def _is_date_time(value: object) -> bool:
    """RFC 3339, either case of ``T`` and ``Z`` (as jsonschema's own check)."""
    return not isinstance(value, str) or bool(_rfc3339()(value.upper()))


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return bool(DATE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_rfc3986()(value, rule="URI"))


def _is_email(value: object) -> bool:
    """Has an ``@`` (as jsonschema's own check; CycloneDX asks no more)."""
    return not isinstance(value, str) or "@" in value


@cache
def _rfc3339() -> Any:
    from rfc3339_validator import validate_rfc3339

    return validate_rfc3339


FORMAT_CHECKS = {
    "date": _is_date,
    "date-time": _is_date_time,
    "email": _is_email,
    "idn-email": _is_email,
    "iri": _is_iri,
    "iri-reference": is_iri_reference,
    "uri": _is_uri,
}
"""Every format the CycloneDX schemas use, checked by the same function in both validators (each as
jsonschema itself checks it, with the IRI formats by RFC 3986 after RFC 3987's mapping)."""


@cache
def _formats() -> FormatChecker:
    """jsonschema's draft-7 format checks, with those CycloneDX uses replaced by `FORMAT_CHECKS`."""
    from jsonschema import Draft7Validator, FormatChecker

    formats = FormatChecker()
    formats.checkers = dict(Draft7Validator.FORMAT_CHECKER.checkers)
    for name, check in FORMAT_CHECKS.items():
        formats.checks(name, raises=ValueError)(check)
    return formats


def safe_iri(url: str) -> str:
    """`url` itself when it is a valid IRI reference, else percent-encoded until it is one."""
    if is_iri_reference(url):
        return url
    escaped = quote(BAD_PERCENT.sub("%25", url), safe=URI_CHARACTERS)
    return escaped if is_iri_reference(escaped) else quote(url, safe="")


def _unique_items(validator: Validator, unique: bool, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """`uniqueItems` in linear time (jsonschema compares every pair of objects: minutes for 3000 files)."""
    if not unique or not validator.is_type(instance, "array"):
        return
    from jsonschema import ValidationError

    seen: set[str] = set()
    for item in instance:
        key = json.dumps(item, sort_keys=True)
        if key in seen:
            yield ValidationError(f"has non-unique elements (repeated: {_first_line(key, 120)})")
            return
        seen.add(key)


@cache
def _validator(version: str) -> Validator:
    """The library's strict schema and $ref registry for `version`, with two faster keyword checks.

    jsonschema checks `iri`/`iri-reference` with an Earley parser that takes about half a second
    per URL; the RFC 3987 mapping to a URI and an RFC 3986 check give the same answer quickly.
    Its `uniqueItems` is quadratic on objects; a set of canonical JSON texts is linear.
    """
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from jsonschema import validators

    library = JsonStrictValidator(SchemaVersion.from_version(version))._validator
    fast = validators.extend(type(library), {"uniqueItems": _unique_items})
    return fast(library.schema, registry=library._registry, format_checker=_formats())


@cache
def _bundled(path: str | None) -> Any:
    """One of the library's bundled schema files, parsed once per process."""
    with open(str(path), encoding="utf-8") as fh:
        return json.load(fh)


@cache
def spdx_ids() -> dict[str, str]:
    """Lower-case SPDX license id -> its exact case, from the SPDX enum the BOM schemas validate
    against (the library's ``cyclonedx.spdx`` has the same, but builds a whole license-expression
    index at import, 50 ms)."""
    from cyclonedx.schema import _res

    return {i.lower(): i for i in _bundled(_res.SPDX_JSON)["enum"]}


@cache
def _fast_validator(version: str) -> Any:
    """The same schema files and format checks in jsonschema-rs, which compiles them.

    Built without jsonschema, so a valid BOM never loads it (0.1 s of imports).
    """
    import jsonschema_rs
    from cyclonedx.schema import SchemaVersion, _res

    parts = (_res.SPDX_JSON, _res.CRYPTOGRAPHY_DEFS, _res.JSF)
    resources = [(SCHEMA_BASE + os.path.basename(p), _bundled(p)) for p in parts]
    return jsonschema_rs.Draft7Validator(
        _bundled(_res.BOM_JSON_STRICT[SchemaVersion.from_version(version)]),
        formats=FORMAT_CHECKS,
        validate_formats=True,
        ignore_unknown_formats=False,
        registry=jsonschema_rs.Registry(resources),
    )


def _first_line(message: str, limit: int = 300) -> str:
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


Where = tuple[Any, str | int] | None
"""Where an object sits: None for the document, else (where its parent sits, key or index)."""


def _walk(value: Any) -> Iterator[tuple[Where, dict[str, Any]]]:
    """(where, object) of every object in the document, depth-first, without recursion.

    Paths are spelled out only for the lines reported (`_path`): a string per object made the
    reference check of 100,000 files take 9 s.
    """
    stack: list[tuple[Where, Any]] = [(None, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            yield where, node
            stack.extend(((where, k), v) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((where, i), node[i]) for i in range(len(node) - 1, -1, -1))


def _path(where: Where) -> str:
    """The JSON path of `where`: ``$.metadata.component['bom-ref']``, ``$.components[0]``."""
    steps: list[str] = []
    while where is not None:
        where, key = where
        if isinstance(key, int):
            steps.append(f"[{key}]")
        else:
            steps.append(f".{key}" if key.replace("-", "").isalnum() else f"[{key!r}]")
    return "$" + "".join(reversed(steps))


def _refs(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(json path, ref) of every place that points at a bom-ref."""
    for i, dep in enumerate(_list(doc.get("dependencies"))):
        yield f"$.dependencies[{i}].ref", dep.get("ref")
        for j, ref in enumerate(_list(dep.get("dependsOn"), dicts=False)):
            yield f"$.dependencies[{i}].dependsOn[{j}]", ref
    for where, obj in _walk(doc):
        if where is not None and where[1] == "modelParameters":
            for i, ds in enumerate(_list(obj.get("datasets"))):
                if "ref" in ds:
                    yield f"{_path(where)}.datasets[{i}].ref", ds["ref"]
    for i, comp in enumerate(_list(doc.get("compositions"))):
        for key in ("assemblies", "dependencies", "vulnerabilities"):
            for j, ref in enumerate(_list(comp.get(key), dicts=False)):
                yield f"$.compositions[{i}].{key}[{j}]", ref
    decl = doc.get("declarations") if isinstance(doc.get("declarations"), dict) else {}
    for i, att in enumerate(_list(decl.get("attestations"))):
        if "assessor" in att:
            yield f"$.declarations.attestations[{i}].assessor", att["assessor"]
        for j, entry in enumerate(_list(att.get("map"))):
            where = f"$.declarations.attestations[{i}].map[{j}]"
            if "requirement" in entry:
                yield f"{where}.requirement", entry["requirement"]
            for key in ("claims", "counterClaims"):
                for k, ref in enumerate(_list(entry.get(key), dicts=False)):
                    yield f"{where}.{key}[{k}]", ref
    for i, claim in enumerate(_list(decl.get("claims"))):
        if "target" in claim:
            yield f"$.declarations.claims[{i}].target", claim["target"]
        for key in ("evidence", "counterEvidence", "mitigationStrategies"):
            for j, ref in enumerate(_list(claim.get(key), dicts=False)):
                yield f"$.declarations.claims[{i}].{key}[{j}]", ref
    defs = doc.get("definitions") if isinstance(doc.get("definitions"), dict) else {}
    for i, std in enumerate(_list(defs.get("standards"))):
        for j, req in enumerate(_list(std.get("requirements"))):
            if "parent" in req:
                yield f"$.definitions.standards[{i}].requirements[{j}].parent", req["parent"]
        for j, level in enumerate(_list(std.get("levels"))):
            for k, ref in enumerate(_list(level.get("requirements"), dicts=False)):
                yield f"$.definitions.standards[{i}].levels[{j}].requirements[{k}]", ref


def _list(value: Any, dicts: bool = True) -> list[Any]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)] if dicts else value


def _reference_problems(doc: dict[str, Any]) -> list[str]:
    where: dict[str, list[Where]] = {}
    for at, obj in _walk(doc):
        ref = obj.get("bom-ref")
        if isinstance(ref, str):
            where.setdefault(ref, []).append(at)
    lines = [
        f"{_path(places[1])}: bom-ref {ref!r} is not unique (also at {_path(places[0])})"
        for ref, places in where.items()
        if len(places) > 1
    ]
    for path, ref in _refs(doc):
        if isinstance(ref, str) and not ref.startswith(BOM_LINK) and ref not in where:
            lines.append(f"{path}: reference {ref!r} points at no bom-ref in this BOM")
    return lines
