"""`aibom diff` end to end: the project's fixture models, mutated, turned into BOMs by `aibom generate`.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import REAL, schema
from test_diff_e2e import aibom, copy_fixture, generate

OWASP = REAL / "reference" / "owasp-aibom-generator__cyclonedx-1.6-outputs"






def valid(text: str) -> dict:
    doc = json.loads(text)
    jsonschema.Draft202012Validator(schema("diff")).validate(doc)
    return doc




def test_boms_from_another_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    bert = OWASP / "google-bert_bert-base-uncased_ai_sbom_1_6.json"
    minilm = OWASP / "sentence-transformers_all-MiniLM-L6-v2_ai_sbom_1_6.json"
    code, out, err = aibom(monkeypatch, capsys, "diff", str(bert), str(bert), "--format", "json")
    assert (code, err) == (0, "")
    assert valid(out)["changes"] == []
    code, out, err = aibom(monkeypatch, capsys, "diff", str(bert), str(minilm), "--format", "json")
    assert code == 0, err
    doc = valid(out)
    identity = [c for c in doc["changes"] if c["kind"] == "identity"]
    assert len(identity) == 1
    assert "bert-base-uncased" in identity[0]["old"] and "all-MiniLM-L6-v2" in identity[0]["new"]
    for fmt in ("text", "markdown"):
        assert aibom(monkeypatch, capsys, "diff", str(bert), str(minilm), "--format", fmt)[0] == 0
    ours = generate(copy_fixture("tiny-llama-ft", tmp_path / "tiny-llama-ft"), tmp_path / "ours.json")
    code, out, err = aibom(monkeypatch, capsys, "diff", str(ours), str(bert), "--format", "json",
                           "--fail-on", "weights")
    assert code == 0, err  # the other tool lists no files: unknown, not removed weights
    doc = valid(out)
    assert not [c for c in doc["changes"] if c["kind"].startswith(("file-", "weight"))]
    assert doc["notes"] == ["files not compared: the new side lists none"]
    assert {"identity", "license", "dataset-added", "dataset-removed"} <= {c["kind"] for c in doc["changes"]}
