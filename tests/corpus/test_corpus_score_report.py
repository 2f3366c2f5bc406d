"""Score reports: the JSON document against its schema, the terminal table, the Markdown comment.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import jsonschema
import pytest
from conftest import MOT, schema

from aibom.collect import declarations as decl
from aibom.render import score as render_score
from aibom.score import report
from aibom.score.profiles import evaluate


def test_mof_report_carries_class_progress_and_blockers() -> None:
    prov = decl.load(MOT / "models" / "Aquila-7B.yml")
    doc = report.build(prov, evaluate(prov, "mof"))
    jsonschema.validate(doc, schema("score-report"))
    assert doc["mof"]["class"] == 0
    assert doc["mof"]["progress"]["3"] == pytest.approx(16.67, abs=0.01)
    assert "Model parameters (Final)(invalid)" in doc["mof"]["blockers"]["3"]
    assert doc["verdict"].startswith("No MOF class reached")
    text = render_score.to_text(doc)
    assert "class III: 17%" in text
    md = render_score.to_markdown(doc)
    assert "| MOF class | Progress | Blockers |" in md


def test_mof_report_without_its_block_is_rejected_by_the_schema() -> None:
    prov = decl.load(MOT / "models" / "Amber.yml")
    doc = report.build(prov, evaluate(prov, "mof"))
    jsonschema.validate(doc, schema("score-report"))
    del doc["mof"]
    with pytest.raises(jsonschema.ValidationError, match="'mof' is a required property"):
        jsonschema.validate(doc, schema("score-report"))
