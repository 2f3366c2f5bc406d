"""Core verdicts on model folders whose cards (written here) declare each kind of license."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import write_safetensors

from aibom.collect.local import collect_folder
from aibom.collect.options import CollectOptions
from aibom.model import Finding
from aibom.score.profiles import evaluate


def folder_findings(tmp_path: Path, front_matter: str, *, weights: bool = True) -> dict[str, Finding]:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "README.md").write_text(f"---\n{front_matter}\n---\n# acme-7b\n\nA model written for the tests.\n")
    if weights:
        write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    return {f.requirement: f for f in evaluate(collect_folder(folder, CollectOptions()), "core").findings}


@pytest.mark.parametrize(("license_id", "phrase", "named"), [
    ("llama2", "700 million monthly active users", "Llama 2"),
    ("cc-by-nc-sa-4.0", "forbids commercial use", "CC-BY-NC-SA-4.0"),
    ("cc-by-nc-4.0", "forbids commercial use", "CC-BY-NC-4.0"),
    ("openrail", "restricts fields of use", "OpenRAIL"),
    ("bigscience-bloom-rail-1.0", "restricts fields of use", "RAIL"),
])
def test_restrictive_licenses_fail_permissive_license_and_open_weights(
    tmp_path: Path, license_id: str, phrase: str, named: str
) -> None:
    found = folder_findings(tmp_path, f"license: {license_id}")
    lic = found["permissive-license"]
    assert lic.status == "unmet"
    assert phrase in lic.reason and named in lic.reason
    assert lic.fix and "Apache-2.0" in lic.fix
    assert any(e.location == "README.md#front-matter" for e in lic.evidence)
    assert found["open-weights"].status == "unmet" and phrase in found["open-weights"].reason


@pytest.mark.parametrize(("license_id", "spdx"), [("apache-2.0", "Apache-2.0"), ("mit", "MIT"),
                                                  ("bsd-3-clause", "BSD-3-Clause")])
def test_permissive_licenses_meet_license_and_weights(tmp_path: Path, license_id: str, spdx: str) -> None:
    found = folder_findings(tmp_path, f"license: {license_id}")
    assert found["permissive-license"].status == "met" and spdx in found["permissive-license"].reason
    assert found["permissive-license"].fix == ""
    assert found["open-weights"].status == "met"


def test_a_license_named_in_other_is_not_called_permissive(tmp_path: Path) -> None:
    found = folder_findings(tmp_path, "license: other\nlicense_name: acme-research-license\n"
                                      "license_link: https://example.org/acme-license")
    lic = found["permissive-license"]
    assert lic.status == "unknown"  # named, but not in the knowledge base: never met, never unmet by guess
    assert "acme-research-license" in lic.reason
