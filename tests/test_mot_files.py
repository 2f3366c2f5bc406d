"""Model Openness Tool files (tests/mot, written for the project) through generate, validate and score."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import model_of, run_main, schema

from aibom.collect.mot import load_mot
from aibom.emit.validate import problems
from aibom.score.mof import classify

MOT_FILES = Path(__file__).parent / "mot"


def test_an_open_science_release_reaches_class_one(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = MOT_FILES / "open-lab-7b.yml"
    code, out, err = run_main(monkeypatch, capsys, "score", str(path), "--profile", "mof", "--format", "json",
                              "--fail-on", "unmet")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, schema("score-report"))
    assert doc["mof"]["class"] == 1 and doc["verdict"].startswith("MOF class I reached")
    assert classify(load_mot(path)).mof_class == 1
    datasets = next(r for r in doc["requirements"] if r["id"] == "mof-datasets")
    assert datasets["status"] == "met" and "CDLA-Permissive-2.0" in datasets["reason"]


def test_a_weights_only_release_is_unclassified_and_fails_the_gate(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_main(monkeypatch, capsys, "score", str(MOT_FILES / "weights-only-7b.yml"),
                              "--profile", "mof", "--fail-on", "unmet")
    assert code == 1
    assert "aibom: policy: requirements not met under --fail-on unmet" in err
    assert "mof-model-architecture" in err and "mof-model-parameters-final" not in err
    assert "No MOF class reached" in out


def test_a_mot_file_becomes_a_valid_bom_that_scores_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    bom = tmp_path / "open-lab.cdx.json"
    code, _, err = run_main(monkeypatch, capsys, "generate", str(MOT_FILES / "open-lab-7b.yml"), "-o", str(bom))
    assert code == 0, err
    assert problems(bom.read_text()) == []
    model = model_of(json.loads(bom.read_text()))
    assert model["type"] == "machine-learning-model" and model["name"].endswith("open-lab-7b")
    code, out, err = run_main(monkeypatch, capsys, "score", str(bom), "--profile", "mof", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mof"]["class"] == 1
