"""Every fact a collector or the BOM reader produces stays inside the model's named vocabularies."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_gguf, make_onnx
from conftest import FIXTURES
from emit_cases import TIMESTAMP
from test_declarations import FULL

from aibom import api
from aibom import model as m
from aibom.emit.cyclonedx import to_json
from aibom.emit.reader import from_json


def assert_in_vocabulary(prov: m.Provenance) -> None:
    assert {r.purpose for r in prov.references} <= set(m.REFERENCE_PURPOSES), prov.name
    assert {d.usage for d in prov.datasets} <= set(m.DATASET_USAGES), prov.name
    assert {b.relation for b in prov.base_models} <= set(m.RELATIONS), prov.name
    assert {f.role for f in prov.files} <= set(m.FILE_ROLES), prov.name
    assert {e.method for e in _evidence(prov)} <= set(m.METHODS), prov.name
    assert {u.subject for u in prov.unknowns} <= set(m.UNKNOWN_SUBJECTS), prov.name
    assert {u.field for u in prov.unknowns} <= set(m.UNKNOWN_FIELDS), prov.name
    assert all(not u.name for u in prov.unknowns if u.subject == "model"), prov.name
    assert all(u.name for u in prov.unknowns if u.subject in ("file", "base-model")), prov.name


def _evidence(prov: m.Provenance) -> list[m.Evidence]:
    return [prov.identity, *(f.evidence for f in prov.files), *(lic.evidence for lic in prov.licenses),
            *(d.evidence for d in prov.datasets), *(r.evidence for r in prov.references)]


def targets(tmp_path: Path) -> list[str]:
    (tmp_path / "aibom.yaml").write_text(FULL)
    return [
        str(FIXTURES / "models" / "tiny-llama-ft"),
        str(FIXTURES / "models" / "sharded-bert"),
        *(str(p) for p in sorted((Path(__file__).parent / "mot").glob("*.yml"))),
        str(tmp_path / "aibom.yaml"),
        str(make_gguf(tmp_path / "tiny.Q8_0.gguf")),
        str(make_onnx(tmp_path / "tiny.onnx")),
    ]


@pytest.mark.parametrize("index", range(7))
def test_collected_and_read_back_facts_use_the_vocabularies(tmp_path: Path, index: int) -> None:
    prov = api.collect(targets(tmp_path)[index])
    assert_in_vocabulary(prov)
    assert_in_vocabulary(from_json(to_json(prov, spec_version="1.6", timestamp=TIMESTAMP, serial=None)))


def test_another_tools_words_read_as_the_fallback() -> None:
    import json

    bom = json.loads(to_json(api.collect(str(FIXTURES / "models" / "tiny-llama-ft")), spec_version="1.6",
                             timestamp=TIMESTAMP, serial=None))
    replaced = 0
    for comp in bom["components"]:
        for prop in comp.get("properties", []):
            if prop["name"] == "aibom:dataset:usage":
                prop["value"] = "pretraining-ish"
                replaced += 1
    assert replaced == 2  # the fixture's two datasets
    prov = from_json(json.dumps(bom))
    assert prov.datasets and {d.usage for d in prov.datasets} == {"training"}


@pytest.mark.parametrize("unknown", [
    m.Unknown("model", "license", "no license"),
    m.Unknown("dataset", "license", "its Hub card declares no license", "org/data"),
    m.Unknown("base-model", "license", "not on the Hub", "org/base"),
    m.Unknown("file", "sha256", "not downloaded", "sub dir/model.bin"),
])
def test_unknowns_round_trip_through_the_bom(unknown: m.Unknown) -> None:
    prov = api.collect(str(FIXTURES / "models" / "tiny-llama-ft")).with_changes(unknowns=(unknown,))
    back = from_json(to_json(prov, spec_version="1.6", timestamp=TIMESTAMP, serial=None))
    assert back.unknowns == (unknown,)


def test_license_schemes_and_stated_licenses_round_trip_through_the_bom() -> None:
    from aibom.collect.mot import load_mot

    prov = load_mot(Path(__file__).parent / "mot" / "open-lab-7b.yml")
    back = from_json(to_json(prov, spec_version="1.6", timestamp=TIMESTAMP, serial=None))
    assert {lic.scheme for r in prov.references for lic in r.licenses} == {"mof"}
    assert all(r.licenses_stated for r in prov.references if r.comment)
    assert [(r.licenses_stated, [lic.scheme for lic in r.licenses]) for r in back.references
            if r.comment] == [(r.licenses_stated, [lic.scheme for lic in r.licenses]) for r in prov.references
                              if r.comment]
    assert [d.licenses_stated for d in back.datasets] == [d.licenses_stated for d in prov.datasets] != []
