"""Where a folder's facts come from: which file is the card, what a GGUF header adds, when a declared
base is the model itself, and when a repack is a quantization."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_gguf

from aibom.collect.local import collect_folder
from aibom.collect.options import CollectOptions
from aibom.collect.single_file import collect_file
from aibom.score.profiles import evaluate

CARD = "---\nlicense: mit\nbase_model: acme/base-7b\n---\n# acme-7b-tune\n\nA tune.\n"


def folder(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    root = tmp_path / name
    root.mkdir()
    for rel, text in files.items():
        (root / rel).write_text(text)
    return root


@pytest.mark.parametrize("card_name", ["MODEL_CARD.md", "model_card.md", "MODELCARD.md", "ModelCard.md"])
def test_a_model_card_under_another_name_is_the_card(tmp_path: Path, card_name: str) -> None:
    prov = collect_folder(folder(tmp_path, "copy", {card_name: CARD}), CollectOptions())
    assert prov.name == "acme-7b-tune" and prov.identity.location == f"{card_name}#title"
    assert [(lic.spdx, lic.evidence.location) for lic in prov.licenses] == [("MIT", f"{card_name}#front-matter")]
    assert [b.id for b in prov.base_models] == ["acme/base-7b"]
    assert "card" not in [u.field for u in prov.unknowns]


def test_readme_wins_over_another_card_file(tmp_path: Path) -> None:
    prov = collect_folder(folder(tmp_path, "m", {"README.md": CARD, "MODEL_CARD.md": "# other-9b\n"}), CollectOptions())
    assert prov.name == "acme-7b-tune"


def test_a_gguf_in_a_folder_gives_what_it_gives_alone(tmp_path: Path) -> None:
    """A folder with a GGUF and no card: identity, license, base model and quantization from the header."""
    root = tmp_path / "dl"
    root.mkdir()
    base = ({"repo_url": "https://huggingface.co/acme/base-7b"},)
    make_gguf(root / "acme.Q4_K_M.gguf", name="Acme 7B", license_id="apache-2.0", file_type=15, base_models=base)
    alone = collect_file(root / "acme.Q4_K_M.gguf", CollectOptions())
    prov = collect_folder(root, CollectOptions())
    for p in (prov, alone):
        assert (p.name, p.identity.location) == ("Acme 7B", "acme.Q4_K_M.gguf:general.name")
        assert [(lic.spdx, lic.evidence.location) for lic in p.licenses] == [
            ("Apache-2.0", "acme.Q4_K_M.gguf:general.license")]
        assert [(b.id, b.relation) for b in p.base_models] == [("acme/base-7b", "quantized")]
        meta = dict(p.files[0].weights.metadata)  # type: ignore[union-attr]
        assert meta["gguf.quantization"] == "Q4_K_M"
    # the header's license is known, so the permissive-license verdict is decided, not unknown
    assert {f.requirement: f.status for f in evaluate(prov, "core").findings}["permissive-license"] == "met"


def test_the_card_wins_over_the_header_and_the_header_fills_what_the_card_lacks(tmp_path: Path) -> None:
    root = folder(tmp_path, "m", {"README.md": "---\nlicense: mit\n---\n# Acme\n\nText.\n"})
    make_gguf(root / "m.gguf", name="Acme 7B", license_id="apache-2.0", file_type=15,
              base_models=({"repo_url": "https://huggingface.co/acme/base-7b"},))
    prov = collect_folder(root, CollectOptions())
    assert [lic.spdx for lic in prov.licenses] == ["MIT"]
    assert [(b.id, b.evidence.location) for b in prov.base_models] == [
        ("acme/base-7b", "m.gguf:general.base_model.0.repo_url")]


def test_a_declared_base_survives_a_folder_named_after_it(tmp_path: Path) -> None:
    card = "---\nbase_model: meta-llama/Llama-2-7b-chat-hf\nlicense: llama2\n---\n\nA quantization.\n"
    root = folder(tmp_path, "Llama-2-7b-chat-hf", {"README.md": card})
    make_gguf(root / "llama-2-7b-chat.Q4_K_M.gguf", name=None, file_type=15)
    prov = collect_folder(root, CollectOptions())
    assert prov.name == "Llama-2-7b-chat-hf" and prov.identity.location == "folder name"
    assert [(b.id, b.relation) for b in prov.base_models] == [("meta-llama/Llama-2-7b-chat-hf", "quantized")]
    # given its Hub id, a card naming itself as base model is still not its own ancestor
    assert collect_folder(root, CollectOptions(repo_id="meta-llama/Llama-2-7b-chat-hf")).base_models == ()


@pytest.mark.parametrize(("name", "front", "relation"), [
    ("Acme-7B-GGUF", "", "quantized"),
    ("acme-7b-awq", "", "quantized"),
    ("acme-copy", "quantized_by: someone\n", "quantized"),
    ("acme-copy", "tags: [gguf]\n", "quantized"),
    ("acme-copy", "", "fine-tune"),
    ("acme-ggufish", "", "fine-tune"),
])
def test_a_card_only_repack_is_a_quantization(tmp_path: Path, name: str, front: str, relation: str) -> None:
    root = folder(tmp_path, name, {"README.md": f"---\nbase_model: acme/base-7b\n{front}---\n\nText.\n"})
    prov = collect_folder(root, CollectOptions())
    assert [(b.id, b.relation) for b in prov.base_models] == [("acme/base-7b", relation)]


def test_an_f16_gguf_is_a_conversion_never_a_fine_tune(tmp_path: Path) -> None:
    root = folder(tmp_path, "acme-7b-GGUF", {"README.md": "---\nbase_model: acme/base-7b\n---\n\nText.\n"})
    make_gguf(root / "acme.F16.gguf", file_type=1)
    prov = collect_folder(root, CollectOptions())
    assert [(b.id, b.relation) for b in prov.base_models] == [("acme/base-7b", "unknown")]
