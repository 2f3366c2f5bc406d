"""validate.problems: strict schema of the declared version with formats, unique refs, no dangling refs.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REAL

from aibom.emit.validate import _fast_validator, _validator, problems

OWASP = REAL / "reference" / "owasp-aibom-generator__cyclonedx-1.6-outputs"




def test_owasp_generator_output_has_a_dangling_dependency() -> None:
    found = problems((OWASP / "google-bert_bert-base-uncased_ai_sbom_1_6.json").read_text())
    assert found == [
        "$.dependencies[0].ref: reference 'pkg:generic/google-bert/bert-base-uncased@86b5e093' "
        "points at no bom-ref in this BOM"
    ]


@pytest.mark.parametrize("path", sorted(OWASP.glob("*.json")), ids=lambda p: p.name)
def test_fast_check_agrees_with_jsonschema_on_other_tools_boms(path: Path) -> None:
    doc = json.loads(path.read_text())
    version = doc["specVersion"]
    assert _fast_validator(version).is_valid(doc) is (next(_validator(version).iter_errors(doc), None) is None)
