"""Declarations (aibom.yaml): what a release pipeline knows and a model card omits.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

from conftest import MOT

from aibom.collect import declarations as decl


def test_mot_yaml_is_delegated_to_the_mot_reader() -> None:
    path = MOT / "models" / "Amber.yml"
    prov = decl.load(path)
    assert prov.identity.collector == "mot"
    assert prov.name == "Amber"
    assert any(r.url == "https://github.com/LLM360/amber-train" for r in prov.references)
