"""A real model's report in headless Chromium: a Llama 2 repack's card, whose license must show its own
terms (the 700-million-user threshold, the Acceptable Use Policy) beside the scorecard and lineage.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus (and, as
every browser test, when Chromium is there: CI=true makes its absence a failure)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import CHROMIUM, REAL

CARDS = REAL / "modelcards"


def test_the_llama_2_report_renders_with_its_license_terms(tmp_path: Path) -> None:
    assert CHROMIUM is not None, "the corpus suite renders a report in Chromium: apt-get install chromium"
    model = tmp_path / "TheBloke__Llama-2-7B-Chat-GGUF"
    model.mkdir()
    shutil.copy(CARDS / model.name / "README.md", model / "README.md")
    html = tmp_path / "report.html"
    made = subprocess.run([sys.executable, "-m", "aibom", "report", str(model), "-o", str(html)], capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    dom = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", html.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0
    text = dom.stdout
    assert "700 million" in text and "Acceptable Use Policy" in text
    assert 'id="scorecard"' in text and 'class="node-model"' in text and 'id="files"' in text
    assert "permissive-license" in text and "unmet" in text
    assert 'class="node-base"' in text and "meta-llama/Llama-2-7b-chat-hf" in text  # quantized from it


def test_a_license_aibom_cannot_classify_is_never_shown_as_unrestricted(tmp_path: Path) -> None:
    """Meta's own card states its license only as 'a custom commercial license' in its body."""
    model = tmp_path / "meta-llama__Llama-2-7b-hf"
    model.mkdir()
    shutil.copy(CARDS / model.name / "README.md", model / "README.md")
    made = subprocess.run([sys.executable, "-m", "aibom", "report", str(model)], capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0 and "does not know this license's terms" in made.stdout
    assert "No restriction on use" not in made.stdout
