"""from_json on other tools' BOMs and hostile input: map what maps, the rest is unknown, never crash.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import pytest
from conftest import REAL
from emit_cases import TIMESTAMP

from aibom.emit.cyclonedx import from_json, to_json
from aibom.emit.validate import problems

OWASP = REAL / "reference" / "owasp-aibom-generator__cyclonedx-1.6-outputs"


def test_owasp_bert_maps_model_license_datasets_and_card() -> None:
    prov = from_json((OWASP / "google-bert_bert-base-uncased_ai_sbom_1_6.json").read_text())
    assert prov.name == "google-bert/bert-base-uncased"
    assert prov.purl == "pkg:huggingface/google-bert/bert-base-uncased@86b5e093"
    assert prov.repo_id == "google-bert/bert-base-uncased"
    assert prov.revision == "86b5e093"
    assert prov.author == "google-bert"
    assert [(lic.spdx, lic.category) for lic in prov.licenses] == [("Apache-2.0", "permissive")]
    assert [(d.id, d.url) for d in prov.datasets] == [
        ("bookcorpus", "https://huggingface.co/datasets/bookcorpus"),
        ("wikipedia", "https://huggingface.co/datasets/wikipedia"),
    ]
    assert prov.card.task is not None and prov.card.task.value == "fill-mask"
    assert prov.card.model_architecture is not None and prov.card.model_architecture.value == "bert"
    assert [c.kind for c in prov.card.considerations] == ["limitations"]
    assert prov.identity.collector == "cyclonedx"
    assert {r.purpose for r in prov.references} >= {"website", "distribution", "repository"}
    assert ("genai:aibom:modelcard:vocabSize", "30522") in {(p.name, p.value) for p in prov.properties}


def test_owasp_llama_named_license_is_resolved_not_trusted_as_an_id() -> None:
    prov = from_json((OWASP / "meta-llama_Llama-3.1-8B-Instruct_ai_sbom_1_6.json").read_text())
    (lic,) = prov.licenses
    assert lic.raw == "llama3.1"
    assert lic.category == "proprietary-community"


@pytest.mark.parametrize("path", sorted(OWASP.glob("*.json")), ids=lambda p: p.name)
def test_other_tools_boms_read_and_re_emit_valid(path) -> None:  # type: ignore[no-untyped-def]
    prov = from_json(path.read_text())
    assert prov.name and prov.purl and prov.purl.startswith("pkg:huggingface/")
    for version in ("1.6", "1.7"):
        assert problems(to_json(prov, spec_version=version, timestamp=TIMESTAMP, serial=None)) == []
