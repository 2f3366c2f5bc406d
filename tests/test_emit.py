"""Provenance -> CycloneDX: golden files (validated first), the mapping at JSON paths, determinism."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import files_of, model_of
from emit_cases import CARD, CASES, TIMESTAMP, assessed, fine_tune, llama_license, sharded, unknown_license

from aibom import model as m
from aibom.emit.cyclonedx import from_json, to_json
from aibom.emit.validate import problems
from aibom.errors import InputError
from aibom.identity import hf_purl

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("AIBOM_REGEN_GOLDEN") == "1"


def emit(prov: m.Provenance, version: str = "1.6") -> dict[str, Any]:
    text = to_json(prov, spec_version=version, timestamp=TIMESTAMP, serial=None)
    assert problems(text) == []
    return json.loads(text)


def components(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in doc.get("components", [])}


def props(obj: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in obj.get("properties", []) if p["name"] == name]


@pytest.mark.parametrize("version", ["1.6", "1.7"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, version: str) -> None:
    text = to_json(CASES[case](), spec_version=version, timestamp=TIMESTAMP, serial=None)
    assert problems(text) == []
    golden = GOLDEN / f"{case}-{version}.cdx.json"
    if REGEN:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("version", ["1.6", "1.7"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_reads_back_losslessly(case: str, version: str) -> None:
    text = to_json(CASES[case](), spec_version=version, timestamp=TIMESTAMP, serial=None)
    assert to_json(from_json(text), spec_version=version, timestamp=TIMESTAMP, serial=None) == text


def test_read_back_restores_the_facts_score_and_diff_use() -> None:
    original = assessed()
    back = from_json(to_json(original, timestamp=TIMESTAMP, serial=None))
    assert back.purl == original.purl and back.revision == original.revision and back.repo_id == original.repo_id
    assert back.licenses == original.licenses
    assert {d.id: d for d in back.datasets} == {d.id: d for d in original.datasets}
    assert back.base_models == original.base_models
    assert sorted(back.files, key=lambda f: f.path) == sorted(original.files, key=lambda f: f.path)
    assert back.card.metrics == original.card.metrics
    assert sorted(back.card.considerations, key=repr) == sorted(original.card.considerations, key=repr)
    assert back.parameters == original.parameters
    assert back.unknowns == original.unknowns
    assert back.assessments == original.assessments
    assert back.identity == original.identity


def test_model_identity_and_purl() -> None:
    model = model_of(emit(fine_tune()))
    assert model["type"] == "machine-learning-model"
    assert model["purl"] == "pkg:huggingface/example-org/tiny-llama-ft@0123456789abcdef0123456789abcdef01234567"
    assert model["bom-ref"] == model["purl"]
    assert model["version"] == "0123456789abcdef0123456789abcdef01234567"
    assert model["authors"] == [{"name": "example-org"}]


def test_model_without_purl_gets_a_stable_local_ref() -> None:
    assert model_of(emit(sharded()))["bom-ref"] == "model:sharded-bert"


def test_every_dataset_is_a_data_component_referenced_from_the_model_card() -> None:
    doc = emit(fine_tune())
    model = model_of(doc)
    # listed inline (lib4sbom reads no reference there), named as their data components
    listed = model["modelCard"]["modelParameters"]["datasets"]
    assert [(d["type"], d["name"], d["classification"]) for d in listed] == [
        ("dataset", "allenai/c4", "public"), ("dataset", "HuggingFaceH4/ultrachat_200k", "public"),
        ("dataset", "gsm8k", "not stated")]
    refs = ["dataset:" + d["name"] for d in listed]
    comps = components(doc)
    for ref in refs:
        assert comps[ref]["type"] == "data"
        assert comps[ref]["data"][0]["type"] == "dataset"
    assert comps["dataset:allenai/c4"]["data"][0]["name"] == "C4"
    assert comps["dataset:allenai/c4"]["data"][0]["contents"]["url"] == "https://huggingface.co/datasets/allenai/c4"
    assert comps["dataset:allenai/c4"]["licenses"] == [{"license": {"id": "ODC-By-1.0"}}]
    assert "licenses" not in comps["dataset:gsm8k"]
    assert props(comps["dataset:gsm8k"], "aibom:dataset:usage") == ["evaluation"]
    edges = {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
    # the model depends on its datasets and its files; the release on the model; leaves on nothing
    assert edges[model["bom-ref"]] == sorted([*refs, *(f["bom-ref"] for f in files_of(doc))])
    assert edges[doc["metadata"]["component"]["bom-ref"]] == [model["bom-ref"]]
    assert all(edges[f["bom-ref"]] == [] for f in files_of(doc))
    assert len(edges) == len(doc["components"]) + 1


def test_base_model_is_an_ancestor_never_the_identity() -> None:
    model = model_of(emit(fine_tune()))
    ancestor = model["pedigree"]["ancestors"][0]
    assert ancestor["name"] == "meta-llama/Llama-2-7b-hf"
    assert ancestor["type"] == "machine-learning-model"
    assert ancestor["purl"] == "pkg:huggingface/meta-llama/Llama-2-7b-hf"
    assert props(ancestor, "aibom:lineage:relation") == ["fine-tune"]
    assert ancestor["licenses"] == [
        {
            "license": {
                "name": "Llama 2 Community License Agreement",
                "url": "https://ai.meta.com/llama/license/",
            }
        }
    ]
    assert "fine-tuned from meta-llama/Llama-2-7b-hf" in model["pedigree"]["notes"]
    assert model["name"] == "tiny-llama-ft" and model["purl"] != ancestor["purl"]


def test_license_ids_are_spdx_case_exact() -> None:
    lower = m.License("apache-2.0", CARD, spdx="apache-2.0", category="permissive")
    doc = emit(unknown_license().with_changes(licenses=(lower,)))
    assert model_of(doc)["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    assert 'apache-2.0"' not in json.dumps(model_of(doc)["licenses"])


def test_unknown_license_is_never_an_id() -> None:
    doc = emit(unknown_license())
    model = model_of(doc)
    assert "licenses" not in model
    assert props(model, "aibom:unknown") == ["model|license|the card says 'other' and names no license"]
    assert '"id": "unknown"' not in json.dumps(doc) and '"id": "other"' not in json.dumps(doc)


def test_named_license_with_url() -> None:
    model = model_of(emit(llama_license()))
    assert model["licenses"] == [
        {
            "license": {
                "name": "Llama 2 Community License Agreement",
                "url": "https://ai.meta.com/llama/license/",
            }
        }
    ]
    assert props(model, "aibom:gated") == ["true"]


def test_expression_alone_and_mixed_with_ids() -> None:
    expr = m.License("mit OR apache-2.0", CARD, spdx="MIT OR Apache-2.0", category="permissive")
    mit = m.License("mit", CARD, spdx="MIT", category="permissive")
    alone = model_of(emit(unknown_license().with_changes(licenses=(expr,))))["licenses"]
    assert alone == [{"expression": "MIT OR Apache-2.0"}]
    # several licenses that all have SPDX ids are one expression: every one of them applies
    mixed = model_of(emit(unknown_license().with_changes(licenses=(expr, mit)), "1.7"))["licenses"]
    assert mixed == [{"expression": "(MIT OR Apache-2.0) AND MIT"}]
    named = m.License("other", CARD, name="Acme Model License")
    listed = model_of(emit(unknown_license().with_changes(licenses=(expr, named))))["licenses"]
    assert sorted(json.dumps(x, sort_keys=True) for x in listed) == [
        '{"license": {"name": "Acme Model License"}}',
        '{"license": {"name": "MIT OR Apache-2.0"}}',
    ]


def test_files_are_nested_file_components_with_sha256() -> None:
    doc = emit(sharded())
    model = model_of(doc)
    files = {c["name"]: c for c in files_of(doc)}
    assert [c["name"] for c in doc["components"] if c["type"] == "file"] == sorted(files)
    shard = files["model-00001-of-00002.safetensors"]
    assert shard["type"] == "file" and shard["bom-ref"] == "file:model-00001-of-00002.safetensors"
    assert shard["hashes"] == [{"alg": "SHA-256", "content": "5" * 64}]
    assert props(shard, "aibom:file:role") == ["weights"]
    assert props(shard, "aibom:file:size") == ["500001"]
    assert props(shard, "aibom:weights:parameters:BF16") == ["4096"]
    assert props(shard, "aibom:weights:parameters:F32") == ["70000"]
    pickle = files["training_args.bin"]
    assert "hashes" not in pickle
    assert props(pickle, "aibom:risk") == ["pickle imports os.system"]
    assert props(model, "aibom:parameters:total") == ["134096"]


@pytest.mark.parametrize(
    ("count", "human"),
    [
        (17, "17"),
        (134_096, "134K"),
        (1_100_048_384, "1.1B"),
        (8_030_261_248, "8.03B"),
        (70_553_706_496, "70.6B"),
        (1_000_000_000_000, "1T"),
    ],
)
def test_parameter_count_uses_the_taxonomy_form(count: int, human: str) -> None:
    prov = sharded().with_changes(parameters=m.Fact(count, CARD))
    model = model_of(emit(prov))
    assert props(model["modelCard"], "cdx:ai-ml:model:parameter:count") == [human]
    assert props(model, "aibom:parameters:total") == [str(count)]


def test_model_card_parameters_metrics_and_considerations() -> None:
    card = model_of(emit(fine_tune()))["modelCard"]
    assert card["modelParameters"]["task"] == "text-generation"
    assert card["modelParameters"]["architectureFamily"] == "llama"
    assert card["modelParameters"]["modelArchitecture"] == "LlamaForCausalLM"
    assert card["quantitativeAnalysis"]["performanceMetrics"][0] == {
        "type": "accuracy",
        "value": "0.412",
        "slice": "gsm8k (test)",
    }
    cons = card["considerations"]
    assert cons["useCases"] == ["Chat assistants for English and French."]
    assert cons["technicalLimitations"] == [
        "Hallucinates facts; not for medical advice.",
        "Context limited to 4096 tokens.",
    ]
    assert cons["ethicalConsiderations"] == [{"name": "May reproduce biases present in web text."}]
    assert cons["environmentalConsiderations"]["properties"] == [
        {"name": "aibom:consideration:environmental", "value": "About 120 kg CO2eq."}
    ]
    assert props(card, "aibom:consideration:hyperparameters") == ["learning_rate: 2e-4 | batch_size: 64"]
    assert props(card, "aibom:consideration:hardware") == ["8x A100 80GB"]
    assert props(card, "cdx:ai-ml:model:language") == ["en,fr"]


def test_references_map_to_external_reference_types() -> None:
    refs = model_of(emit(fine_tune()))["externalReferences"]
    by_url = {r["url"]: r for r in refs}
    assert by_url["https://github.com/example-org/train-tiny"]["type"] == "vcs"
    assert by_url["https://github.com/example-org/train-tiny"]["comment"].startswith("training-code @ 9f8e7d6c")
    assert by_url["https://arxiv.org/abs/2307.09288"] == {
        "type": "documentation",
        "url": "https://arxiv.org/abs/2307.09288",
        "comment": "research-paper: Llama 2 paper",
    }
    assert by_url["https://huggingface.co/example-org/tiny-llama-ft"]["type"] == "model-card"


def test_assessment_becomes_standard_and_declarations() -> None:
    doc = emit(assessed())
    standard = doc["definitions"]["standards"][0]
    assert standard["name"] == "core"
    assert {r["identifier"] for r in standard["requirements"]} == {
        "open-code",
        "open-weights",
        "open-data",
        "permissive-license",
    }
    decl = doc["declarations"]
    attestation = decl["attestations"][0]
    assert attestation["assessor"] == decl["assessors"][0]["bom-ref"]
    scores = {e["requirement"]: e.get("conformance", {}).get("score") for e in attestation["map"]}
    assert scores == {
        "requirement:core:open-code": 1,
        "requirement:core:open-weights": 1,
        "requirement:core:open-data": 0.5,
        "requirement:core:permissive-license": None,
    }
    claims = {c["bom-ref"]: c for c in decl["claims"]}
    assert claims["claim:core:open-data"]["predicate"] == "open-data: partial"
    assert all(c["target"] == model_of(doc)["bom-ref"] for c in claims.values())
    evidence = {e["bom-ref"]: e for e in decl["evidence"]}
    assert evidence["evidence:core:open-weights:0"]["data"][0]["name"] == "computed|local|model.safetensors"


def test_spec_version_1_7_is_declared_and_other_versions_refused() -> None:
    doc = emit(fine_tune(), "1.7")
    assert doc["specVersion"] == "1.7"
    assert doc["$schema"].endswith("bom-1.7.schema.json")
    paper = [r for r in model_of(doc)["externalReferences"] if "arxiv" in r["url"]]
    assert paper[0]["type"] == "citation"  # 1.6 has no citation type: documentation there
    with pytest.raises(InputError, match=r"1\.5"):
        to_json(fine_tune(), spec_version="1.5", timestamp=TIMESTAMP, serial=None)


def test_serial_derives_from_content_and_honours_an_explicit_one() -> None:
    a = to_json(fine_tune(), timestamp=TIMESTAMP, serial=None)
    assert a == to_json(fine_tune(), timestamp=TIMESTAMP, serial=None)
    b = to_json(fine_tune().with_changes(description="another text"), timestamp=TIMESTAMP, serial=None)
    c = to_json(fine_tune(), timestamp=TIMESTAMP + timedelta(seconds=1), serial=None)
    serials = {json.loads(x)["serialNumber"] for x in (a, b, c)}
    assert len(serials) == 3
    explicit = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    assert json.loads(to_json(fine_tune(), timestamp=TIMESTAMP, serial=explicit))["serialNumber"] == explicit
    with pytest.raises(InputError):
        to_json(fine_tune(), timestamp=TIMESTAMP, serial="not-a-uuid")


def test_input_order_of_files_does_not_change_the_output() -> None:
    prov = sharded()
    shuffled = prov.with_changes(files=tuple(reversed(prov.files)))
    assert to_json(prov, timestamp=TIMESTAMP, serial=None) == to_json(shuffled, timestamp=TIMESTAMP, serial=None)


def test_pretty_printed_with_a_trailing_newline() -> None:
    text = to_json(fine_tune(), timestamp=TIMESTAMP, serial=None)
    assert text.endswith("}\n") and text.startswith('{\n  "$schema"')
    assert list(json.loads(text))[:5] == ["$schema", "bomFormat", "specVersion", "serialNumber", "version"]


def test_synthetic_dataset_depends_on_its_generator() -> None:
    synthetic = m.Dataset(
        "example-org/synthetic-skills",
        CARD,
        usage="fine-tuning",
        generator="mistralai/Mixtral-8x7B-Instruct-v0.1",
        seed_source="https://github.com/instructlab/taxonomy",
    )
    prov = fine_tune().with_changes(datasets=(synthetic,))
    doc = emit(prov)
    edges = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert edges["dataset:example-org/synthetic-skills"] == ["generator:mistralai/Mixtral-8x7B-Instruct-v0.1"]
    generator = components(doc)["generator:mistralai/Mixtral-8x7B-Instruct-v0.1"]
    assert generator["type"] == "machine-learning-model"
    assert props(components(doc)["dataset:example-org/synthetic-skills"], "aibom:dataset:seed-source") == [
        "https://github.com/instructlab/taxonomy"
    ]
    back = from_json(json.dumps(doc))
    assert back.datasets == (synthetic,)
    assert back.unknowns == prov.unknowns


@pytest.mark.parametrize(
    ("spdx", "expected"),
    [
        ("mit OR apache-2.0", {"expression": "MIT OR Apache-2.0"}),
        ("apache-2.0 WITH llvm-exception", {"expression": "Apache-2.0 WITH LLVM-exception"}),
        ("MIT OR LicenseRef-llama2", {"expression": "MIT OR LicenseRef-llama2"}),
        ("gpl-3.0-only", {"license": {"id": "GPL-3.0-only"}}),
        ("LicenseRef-gemma", {"license": {"name": "LicenseRef-gemma"}}),
    ],
)
def test_spdx_values_are_emitted_case_exact(spdx: str, expected: dict[str, Any]) -> None:
    lic = m.License(spdx, CARD, spdx=spdx)
    assert model_of(emit(unknown_license().with_changes(licenses=(lic,))))["licenses"] == [expected]


def test_odd_urls_and_purls_from_cards_still_give_a_valid_bom() -> None:
    odd = fine_tune().with_changes(
        datasets=(m.Dataset("my data", CARD, url="https://huggingface.co/datasets/my data"),),
        references=(m.Reference("https://example.org/100%", "research-paper", CARD),),
        base_models=(m.BaseModel("some base", "fine-tune", CARD, purl="pkg:"),),
        licenses=(m.License("other", CARD, name="Custom", url="https://x.org/terms|v2"),),
    )
    for version in ("1.6", "1.7"):
        doc = emit(odd, version)  # validated inside
        data = components(doc)["dataset:my data"]
        assert data["data"][0]["contents"]["url"] == "https://huggingface.co/datasets/my%20data"
        model = model_of(doc)
        assert model["externalReferences"][0]["url"] == "https://example.org/100%25"
        assert "purl" not in model["pedigree"]["ancestors"][0]
        text = to_json(odd, spec_version=version, timestamp=TIMESTAMP, serial=None)
        assert to_json(from_json(text), spec_version=version, timestamp=TIMESTAMP, serial=None) == text


def test_a_model_is_never_its_own_ancestor() -> None:
    prov = fine_tune()
    itself = m.BaseModel("Example-Org/Tiny-Llama-FT", "fine-tune", CARD)
    by_purl = m.BaseModel("x", "quantized", CARD, purl=hf_purl("example-org/tiny-llama-ft", "abc"))
    doc = emit(prov.with_changes(base_models=(*prov.base_models, itself, by_purl)))
    ancestors = model_of(doc)["pedigree"]["ancestors"]
    assert [a["name"] for a in ancestors] == ["meta-llama/Llama-2-7b-hf"]


@pytest.mark.slow
def test_many_files_emit_and_validate_in_linear_time() -> None:
    files = tuple(m.FileEntry(f"part/{i:05d}.bin", i, f"{i:064x}", "other", CARD) for i in range(20_000))
    start = time.monotonic()
    text = to_json(fine_tune().with_changes(files=files[::-1]), timestamp=TIMESTAMP, serial=None)
    assert problems(text) == []
    assert time.monotonic() - start < 20  # the library's sorted sets took 27 s for 10,000 files, minutes here
    doc = json.loads(text)
    assert [c["name"] for c in files_of(doc)] == [f.path for f in files]
    assert files_of(doc)[7] == {
        "bom-ref": "file:part/00007.bin",
        "hashes": [{"alg": "SHA-256", "content": f"{7:064x}"}],
        "name": "part/00007.bin",
        "properties": [
            {"name": "aibom:evidence", "value": "declared|local|README.md#front-matter"},
            {"name": "aibom:file:role", "value": "other"},
            {"name": "aibom:file:size", "value": "7"},
        ],
        "type": "file",
    }


def test_a_repeated_file_entry_is_written_once() -> None:
    prov = sharded()
    doc = emit(prov.with_changes(files=prov.files + prov.files[:1]))
    assert [c["name"] for c in files_of(doc)] == sorted(f.path for f in prov.files)
