"""validate.problems: strict schema of the declared version with formats, unique refs, no dangling refs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import files_of, model_of
from emit_cases import CARD, TIMESTAMP, assessed

from aibom import model as m
from aibom.emit.cyclonedx import to_json
from aibom.emit.validate import FORMAT_CHECKS, SCHEMA_VERSIONS, _fast_validator, _validator, problems

GOLDEN = Path(__file__).parent / "golden"


def bom(version: str = "1.6") -> dict[str, Any]:
    return json.loads(to_json(assessed(), spec_version=version, timestamp=TIMESTAMP, serial=None))


def break_with(change: Callable[[dict[str, Any]], None], version: str = "1.6") -> list[str]:
    doc = bom(version)
    change(doc)
    return problems(json.dumps(doc))


def test_aibom_output_is_valid_in_both_versions() -> None:
    assert problems(json.dumps(bom("1.6"))) == []
    assert problems(json.dumps(bom("1.7"))) == []


def test_bad_enum_is_reported_with_its_path() -> None:
    found = break_with(lambda d: d["components"][0].update(type="dataset"))
    assert len(found) == 1
    assert found[0].startswith("$.components[0].type: 'dataset' is not one of")


def test_unknown_field_fails_the_strict_schema() -> None:
    found = break_with(lambda d: model_of(d).update(modelcard={}))
    assert found and found[0].startswith("$.components[7]: Additional properties are not allowed")


def test_format_checks_are_on() -> None:
    found = break_with(lambda d: d["metadata"].update(timestamp="yesterday"))
    assert found == ["$.metadata.timestamp: 'yesterday' is not a 'date-time'"]
    found = break_with(lambda d: d["components"][0]["externalReferences"][0].update(url="http://exa mple.org/<x>"))
    assert len(found) == 1 and found[0].startswith("$.components[0].externalReferences[0].url:")


def test_version_specific_schema_is_used() -> None:
    def cite(d: dict[str, Any]) -> None:
        d["components"][0]["externalReferences"][0]["type"] = "citation"  # new in 1.7

    assert break_with(cite, "1.7") == []
    found = break_with(cite, "1.6")
    assert len(found) == 1 and "'citation' is not one of" in found[0]


def test_duplicate_bom_ref() -> None:
    def dup(d: dict[str, Any]) -> None:
        files_of(d)[0]["bom-ref"] = d["components"][0]["bom-ref"]

    found = break_with(dup)
    # the renamed file also leaves its dependency edge dangling
    assert "bom-ref 'dataset:HuggingFaceH4/ultrachat_200k' is not unique" in found[0]
    assert all("is not unique" in f or "points at no bom-ref" in f for f in found)


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("$.dependencies[", lambda d: d["dependencies"][-1]["dependsOn"].append("dataset:nowhere")),
        (
            "$.components[7].modelCard.modelParameters.datasets[3].ref",
            lambda d: model_of(d)["modelCard"]["modelParameters"]["datasets"].append(
                {"ref": "dataset:nowhere"}
            ),
        ),
        (
            "$.declarations.claims[0].target",
            lambda d: d["declarations"]["claims"][0].update(target="dataset:nowhere"),
        ),
        (
            "$.declarations.attestations[0].map[0].requirement",
            lambda d: d["declarations"]["attestations"][0]["map"][0].update(requirement="dataset:nowhere"),
        ),
        (
            "$.declarations.claims[0].evidence[2]",
            lambda d: d["declarations"]["claims"][0]["evidence"].append("dataset:nowhere"),
        ),
        (
            "$.compositions[0].assemblies[0]",
            lambda d: d.update(compositions=[{"aggregate": "complete", "assemblies": ["dataset:nowhere"]}]),
        ),
    ],
)
def test_dangling_references(where: str, change: Callable[[dict[str, Any]], None]) -> None:
    found = break_with(change)
    assert len(found) == 1
    assert found[0].startswith(where)
    assert "'dataset:nowhere' points at no bom-ref" in found[0]


def test_bom_links_are_not_dangling() -> None:
    found = break_with(
        lambda d: d["dependencies"][-1]["dependsOn"].append("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#dataset:x")
    )
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "not JSON: "),
        ("[1, 2]", "not a CycloneDX BOM"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.4"}', "$.specVersion: '1.4' is not a supported"),
        ('{"bomFormat": "CycloneDX"}', "$.specVersion: None is not a supported"),
    ],
)
def test_unreadable_documents_give_one_problem(text: str, expected: str) -> None:
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(expected)


def test_missing_required_field() -> None:
    found = break_with(lambda d: d.pop("bomFormat"))
    assert found == ["$: 'bomFormat' is a required property"]


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://huggingface.co/datasets/allenai/c4", True),
        ("https://例え.jp/パス?q=ü", True),
        ("relative/path#frag", True),
        ("http://[::1]:80/", True),
        ("http://exa mple.org/<x>", False),
        ("https://x.org/%zz", False),
        ("https://a.b/c|d", False),
    ],
)
def test_iri_reference_format(url: str, valid: bool) -> None:
    found = break_with(lambda d: d["components"][0]["externalReferences"][0].update(url=url))
    assert (found == []) is valid


def test_many_urls_validate_quickly() -> None:
    prov = assessed()
    datasets = tuple(
        m.Dataset(f"org/set-{i}", CARD, url=f"https://huggingface.co/datasets/org/set-{i}") for i in range(300)
    )
    text = to_json(prov.with_changes(datasets=datasets), timestamp=TIMESTAMP, serial=None)
    start = time.monotonic()
    assert problems(text) == []
    assert time.monotonic() - start < 15  # the Earley IRI parser took ~0.5 s per URL: minutes here


def test_unique_items_still_checked() -> None:
    found = break_with(lambda d: d["dependencies"][-1]["dependsOn"].append(d["dependencies"][-1]["dependsOn"][0]))
    assert len(found) == 1
    assert found[0].startswith(f"$.dependencies[{len(bom()['dependencies']) - 1}].dependsOn: has non-unique elements")


def test_many_files_validate_quickly() -> None:
    files = tuple(m.FileEntry(f"part/{i:05d}.bin", i, f"{i:064x}", "other", CARD) for i in range(1500))
    text = to_json(assessed().with_changes(files=files), timestamp=TIMESTAMP, serial=None)
    start = time.monotonic()
    assert problems(text) == []
    assert time.monotonic() - start < 20  # jsonschema's pairwise uniqueItems took ~7 s here, 26 s at 3000


def test_deeply_nested_json_is_one_problem_not_a_crash() -> None:
    deep = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert problems(deep) == ["not JSON: JSON nested too deeply"]


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "none": lambda d: None,
    "bad enum": lambda d: d["components"][0].update(type="dataset"),
    "unknown field": lambda d: model_of(d).update(modelcard={}),
    "bad date-time": lambda d: d["metadata"].update(timestamp="yesterday"),
    "lower-case date-time": lambda d: d["metadata"].update(timestamp="2025-01-01t00:00:00z"),
    "bad iri": lambda d: d["components"][0]["externalReferences"][0].update(url="https://x.org/%zz"),
    "non-ASCII iri": lambda d: d["components"][0]["externalReferences"][0].update(url="https://例え.jp/パス?q=ü"),
    "bare email": lambda d: model_of(d)["authors"][0].update(email="a@"),
    "bad hash": lambda d: files_of(d)[0]["hashes"][0].update(content="zz"),
    "upper-case hash": lambda d: files_of(d)[0]["hashes"][0].update(content="A" * 64),
    "repeated item": lambda d: d["dependencies"][-1]["dependsOn"].append(d["dependencies"][-1]["dependsOn"][0]),
    "missing required": lambda d: d["components"][0].pop("name"),
    "bad spdx id": lambda d: model_of(d)["licenses"].append({"license": {"id": "Apache-2"}}),
    "empty bom-ref": lambda d: d["components"][0].update({"bom-ref": ""}),
}


@pytest.mark.parametrize("version", ["1.6", "1.7"])
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_fast_check_agrees_with_jsonschema(mutation: str, version: str) -> None:
    """jsonschema-rs decides validity; jsonschema only explains. They must give the same verdict."""
    doc = bom(version)
    MUTATIONS[mutation](doc)
    assert _fast_validator(version).is_valid(doc) is (next(_validator(version).iter_errors(doc), None) is None)


def test_one_bad_file_among_thousands_is_reported_with_its_path() -> None:
    files = tuple(m.FileEntry(f"part/{i:05d}.bin", i, f"{i:064x}", "other", CARD) for i in range(3000))
    doc = json.loads(to_json(assessed().with_changes(files=files), timestamp=TIMESTAMP, serial=None))
    files_of(doc)[2500]["hashes"][0]["content"] = "not hex"
    found = problems(json.dumps(doc))
    assert len(found) == 1
    assert found[0].startswith("$.components[2503].hashes[0].content: 'not hex' does not match")


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
def test_every_format_the_schema_uses_is_checked_the_same_way_by_both(version: str) -> None:
    used: set[str] = set()
    stack: list[Any] = [_validator(version).schema, *(r.contents for _, r in _validator(version)._registry.items())]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str) and isinstance(node.get("type", "string"), str):
                used.add(node["format"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert used and used <= set(FORMAT_CHECKS)


def test_importing_the_emitter_and_validator_loads_no_schema_machinery() -> None:
    """Validators and the RFC 3986 grammar load on first use; a valid BOM never needs jsonschema, and an
    SPDX id never needs license-expression's index (cyclonedx.spdx builds one at import)."""
    code = """if True:
        import sys
        from datetime import UTC, datetime
        import aibom.emit.cyclonedx, aibom.emit.validate
        heavy = ("jsonschema", "jsonschema_rs", "cyclonedx.spdx", "cyclonedx.validation.json", "rfc3986_validator")
        print(*[m for m in heavy if m in sys.modules], sep=",")
        from aibom import licenses
        from aibom.model import Evidence, License, Provenance
        ev = Evidence("local", "m", "declared")
        apache = License(raw="apache-2.0", evidence=ev, spdx="apache-2.0", category="permissive")
        prov = Provenance(name="m", identity=ev, source="local", licenses=(apache,))
        text = aibom.emit.cyclonedx.to_json(prov, timestamp=datetime(2025, 1, 1, tzinfo=UTC), serial=None)
        assert '"id": "Apache-2.0"' in text  # the exact case, from the schema's SPDX enum
        assert aibom.emit.validate.problems(text) == []
        print(*[m for m in heavy if m in sys.modules], sep=",")
        print(licenses.spdx_licensing.cache_info().currsize)
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["", "jsonschema_rs", "0"]


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.json")))
def test_fast_check_agrees_with_jsonschema_on_the_goldens(name: str) -> None:
    doc = json.loads((GOLDEN / name).read_text())
    version = doc["specVersion"]
    assert _fast_validator(version).is_valid(doc) is (next(_validator(version).iter_errors(doc), None) is None)
