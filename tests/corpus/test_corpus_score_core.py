"""Core openness verdicts: real model cards in model folders, declarations, and the edge cases.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import safetensors_bytes
from conftest import REAL
from test_score_core import findings

from aibom.collect import declarations as decl
from aibom.collect import dispatch
from aibom.collect.options import CollectOptions
from aibom.model import (
    Provenance,
)
from aibom.score.profiles import evaluate, verdict

CARDS = REAL / "modelcards"


def tiny_safetensors(path: Path) -> None:
    """A real, minimal safetensors file: one F32 tensor of two values."""
    path.write_bytes(safetensors_bytes({"w": ("F32", [2])}))


def model_folder(tmp_path: Path, card: str, *, weights: bool = True, extra: dict[str, str] | None = None) -> Path:
    """A model folder holding a real card, a small real weights file and any `extra` files."""
    folder = tmp_path / card
    folder.mkdir()
    shutil.copy(CARDS / card / "README.md", folder / "README.md")
    if weights:
        tiny_safetensors(folder / "model.safetensors")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text)
    return folder


def collect(folder: Path) -> Provenance:
    """The folder's provenance as `aibom score FOLDER` collects it (its aibom.yaml included)."""
    return dispatch.collect(str(folder), CollectOptions())




@pytest.mark.parametrize(
    ("card", "phrase", "license_name"),
    [
        ("TheBloke__Llama-2-7B-Chat-GGUF", "700 million monthly active users", "Llama 2"),
        ("meta-llama__Meta-Llama-3-8B-Instruct", "Built with Meta Llama 3", "Llama 3"),
        ("google__gemma-2b", "Gemma Prohibited Use Policy", "Gemma"),
        ("CarperAI__stable-vicuna-13b-delta", "forbids commercial use", "CC-BY-NC-SA-4.0"),
        ("upstage__SOLAR-10.7B-Instruct-v1.0", "forbids commercial use", "CC-BY-NC-4.0"),
        ("runwayml__stable-diffusion-v1-5", "restricts fields of use", "OpenRAIL"),
        ("stabilityai__stable-diffusion-2-1", "restricts fields of use", "Rail++"),
        ("bigscience__bloom", "restricts fields of use", "RAIL"),
    ],
)
def test_restrictive_licenses_fail_permissive_license_and_open_weights(
    tmp_path: Path, card: str, phrase: str, license_name: str
) -> None:
    found = findings(collect(model_folder(tmp_path, card)))
    lic = found["permissive-license"]
    assert lic.status == "unmet"
    assert phrase in lic.reason and license_name in lic.reason
    assert lic.fix and "Apache-2.0" in lic.fix
    assert any(e.location == "README.md#front-matter" for e in lic.evidence)
    assert found["open-weights"].status == "unmet"
    assert phrase in found["open-weights"].reason


def test_llama2_card_without_a_license_key_is_judged_by_the_license_its_body_names(tmp_path: Path) -> None:
    # the early meta-llama/Llama-2-7b-hf card has no license key; its body names "A custom commercial
    # license": a named license aibom cannot classify is unknown, never "all rights reserved"
    found = findings(collect(model_folder(tmp_path, "meta-llama__Llama-2-7b-hf")))
    assert found["permissive-license"].status == "unknown"
    assert "A custom commercial license" in found["permissive-license"].reason
    assert found["open-weights"].status == "unmet" and "gated" in found["open-weights"].reason
    assert found["open-data"].status == "unmet"  # the card, read whole, names no dataset


@pytest.mark.parametrize(
    ("card", "spdx"),
    [
        ("mistralai__Mistral-7B-v0.1", "Apache-2.0"),
        ("microsoft__phi-2", "MIT"),
        ("openai-community__gpt2", "MIT"),
        ("EleutherAI__pythia-160m", "Apache-2.0"),
    ],
)
def test_permissive_cards_meet_license_and_weights(tmp_path: Path, card: str, spdx: str) -> None:
    found = findings(collect(model_folder(tmp_path, card)))
    assert found["permissive-license"].status == "met"
    assert spdx in found["permissive-license"].reason
    assert found["permissive-license"].fix == ""
    assert found["open-weights"].status == "met"


def test_an_unrecognised_license_file_leaves_the_license_unknown(tmp_path: Path) -> None:
    folder = model_folder(tmp_path, "state-spaces__mamba-2.8b-hf", extra={"LICENSE": "Ask us before you use it.\n"})
    lic = findings(collect(folder))["permissive-license"]
    assert lic.status == "unknown"
    assert "LICENSE" in lic.reason


def test_weights_missing_from_a_folder_copy_are_unknown(tmp_path: Path) -> None:
    found = findings(collect(model_folder(tmp_path, "mistralai__Mistral-7B-v0.1", weights=False)))
    assert found["open-weights"].status == "unknown"
    assert "this copy of the model holds no weight files" in found["open-weights"].reason


def test_mistral_card_discloses_no_code_and_no_data(tmp_path: Path) -> None:
    found = findings(collect(model_folder(tmp_path, "mistralai__Mistral-7B-v0.1")))
    assert found["open-code"].status == "unmet"
    assert found["open-data"].status == "unmet"
    assert "No training dataset" in found["open-data"].reason


