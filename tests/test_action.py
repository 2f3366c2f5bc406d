"""The GitHub Action's steps, run as the runner would run them (every `run:` step but the install,
which the test venv already did), and the pre-commit hooks on a real git repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
SARIF = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
BIN = str(Path(sys.executable).parent)


def condition(expr: str, inputs: dict[str, str]) -> bool:
    """The two forms of `if:` the action uses: ``inputs.X == 'v'`` and ``inputs.X != 'v'``."""
    found = re.fullmatch(r"inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'", expr.strip())
    assert found, f"an if: the test cannot evaluate: {expr}"
    return (inputs[found[1]] == found[3]) == (found[2] == "==")


def run_action(workspace: Path, **given: str) -> tuple[list[tuple[str, int]], Path, Path]:
    """Run the action's shell steps in `workspace`; returns (step id, exit code) and the output files."""
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | given
    out, summary = workspace / "github_output", workspace / "step_summary"
    ran = []
    for step in ACTION["runs"]["steps"]:
        if "uses" in step or step.get("id") == "install":
            continue
        if "if" in step and not condition(step["if"], inputs):
            continue
        env = {k: EXPR.sub(lambda m: inputs[m[1]], str(v)) for k, v in step.get("env", {}).items()}
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=workspace, capture_output=True,
                              text=True, timeout=300, env={**os.environ, **env, "PATH": f"{BIN}:{os.environ['PATH']}",
                                                             "GITHUB_OUTPUT": str(out),
                                                             "GITHUB_STEP_SUMMARY": str(summary)})
        ran.append((step["id"], done.returncode))
        if done.returncode:
            break
    return ran, out, summary


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "models" / "tiny-llama-ft", tmp_path / "models" / "tiny")
    return tmp_path


def test_the_action_installs_python_and_uploads_the_sarif_it_writes() -> None:
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@") and steps[0]["with"]["python-version"] == "3.11"
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "aibom.sarif" and upload["if"] == "inputs.upload-sarif == 'true'"
    assert {"target", "profile", "fail-on", "spec-version"} <= set(ACTION["inputs"])


def test_the_steps_write_a_valid_bom_sarif_and_summary(workspace: Path) -> None:
    ran, out, summary = run_action(workspace, target="models/tiny", **{"spec-version": "1.7"})
    assert ran == [("generate", 0), ("score", 0)]  # no fail-on: no gate
    bom = json.loads((workspace / "aibom.cdx.json").read_text())
    assert bom["specVersion"] == "1.7"
    log = json.loads((workspace / "aibom.sarif").read_text())
    jsonschema.Draft4Validator(SARIF).validate(log)
    assert log["runs"][0]["originalUriBaseIds"]["MODELROOT"]["uri"] == "models/tiny/"
    assert summary.read_text().startswith("### Openness")
    assert "bom=aibom.cdx.json" in out.read_text() and "sarif=aibom.sarif" in out.read_text()


def test_the_gate_fails_the_job_after_the_sarif_is_written(workspace: Path) -> None:
    card = workspace / "models" / "tiny" / "README.md"
    card.write_text(card.read_text().replace("license: mit", "license: cc-by-nc-4.0", 1))
    ran, _, summary = run_action(workspace, target="models/tiny", **{"fail-on": "unmet", "profile": "g7"})
    assert ran == [("generate", 0), ("score", 0), ("gate", 1)]
    assert (workspace / "aibom.sarif").stat().st_size > 0 and "Completeness" in summary.read_text()


def test_a_bad_target_stops_at_the_generate_step(workspace: Path) -> None:
    ran, _, _ = run_action(workspace, target="models/missing")
    assert ran == [("generate", 2)]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True, timeout=60)


def hook(name: str) -> dict:
    return next(h for h in HOOKS if h["id"] == name)


def test_the_hooks_match_bom_files_only() -> None:
    for h in HOOKS:
        files = re.compile(h["files"])
        assert all(files.search(p) for p in ("bom.json", "models/x/release.cdx.json", "a/aibom.json", "m.spdx.json"))
        assert not any(files.search(p) for p in ("config.json", "tokenizer.json", "models/x/README.md"))


def test_the_license_guard_fails_a_downgrade_against_the_committed_bom(workspace: Path) -> None:
    model = workspace / "models" / "tiny"
    git(workspace, "init", "-q")
    subprocess.run([f"{BIN}/aibom", "generate", str(model), "--reproducible", "-o", str(model / "bom.json")],
                   check=True, timeout=120)
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "model and its BOM")
    card = model / "README.md"
    card.write_text(card.read_text().replace("license: mit", "license: cc-by-nc-4.0", 1))
    subprocess.run([f"{BIN}/aibom", "generate", str(model), "--reproducible", "-o", str(model / "bom.json")],
                   check=True, timeout=120)
    entry = hook("aibom-license-guard")["entry"].split()
    guard = subprocess.run([f"{BIN}/{entry[0]}", *entry[1:], "models/tiny/bom.json"], cwd=workspace,
                           capture_output=True, text=True, timeout=120)
    assert guard.returncode == 1 and "non-commercial" in guard.stderr and "MIT → CC-BY-NC-4.0" in guard.stderr
    entry = hook("aibom-validate")["entry"].split()
    checked = subprocess.run([f"{BIN}/{entry[0]}", *entry[1:], "models/tiny/bom.json"], cwd=workspace,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and "valid" in checked.stdout
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "now non-commercial")
    again = subprocess.run([f"{BIN}/aibom", "license-guard", "models/tiny/bom.json"], cwd=workspace,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0  # committed: the BOM at HEAD is the new baseline
