"""BOMs other tools write, in their shapes (written for the project): the model in components[], a job as
metadata.component, a named license, a dangling dependency. Read what maps; validate says what is wrong."""

from __future__ import annotations

import json

from emit_cases import TIMESTAMP

from aibom.emit.cyclonedx import to_json
from aibom.emit.reader import from_json
from aibom.emit.validate import problems

MODEL_REF = "pkg:huggingface/acme/encoder-base@0123abcd"


def generator_bom(license_: dict[str, str]) -> dict:
    """The shape of a peer generator's CycloneDX 1.6 BOM for one Hub model."""
    return {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata": {
            "timestamp": "2026-04-30T20:35:59+00:00",
            "component": {"bom-ref": "pkg:generic/peer/job-1@1", "type": "application", "name": "job-1",
                          "version": "1", "purl": "pkg:generic/peer/job-1@1"},
        },
        "components": [{
            "bom-ref": MODEL_REF, "type": "machine-learning-model", "group": "acme", "name": "encoder-base",
            "version": "0123abcd", "purl": MODEL_REF, "licenses": [{"license": license_}],
            "modelCard": {
                "modelParameters": {
                    "task": "fill-mask", "modelArchitecture": "bert",
                    "datasets": [{"type": "dataset", "name": "acme/web-text",
                                  "contents": {"url": "https://huggingface.co/datasets/acme/web-text"}}],
                },
                "considerations": {"technicalLimitations": ["Meant to be fine-tuned."]},
                "properties": [{"name": "peer:vocabSize", "value": "30522"}],
            },
            "externalReferences": [{"type": "website", "url": "https://huggingface.co/acme/encoder-base"}],
        }],
        "dependencies": [{"ref": "pkg:generic/acme/encoder-base@0123abcd", "dependsOn": []}],
    }


def test_the_model_in_components_is_read_as_the_subject() -> None:
    prov = from_json(json.dumps(generator_bom({"id": "Apache-2.0"})))
    assert prov.name == "acme/encoder-base" and prov.repo_id == "acme/encoder-base"
    assert prov.purl == MODEL_REF and prov.revision == "0123abcd"
    assert [(lic.spdx, lic.category) for lic in prov.licenses] == [("Apache-2.0", "permissive")]
    assert [(d.id, d.url) for d in prov.datasets] == [("acme/web-text", "https://huggingface.co/datasets/acme/web-text")]
    assert prov.card.task is not None and prov.card.task.value == "fill-mask"
    assert [c.kind for c in prov.card.considerations] == ["limitations"]
    assert ("peer:vocabSize", "30522") in {(p.name, p.value) for p in prov.properties}


def test_a_license_name_is_resolved_not_trusted_as_an_id() -> None:
    prov = from_json(json.dumps(generator_bom({"name": "llama3.1"})))
    (lic,) = prov.licenses
    assert lic.raw == "llama3.1" and lic.category == "proprietary-community"


def test_validate_names_the_dangling_dependency_and_the_reading_re_emits_valid() -> None:
    text = json.dumps(generator_bom({"id": "Apache-2.0"}))
    assert problems(text) == [
        "$.dependencies[0].ref: reference 'pkg:generic/acme/encoder-base@0123abcd' points at no bom-ref in this BOM"
    ]
    prov = from_json(text)
    for version in ("1.6", "1.7"):
        assert problems(to_json(prov, spec_version=version, timestamp=TIMESTAMP, serial=None)) == []
