"""The local Hub answers the real huggingface_hub client the way the Hub does (shapes, headers, errors)."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from builders import git_blob_id
from hubserver import card, tiny_safetensors
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

BERT = "google-bert/bert-base-uncased"


WEIGHTS = tiny_safetensors({"embeddings.weight": ("F32", (4, 3)), "pooler.bias": ("F16", (3,))})


def _bert(hub, **kw) -> str:
    return hub.add_model(
        BERT,
        {"README.md": card("model", BERT), "config.json": b'{"model_type": "bert"}\n', "model.safetensors": WEIGHTS},
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
    assert by_name["README.md"].lfs is None and by_name["README.md"].blob_id == git_blob_id(card("model", BERT))


def test_blob_id_is_what_git_computes(tmp_path) -> None:
    (tmp_path / "README.md").write_bytes(card("model", BERT))
    out = subprocess.run(
        ["git", "hash-object", str(tmp_path / "README.md")], capture_output=True, text=True, check=True
    )
    assert git_blob_id(card("model", BERT)) == out.stdout.strip()
    assert git_blob_id(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's well-known empty blob


def test_resolve_headers_and_downloads(hub, tmp_path) -> None:
    sha = _bert(hub)
    small = get_hf_file_metadata(hf_hub_url(BERT, "README.md", revision=sha, endpoint=hub.url))
    readme = card("model", BERT)
    assert small.commit_hash == sha and small.etag == git_blob_id(readme) and small.size == len(readme)
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
    hub.add_model("org/gated", {"README.md": card("model", BERT)}, gated="manual")
    assert api.model_info("org/gated").gated == "manual"
    with pytest.raises(GatedRepoError):
        hf_hub_download("org/gated", "README.md", endpoint=hub.url, local_dir=tmp_path)
    hub.tokens.add("hf_test_token")
    path = hf_hub_download(
        "org/gated", "README.md", endpoint=hub.url, local_dir=tmp_path, token="hf_test_token"
    )
    with open(path, "rb") as fh:
        assert fh.read() == card("model", BERT)
    assert [r.status for r in hub.requests if "org/gated" in r.path][-2:] == [200, 200]


def test_injected_faults_count_down(hub) -> None:
    _bert(hub)
    hub.fail(r"^/api/models/", 503, times=1)
    api = HfApi(endpoint=hub.url)
    with pytest.raises(Exception, match="503"):
        api.model_info(BERT)
    assert api.model_info(BERT).id == BERT
    assert [r.status for r in hub.requests] == [503, 200]
