"""The HF cache collector over real cache layouts, with the network off."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from builders import make_cache
from conftest import FIXTURES, model_of
from hubserver import model_files, read_folder, write_folder
from test_hub_collect import same_answer

from aibom.cli import main
from aibom.collect import hf_cache, local
from aibom.collect.options import CollectOptions
from aibom.errors import EnvironmentFailure, InputError
from aibom.identity import hf_purl

BERT = "google-bert/bert-base-uncased"
COMMIT_1 = "1" * 40
COMMIT_2 = "2" * 40


def hub_cache() -> Path:
    """The default hub cache under the per-test HF_HOME conftest sets."""
    return Path(os.environ["HF_HOME"]) / "hub"


def test_cache_gives_the_folder_answer_offline(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    files = model_files(BERT)
    make_cache(hub_cache(), BERT, files, COMMIT_1)
    prov = hf_cache.collect_cache(BERT, None, CollectOptions())
    folder = local.collect_folder(write_folder(tmp_path / "bert", files), CollectOptions())
    assert same_answer(prov) == same_answer(folder)
    assert prov.revision == COMMIT_1 and prov.purl == hf_purl(BERT, COMMIT_1)
    assert {f.evidence.collector for f in prov.files} == {"hf-cache"}
    monkeypatch.setattr(sys, "argv", ["aibom", "generate", BERT, "-o", str(tmp_path / "bom.json")])
    main()
    bom = json.loads((tmp_path / "bom.json").read_text())
    assert model_of(bom)["purl"] == f"pkg:huggingface/{BERT}@{COMMIT_1}"


@pytest.mark.parametrize("fixture", ["tiny-llama-ft", "sharded-bert"])
def test_the_project_fixtures_give_the_same_answer_from_the_cache(fixture: str, tmp_path: Path) -> None:
    folder = FIXTURES / "models" / fixture
    make_cache(tmp_path, f"aibom-fixtures/{fixture}", read_folder(folder), COMMIT_2)
    prov = hf_cache.collect_cache(f"aibom-fixtures/{fixture}", None, CollectOptions(cache_dir=tmp_path))
    options = CollectOptions(repo_id=f"aibom-fixtures/{fixture}", revision=COMMIT_2)
    assert same_answer(prov) == same_answer(local.collect_folder(folder, options))
    assert prov.purl == hf_purl(f"aibom-fixtures/{fixture}", COMMIT_2)


def test_a_blob_name_is_not_trusted_as_a_hash(tmp_path: Path) -> None:
    files = model_files(BERT)
    repo = make_cache(tmp_path, BERT, files, COMMIT_1)
    weights = files["model.safetensors"]
    blob = repo / "blobs" / hashlib.sha256(weights).hexdigest()
    tampered = weights[:-1] + b"\x07"
    blob.write_bytes(tampered)
    prov = hf_cache.collect_cache(BERT, None, CollectOptions(cache_dir=tmp_path))
    entry = next(f for f in prov.files if f.path == "model.safetensors")
    assert entry.sha256 == hashlib.sha256(tampered).hexdigest() != blob.name
    assert entry.evidence.method == "computed"


def test_revision_by_ref_commit_or_prefix(tmp_path: Path) -> None:
    make_cache(tmp_path, BERT, model_files(BERT), COMMIT_1, refs=("v1.0",))
    make_cache(tmp_path, BERT, model_files(BERT, extra={"config.json": b"{}\n"}), COMMIT_2, refs=("main",))
    options = CollectOptions(cache_dir=tmp_path)
    assert hf_cache.collect_cache(BERT, None, options).revision == COMMIT_2
    assert hf_cache.collect_cache(BERT, "v1.0", options).revision == COMMIT_1
    assert hf_cache.collect_cache(BERT, COMMIT_1, options).revision == COMMIT_1
    assert hf_cache.collect_cache(BERT, COMMIT_2[:8], options).revision == COMMIT_2
    config = next(f for f in hf_cache.collect_cache(BERT, "main", options).files if f.path == "config.json")
    assert config.sha256 == hashlib.sha256(b"{}\n").hexdigest()


def test_not_cached_offline_names_what_is_missing(monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(sys, "argv", ["aibom", "generate", f"{BERT}@v2", "-o", str(tmp_path / "bom.json")])
    with pytest.raises(SystemExit) as exc:
        main()
    err = capsys.readouterr().err
    assert exc.value.code == 3 and f"{BERT}@v2 is not in the Hugging Face cache" in err
    assert not (tmp_path / "bom.json").exists()
    make_cache(hub_cache(), BERT, model_files(BERT), COMMIT_1)
    with pytest.raises(EnvironmentFailure, match=f"{BERT}@v2 is not in"):
        hf_cache.collect_cache(BERT, "v2", CollectOptions())
    with pytest.raises(EnvironmentFailure, match="other/model@main"):
        hf_cache.collect_cache("other/model", None, CollectOptions())


def test_cache_option_reads_a_given_folder(monkeypatch, capsys, tmp_path: Path) -> None:
    make_cache(tmp_path / "elsewhere", BERT, model_files(BERT), COMMIT_1)
    monkeypatch.setattr(
        sys,
        "argv",
        ["aibom", "generate", BERT, "--cache", str(tmp_path / "elsewhere"), "-o", str(tmp_path / "bom.json")],
    )
    main()
    assert f"@{COMMIT_1}" in (tmp_path / "bom.json").read_text()


def test_a_snapshot_link_leaving_the_repo_is_refused(tmp_path: Path) -> None:
    repo = make_cache(tmp_path / "cache", BERT, model_files(BERT), COMMIT_1)
    (tmp_path / "secret.txt").write_text("outside")
    (repo / "snapshots" / COMMIT_1 / "notes.txt").symlink_to(
        os.path.relpath(tmp_path / "secret.txt", repo / "snapshots" / COMMIT_1)
    )
    with pytest.raises(InputError):
        hf_cache.collect_cache(BERT, None, CollectOptions(cache_dir=tmp_path / "cache"))


def test_a_cache_written_by_the_real_client(hub, tmp_path: Path) -> None:
    """Files fetched by huggingface_hub into a cache are read back offline with the same hashes."""
    from huggingface_hub import hf_hub_download

    files = model_files(BERT)
    sha = hub.add_model(BERT, files)
    for rel in files:
        hf_hub_download(BERT, rel, cache_dir=tmp_path, endpoint=hub.url)
    hub.stop()
    prov = hf_cache.collect_cache(BERT, None, CollectOptions(cache_dir=tmp_path))
    assert prov.revision == sha
    assert {f.path: f.sha256 for f in prov.files} == {
        p: hashlib.sha256(d).hexdigest() for p, d in files.items()
    }


def test_a_snapshot_linked_out_of_its_repo_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the model's")
    (outside / "README.md").write_text("# not a model\n")
    repo = tmp_path / "cache" / "models--google-bert--bert-base-uncased"
    (repo / "snapshots").mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT_1)
    (repo / "snapshots" / COMMIT_1).symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="points out of its repo folder"):
        hf_cache.collect_cache(BERT, None, CollectOptions(cache_dir=tmp_path / "cache"))
