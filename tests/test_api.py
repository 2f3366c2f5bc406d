"""The library API as a Python user calls it: generate, load, assess, compare."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, model_of

from aibom import api
from aibom.emit.validate import problems
from aibom.licenses import resolve
from aibom.model import Evidence

TINY = str(FIXTURES / "models" / "tiny-llama-ft")


def test_generate_gives_a_valid_bom_of_what_it_collected(tmp_path: Path) -> None:
    bom = api.generate(TINY, reproducible=True, score="core")
    assert problems(bom.text) == []
    assert model_of(json.loads(bom.text))["name"] == bom.provenance.name
    assert bom.assessment is not None and bom.provenance.assessments == (bom.assessment,)
    saved = tmp_path / "tiny.cdx.json"
    saved.write_text(bom.text)
    again = api.load(str(saved))
    assert [f.sha256 for f in again.files] == [f.sha256 for f in bom.provenance.files]


def test_compare_with_a_profile_rescores_both_sides() -> None:
    old = api.collect(TINY)
    nc = resolve("cc-by-nc-4.0", Evidence("test", "README.md#front-matter", "declared"))
    new = old.with_changes(licenses=(nc,))
    scored = {(c.kind, c.severity) for c in api.compare(old, new, profile="core").changes}
    assert ("license", "high") in scored and ("openness", "high") in scored  # permissive-license: met → unmet
    assert {c.kind for c in api.compare(old, new).changes} == {"license"}  # unscored: no openness to compare
