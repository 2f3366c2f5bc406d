"""`aibom score` as a user runs it: formats, schema-valid JSON, exit codes under --fail-on.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import MOT, REAL, schema
from test_corpus_score_core import OLMO_DECLARED, tiny_safetensors
from test_score_cli import run, score


def test_mot_file_scores_mof_class_like_the_model_openness_tool() -> None:
    expected = {row["file"]: row for row in csv.DictReader((MOT / "expected_classes.csv").open())}
    proc = run(str(MOT / "models" / "Amber.yml"), "--profile", "mof", "--format", "json", "--fail-on", "unmet")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, schema("score-report"))
    assert doc["mof"]["class"] == int(expected["Amber.yml"]["mof_class"]) == 1
    assert doc["verdict"].startswith("MOF class I reached")


def test_unclassified_mot_file_fails_under_fail_on_and_names_its_blockers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = score(
        capsys, monkeypatch, str(MOT / "models" / "AraGPT2.yml"), "--profile", "mof", "--fail-on", "unmet"
    )
    assert code == 1
    assert "aibom: policy: requirements not met under --fail-on unmet" in err
    assert "MOF class: none" in out
    assert "Model architecture(missing)" in out


def test_a_folder_with_a_real_card_and_its_aibom_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "olmo"
    folder.mkdir()
    (folder / "README.md").write_bytes((REAL / "modelcards" / "allenai__OLMo-2-1124-13B" / "README.md").read_bytes())
    tiny_safetensors(folder / "model.safetensors")
    code, out, err = score(capsys, monkeypatch, str(folder), "--format", "json", "--fail-on", "unknown")
    assert code == 1, err
    doc = json.loads(out)
    jsonschema.validate(doc, schema("score-report"))
    assert {r["id"]: r["status"] for r in doc["requirements"]}["open-data"] == "unknown"

    (folder / "aibom.yaml").write_text(OLMO_DECLARED)
    code, out, err = score(capsys, monkeypatch, str(folder), "--format", "json", "--fail-on", "unknown")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, schema("score-report"))
    assert doc["summary"] == {"met": 4, "unmet": 0, "partial": 0, "unknown": 0, "total": 4}
    assert doc["verdict"] == "Open: all 4 requirements are met."
