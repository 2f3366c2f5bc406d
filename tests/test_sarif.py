"""SARIF 2.1.0 from score and diff: valid against the OASIS schema, stable rule ids, levels by status
and severity, and locations code scanning can place (a card line, a weight file, or the BOM given)."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path
from urllib.parse import urljoin

import jsonschema
from conftest import FIXTURES, run_main

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
TINY = FIXTURES / "models" / "tiny-llama-ft"


def valid(text: str) -> dict:
    log = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return log


def results(log: dict) -> dict[str, dict]:
    return {r["ruleId"]: r for r in log["runs"][0]["results"]}


def copy_model(tmp_path: Path, name: str = "m") -> Path:
    root = tmp_path / name
    shutil.copytree(TINY, root)
    return root


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return print, ("never",)


def test_score_sarif_is_valid_and_points_at_the_card_line(monkeypatch, capsys) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "score", str(TINY), "--format", "sarif")
    log = valid(out)
    run = log["runs"][0]
    found = results(log)
    assert code == 0 and run["tool"]["driver"]["name"] == "aibom"
    bases = run["originalUriBaseIds"]  # MODELROOT relative to the checkout, SRCROOT: code scanning's paths
    assert bases["MODELROOT"] == {"uri": "fixtures/models/tiny-llama-ft/", "uriBaseId": "SRCROOT"}
    assert urljoin(bases["SRCROOT"]["uri"], bases["MODELROOT"]["uri"]) == TINY.resolve().as_uri() + "/"
    code_result = found["aibom/core/open-code"]
    assert code_result["level"] == "note" and "README.md#L67" in code_result["message"]["text"]
    place = code_result["locations"][0]["physicalLocation"]
    assert place == {"artifactLocation": {"uri": "README.md", "uriBaseId": "MODELROOT"}, "region": {"startLine": 67}}
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    assert "aibom/core/open-weights" not in found  # met: not a result


def test_fail_on_unknown_raises_unknowns_to_warnings_and_still_writes_the_log(monkeypatch, capsys, tmp_path) -> None:
    out = tmp_path / "aibom.sarif"
    code, _, err = run_main(monkeypatch, capsys, "score", str(TINY), "--format", "sarif", "--fail-on", "unknown",
                            "-o", str(out))
    assert code == 1 and "open-code" in err
    assert results(valid(out.read_text()))["aibom/core/open-code"]["level"] == "warning"


def test_an_unmet_requirement_is_an_error_and_a_pickle_risk_points_at_its_file(monkeypatch, capsys,
                                                                            tmp_path: Path) -> None:
    root = copy_model(tmp_path)
    card = (root / "README.md").read_text()
    (root / "README.md").write_text(card.replace("license: mit", "license: cc-by-nc-4.0", 1))
    (root / "extra.pkl").write_bytes(pickle.dumps(_Payload(), protocol=4))
    _, out, _ = run_main(monkeypatch, capsys, "score", str(root), "--format", "sarif")
    found = results(valid(out))
    license_result = found["aibom/core/permissive-license"]
    assert license_result["level"] == "error" and "CC-BY-NC-4.0" in license_result["message"]["text"]
    assert license_result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}  # the front matter
    risk = found["aibom/weights/pickle-dangerous-import"]
    assert risk["level"] == "error" and "builtins.print" in risk["message"]["text"]
    assert risk["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "extra.pkl",
                                                                           "uriBaseId": "MODELROOT"}


def test_a_bom_input_makes_the_bom_the_artifact_and_keeps_the_evidence_in_the_message(monkeypatch, capsys,
                                                                                    tmp_path: Path) -> None:
    bom = tmp_path / "release.cdx.json"
    run_main(monkeypatch, capsys, "generate", str(TINY), "-o", str(bom))
    _, out, _ = run_main(monkeypatch, capsys, "score", str(bom), "--format", "sarif", "--profile", "g7")
    log = valid(out)
    assert "originalUriBaseIds" not in log["runs"][0]
    for result in log["runs"][0]["results"]:
        assert result["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "release.cdx.json"}}}]
    assert results(log)["aibom/g7/md-author"]["level"] == "error"


def test_diff_sarif_makes_a_license_turned_non_commercial_an_error(monkeypatch, capsys, tmp_path: Path) -> None:
    old = copy_model(tmp_path, "old")
    new = copy_model(tmp_path, "new")
    card = (new / "README.md").read_text()
    (new / "README.md").write_text(card.replace("license: mit", "license: cc-by-nc-4.0", 1))
    (new / "tokenizer.json").write_text("{}")
    code, out, _ = run_main(monkeypatch, capsys, "diff", str(old), str(new), "--format", "sarif")
    found = results(valid(out))
    license_rule = next(rid for rid in found if rid.startswith("aibom/diff/license"))
    assert code == 0 and found[license_rule]["level"] == "error" and "CC-BY-NC-4.0" in \
        found[license_rule]["message"]["text"]
    levels = {r["level"] for r in found.values()}
    assert levels <= {"error", "warning"}


def test_partial_is_a_warning_and_a_hub_url_falls_back_to_the_card() -> None:
    from aibom.render.sarif import Root, score_log

    report = {"profile": "osaid", "requirements": [
        {"id": "data-information", "title": "Data information", "status": "partial", "reason": "Some.",
         "fix": "More.", "evidence": [{"location": "README.md#L3"}]},
        {"id": "weights", "title": "Weights", "status": "unknown", "reason": "Hub.", "fix": "Look.",
         "evidence": [{"location": "https://huggingface.co/api/models/o/n#L9"}]}]}
    found = results(valid(score_log(report, [], Root(frozenset({"README.md", "config.json"}), "file:///m/"))))
    assert found["aibom/osaid/data-information"]["level"] == "warning"
    assert found["aibom/osaid/data-information"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    hub = found["aibom/osaid/weights"]["locations"][0]["physicalLocation"]
    assert hub == {"artifactLocation": {"uri": "README.md", "uriBaseId": "MODELROOT"}}  # no line of a URL


def test_a_hub_model_points_at_its_pages_on_the_hub(hub, monkeypatch, capsys) -> None:
    from hubserver import model_files

    hub.add_model("google-bert/bert-base-uncased", model_files("google-bert/bert-base-uncased"))
    code, out, _ = run_main(monkeypatch, capsys, "score", "google-bert/bert-base-uncased", "--format", "sarif")
    run = valid(out)["runs"][0]
    base = run["originalUriBaseIds"]["MODELROOT"]["uri"]
    assert code == 0 and base.startswith(f"{hub.url}/google-bert/bert-base-uncased/blob/")
