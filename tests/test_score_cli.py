"""`aibom score` as a user runs it: formats, schema-valid JSON, exit codes under --fail-on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, run_main, schema

from aibom.collect import dispatch
from aibom.collect.options import CollectOptions
from aibom.emit.cyclonedx import to_json
from aibom.model import Assessment
from aibom.score.profiles import evaluate

CLOSED = """\
model: {name: closed-llm, author: Example Corp, license: proprietary, access: api-only}
weights: {available: false}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aibom", "score", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def score(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Run `aibom score ARGS` in this process (as `main` does): exit code, stdout, stderr."""
    return run_main(monkeypatch, capsys, "score", *args)


def closed(tmp_path: Path) -> Path:
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED)
    return path


def test_closed_model_json_validates_and_fails_under_fail_on_unmet(tmp_path: Path) -> None:
    proc = run(str(closed(tmp_path)), "--format", "json", "--fail-on", "unmet")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "open-code, open-weights, open-data, permissive-license" in proc.stderr
    doc = json.loads(proc.stdout)  # the report is still written before the policy says no
    jsonschema.validate(doc, schema("score-report"))
    assert {r["id"]: r["status"] for r in doc["requirements"]} == {
        "open-code": "unmet",
        "open-weights": "unmet",
        "open-data": "unmet",
        "permissive-license": "unmet",
    }
    assert doc["model"]["name"] == "closed-llm"


def test_without_fail_on_the_exit_code_is_zero_and_markdown_has_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.md"
    code, stdout, err = score(capsys, monkeypatch, str(closed(tmp_path)), "--format", "markdown", "-o", str(out))
    assert code == 0, err
    assert stdout == ""
    md = out.read_text()
    assert "**Not open: License is proprietary (no rights beyond the vendor's own terms) (+3 more unmet).**" in md
    assert "| Requirement | Status | Why | How to fix |" in md
    row = "| Open weights (`open-weights`) | ❌ unmet | The weights are not released (declared: API access only)"
    assert row in md


def test_bad_declarations_are_bad_input_with_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "aibom.yaml"
    bad.write_text("datasets:\n  - {id: x, usage: trainng}\n")
    code, out, err = score(capsys, monkeypatch, str(bad))
    assert code == 2
    assert out == ""
    assert err.startswith("aibom: error: ") and "/datasets/0/usage" in err


def test_a_bom_is_rescored_from_its_facts_and_its_embedded_assessment_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prov = dispatch.collect(str(FIXTURES / "models" / "tiny-llama-ft"), CollectOptions())
    fresh = evaluate(prov, "core")
    claimed = Assessment("core", tuple(replace(f, status="met", fix="") for f in fresh.findings))
    bom = tmp_path / "bom.json"
    stamp = datetime(2024, 1, 1, tzinfo=UTC)
    bom.write_text(to_json(prov.with_changes(assessments=(claimed,)), timestamp=stamp, serial=None))

    code, out, err = score(capsys, monkeypatch, str(bom), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, schema("score-report"))
    assert [r["status"] for r in doc["requirements"]] == [f.status for f in fresh.findings]
    (note,) = doc["notes"]
    changed = [f.requirement for f in fresh.findings if f.status != "met"]
    assert changed and all(f"{rid} (BOM: met, now:" in note for rid in changed)
