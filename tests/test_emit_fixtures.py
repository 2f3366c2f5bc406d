"""The bundled fixture folders, collected and emitted: golden BOMs validated before the byte comparison."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES, files_of, model_of
from emit_cases import TIMESTAMP

from aibom.collect.local import collect_folder
from aibom.collect.options import CollectOptions
from aibom.emit.cyclonedx import from_json, to_json
from aibom.emit.validate import problems

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("AIBOM_REGEN_GOLDEN") == "1"
REVISION = "4c0e5f2a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e"
FOLDERS = {
    "tiny-llama-ft": CollectOptions(repo_id="example-org/tiny-llama-ft", revision=REVISION),
    "sharded-bert": CollectOptions(),
}


@pytest.mark.parametrize("version", ["1.6", "1.7"])
@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_fixture_golden(folder: str, version: str) -> None:
    prov = collect_folder(FIXTURES / "models" / folder, FOLDERS[folder])
    text = to_json(prov, spec_version=version, timestamp=TIMESTAMP, serial=None)
    assert problems(text) == []
    assert to_json(from_json(text), spec_version=version, timestamp=TIMESTAMP, serial=None) == text
    golden = GOLDEN / f"fixture-{folder}-{version}.cdx.json"
    if REGEN:
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


def test_fixture_fine_tune_maps_identity_lineage_and_datasets() -> None:
    prov = collect_folder(FIXTURES / "models" / "tiny-llama-ft", FOLDERS["tiny-llama-ft"])
    doc = json.loads(to_json(prov, timestamp=TIMESTAMP, serial=None))
    model = model_of(doc)
    assert model["purl"] == f"pkg:huggingface/example-org/tiny-llama-ft@{REVISION}"
    assert model["pedigree"]["ancestors"][0]["name"] == "TinyLlama/TinyLlama-1.1B-Chat-v1.0"
    data = {c["bom-ref"]: c for c in doc["components"] if c["type"] == "data"}
    refs = ["dataset:" + d["name"] for d in model["modelCard"]["modelParameters"]["datasets"]]
    assert refs and set(refs) == set(data)
    files = {c["name"]: c for c in files_of(doc)}
    assert all(len(f["hashes"][0]["content"]) == 64 for f in files.values())
    assert set(files) == {p.name for p in (FIXTURES / "models" / "tiny-llama-ft").iterdir()}
