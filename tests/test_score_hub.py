"""Scoring a Hub repo id: dataset licenses come from the dataset cards the (local) Hub serves."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import schema
from hubserver import card, model_files
from test_score_cli import score

T5 = "google-t5/t5-small"
BERT = "google-bert/bert-base-uncased"


def statuses(doc: dict[str, object]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in doc["requirements"]}  # type: ignore[attr-defined]


def test_t5_open_data_follows_what_the_hub_knows_of_c4(
    hub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_model(T5, model_files(T5))
    code, out, err = score(capsys, monkeypatch, T5, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, schema("score-report"))
    assert doc["model"]["repo_id"] == T5 and doc["model"]["purl"].startswith(f"pkg:huggingface/{T5}@")
    assert statuses(doc)["open-data"] == "unknown"  # the Hub does not know c4: its license is unknown
    assert statuses(doc)["permissive-license"] == "met"
    assert statuses(doc)["open-weights"] == "met"

    hub.add_dataset("c4", {"README.md": card("dataset", "c4")})
    code, out, err = score(capsys, monkeypatch, T5, "--format", "json", "--fail-on", "unmet")
    doc = json.loads(out)
    jsonschema.validate(doc, schema("score-report"))
    data = next(r for r in doc["requirements"] if r["id"] == "open-data")
    assert data["status"] == "met"
    assert "dataset c4: ODC-By-1.0" in [e.get("quote") for e in data["evidence"]]
    assert code == 1  # no training code is linked from the t5-small card
    assert statuses(doc)["open-code"] == "unmet"


def test_a_gated_dataset_is_not_open(hub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_model(T5, model_files(T5))
    hub.add_dataset("c4", {"README.md": card("dataset", "c4")}, gated="auto")
    code, out, err = score(capsys, monkeypatch, T5, "--format", "json")
    assert code == 0, err
    data = next(r for r in json.loads(out)["requirements"] if r["id"] == "open-data")
    assert data["status"] == "unmet"
    assert "restricted or gated: c4" in data["reason"]


def test_bert_data_is_partly_open(hub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # wikipedia's card gives cc-by-sa-3.0 and gfdl; bookcorpus's card says "unknown"
    hub.add_model(BERT, model_files(BERT))
    hub.add_dataset("wikipedia", {"README.md": card("dataset", "wikipedia")})
    hub.add_dataset("bookcorpus", {"README.md": card("dataset", "bookcorpus")})
    code, out, err = score(capsys, monkeypatch, BERT, "--format", "markdown")
    assert code == 0, err
    assert "| Open training data (`open-data`) | 🟡 partial | 1 of 2 training datasets are open " in out
