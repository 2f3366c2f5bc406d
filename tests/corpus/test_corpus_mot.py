"""Model Openness Tool YAML files read into the neutral model, and scored through the command line.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from conftest import MOT, REPO, model_of

from aibom.collect.mot import load_mot
from aibom.emit.cyclonedx import to_json
from aibom.emit.validate import problems

MODELS = MOT / "models"


def test_identity_links_and_release_facts() -> None:
    prov = load_mot(MODELS / "Amber.yml")
    assert (prov.name, prov.source, prov.author) == ("Amber", "mot", "LLM360")
    assert prov.identity.location == "Amber.yml#release.name"
    assert (prov.identity.collector, prov.identity.method) == ("mot", "declared")
    assert prov.repo_id == "LLM360/Amber"
    assert prov.purl == "pkg:huggingface/LLM360/Amber"
    assert [(r.purpose, r.url) for r in prov.references if r.comment is None] == [
        ("repository", "https://github.com/LLM360/amber-train"), ("website", "https://huggingface.co/LLM360/Amber")]
    assert [lic.spdx for lic in prov.licenses] == ["Apache-2.0"]
    props = {p.name: p.value for p in prov.properties}
    assert props["aibom:version"] == "7B"
    assert props["aibom:mot:architecture"] == "transformer decoder"
    assert props["aibom:mot:license.distribution"] == "Apache-2.0"


def test_every_component_becomes_one_tagged_fact_with_its_location() -> None:
    prov = load_mot(MODELS / "Amber.yml")
    tagged = [r for r in prov.references if r.comment is not None]
    assert [r.comment for r in tagged] + [d.name for d in prov.datasets] == [  # all but Model metadata
        "Model architecture", "Data preprocessing code", "Training code", "Inference code", "Evaluation code",
        "Supporting libraries and tools", "Model parameters (Final)", "Model parameters (Intermediate)",
        "Sample model outputs", "Model card", "Data card", "Technical report", "Research paper",
        "Evaluation results", "Datasets", "Evaluation data"]
    training = next(r for r in tagged if r.comment == "Training code")
    assert training.purpose == "training-code"
    assert training.evidence.location.startswith("Amber.yml#release.components[")
    assert training.evidence.quote == "Code used for training the model"
    usage = {d.name: d.usage for d in prov.datasets}
    assert usage == {"Datasets": "training", "Evaluation data": "evaluation"}
    assert next(r for r in tagged if r.comment == "Model architecture").purpose == "model-architecture"
    assert next(r for r in tagged if r.comment == "Model parameters (Final)").purpose == "distribution"


def test_licenses_keep_the_text_as_written_and_resolve_it() -> None:
    prov = load_mot(MODELS / "Falcon-180B.yml")
    (distribution,) = prov.licenses
    assert distribution.raw == " Falcon-180B TII License"  # MOT compares exactly: the space is kept
    assert distribution.url == "https://huggingface.co/tiiuae/falcon-180B/blob/main/LICENSE.txt"
    assert distribution.evidence.location == "Falcon-180B.yml#release.license.distribution"
    assert distribution.category != "permissive"
    arch = next(r for r in prov.references if r.comment == "Model architecture")
    assert arch.licenses == (distribution,)  # no own license, no code license: the distribution's
    data = next(d for d in prov.datasets if d.name == "Datasets")
    assert data.url == "https://huggingface.co/datasets/tiiuae/falcon-refinedweb"
    assert [(lic.raw, lic.evidence.location) for lic in data.licenses] == [
        ("ODC-By-1.0", "Falcon-180B.yml#release.components[3].license")]
    evaluation = next(d for d in prov.datasets if d.name == "Evaluation data")
    assert evaluation.licenses == ()  # `unlicensed`


def test_a_path_that_is_no_url_is_not_a_link() -> None:
    prov = load_mot(MODELS / "Amber.yml")
    paper = next(r for r in prov.references if r.comment == "Research paper")
    assert paper.url == ""  # the file says component_path: 'arxiv license'


@pytest.mark.parametrize("name", ["Amber.yml", "Falcon-180B.yml", "Aquila-7B.yml", "BLOOM.yml"])
def test_the_bom_of_a_real_mot_file_is_valid(name: str) -> None:
    prov = load_mot(MODELS / name)
    text = to_json(prov, timestamp=datetime(2025, 1, 1, tzinfo=UTC), serial=None)
    assert problems(text) == []
    bom = json.loads(text)
    assert model_of(bom)["name"] == prov.name
    assert model_of(bom)["type"] == "machine-learning-model"


def aibom(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aibom", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("name", "mof_class"), [("Amber.yml", 1), ("Polyglot-Ko.yml", 2),
                                                ("GPT-NeoX-20B.yml", 3), ("Aquila-7B.yml", 0)])
def test_score_a_mot_file(name: str, mof_class: int) -> None:
    proc = aibom("score", str(MODELS / name), "--profile", "mof", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    schema = json.loads((REPO / "aibom" / "schemas" / "score-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    assert report["profile"] == "mof"
    assert report["mof"]["class"] == mof_class
    assert set(report["mof"]["progress"]) == {"1", "2", "3"}
    assert len(report["requirements"]) >= 14


def test_score_fails_on_unmet_blockers() -> None:
    proc = aibom("score", str(MODELS / "Aquila-7B.yml"), "--profile", "mof", "--fail-on", "unmet")
    assert proc.returncode == 1
    assert "mof-training-code" in proc.stderr


def test_generate_a_bom_from_a_mot_file_and_score_it_back(tmp_path: Path) -> None:
    source = next((MOT / "Test_Data").glob("FullTestFile_*.yml"))
    bom = tmp_path / "bom.json"
    proc = aibom("generate", str(source), "--reproducible", "--score", "mof", "-o", str(bom))
    assert proc.returncode == 0, proc.stderr
    assert problems(bom.read_text(encoding="utf-8")) == []
    proc = aibom("score", str(bom), "--profile", "mof", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["mof"]["class"] == 1
