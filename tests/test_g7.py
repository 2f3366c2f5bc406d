"""The G7 minimum elements judged from the BOM itself: seven clusters, each element present (met),
missing (unmet, with the field and the fix) or not applicable to a model-only BOM."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import model_of, run_main, schema

from aibom import api
from aibom.score import g7

FIXTURE = "fixtures/models/tiny-llama-ft"


@pytest.fixture(scope="module")
def bom() -> dict:
    return json.loads(api.generate(FIXTURE).text)


def statuses(doc: dict) -> dict[str, str]:
    return {f.requirement: f.status for f in g7.assess(doc, "bom.json").findings}


def test_score_lists_the_seven_clusters_with_a_verdict_per_element(monkeypatch, capsys) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "score", "--profile", "g7", "--format", "json", FIXTURE)
    report = json.loads(out)
    jsonschema.validate(report, schema("score-report"))
    assert code == 0 and report["profile"] == "g7"
    assert [c for c in dict.fromkeys(r["cluster"] for r in report["requirements"])] == list(g7.CLUSTERS.values())
    assert {r["status"] for r in report["requirements"]} <= {"met", "unmet", "not-applicable"}
    for r in report["requirements"]:
        assert r["reason"] and (r["status"] != "met" or r["evidence"]) and (r["status"] != "unmet" or r["fix"])
    assert report["verdict"].startswith("Incomplete: the BOM lacks ")


def test_a_model_only_bom_leaves_system_elements_not_applicable(bom: dict) -> None:
    found = statuses(bom)
    assert all(found[e.id] == "not-applicable" for e in g7.ELEMENTS if e.cluster in ("system", "infrastructure"))
    assert found["md-tool"] == found["md-timestamp"] == found["md-context"] == found["mdl-hash"] == "met"
    assert found["md-signature"] == found["md-author"] == found["sp-vulnerabilities"] == "unmet"


def test_each_element_follows_its_field(bom: dict) -> None:
    doc = copy.deepcopy(bom)
    doc["metadata"]["authors"] = [{"name": "Release Team"}]
    doc["vulnerabilities"] = []
    doc["signature"] = {"algorithm": "ES256", "value": "x"}
    model_of(doc)["externalReferences"].append({"type": "security-contact", "url": "mailto:sec@example.org"})
    after = {f.requirement: f for f in g7.assess(doc, "b.json").findings}
    for rid in ("md-author", "sp-vulnerabilities", "md-signature", "sp-policy"):
        assert after[rid].status == "met" and after[rid].evidence[0].location.startswith("b.json#/"), rid
    assert "0 known vulnerabilities" in after["sp-vulnerabilities"].reason
    del doc["metadata"]["timestamp"]
    doc["metadata"]["properties"] = [{"name": "cdx:reproducible", "value": "true"}]
    stamp = {f.requirement: f for f in g7.assess(doc, "b.json").findings}["md-timestamp"]
    assert stamp.status == "unmet" and "--reproducible" in stamp.reason


def test_a_weight_file_without_a_hash_makes_the_model_hash_missing(bom: dict) -> None:
    doc = copy.deepcopy(bom)
    weights = next(c for c in doc["components"] if c.get("name") == "model.safetensors")
    del weights["hashes"]
    finding = {f.requirement: f for f in g7.assess(doc, "b.json").findings}["mdl-hash"]
    assert finding.status == "unmet" and "model.safetensors" in finding.reason


def test_a_system_bom_is_judged_on_its_system_elements(bom: dict) -> None:
    doc = copy.deepcopy(bom)
    doc["metadata"]["component"] = {"type": "application", "bom-ref": "app", "name": "support-bot", "version": "2.1",
                                    "manufacturer": {"name": "Example Corp"}}
    doc["components"].append({"type": "framework", "bom-ref": "fw", "name": "vllm", "version": "0.9"})
    doc["services"] = [{"bom-ref": "svc", "name": "chat-api", "data": [{"flow": "inbound", "classification": "PII"}]}]
    found = statuses(doc)
    assert found["slp-name"] == found["slp-producer"] == found["slp-version"] == found["slp-dataflow"] == "met"
    assert found["inf-software"] == "met" and found["inf-hardware"] == "unmet"


def test_a_bom_file_is_judged_as_written_and_spdx3_through_its_cyclonedx_form(monkeypatch, capsys,
                                                                              tmp_path: Path, bom: dict) -> None:
    doc = copy.deepcopy(bom)
    doc["metadata"]["authors"] = [{"name": "Release Team"}]  # kept in the file, not in the Provenance
    path = tmp_path / "release.cdx.json"
    path.write_text(json.dumps(doc))
    _, out, _ = run_main(monkeypatch, capsys, "score", "--profile", "g7", "--format", "json", str(path))
    author = next(r for r in json.loads(out)["requirements"] if r["id"] == "md-author")
    assert author["status"] == "met" and author["evidence"][0]["location"] == "release.cdx.json#/metadata/authors"
    spdx = tmp_path / "release.spdx.json"
    spdx.write_text(api.emit(api.collect(FIXTURE), format="spdx3"))
    code, out, _ = run_main(monkeypatch, capsys, "score", "--profile", "g7", "--format", "json", str(spdx))
    assert code == 0 and {r["id"] for r in json.loads(out)["requirements"]} == {e.id for e in g7.ELEMENTS}


def test_fail_on_unmet_fails_an_incomplete_bom(monkeypatch, capsys) -> None:
    code, _, err = run_main(monkeypatch, capsys, "score", "--profile", "g7", "--fail-on", "unmet", FIXTURE)
    assert code == 1 and "md-author" in err


def test_every_element_names_its_field_and_a_fix() -> None:
    assert len({e.id for e in g7.ELEMENTS}) == len(g7.ELEMENTS)
    assert {e.cluster for e in g7.ELEMENTS} == set(g7.CLUSTERS)
    for e in g7.ELEMENTS:
        always_there = e.cluster in ("system", "infrastructure") or e.id in ("md-format", "mdl-name")
        assert e.field and (e.fix or always_there), e.id
