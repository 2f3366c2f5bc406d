"""Met needs located evidence, unmet needs evidence of absence, anything else is unknown.

Each case is a real collection (a folder, the cache, the local Hub, declarations) of facts written
for the project, scored with the core profile.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_cache, make_gguf, safetensors_bytes
from hubserver import write_folder

from aibom import api
from aibom.collect.options import CollectOptions
from aibom.model import Finding, Provenance

CARD = b"---\nlicense: apache-2.0\ndatasets: [org/data]\n---\n# m\n\nA model.\n"
CONFIG = b'{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}'
SCRIPT_CARD = CARD + b"\nThe training script is in this repository: `train.py`.\n"


def core(prov: Provenance) -> dict[str, Finding]:
    return {f.requirement: f for f in api.assess(prov).findings}


def test_a_partial_cache_leaves_the_weights_unknown_but_the_whole_hub_listing_does_not(
        tmp_path: Path, hub, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"README.md": CARD, "config.json": CONFIG}
    make_cache(tmp_path / "hub", "org/m", files, "a" * 40)
    cached = core(api.collect("org/m", CollectOptions(cache_dir=tmp_path / "hub", use_cache=True)))["open-weights"]
    assert cached.status == "unknown" and "this copy of the model holds no weight files" in cached.reason
    hub.add_model("org/m", files)
    listed = core(api.collect("org/m", CollectOptions(lineage_depth=0)))["open-weights"]
    assert listed.status == "unmet" and listed.reason == "No weight files were found."


def test_a_folder_holding_only_a_gguf_says_nothing_of_code_or_data(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    make_gguf(folder / "m.Q8_0.gguf")
    found = core(api.collect(str(folder)))
    assert found["open-code"].status == "unknown"
    assert found["open-data"].status == "unknown"


def test_a_script_the_card_names_is_unknown_in_a_copy_and_unmet_in_the_release(tmp_path: Path, hub) -> None:
    files = {"README.md": SCRIPT_CARD, "model.safetensors": safetensors_bytes({"w": ("F16", [2])})}
    copy = core(api.collect(str(write_folder(tmp_path / "m", files))))["open-code"]
    assert copy.status == "unknown" and "train.py" in copy.reason
    hub.add_model("org/scripted", files)
    release = core(api.collect("org/scripted", CollectOptions(lineage_depth=0)))["open-code"]
    assert release.status == "unmet" and "not among the files of the release" in release.reason


@pytest.mark.parametrize(("declared", "status"), [
    ("model: {name: m, license: mit}\n", "unknown"),
    ("model: {name: m, license: mit, access: api-only}\n", "unmet"),
    ("model: {name: m, license: mit}\nweights: {available: false}\n", "unmet"),
    ("model: {name: m, license: mit}\nweights: {url: 'https://example.com/w.safetensors'}\n", "met"),
    ("model: {name: m, license: mit}\nweights: {license: mit}\n", "unknown"),
])
def test_declared_weights(tmp_path: Path, declared: str, status: str) -> None:
    """Silence is not absence; API-only or not-available is; a location is needed for met."""
    (tmp_path / "aibom.yaml").write_text(declared)
    found = core(api.collect(str(tmp_path / "aibom.yaml")))["open-weights"]
    assert found.status == status, found.reason


def test_a_folder_whose_card_names_no_license_is_unknown_the_hub_release_unmet(tmp_path: Path, hub) -> None:
    files = {"README.md": b"---\nlanguage: en\n---\n# m\n\nA model with no word about its terms.\n",
             "model.safetensors": safetensors_bytes({"w": ("F16", [2])})}
    copy = core(api.collect(str(write_folder(tmp_path / "m", files))))["permissive-license"]
    assert copy.status == "unknown" and "No license was found" in copy.reason
    hub.add_model("org/unlicensed", files)
    release = core(api.collect("org/unlicensed", CollectOptions(lineage_depth=0)))["permissive-license"]
    assert release.status == "unmet" and "all rights are reserved" in release.reason
