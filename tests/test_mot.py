"""Model Openness Tool YAML files read into the neutral model, and scored through the command line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aibom.collect.mot import from_mot, is_mot, load_mot
from aibom.errors import InputError


def test_is_mot() -> None:
    assert is_mot({"framework": {"name": "x"}, "release": {"name": "m", "components": []}})
    assert not is_mot({"framework": {"name": "x"}, "release": {"name": "m"}})
    assert not is_mot({"model": {"name": "m"}, "datasets": []})
    assert not is_mot(["framework", "release"])


@pytest.mark.parametrize(
    ("page", "repo_id"),
    [
        ("https://huggingface.co/LLM360/Amber", "LLM360/Amber"),
        ("https://www.huggingface.co/LLM360/Amber/", "LLM360/Amber"),
        ("https://huggingface.co/papers/2309.16609", None),  # Qwen-72B.yml: a paper page, not the model
        ("https://huggingface.co/datasets/tiiuae/falcon-refinedweb", None),
    ],
)
def test_only_a_hub_model_page_gives_the_repo_id(page: str, repo_id: str | None) -> None:
    data = {"framework": {}, "release": {"name": "m", "huggingface": page, "components": []}}
    assert from_mot(data, "m.yml").repo_id == repo_id


def test_unknown_component_names_are_unknowns() -> None:
    data = {"framework": {}, "release": {"name": "m", "components": [{"name": "Weights"}]}}
    prov = from_mot(data, "m.yml")
    assert prov.references == () and prov.datasets == ()
    assert [(u.field, u.reason) for u in prov.unknowns] == [
        ("mof-component", "m.yml: 'Weights' is not one of the MOF components")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("framework: [unclosed\n", "is not valid YAML at line"),
        ("model:\n  name: x\n", "is not a Model Openness Tool file"),
        ("- just\n- a list\n", "is not a Model Openness Tool file"),
        ("framework: {}\nrelease:\n  components: []\n", "release.name must be a non-empty string"),
        ("framework: {}\nrelease:\n  name: m\n  components: {a: 1}\n", "release.components must be a list"),
        ("framework: {}\nrelease:\n  name: m\n  components: [x]\n", "release.components must be a list"),
        ("framework: {}\nrelease:\n  name: m\n  license: MIT\n  components: []\n", "release.license must be"),
    ],
)
def test_bad_files_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_mot(path)


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_bytes(b"\xff\xfe\x00framework")
    with pytest.raises(InputError):
        load_mot(path)


def test_nested_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    """A "billion laughs" file: nine levels of ten aliases in a description would be quoted as 7 GB of
    text (at six levels, 468 bytes of YAML already gave a 7 MB quote)."""
    lines = ["a0: &a0 lol"] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    path = tmp_path / "laughs.yml"
    release = "release: {name: m, components: [{name: Model architecture, description: *a9}]}"
    path.write_text("\n".join([*lines, "framework: {name: MOF}", release]) + "\n", encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(InputError, match="aliases"):
        load_mot(path)
    assert time.monotonic() - start < 2
