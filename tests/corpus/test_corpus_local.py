"""The local folder collector on the project's fixtures and on real cards placed in folders.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import REAL
from test_local import folder_with

from aibom.collect.local import collect_folder
from aibom.collect.options import CollectOptions
from aibom.score.profiles import evaluate

CARDS = REAL / "modelcards"


FACTS = {r["repo_id"]: r for r in csv.DictReader((REAL / "facts.csv").open(encoding="utf-8"))}




@pytest.mark.parametrize(
    ("script", "status", "reason"),
    [
        (None, "unknown", "The card names train_script.py; this copy of the model holds no train_script.py, "
                          "though the published release may (a copy can be partial)."),
        ("train_script.py", "met", "The training code is public under an OSI-approved license: train_script.py."),
        ("examples/train_script.py", "met", "under an OSI-approved license: examples/train_script.py."),
    ],
)
def test_a_training_script_the_card_names_is_looked_for_among_the_files(
    tmp_path: Path, script: str | None, status: str, reason: str
) -> None:
    """all-MiniLM-L6-v2's card: "The full training script is accessible in this current repository:
    `train_script.py`" (license apache-2.0)."""
    files: dict[str, str | bytes] = {
        "README.md": (CARDS / "sentence-transformers__all-MiniLM-L6-v2" / "README.md").read_bytes()
    }
    if script:
        files[script] = "print('training')\n"
    prov = collect_folder(folder_with(tmp_path, files), CollectOptions())
    named = [r for r in prov.references if "://" not in r.url]
    assert [(r.url, r.purpose) for r in named] == [(script or "train_script.py", "training-code")]
    code = {f.requirement: f for f in evaluate(prov, "core").findings}["open-code"]
    assert code.status == status and reason in code.reason


@pytest.mark.parametrize(
    "repo_id",
    [
        "HuggingFaceH4/zephyr-7b-beta",
        "ibm-granite/granite-3.0-8b-instruct",
        "tiiuae/falcon-7b",
        "teknium/OpenHermes-2.5-Mistral-7B",
    ],
)
def test_real_card_in_a_folder(tmp_path: Path, repo_id: str) -> None:
    src = CARDS / repo_id.replace("/", "__")
    root = folder_with(tmp_path, {"README.md": (src / "README.md").read_bytes()})
    prov = collect_folder(root, CollectOptions(repo_id=repo_id))
    facts = FACTS[repo_id]
    assert prov.name == repo_id
    assert [lic.raw for lic in prov.licenses] == [facts["license"]]
    assert [d.id for d in prov.datasets] == [d for d in facts["datasets"].split(";") if d]
    assert [b.id for b in prov.base_models if b.evidence.method == "declared"] == [
        b for b in facts["base_model"].split(";") if b
    ]
    assert all(b.relation == "fine-tune" for b in prov.base_models if b.evidence.method == "declared")
    assert [f.path for f in prov.files] == ["README.md"]
    assert sorted(u.field for u in prov.unknowns) == (["datasets"] if not prov.datasets else []) + ["parameters"]


def test_card_naming_itself_as_base_model_is_not_its_own_ancestor(tmp_path: Path) -> None:
    text = (CARDS / "Qwen__Qwen2.5-VL-72B-Instruct" / "README.md").read_bytes()
    root = folder_with(
        tmp_path, {"README.md": text, "config.json": '{"_name_or_path": "Qwen/Qwen2.5-VL-72B-Instruct"}'}
    )
    assert collect_folder(root, CollectOptions(repo_id="Qwen/Qwen2.5-VL-72B-Instruct")).base_models == ()
    assert collect_folder(root, CollectOptions(repo_id="qwen/qwen2.5-vl-72b-instruct")).base_models == ()
    # without --repo-id the title "Qwen2.5-VL-72B-Instruct" is the identity: still not an ancestor of itself
    prov = collect_folder(root, CollectOptions())
    assert prov.name == "Qwen2.5-VL-72B-Instruct" and prov.base_models == ()


