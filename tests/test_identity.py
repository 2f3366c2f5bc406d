"""aibom.identity: repo ids, revisions and purls (built and checked by packageurl-python)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packageurl import PackageURL

from aibom.identity import (
    hf_purl,
    hub_model_id,
    hub_purl,
    is_hub_reference,
    names_same_model,
    repo_id_of_purl,
    split_target,
)

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_a_commit_is_the_purl_version_lower_cased() -> None:
    assert hf_purl("Org/Name", SHA.upper()) == f"pkg:huggingface/Org/Name@{SHA}"
    assert hf_purl("Org/Name", "abc1234") == "pkg:huggingface/Org/Name@abc1234"


@pytest.mark.parametrize("revision", ["main", "v1.0", "refs/pr/1", "abc"])
def test_a_branch_or_tag_is_not_a_purl_version(revision: str) -> None:
    assert hf_purl("org/name", revision) == "pkg:huggingface/org/name"


@pytest.mark.parametrize("repo_id", ["gpt2", "not a repo id", "a/b/c", "", "/name", "org/"])
def test_the_purl_spec_needs_an_org_slash_name(repo_id: str) -> None:
    with pytest.raises(ValueError):
        hf_purl(repo_id)
    assert hub_purl(repo_id) is None


def test_purls_read_back_to_their_repo_id() -> None:
    assert repo_id_of_purl(f"pkg:huggingface/Org/Name@{SHA}?repository_url=https://hub.example") == "Org/Name"
    assert repo_id_of_purl("pkg:generic/Org/Name@1") is None
    assert repo_id_of_purl("not a purl") is None


def test_targets_local_paths_and_hub_pages() -> None:
    assert split_target(f"org/name@{SHA}") == ("org/name", SHA)
    assert split_target("org/name") == ("org/name", None)
    assert split_target("gpt2") is None and split_target("org/name@bad rev") is None
    assert not is_hub_reference("./out") and not is_hub_reference("C:\\runs") and is_hub_reference("org/m")
    assert hub_model_id("https://huggingface.co/org/name") == "org/name"
    assert hub_model_id("https://huggingface.co/datasets/org") is None


def test_a_model_is_the_same_model_at_any_revision_and_case() -> None:
    assert names_same_model(("Org/Name", f"pkg:huggingface/Org/Name@{SHA}"), "org/name", None)
    assert names_same_model((None, "pkg:huggingface/Org/Name@abc1234"), "x", "pkg:huggingface/org/name")
    assert not names_same_model(("org/name",), "org/other", None)


@given(org=st.from_regex(r"[A-Za-z0-9][\w.-]{0,20}", fullmatch=True),
       name=st.from_regex(r"[\w.-]{1,20}", fullmatch=True),
       revision=st.one_of(st.none(), st.text(max_size=50)))
def test_every_purl_built_is_valid_and_names_its_repo(org: str, name: str, revision: str | None) -> None:
    purl = hf_purl(f"{org}/{name}", revision)
    parsed = PackageURL.from_string(purl)
    assert parsed.type == "huggingface" and repo_id_of_purl(purl) == f"{org}/{name}"
    assert parsed.version is None or (revision is not None and parsed.version == revision.lower())


@pytest.mark.parametrize(("args", "message"), [
    (["--repo-id", "not a repo id"], "is not a Hugging Face repo id ORG/NAME"),
    (["--repo-id", "gpt2"], "is not a Hugging Face repo id ORG/NAME"),
    (["--repo-id", "a/b", "--revision", "bad rev"], "is not a commit, branch or tag name"),
])
def test_identity_options_are_validated(args: list[str], message: str, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import FIXTURES, run_main

    code, _, err = run_main(monkeypatch, capsys, "generate", str(FIXTURES / "models" / "tiny-llama-ft"), *args,
                            "-o", str(tmp_path / "bom.json"))
    assert code == 2 and message in err and not (tmp_path / "bom.json").exists()


def test_a_mirror_hub_is_named_in_the_purl_without_its_credentials() -> None:
    from packageurl import PackageURL

    from aibom.identity import without_credentials

    sha = "a" * 40
    assert hf_purl("org/name", sha, "https://huggingface.co/") == f"pkg:huggingface/org/name@{sha}"
    purl = hf_purl("org/name", sha, "http://user:secret@hub.example.org:8080/")
    assert "secret" not in purl and "user" not in purl
    assert PackageURL.from_string(purl).qualifiers == {"repository_url": "http://hub.example.org:8080"}
    assert without_credentials("https://u:p@[::1]:9/x") == "https://[::1]:9/x"
    assert without_credentials("https://hub.example.org/a") == "https://hub.example.org/a"
