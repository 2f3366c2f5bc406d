"""The local Hub answers the real huggingface_hub client the way the Hub does (shapes, headers, errors)."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
from conftest import REAL
from hubserver import git_blob_id, tiny_safetensors
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

BERT = "google-bert/bert-base-uncased"
CARD = (REAL / "modelcards" / "google-bert__bert-base-uncased" / "README.md").read_bytes()
WEIGHTS = tiny_safetensors({"embeddings.weight": ("F32", (4, 3)), "pooler.bias": ("F16", (3,))})


def _bert(hub, **kw) -> str:
    return hub.add_model(
        BERT,
        {"README.md": CARD, "config.json": b'{"model_type": "bert"}\n', "model.safetensors": WEIGHTS},
        **kw,
    )


def test_model_info_has_the_hub_shape(hub) -> None:
    sha = _bert(hub)
    info = HfApi(endpoint=hub.url).model_info(BERT, files_metadata=True)
    assert info.sha == sha and info.private is False and info.gated is False
    assert info.library_name == "transformers"
    assert {"license:apache-2.0", "dataset:bookcorpus", "dataset:wikipedia", "arxiv:1810.04805"} <= set(
        info.tags
    )
    assert info.card_data is not None and info.card_data.datasets == ["bookcorpus", "wikipedia"]
    assert info.safetensors is not None and info.safetensors.total == 15
    assert info.safetensors.parameters == {"F32": 12, "F16": 3}
    by_name = {s.rfilename: s for s in info.siblings}
    weights = by_name["model.safetensors"]
    assert weights.lfs is not None and weights.lfs.sha256 == hashlib.sha256(WEIGHTS).hexdigest()
    assert weights.lfs.size == len(WEIGHTS) and weights.size == len(WEIGHTS)
    assert by_name["README.md"].lfs is None and by_name["README.md"].blob_id == git_blob_id(CARD)


def test_sibling_fields_match_a_real_hub_answer(hub) -> None:
    """The one real ModelInfo excerpt (snake_case, from an app) has the fields our server fills."""
    real = json.loads(
        (
            REAL / "api" / "TheBloke__Llama-2-13B-chat-GGUF" / "hf_hub_model_info.files_metadata.excerpt.json"
        ).read_text()
    )["data"]
    _bert(hub)
    info = HfApi(endpoint=hub.url).model_info(BERT, files_metadata=True)
    real_lfs = next(s for s in real["siblings"] if s["lfs"])
    ours = next(s for s in info.siblings if s.lfs)
    assert set(real_lfs) == {"rfilename", "size", "blob_id", "lfs"}
    assert set(real_lfs["lfs"]) == set(vars(ours.lfs)) == {"size", "sha256", "pointer_size"}
    assert all(getattr(ours, k) is not None for k in real_lfs)
    for key in ("sha", "private", "gated", "library_name", "tags", "pipeline_tag", "siblings", "author"):
        assert key in real and hasattr(info, key)
    assert len(real["sha"]) == len(info.sha) == 40


def test_blob_id_is_what_git_computes(tmp_path) -> None:
    (tmp_path / "README.md").write_bytes(CARD)
    out = subprocess.run(
        ["git", "hash-object", str(tmp_path / "README.md")], capture_output=True, text=True, check=True
    )
    assert git_blob_id(CARD) == out.stdout.strip() == "bad27d0e85c7bdfafea8861d53ae67730c55517c"


def test_resolve_headers_and_downloads(hub, tmp_path) -> None:
    sha = _bert(hub)
    small = get_hf_file_metadata(hf_hub_url(BERT, "README.md", revision=sha, endpoint=hub.url))
    assert small.commit_hash == sha and small.etag == git_blob_id(CARD) and small.size == len(CARD)
    large = get_hf_file_metadata(hf_hub_url(BERT, "model.safetensors", revision="main", endpoint=hub.url))
    assert large.commit_hash == sha and large.etag == hashlib.sha256(WEIGHTS).hexdigest()
    assert large.location.startswith(hub.cdn_url) and large.size == len(WEIGHTS)
    path = hf_hub_download(BERT, "model.safetensors", revision=sha, endpoint=hub.url, local_dir=tmp_path)
    with open(path, "rb") as fh:
        assert fh.read() == WEIGHTS
    assert hub.count(r"^/blobs/", "GET") == 1 and hub.count(r"/resolve/", "HEAD") == 3


def test_errors_carry_the_hub_error_codes(hub, tmp_path) -> None:
    sha = _bert(hub)
    api = HfApi(endpoint=hub.url)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/nothing")
    with pytest.raises(RevisionNotFoundError):
        api.model_info(BERT, revision="v9.9")
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download(BERT, "missing.txt", revision=sha, endpoint=hub.url, local_dir=tmp_path)
    hub.add_model("org/gated", {"README.md": CARD}, gated="manual")
    assert api.model_info("org/gated").gated == "manual"
    with pytest.raises(GatedRepoError):
        hf_hub_download("org/gated", "README.md", endpoint=hub.url, local_dir=tmp_path)
    hub.tokens.add("hf_test_token")
    path = hf_hub_download(
        "org/gated", "README.md", endpoint=hub.url, local_dir=tmp_path, token="hf_test_token"
    )
    with open(path, "rb") as fh:
        assert fh.read() == CARD
    assert [r.status for r in hub.requests if "org/gated" in r.path][-2:] == [200, 200]


def test_injected_faults_count_down(hub) -> None:
    _bert(hub)
    hub.fail(r"^/api/models/", 503, times=1)
    api = HfApi(endpoint=hub.url)
    with pytest.raises(Exception, match="503"):
        api.model_info(BERT)
    assert api.model_info(BERT).id == BERT
    assert [r.status for r in hub.requests] == [503, 200]
