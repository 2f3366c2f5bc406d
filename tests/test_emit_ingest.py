"""BOMs the ecosystem ingests: the release layout, dependency edges every consumer can walk, UTC
written as Z, reproducible output without time, taxonomy names with plain values, and a real
consumer (lib4sbom, which sbom2doc and sbomaudit read through) seeing the model, its files with their
SHA-256, the datasets and the license."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from builders import make_gguf
from conftest import FIXTURES, files_of, model_of
from lib4sbom.parser import SBOMParser

from aibom import api
from aibom.emit.cyclonedx import to_json
from aibom.emit.reader import from_json
from aibom.emit.validate import problems

TINY = FIXTURES / "models" / "tiny-llama-ft"


def generate(target: Path, **kw: object) -> dict:
    return json.loads(api.generate(str(target), reproducible=True, **kw).text)  # type: ignore[arg-type]


def test_the_model_and_its_files_are_top_level_components_of_one_release() -> None:
    doc = generate(TINY)
    release = doc["metadata"]["component"]
    model = model_of(doc)
    assert release["type"] == "application" and release["bom-ref"] == "release:" + model["bom-ref"]
    assert model["type"] == "machine-learning-model" and "modelCard" in model
    refs = [c["bom-ref"] for c in doc["components"]]
    assert len(refs) == len(set(refs)) and release["bom-ref"] not in refs  # one identity per thing
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in TINY.iterdir() if p.is_file()}
    assert {f["name"]: f["hashes"][0]["content"] for f in files_of(doc)} == on_disk
    assert all("dependsOn" in d for d in doc["dependencies"])  # a leaf has an empty list, never none
    assert doc["metadata"]["lifecycles"] == [{"phase": "post-build"}]


def test_reproducible_output_has_no_time_and_says_so_and_a_time_is_utc_with_z() -> None:
    doc = generate(TINY, score="core")
    assert "timestamp" not in doc["metadata"]
    assert doc["metadata"]["properties"] == [{"name": "cdx:reproducible", "value": "true"}]
    assert "created" not in json.dumps(doc["declarations"])
    prov = api.collect(str(TINY))
    text = to_json(prov.with_changes(assessments=(api.assess(prov),)), serial=None,
                   timestamp=datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    timed = json.loads(text)
    assert timed["metadata"]["timestamp"] == "2026-12-02T10:00:00Z" and "properties" not in timed["metadata"]
    assert {e["created"] for e in timed["declarations"]["evidence"]} == {"2026-12-02T10:00:00Z"}
    assert "+00:00" not in text and problems(text) == []


def test_taxonomy_names_carry_plain_values_and_read_back(tmp_path: Path) -> None:
    template = "{% for m in messages %}{{ m['content'] }}|{% endfor %}"
    root = tmp_path / "acme"
    root.mkdir()
    (root / "README.md").write_text("---\nlicense: mit\nlanguage: [en, fr]\n---\n# acme-7b\n\nText.\n")
    make_gguf(root / "acme.Q4_K_M.gguf", file_type=15, chat_template=template)
    doc = generate(root)
    (gguf,) = [f for f in files_of(doc) if f["name"].endswith(".gguf")]
    props = {p["name"]: p["value"] for p in gguf["properties"]}
    assert props["cdx:ai-ml:model:hyperparameter:quantization"] == "Q4_K_M"
    assert props["cdx:ai-ml:model:hyperparameter:context_length"] == "4096"
    assert props["cdx:ai-ml:tokenizer:hyperparameter:chat_template"] == template  # readable, not %-packed
    card = {p["name"]: p["value"] for p in model_of(doc)["modelCard"]["properties"]}
    assert card["cdx:ai-ml:model:language"] == "en,fr"
    assert card["cdx:ai-ml:model:parameter:count"] == "17"
    # every cdx: name aibom writes is one the taxonomy registers
    assert {name for name in _property_names(doc) if name.startswith("cdx:")} <= TAXONOMY
    back = from_json(json.dumps(doc))
    meta = dict(next(f for f in back.files if f.path.endswith(".gguf")).weights.metadata)  # type: ignore[union-attr]
    assert (meta["gguf.quantization"], meta["chat_template"]) == ("Q4_K_M", template)
    assert back.card.languages == ("en", "fr")


TAXONOMY = {
    "cdx:reproducible", "cdx:ai-ml:model:language", "cdx:ai-ml:model:parameter:count",
    "cdx:ai-ml:model:parameter:tune_method",
    "cdx:ai-ml:model:hyperparameter:quantization", "cdx:ai-ml:model:hyperparameter:context_length",
    "cdx:ai-ml:tokenizer:hyperparameter:chat_template",
}
"""Names from the CycloneDX property taxonomy (cdx.md, cdx/ai-ml.md) that aibom writes."""


def _property_names(node: object) -> set[str]:
    if isinstance(node, dict):
        own = {p["name"] for p in node.get("properties", []) if isinstance(p, dict) and "name" in p}
        return own.union(*(_property_names(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_property_names(v) for v in node))
    return set()


def test_a_bom_with_the_taxonomys_old_language_name_is_still_read() -> None:
    doc = generate(TINY)
    card = model_of(doc).setdefault("modelCard", {})
    card["properties"] = [{"name": "cdx:ai-ml:model:languages", "value": "de,nl"}]
    assert from_json(json.dumps(doc)).card.languages == ("de", "nl")


def test_lib4sbom_sees_the_model_every_file_with_its_hash_the_datasets_and_the_license(tmp_path: Path) -> None:
    path = tmp_path / "tiny.cdx.json"  # lib4sbom picks its parser by the file name
    path.write_text(api.generate(str(TINY), reproducible=True).text)
    parser = SBOMParser()
    parser.parse_file(str(path))
    packages = {p["name"]: p for p in parser.get_packages()}
    model = packages["tiny-llama-ft"]
    assert model["type"] == "MACHINE-LEARNING-MODEL" and model["licensedeclared"] == "MIT"
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in TINY.iterdir() if p.is_file()}
    seen = {n: p["checksum"][0][1] for n, p in packages.items() if p["type"] == "FILE"}
    assert seen == on_disk
    assert {n for n, p in packages.items() if p["type"] == "DATA"} == {
        "HuggingFaceH4/ultrachat_200k", "databricks/databricks-dolly-15k"}
    edges = {(r["source"], r["target"]) for r in parser.get_relationships()}
    assert {("tiny-llama-ft", name) for name in on_disk} <= edges


def test_the_hub_org_supplies_and_makes_the_model_and_a_datasets_org_supplies_it() -> None:
    prov = api.collect(str(TINY)).with_changes(repo_id="example-org/tiny-llama-ft")
    doc = json.loads(to_json(prov, timestamp=None, serial=None))
    model = model_of(doc)
    assert model["supplier"] == model["manufacturer"] == {"name": "example-org"}
    assert doc["metadata"]["component"]["supplier"] == {"name": "example-org"}
    data = {c["name"]: c for c in doc["components"] if c["type"] == "data"}
    assert data["databricks/databricks-dolly-15k"]["supplier"] == {"name": "databricks"}


def test_other_tools_boms_are_read_a_weight_file_as_model_and_a_duplicate_ref_with_a_note(tmp_path: Path) -> None:
    import subprocess
    import sys

    sha = "ab" * 32
    aisbom_like = {  # aisbom-cli's shape: each model file a top-level machine-learning-model component
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"tools": {"components": [{"type": "application", "name": "aisbom-cli"}]}},
        "components": [{"type": "machine-learning-model", "bom-ref": "m1", "name": "model.safetensors",
                        "hashes": [{"alg": "SHA-256", "content": sha}],
                        "licenses": [{"license": {"id": "Apache-2.0"}}]}],
    }
    prov = from_json(json.dumps(aisbom_like))
    assert [(f.path, f.role, f.sha256) for f in prov.files] == [("model.safetensors", "weights", sha)]
    weights = next(f for f in api.assess(prov).findings if f.requirement == "open-weights")
    assert "No weight files" not in weights.reason
    doc = generate(TINY)
    doc["metadata"]["tools"]["components"][0]["name"] = "cdxgen"
    doc["components"][1]["bom-ref"] = doc["components"][0]["bom-ref"]
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(doc))
    run = subprocess.run([sys.executable, "-m", "aibom", "score", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"Note: the BOM: bom-ref {doc['components'][0]['bom-ref']!r} names 2 components" in run.stdout


def test_mof_classes_are_the_standards_levels_each_with_its_cumulative_requirements() -> None:
    doc = generate(TINY, score="mof")
    (standard,) = doc["definitions"]["standards"]
    levels = {lv["identifier"]: lv for lv in standard["levels"]}
    assert [levels[k]["title"] for k in ("class-III", "class-II", "class-I")] == [
        "Class III - Open Model", "Class II - Open Tooling Model", "Class I - Open Science Model"]
    refs = {r["bom-ref"] for r in standard["requirements"]}
    iii, ii, i = (set(levels[k]["requirements"]) for k in ("class-III", "class-II", "class-I"))
    assert iii < ii < i <= refs
    assert "requirement:mof:mof-model-parameters-final" in iii
    assert "requirement:mof:mof-training-code" in ii - iii
    assert "requirement:mof:mof-research-paper" in i - ii


def test_an_adapter_says_its_tune_method_and_a_fine_tune_claims_none(tmp_path: Path) -> None:
    root = tmp_path / "acme-lora"
    root.mkdir()
    (root / "README.md").write_text("---\nlicense: mit\nbase_model: acme/base-7b\n---\n# acme-7b-lora\n\nText.\n")
    (root / "adapter_config.json").write_text('{"peft_type": "LORA"}')
    card = {p["name"]: p["value"] for p in model_of(generate(root)).get("modelCard", {}).get("properties", [])}
    assert card["cdx:ai-ml:model:parameter:tune_method"] == "adapter"
    (root / "adapter_config.json").unlink()
    card = {p["name"]: p["value"] for p in model_of(generate(root)).get("modelCard", {}).get("properties", [])}
    assert "cdx:ai-ml:model:parameter:tune_method" not in card  # how it was tuned is not known
