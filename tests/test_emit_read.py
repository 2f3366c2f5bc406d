"""from_json on other tools' BOMs and hostile input: map what maps, the rest is unknown, never crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, model_of
from emit_cases import TIMESTAMP

from aibom.emit.cyclonedx import from_json, to_json
from aibom.emit.validate import problems
from aibom.errors import InputError


def model_bom(component: dict, **top: object) -> dict:  # type: ignore[type-arg]
    """A CycloneDX 1.6 document whose model component `m` carries `component`, plus top-level `top`."""
    model = {"type": "machine-learning-model", "name": "m", **component}
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": model}, **top}


def test_unmapped_parts_become_unknowns() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {
            "component": {
                "type": "machine-learning-model",
                "name": "m",
                "modelCard": {
                    "modelParameters": {"task": "image-classification", "approach": {"type": "supervised"}},
                    "quantitativeAnalysis": {
                        "performanceMetrics": [{"type": "accuracy", "value": "0.9", "slice": "val"}]
                    },
                    "considerations": {
                        "useCases": ["sorting photos"],
                        "ethicalConsiderations": [{"name": "faces"}],
                    },
                },
                "components": [{"type": "library", "name": "torch"}],
            }
        },
        "services": [{"name": "api"}],
        "components": [
            {"type": "library", "name": "numpy"},
            {"type": "data", "bom-ref": "d", "name": "imagenet"},
        ],
    }
    prov = from_json(json.dumps(doc))
    assert {(u.subject, u.field) for u in prov.unknowns} == {("bom", "mapping")}
    fields = {u.name for u in prov.unknowns}
    assert "$.services" in fields
    assert "$.components[0]" in fields
    assert "$.metadata.component.components[0]" in fields
    assert [d.id for d in prov.datasets] == ["imagenet"]
    assert [(m.type, m.value, m.dataset) for m in prov.card.metrics] == [("accuracy", "0.9", "val")]
    assert [(c.kind, c.text) for c in prov.card.considerations] == [
        ("use-cases", "sorting photos"),
        ("ethical-considerations", "faces"),
    ]


def test_bom_without_a_model_component_records_that() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "metadata": {"component": {"type": "application", "name": "app"}},
    }
    prov = from_json(json.dumps(doc))
    assert prov.name == "app"
    assert ("model", "type") in {(u.subject, u.field) for u in prov.unknowns}


@pytest.mark.parametrize(
    "doc",
    [
        {"bomFormat": "CycloneDX", "specVersion": "1.6"},
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "metadata": [],
            "components": "x",
            "dependencies": 3,
        },
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "components": [1, None, "x", {"type": "data"}],
            "metadata": {
                "component": {
                    "type": "machine-learning-model",
                    "name": 5,
                    "licenses": [{"license": 1}, {}],
                    "properties": [{"value": "x"}, {"name": "aibom:file:size"}, 3],
                    "modelCard": {
                        "modelParameters": {"datasets": [{"ref": "missing"}, 7]},
                        "considerations": {"useCases": "not a list"},
                    },
                    "pedigree": {"ancestors": [{"name": "base"}, None]},
                    "externalReferences": [{"type": "vcs"}, {"url": 5}],
                }
            },
        },
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.7",
            "declarations": {"attestations": [{"map": [{}]}, 4]},
            "definitions": {"standards": "x"},
        },
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "declarations": {
                "attestations": [{"summary": 3, "map": [{"claims": 5, "requirement": {}}, {"claims": [{}, "c"]}]}],
                "claims": [{"bom-ref": "c", "evidence": 7, "predicate": ["x"]}, {"bom-ref": {}}],
                "evidence": [{"bom-ref": "e", "data": "x"}],
            },
            "definitions": {"standards": [{"requirements": [{"bom-ref": 1}, 2]}]},
        },
    ],
)
def test_hostile_shapes_never_crash(doc: dict) -> None:  # type: ignore[type-arg]
    prov = from_json(json.dumps(doc))
    assert problems(to_json(prov, timestamp=TIMESTAMP, serial=None)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a CycloneDX BOM"),
        ('{"spdxVersion": "SPDX-2.3"}', "not a CycloneDX BOM"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.2"}', "'1.2' is not supported"),
        ('{"bomFormat": "CycloneDX"}', "None is not supported"),
    ],
)
def test_not_a_readable_bom_is_an_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        from_json(text)


def test_invalid_purls_are_dropped_as_unknowns() -> None:
    doc = model_bom(
        {
        "purl": "not a purl",
        "pedigree": {"ancestors": [{"type": "machine-learning-model", "name": "base", "purl": "pkg:"}]},
        },
    )
    prov = from_json(json.dumps(doc))
    assert prov.purl is None and prov.base_models[0].purl is None
    assert {(u.subject, u.field, u.name) for u in prov.unknowns} == {
        ("bom", "purl", "$.metadata.component"),
        ("bom", "purl", "$.metadata.component.pedigree.ancestors[0]"),
    }
    assert problems(to_json(prov, timestamp=TIMESTAMP, serial=None)) == []


def test_validates_cyclonedx_1_5_documents_it_can_read() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "component": {
                "type": "machine-learning-model",
                "name": "m",
                "modelCard": {"modelParameters": {"task": "fill-mask"}},
            }
        },
    }
    assert problems(json.dumps(doc)) == []
    assert from_json(json.dumps(doc)).card.task is not None


def test_deeply_nested_json_is_an_input_error() -> None:
    deep = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(InputError, match="too deeply"):
        from_json(deep)


def test_counts_that_are_not_plain_numbers_are_ignored() -> None:
    def file(size: str) -> dict:  # type: ignore[type-arg]
        return {"type": "file", "name": f"f{size}", "properties": [{"name": "aibom:file:size", "value": size}]}

    doc = model_bom(
        {
        "properties": [{"name": "aibom:parameters:total", "value": "9" * 5000}],
        "components": [file("²"), file("-1"), file("12")],
        },
    )
    prov = from_json(json.dumps(doc))
    assert prov.parameters is None
    assert {f.path: f.size for f in prov.files} == {"f²": None, "f-1": None, "f12": 12}


def test_malformed_hashes_are_unknowns_not_digests() -> None:
    doc = model_bom(
        {
        "components": [
            {"type": "file", "name": "a.bin", "hashes": [{"alg": "SHA-256", "content": "x|y"}]},
            {"type": "file", "name": "b.bin", "hashes": [{"alg": "SHA-256", "content": "ab" * 32}]},
        ],
        },
    )
    prov = from_json(json.dumps(doc))
    assert {f.path: f.sha256 for f in prov.files} == {"a.bin": None, "b.bin": "ab" * 32}
    assert [(u.field, u.name) for u in prov.unknowns] == [("sha256", "$.metadata.component.components[0].hashes")]
    assert problems(to_json(prov, timestamp=TIMESTAMP, serial=None)) == []


def test_a_non_string_bom_ref_on_a_data_component_is_tolerated() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "machine-learning-model", "name": "m"}},
        "components": [{"type": "data", "name": "d", "bom-ref": {"not": "a string"}}],
    }
    assert [d.id for d in from_json(json.dumps(doc)).datasets] == ["d"]


def test_dataset_refs_that_resolve_nowhere_are_unknowns() -> None:
    doc = model_bom(
        {
        "modelCard": {"modelParameters": {"datasets": [{"ref": "d"}, {"ref": "d"}, {"ref": "gone"}]}},
        },
        components=[{"type": "data", "name": "imagenet", "bom-ref": "d"}],
    )
    prov = from_json(json.dumps(doc))
    assert [d.id for d in prov.datasets] == ["imagenet"]
    assert [(u.name, u.reason) for u in prov.unknowns] == [
        (
            "$.metadata.component.modelCard.modelParameters.datasets[2]",
            "dataset reference 'gone' points at no data component",
        )
    ]


def test_reference_licenses_keyed_by_url_in_earlier_boms_still_read() -> None:
    text = (Path(__file__).parent / "golden" / "assessed-1.6.cdx.json").read_text()
    earlier = text.replace('"1|Apache-2.0|', '"https://github.com/example-org/train-tiny|Apache-2.0|')
    assert earlier != text
    licensed = {r.url: [lic.spdx for lic in r.licenses] for r in from_json(earlier).references}
    assert licensed == {
        "https://arxiv.org/abs/2307.09288": [],
        "https://github.com/example-org/train-tiny": ["Apache-2.0"],
        "https://huggingface.co/example-org/tiny-llama-ft": [],
    }
    assert {r.url: [lic.spdx for lic in r.licenses] for r in from_json(text).references} == licensed


def test_a_bom_naming_the_model_as_its_own_ancestor_reads_without_it() -> None:
    doc = model_bom({
        "purl": "pkg:huggingface/Org/Model@abc",
        "pedigree": {"ancestors": [
            {"type": "machine-learning-model", "name": "org/model"},
            {"type": "machine-learning-model", "name": "x", "purl": "pkg:huggingface/org/model@def"},
            {"type": "machine-learning-model", "name": "org/base"},
        ]},
    })
    assert [b.id for b in from_json(json.dumps(doc)).base_models] == ["org/base"]


def test_a_stale_category_in_a_bom_is_judged_the_same_by_score_and_diff() -> None:
    """An older BOM that recorded MIT as non-commercial: reading it applies today's knowledge once,
    so the core profile and the diff against a fresh collection agree that nothing changed."""
    from aibom import api

    fresh = api.collect(str(FIXTURES / "models" / "tiny-llama-ft"))
    doc = json.loads(to_json(fresh, timestamp=TIMESTAMP, serial=None))
    props = model_of(doc)["properties"]
    stale = 0
    for p in props:
        if p["name"] == "aibom:license" and "|permissive|" in p["value"]:
            p["value"] = p["value"].replace("|permissive|", "|non-commercial|")
            stale += 1
    assert stale == 1
    read = from_json(json.dumps(doc))
    assert [lic.category for lic in read.licenses] == [lic.category for lic in fresh.licenses] == ["permissive"]
    assert [c for c in api.compare(read, fresh).changes if c.kind == "license"] == []
    core = {f.requirement: f.status for f in api.assess(read).findings}
    assert core == {f.requirement: f.status for f in api.assess(fresh).findings}
