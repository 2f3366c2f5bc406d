"""The MOF profile agrees with the Model Openness Tool on the MOT's own data (../shared/conformance/mot).

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import MOT

from aibom.collect.mot import load_mot
from aibom.score.mof import MofResult, assess, classify


def _expected_rows() -> list[dict[str, str]]:
    with (MOT / "expected_classes.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _expected(row: dict[str, str]) -> MofResult:
    return MofResult(
        mof_class=int(row["mof_class"]),
        progress=tuple((c, float(row[f"class{c}_progress"])) for c in (1, 2, 3)),
        blockers=tuple((c, tuple(b for b in row[f"blockers_class{c}"].split(";") if b)) for c in (1, 2, 3)),
    )


def test_every_mot_model_reaches_the_expected_class_progress_and_blockers() -> None:
    rows = _expected_rows()
    files = sorted(p.name for p in (MOT / "models").glob("*.yml"))
    assert sorted(r["file"] for r in rows) == files
    assert len(files) == 273
    mismatches, classes = [], Counter()
    for row in rows:
        got = classify(load_mot(MOT / "models" / row["file"]))
        classes[got.mof_class] += 1
        if got != _expected(row):
            mismatches.append(f"{row['file']}: got {got.to_dict()}, expected {_expected(row).to_dict()}")
    agreed = len(rows) - len(mismatches)
    print(f"MOF conformance: {agreed}/{len(rows)} MOT models agree on class, progress and blockers")
    assert mismatches == []
    assert classes == {1: 14, 2: 1, 3: 16, 0: 242}  # the distribution MOT's README states


def _mot_test_results() -> dict[str, dict[str, object]]:
    text = (MOT / "Test_Data" / "expected_results.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))  # the MOT's file has trailing commas
    return {m["release"]["name"]: m["classification"] for m in data["models"]}


TEST_DATA = sorted((MOT / "Test_Data").glob("*.yml"))


@pytest.mark.parametrize("path", TEST_DATA, ids=lambda p: p.stem[:40])
def test_mot_test_data_matches_its_expected_results(path: Path) -> None:
    prov = load_mot(path)
    expected = _mot_test_results()[prov.name]
    got = classify(prov)
    assert got.mof_class == expected["class"]
    assert got.label == expected["label"]
    progress = expected["progress"]
    assert isinstance(progress, dict)
    assert dict(got.progress) == {c: round(float(progress[str(c)]), 2) for c in (1, 2, 3)}


def test_all_mot_test_data_files_are_covered() -> None:
    names = {load_mot(p).name for p in TEST_DATA}
    assert len(TEST_DATA) == 27
    assert names == set(_mot_test_results())


def test_the_assessment_carries_the_whole_result_and_its_pairs_read_back() -> None:
    """`assess` holds the same result as `classify`; a BOM's attestation pairs give it back whole."""
    for path in sorted((MOT / "models").glob("*.yml")):
        prov = load_mot(path)
        assessed = assess(prov).mof
        assert assessed is not None and replace(assessed, not_type_appropriate=()) == classify(prov), path.name
        assert MofResult.from_pairs(assessed.to_pairs()) == assessed, path.name
    assert MofResult.from_pairs((("core", "x"),)) is None