def test_olmo2_datasets_without_known_licenses_are_unknown_offline(tmp_path: Path) -> None:
    # OLMo 2 names its two pretraining mixes, but their licenses live in dataset cards aibom
    # cannot read offline: the honest answer is unknown (never met), with both datasets cited.
    found = findings(collect(model_folder(tmp_path, "allenai__OLMo-2-1124-13B")))
    data = found["open-data"]
    assert data.status == "unknown"
    quotes = " ".join(e.quote for e in data.evidence)
    assert "allenai/dolmino-mix-1124" in quotes and "allenai/olmo-mix-1124" in quotes
    assert found["permissive-license"].status == "met"
    assert found["open-weights"].status == "met"
    # its training code is linked, but the license of that repository is not in the card
    assert found["open-code"].status == "unknown"
    assert "github.com/allenai/OLMo" in found["open-code"].reason


OLMO_DECLARED = """\
code:
  - {url: https://github.com/allenai/OLMo, purpose: training-code, license: Apache-2.0}
datasets:
  - {id: allenai/olmo-mix-1124, license: odc-by, url: https://huggingface.co/datasets/allenai/olmo-mix-1124}
  - {id: allenai/dolmino-mix-1124, license: odc-by}
"""


def test_olmo2_with_declared_dataset_and_code_licenses_is_fully_open(tmp_path: Path) -> None:
    folder = model_folder(tmp_path, "allenai__OLMo-2-1124-13B", extra={"aibom.yaml": OLMO_DECLARED})
    assessment = evaluate(collect(folder), "core")
    assert {f.requirement: f.status for f in assessment.findings} == {
        "open-code": "met",
        "open-weights": "met",
        "open-data": "met",
        "permissive-license": "met",
    }
    data = next(f for f in assessment.findings if f.requirement == "open-data")
    assert any(e.location == "aibom.yaml#/datasets/0" for e in data.evidence)
    assert verdict(assessment.findings) == "Open: all 4 requirements are met."


def test_olmo2_with_one_dataset_license_known_is_partial(tmp_path: Path) -> None:
    text = "datasets:\n  - {id: allenai/olmo-mix-1124, license: odc-by}\n"
    folder = model_folder(tmp_path, "allenai__OLMo-2-1124-13B", extra={"aibom.yaml": text})
    data = findings(collect(folder))["open-data"]
    assert data.status == "partial"
    assert "1 of 2" in data.reason


def test_a_non_commercial_dataset_makes_open_data_unmet(tmp_path: Path) -> None:
    text = (
        "datasets:\n  - {id: allenai/olmo-mix-1124, license: cc-by-nc-4.0}\n"
        "  - {id: allenai/dolmino-mix-1124, license: cc-by-nc-4.0}\n"
    )
    folder = model_folder(tmp_path, "allenai__OLMo-2-1124-13B", extra={"aibom.yaml": text})
    assert findings(collect(folder))["open-data"].status == "unmet"


def test_training_script_in_the_model_repo_counts_as_open_code(tmp_path: Path) -> None:
    folder = model_folder(
        tmp_path, "sentence-transformers__all-MiniLM-L6-v2", extra={"train_script.py": "print('training')\n"}
    )
    code = findings(collect(folder))["open-code"]
    assert code.status == "met"
    assert "train_script.py" in code.reason


def test_mof_profile_is_delegated_to_the_mof_module() -> None:
    prov = decl.load(REAL.parent.parent / "conformance" / "mot" / "models" / "Amber.yml")
    assessment = evaluate(prov, "mof")
    assert assessment.profile == "mof"
    assert assessment.mof is not None and assessment.mof.mof_class == 1


def test_mot_components_declared_without_a_location_are_not_met_by_the_core_profile() -> None:
    # Amber's MOT file declares training code and final parameters under Apache-2.0 with no path:
    # met needs a location to check (the MOF profile still counts them, as the MOT itself does)
    prov = decl.load(REAL.parent.parent / "conformance" / "mot" / "models" / "Amber.yml")
    found = findings(prov)
    assert {k: f.status for k, f in found.items()} == {
        "open-code": "unknown",
        "open-weights": "unknown",
        "open-data": "met",
        "permissive-license": "met",
    }
    assert "Training code (declared, no location given)" in found["open-code"].reason
    assert "no location to check" in found["open-weights"].reason


def test_gated_weights_under_a_restrictive_license_name_both_problems(tmp_path: Path) -> None:
    weights = findings(collect(model_folder(tmp_path, "meta-llama__Meta-Llama-3-8B-Instruct")))["open-weights"]
    assert weights.status == "unmet"
    assert "700 million monthly active users" in weights.reason and "gated" in weights.reason
    assert weights.fix.startswith("Remove the access gate")


def test_a_mot_file_licensing_only_its_parameters_is_judged_by_that_license() -> None:
    # CodeGemma-2B.yml has no distribution license; its "Model parameters (Final)" are under gemma
    prov = decl.load(REAL.parent.parent / "conformance" / "mot" / "models" / "CodeGemma-2B.yml")
    assert prov.licenses == ()
    lic = findings(prov)["permissive-license"]
    assert lic.status == "unmet"
    assert "Prohibited Use Policy" in lic.reason and "Gemma" in lic.reason
    assert "revenue" not in lic.reason and "cap" not in lic.reason  # Gemma's terms set no user or revenue cap