def test_llama2_card_without_a_license_key_names_its_license_in_the_body(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": (CARDS / "meta-llama__Llama-2-7b-hf" / "README.md").read_bytes()})
    prov = collect_folder(root, CollectOptions(repo_id="meta-llama/Llama-2-7b-hf"))
    assert [(lic.name, lic.category, lic.evidence.method) for lic in prov.licenses] == [
        ("A custom commercial license", "unknown", "inferred")]
    assert prov.licenses[0].evidence.location.startswith("README.md#L")
    assert ("model", "license") not in [(u.subject, u.field) for u in prov.unknowns]
    assert prov.gated is True  # extra_gated_* keys: users must accept Meta's terms
    assert [(p.name, p.value, p.evidence.location) for p in prov.properties] == [
        ("aibom:access", "gated", "README.md#front-matter")
    ]


def test_every_real_card_in_a_folder_gives_a_valid_bom(tmp_path: Path) -> None:
    """All 49 real cards (with the real config.json and shard indexes where recorded) through the
    collector and the emitter: strictly valid CycloneDX 1.6 and 1.7, referentially intact."""
    from datetime import UTC, datetime

    from aibom.emit.cyclonedx import to_json
    from aibom.emit.validate import problems

    for repo_id, row in FACTS.items():
        root = tmp_path / repo_id.replace("/", "__")
        root.mkdir()
        shutil.copy(REAL / row["fixture"], root / "README.md")
        extra = REAL / "repofiles" / root.name
        for name in ("config.json", "model.safetensors.index.json", "pytorch_model.bin.index.json"):
            if (extra / name).is_file():
                shutil.copy(extra / name, root / name)
        prov = collect_folder(root, CollectOptions(repo_id=repo_id))
        assert prov.name == repo_id and all(b.id.lower() != repo_id.lower() for b in prov.base_models)
        for spec in ("1.6", "1.7"):
            text = to_json(prov, spec_version=spec, timestamp=datetime(2024, 1, 1, tzinfo=UTC), serial=None)
            assert problems(text) == [], (repo_id, spec)
    olmo = collect_folder(tmp_path / "allenai__OLMo-2-1124-13B", CollectOptions())
    assert [u.reason for u in olmo.unknowns if u.field == "weights"] == [
        "model.safetensors.index.json lists shards that are not among the model's files: "
        "model-00001-of-00012.safetensors, model-00002-of-00012.safetensors, model-00003-of-00012.safetensors "
        "and 9 more"
    ]


def card_copy(tmp_path: Path, card: str) -> Path:
    """A real card alone in a folder named after its repo, as a partial download leaves it."""
    root = tmp_path / card.split("__", 1)[1]
    root.mkdir()
    shutil.copy(CARDS / card / "README.md", root / "README.md")
    return root


@pytest.mark.parametrize(("card", "name"), [
    ("01-ai__Yi-34B", "Yi-34B"),  # first heading "What is Yi?"
    ("bigscience__bloom", "bloom"),  # "DEPRECATED. This is now live at …"
    ("upstage__SOLAR-10.7B-Instruct-v1.0", "SOLAR-10.7B-Instruct-v1.0"),  # "Meet 10.7B Solar: Elevating …"
    ("nomic-ai__nomic-embed-text-v1", "nomic-embed-text-v1"),
    ("TheBloke__Llama-2-7B-Chat-GGUF", "Llama 2 7B Chat - GGUF"),  # its heading, not model_name (the base's)
    ("HuggingFaceH4__zephyr-7b-beta", "Zephyr 7B β"),
])
def test_a_sentence_heading_is_never_the_identity(tmp_path: Path, card: str, name: str) -> None:
    assert collect_folder(card_copy(tmp_path, card), CollectOptions()).name == name


@pytest.mark.parametrize(("card", "base"), [
    ("TheBloke__Llama-2-7B-Chat-GGUF", "meta-llama/Llama-2-7b-chat-hf"),
    ("bartowski__Meta-Llama-3.1-8B-Instruct-GGUF", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
    ("bartowski__aya-23-8B-GGUF", "CohereForAI/aya-23-8B"),
    ("Qwen__Qwen2.5-1.5B-Instruct-GGUF", "Qwen/Qwen2.5-1.5B-Instruct"),
    ("ibm-granite__granite-3.3-8b-instruct-GGUF", "ibm-granite/granite-3.3-8b-instruct"),
])
def test_card_only_gguf_repacks_are_quantizations(tmp_path: Path, card: str, base: str) -> None:
    prov = collect_folder(card_copy(tmp_path, card), CollectOptions())
    assert [(b.id, b.relation) for b in prov.base_models] == [(base, "quantized")]
