"""Every MOT conformance file survives Provenance -> CycloneDX -> Provenance with the same MOF class.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import json

import pytest
from conftest import MOT, model_of
from emit_cases import TIMESTAMP

from aibom.collect.mot import load_mot
from aibom.emit.cyclonedx import from_json, to_json
from aibom.emit.validate import problems
from aibom.score.mof import classify

FILES = sorted((MOT / "models").glob("*.yml"))


def test_the_conformance_set_is_there() -> None:
    assert len(FILES) >= 273


def test_every_mot_file_classifies_the_same_after_a_round_trip() -> None:
    differ = []
    for path in FILES:
        prov = load_mot(path)
        back = from_json(to_json(prov, timestamp=TIMESTAMP, serial=None))
        before, after = classify(prov), classify(back)
        if (before.mof_class, before.progress, before.blockers) != (after.mof_class, after.progress, after.blockers):
            differ.append(path.name)
    assert differ == []


@pytest.mark.parametrize("name", ["Pythia-6.9B.yml", "Llama-3-8B.yml"])
def test_reference_licenses_stay_with_their_reference(name: str) -> None:
    prov = load_mot(MOT / "models" / name)
    text = to_json(prov, timestamp=TIMESTAMP, serial=None)
    assert problems(text) == []
    back = from_json(text)
    assert sorted(map(repr, back.references)) == sorted(map(repr, prov.references))


def test_references_without_a_url_stay_out_of_external_references() -> None:
    prov = load_mot(FILES[0])
    assert any(not r.url for r in prov.references)
    text = to_json(prov, timestamp=TIMESTAMP, serial=None)
    assert problems(text) == []
    model = model_of(json.loads(text))
    assert all(ref["url"] for ref in model.get("externalReferences", []))
    back = from_json(text)
    assert len(back.references) == len({(r.url, r.purpose, r.comment) for r in prov.references})
    assert to_json(back, timestamp=TIMESTAMP, serial=None) == text
