"""`aibom generate` end to end on the bundled fixture, checked against facts computed here, not by aibom."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from conftest import FIXTURES, files_of, model_of

from aibom.emit.validate import problems

TINY = FIXTURES / "models" / "tiny-llama-ft"


def generate(*args: str, env: dict[str, str] | None = None) -> str:
    import os

    proc = subprocess.run([sys.executable, "-m", "aibom", "generate", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_fixture_bom_is_valid_and_truthful() -> None:
    text = generate(str(TINY), "--repo-id", "aibom-fixtures/tiny-llama-ft", "--revision", "0" * 40)
    assert problems(text) == []
    bom = json.loads(text)
    model = model_of(bom)
    assert model["type"] == "machine-learning-model"
    assert model["purl"] == "pkg:huggingface/aibom-fixtures/tiny-llama-ft@" + "0" * 40
    assert model["version"] == "0" * 40
    # every file is there with the SHA-256 computed here
    files = {c["name"]: c for c in files_of(bom)}
    on_disk = sorted(p.name for p in TINY.iterdir() if p.is_file())
    assert sorted(files) == on_disk
    for name in on_disk:
        digest = hashlib.sha256((TINY / name).read_bytes()).hexdigest()
        assert files[name]["hashes"] == [{"alg": "SHA-256", "content": digest}]
    # the license as an exact SPDX id
    assert [lic["license"]["id"] for lic in model["licenses"]] == ["MIT"]
    # every dataset is a data component, referenced from the modelCard and a dependency edge
    data = {c["bom-ref"]: c for c in bom["components"] if c["type"] == "data"}
    assert sorted(c["name"] for c in data.values()) == ["HuggingFaceH4/ultrachat_200k",
                                                         "databricks/databricks-dolly-15k"]
    refs = ["dataset:" + d["name"] for d in model["modelCard"]["modelParameters"]["datasets"]]
    assert sorted(refs) == sorted(data)
    edges = {d["ref"]: set(d.get("dependsOn", [])) for d in bom["dependencies"]}
    assert set(data) <= edges[model["bom-ref"]]
    # lineage in pedigree, never the model's own identity
    ancestors = model["pedigree"]["ancestors"]
    assert [a["name"] for a in ancestors] == ["TinyLlama/TinyLlama-1.1B-Chat-v1.0"]
    assert ancestors[0]["purl"] == "pkg:huggingface/TinyLlama/TinyLlama-1.1B-Chat-v1.0"
    # task, architecture, metrics and intended use in the modelCard
    params = model["modelCard"]["modelParameters"]
    assert params["task"] == "text-generation"
    assert params["architectureFamily"] == "llama"
    assert params["modelArchitecture"] == "LlamaForCausalLM"
    metrics = model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    assert any(m["type"] == "acc_norm" and m["value"] == "31.2" for m in metrics)
    assert model["modelCard"]["considerations"]["useCases"]


def test_reproducible_output_is_byte_identical_and_honours_source_date_epoch() -> None:
    first = generate(str(TINY), "--reproducible")
    second = generate(str(TINY), "--reproducible")
    assert first == second
    dated = generate(str(TINY), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert dated == generate(str(TINY), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert json.loads(dated)["metadata"]["timestamp"].startswith("2023-11-14T22:13:20")
    assert json.loads(first)["serialNumber"] != json.loads(generate(str(TINY)))["serialNumber"]


def test_spec_version_17_is_declared_and_valid() -> None:
    text = generate(str(TINY), "--spec-version", "1.7", "--reproducible")
    assert json.loads(text)["specVersion"] == "1.7"
    assert problems(text) == []
