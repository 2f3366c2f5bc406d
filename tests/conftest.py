"""Test-wide setup: no network, no telemetry, a private HF home for every test."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# huggingface_hub reads these once, when a test module first imports it (before any fixture runs):
# without this its constants would point at huggingface.co, the user's HF home and token.
os.environ.update(HF_ENDPOINT="http://127.0.0.1:9", HF_HUB_DISABLE_TELEMETRY="1",
                  HF_HOME=tempfile.mkdtemp(prefix="aibom-tests-hf-home-"))
for _name in ("HF_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
    os.environ.pop(_name, None)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

# The real-world corpus (cards, repo files and peer BOMs by their authors; the Model Openness Tool's
# data) stays outside the repository: AIBOM_CORPUS names the folder holding fixtures/real/ and
# conformance/mot/, and only then is tests/corpus/ collected.
_CORPUS = os.environ.get("AIBOM_CORPUS", "").strip()
SHARED = Path(_CORPUS).expanduser().resolve() if _CORPUS else REPO / "tests" / "corpus" / "not-set"
REAL = SHARED / "fixtures" / "real"
MOT = SHARED / "conformance" / "mot"
collect_ignore = [] if _CORPUS else ["corpus"]
CORPUS_HINT = "corpus suite not run: set AIBOM_CORPUS=PATH (the folder holding fixtures/real/ and conformance/mot/)"
# The HTML report is checked in a real browser: Debian's chromium, which .ci/run installs. Without it
# the browser suite (tests/browser/) is not collected, and said so; under CI=true that is a failure.
CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)
if CHROMIUM is None:
    collect_ignore.append("browser")
BROWSER_HINT = "browser suite not run: no chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)"


def pytest_configure(config: pytest.Config) -> None:
    if CHROMIUM is None and os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true: {BROWSER_HINT}")
    if _CORPUS and not (REAL.is_dir() and MOT.is_dir()):
        raise pytest.UsageError(f"AIBOM_CORPUS={_CORPUS}: no fixtures/real/ and conformance/mot/ there")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not _CORPUS:
        terminalreporter.write_line(CORPUS_HINT)
    if CHROMIUM is None:
        terminalreporter.write_line(BROWSER_HINT)


@pytest.fixture(autouse=True)
def _isolated_hf(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("hf_home")
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # nothing listens on port 9: a test that forgets the local Hub fails instead of reaching the internet
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch):
    """A local Hugging Face Hub (tests/hubserver.py) on 127.0.0.1; HF_ENDPOINT points at it."""
    from hubserver import HubServer

    server = HubServer().start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("AIBOM_HTTP_BACKOFF", "0.01")
    yield server
    server.stop()


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real entry point in this process (errors become exit codes there): code, stdout, stderr."""
    from aibom.cli import main

    monkeypatch.setattr(sys, "argv", ["aibom", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, out, err


@functools.cache
def schema(name: str) -> dict:
    """One of aibom's own JSON Schemas (schemas/NAME.schema.json), read when a test first asks."""
    return json.loads((REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def model_of(doc: dict) -> dict:
    """The model component of an aibom BOM: the machine-learning-model the release (metadata.component)
    depends on."""
    release = doc["metadata"]["component"]["bom-ref"]
    (wanted,) = next(d["dependsOn"] for d in doc["dependencies"] if d["ref"] == release)
    return next(c for c in doc["components"] if c["bom-ref"] == wanted)


def files_of(doc: dict) -> list[dict]:
    """The file components the model depends on, by name."""
    model = model_of(doc)["bom-ref"]
    refs = set(next(d["dependsOn"] for d in doc["dependencies"] if d["ref"] == model))
    return sorted((c for c in doc["components"] if c["bom-ref"] in refs and c["type"] == "file"),
                  key=lambda c: c["name"])
