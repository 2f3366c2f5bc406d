"""The Hub collector through the real huggingface_hub client against the local Hub (tests/hubserver.py)."""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, files_of, model_of
from hubserver import card, front_matter, model_files, write_folder

from aibom.collect import hf_hub, local
from aibom.collect.options import CollectOptions
from aibom.errors import EnvironmentFailure, InputError
from aibom.identity import hf_purl
from aibom.model import PROP_ACCESS, Provenance

BERT = "google-bert/bert-base-uncased"
T5 = "google-t5/t5-small"
ZEPHYR = "HuggingFaceH4/zephyr-7b-beta"
MISTRAL = "mistralai/Mistral-7B-v0.1"


def same_answer(prov: Provenance) -> dict[str, object]:
    """What the Hub, cache and folder paths must agree on (identity and evidence may differ)."""
    return {
        "files": sorted(
            (
                f.path,
                f.sha256,
                f.size,
                f.role,
                f.weights and (f.weights.format, f.weights.parameters, f.weights.metadata, f.weights.risks),
            )
            for f in prov.files
        ),
        "licenses": sorted((lic.raw, lic.spdx, lic.name, lic.category) for lic in prov.licenses),
        "datasets": sorted(d.id for d in prov.datasets),
        "lineage": sorted(b.id for b in prov.base_models),
        "parameters": prov.parameters.value if prov.parameters else None,
        "metrics": sorted((m.type, m.value, m.dataset or "") for m in prov.card.metrics),
        "references": sorted(r.url for r in prov.references if "huggingface.co" not in r.url),
    }


def collect(repo_id: str, revision: str | None = None, **options: object) -> Provenance:
    return hf_hub.collect_hub(repo_id, revision, CollectOptions(**options))  # type: ignore[arg-type]


def test_hub_gives_the_folder_answer(hub, tmp_path: Path) -> None:
    files = model_files(BERT)
    sha = hub.add_model(BERT, files)
    from_hub = collect(BERT)
    from_folder = local.collect_folder(write_folder(tmp_path / "bert", files), CollectOptions())
    assert same_answer(from_hub) == same_answer(from_folder)
    # the test Hub is not the default one: the purl names it (repository_url)
    assert from_hub.purl == hf_purl(BERT, sha, hub.url) == (
        f"pkg:huggingface/google-bert/bert-base-uncased@{sha}?repository_url={hub.url}")
    assert from_hub.revision == sha and from_hub.repo_id == BERT
    by_path = {f.path: f for f in from_hub.files}
    assert set(by_path) == set(files)
    for rel, data in files.items():
        assert by_path[rel].sha256 == hashlib.sha256(data).hexdigest()
    weights = by_path["model.safetensors"]
    assert weights.evidence.method == "declared" and weights.evidence.collector == "hf-hub"
    assert weights.weights is not None and weights.weights.parameter_count == 36
    assert by_path["config.json"].evidence.method == "computed"
    assert [lic.spdx for lic in from_hub.licenses] == ["Apache-2.0"]
    assert hub.count(r"^/blobs/") == 1, "only the safetensors header was fetched, never the weights"
    (info,) = [r for r in hub.requests if r.path.startswith("/api/models/")]
    assert info.path == f"/api/models/{BERT}" and info.query == "blobs=true"
    # each small file is one streamed GET of at most the size the Hub lists (no HEAD first)
    small = sorted(p for p in files if not p.endswith(".safetensors"))
    gets = [r for r in hub.requests if r.method == "GET" and "/resolve/" in r.path
            and not r.path.endswith(".safetensors")]  # the weights: ranged header reads
    assert sorted(r.path.rsplit("/", 1)[1] for r in gets) == small
    assert not [r for r in hub.requests if r.method == "HEAD"]


@pytest.mark.parametrize("fixture", ["tiny-llama-ft", "sharded-bert"])
def test_the_project_fixtures_give_the_same_answer_from_the_hub(hub, fixture: str) -> None:
    folder = FIXTURES / "models" / fixture
    sha = hub.add_model(f"aibom-fixtures/{fixture}", folder)
    from_hub = collect(f"aibom-fixtures/{fixture}")
    from_folder = local.collect_folder(
        folder, CollectOptions(repo_id=f"aibom-fixtures/{fixture}", revision=sha)
    )
    assert same_answer(from_hub) == same_answer(from_folder)
    assert from_hub.purl == hf_purl(f"aibom-fixtures/{fixture}", sha, hub.url)
    assert from_folder.purl == hf_purl(f"aibom-fixtures/{fixture}", sha)
    assert from_hub.parameters is not None and from_hub.parameters.evidence.method == "computed"
    assert all(f.weights for f in from_hub.files if f.path.endswith(".safetensors"))


def _bom(args: list[str], out: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """`aibom generate ARGS --reproducible` through the console entry point; the BOM it wrote, validated."""
    from aibom.cli import main
    from aibom.emit.validate import problems

    monkeypatch.setattr(sys, "argv", ["aibom", "generate", *args, "--reproducible", "-o", str(out)])
    main()
    text = out.read_text()
    assert problems(text) == []
    return json.loads(text)


def _bom_facts(bom: dict) -> dict[str, object]:
    model = model_of(bom)
    files = {c["name"]: c["hashes"] for c in files_of(bom)}
    return {
        "purl": model["purl"],
        "files": files,
        "licenses": model.get("licenses"),
        "datasets": sorted(c["name"] for c in bom.get("components", []) if c["type"] == "data"),
        "ancestors": sorted(a["name"] for a in model.get("pedigree", {}).get("ancestors", [])),
    }


def test_cli_generate_repo_id_equals_the_folder_bom(hub, tmp_path: Path, monkeypatch) -> None:
    files = model_files(ZEPHYR)
    sha = hub.add_model(ZEPHYR, files)
    hub.add_model(MISTRAL, model_files(MISTRAL))
    from_hub = _bom([ZEPHYR], tmp_path / "hub.json", monkeypatch)
    folder = write_folder(tmp_path / "zephyr", files)
    from_folder = _bom(
        [str(folder), "--repo-id", ZEPHYR, "--revision", sha], tmp_path / "dir.json", monkeypatch
    )
    facts = _bom_facts(from_hub)
    assert {**facts, "purl": facts["purl"].split("?")[0]} == _bom_facts(from_folder)  # type: ignore[union-attr]
    assert facts["purl"] == f"pkg:huggingface/{ZEPHYR}@{sha}?repository_url={hub.url}"
    assert set(facts["files"]) == set(files)  # type: ignore[arg-type]
    assert facts["ancestors"] == [MISTRAL]
    assert len(facts["datasets"]) == 2  # type: ignore[arg-type]


def test_pinned_revision_is_read_at_its_commit_never_main(hub) -> None:
    first = hub.add_model(BERT, model_files(BERT))
    second = hub.add_model(
        BERT, model_files(BERT, extra={"config.json": b'{"model_type": "bert", "v": 2}\n'})
    )
    assert first != second
    old = collect(BERT, first)
    assert old.revision == first and old.purl == hf_purl(BERT, first, hub.url)
    config = next(f for f in old.files if f.path == "config.json")
    assert config.sha256 == hashlib.sha256(model_files(BERT)["config.json"]).hexdigest()
    resolves = [r.path for r in hub.requests if "/resolve/" in r.path]
    assert resolves and all(f"/resolve/{first}/" in p for p in resolves)
    hub.requests.clear()
    assert collect(BERT, "main").revision == second
    assert all(f"/resolve/{second}/" in r.path for r in hub.requests if "/resolve/" in r.path)


def test_dataset_licenses_come_from_the_dataset_cards(hub) -> None:
    hub.add_model(BERT, model_files(BERT))
    wiki_sha = hub.add_dataset("wikipedia", {"README.md": card("dataset", "wikipedia")})
    hub.add_dataset("bookcorpus", {"README.md": card("dataset", "bookcorpus")})
    prov = collect(BERT)
    by_id = {d.id: d for d in prov.datasets}
    assert set(by_id) == {"bookcorpus", "wikipedia"}
    wiki = by_id["wikipedia"]
    assert [lic.raw for lic in wiki.licenses] == ["cc-by-sa-3.0", "gfdl"]
    assert wiki.licenses[0].spdx == "CC-BY-SA-3.0"
    assert wiki.licenses[0].evidence.collector == "hf-hub"
    assert wiki.revision == wiki_sha and wiki.gated is False and wiki.url
    assert wiki.name == "Wikipedia" and wiki.description and wiki.description.startswith("Wikipedia dataset")
    assert [lic.raw for lic in by_id["bookcorpus"].licenses] == ["unknown"]
    assert by_id["bookcorpus"].licenses[0].category == "unknown"


def test_a_dataset_the_hub_does_not_know_is_kept_with_an_unknown_license(hub) -> None:
    hub.add_model(T5, model_files(T5))
    prov = collect(T5)
    (c4,) = prov.datasets
    assert c4.id == "c4" and c4.licenses == ()
    assert any((u.label, u.field) == ("dataset c4", "license") for u in prov.unknowns)
    hub.add_dataset("c4", {"README.md": card("dataset", "c4")})
    (c4,) = collect(T5).datasets
    assert [lic.spdx for lic in c4.licenses] == ["ODC-By-1.0"]


def test_a_gated_dataset_card_falls_back_to_the_hub_tags(hub) -> None:
    hub.add_model(T5, model_files(T5))
    hub.add_dataset("c4", {"README.md": card("dataset", "c4")}, gated="auto")
    (c4,) = collect(T5).datasets
    assert c4.gated is True
    assert [lic.spdx for lic in c4.licenses] == ["ODC-By-1.0"]
    assert "#tags" in c4.licenses[0].evidence.location


def test_tags_add_datasets_base_models_and_relations(hub) -> None:
    hub.add_model(
        MISTRAL,
        model_files(MISTRAL),
        tags=[
            "transformers",
            "dataset:c4",
            "base_model:adapter:org/base",
            "arxiv:2310.06825",
            "license:apache-2.0",
            "region:us",
        ],
    )
    prov = collect(MISTRAL, lineage_depth=0)
    assert [d.id for d in prov.datasets] == ["c4"]
    assert [(b.id, b.relation) for b in prov.base_models] == [("org/base", "adapter")]
    assert "https://arxiv.org/abs/2310.06825" in {r.url for r in prov.references}
    props = {p.name: p.value for p in prov.properties}
    assert props[PROP_ACCESS] == "open" and props["aibom:hf:private"] == "false"


def test_lineage_records_the_base_model_at_its_commit(hub) -> None:
    hub.add_model(ZEPHYR, model_files(ZEPHYR))
    base_sha = hub.add_model(MISTRAL, model_files(MISTRAL))
    (base,) = collect(ZEPHYR).base_models
    assert base.id == MISTRAL and base.relation == "fine-tune"
    assert base.purl == hf_purl(MISTRAL, base_sha) and base.revision == base_sha
    assert [lic.spdx for lic in base.licenses] == ["Apache-2.0"]
    hub.requests.clear()
    (base,) = collect(ZEPHYR, lineage_depth=0).base_models
    assert base.revision is None and hub.count(r"^/api/models/mistralai/") == 0


def test_lineage_is_bounded_and_stops_at_cycles(hub) -> None:
    hub.add_model(ZEPHYR, model_files(ZEPHYR))
    hub.add_model(
        MISTRAL, model_files(MISTRAL), tags=[f"base_model:finetune:{ZEPHYR}", "base_model:merge:org/root"]
    )
    hub.add_model("org/root", model_files(MISTRAL), tags=["base_model:finetune:org/older"])
    prov = collect(ZEPHYR, lineage_depth=10)
    assert [(b.id, b.relation) for b in prov.base_models] == [
        (MISTRAL, "fine-tune"),
        ("org/root", "merge"),
        ("org/older", "fine-tune"),
    ]
    assert any(u.label == "base model org/older" for u in prov.unknowns), (
        "not on the Hub: unknown, not a failure"
    )
    assert hub.count(rf"^/api/models/{ZEPHYR}") == 1, "the cycle back to the model itself is not followed"
    hub.requests.clear()
    assert [b.id for b in collect(ZEPHYR, lineage_depth=1).base_models] == [MISTRAL, "org/root"]
    assert hub.count(r"^/api/models/org/") == 0


def test_verify_weights_downloads_and_checks_the_declared_sha256(hub) -> None:
    files = model_files(BERT)
    hub.add_model(BERT, files)
    prov = collect(BERT, verify_weights=True)
    weights = next(f for f in prov.files if f.path == "model.safetensors")
    assert weights.evidence.method == "computed"
    assert weights.sha256 == hashlib.sha256(files["model.safetensors"]).hexdigest()
    good = files["model.safetensors"]
    hub.tamper_blob(hashlib.sha256(good).hexdigest(), good[:-1] + b"\x01")
    with pytest.raises(InputError, match=r"model\.safetensors has SHA-256 .* Hub declares"):
        collect(BERT, verify_weights=True)


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd", "a/../../b.json", ".git/config"])
def test_a_hostile_file_name_from_the_hub_is_refused(hub, name: str) -> None:
    hub.add_model(BERT, {**model_files(BERT), name: b"{}"})
    with pytest.raises(EnvironmentFailure, match="unsafe file name"):
        collect(BERT)
    assert hub.count(r"/resolve/") == 0, "refused before anything was downloaded"


def test_hub_declared_parameters_fill_in_when_no_header_is_read(hub) -> None:
    files = model_files(MISTRAL)
    del files["model.safetensors"]
    files["pytorch_model.bin"] = b"\x80\x02}q\x00."
    hub.add_model(MISTRAL, files, safetensors={"parameters": {"BF16": 7241732096}, "total": 7241732096})
    prov = collect(MISTRAL)
    assert prov.parameters is not None and prov.parameters.value == 7241732096
    assert prov.parameters.evidence.method == "declared"
    assert prov.parameters.evidence.location.endswith("#safetensors.total")
    assert prov.author == "mistralai"


def test_gguf_parameters_declared_by_the_hub(hub) -> None:
    """The real model info of a GGUF repo carries ``gguf.total``; of the .gguf file only a range is read
    (here its header is malformed, so the Hub's count stands)."""
    repo = "TheBloke/Llama-2-7B-Chat-GGUF"
    files = {"README.md": card("model", repo), "llama-2-7b-chat.Q4_K_M.gguf": b"GGUF" + bytes(60)}
    hub.add_model(repo, files, gguf={"total": 6738415616, "architecture": "llama", "context_length": 4096})
    prov = collect(repo, lineage_depth=0)
    assert prov.parameters is not None and prov.parameters.value == 6738415616
    assert prov.parameters.evidence.method == "declared"
    assert [r.status for r in hub.requests if r.path.startswith("/blobs/")] == [206]


@pytest.mark.slow
def test_request_count_grows_linearly_with_datasets(hub) -> None:
    """A generate costs a fixed number of requests plus at most 2 per dataset (its info, a GET of its card)."""
    counts: dict[int, tuple[int, int]] = {}
    for repo in (
        MISTRAL,
        T5,
        BERT,
        "CarperAI/stable-vicuna-13b-delta",
        "sentence-transformers/all-MiniLM-L6-v2",
    ):
        hub.add_model(repo, model_files(repo))
        carded = 0
        for ds in front_matter(card("model", repo).decode()).get("datasets") or []:
            try:
                hub.add_dataset(ds, {"README.md": card("dataset", ds)})
                carded += 1
            except FileNotFoundError:
                continue  # no real card for it: the Hub answers 404, the dataset's license is unknown
        hub.requests.clear()
        prov = collect(repo, lineage_depth=0)
        counts[len(prov.datasets)] = (len(hub.requests), carded)
    fixed = counts[0][0]
    assert set(counts) == {0, 1, 2, 3, 21}
    for n, (count, carded) in counts.items():
        assert count == fixed + n + carded, counts  # info for each, a GET of each card the Hub has
        assert count <= fixed + 2 * n
    print(f"\nHub requests per generate, by datasets named: {counts} (requests, datasets with a card)")


def test_remote_weight_headers_read_by_ranges_match_the_folder(hub, tmp_path: Path) -> None:
    """A GGUF (with a 20,000-token vocabulary to skip) and a torch zip whose pickle imports os.system:
    their headers come over range requests, the same facts as from a folder, far fewer bytes than
    the files hold, and nothing is ever unpickled."""
    from builders import Payload, make_gguf, make_torch_zip

    marker = tmp_path / "ran"
    torch_zip = make_torch_zip(tmp_path / "p.bin", pickle.dumps(Payload(marker)))
    with zipfile.ZipFile(torch_zip, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data/1", bytes(3 * 1024 * 1024))  # a storage: never fetched
    weights = {
        "tiny.Q8_0.gguf": make_gguf(tmp_path / "g.gguf", tokens=[f"token-{i}" for i in range(20_000)],
                                    tensors={"token_embd.weight": (512, 1024)}).read_bytes(),
        "pytorch_model.bin": torch_zip.read_bytes(),
    }
    files = {"README.md": b"---\nlicense: mit\n---\n# tiny\n", **weights}
    hub.add_model("acme/tiny-gguf", files)
    from_hub = collect("acme/tiny-gguf", lineage_depth=0)
    from_folder = local.collect_folder(write_folder(tmp_path / "m", files), CollectOptions())
    assert same_answer(from_hub)["files"] == same_answer(from_folder)["files"]
    by_path = {f.path: f.weights for f in from_hub.files}
    gguf = dict(by_path["tiny.Q8_0.gguf"].metadata)
    assert (gguf["gguf.name"], gguf["gguf.quantization"]) == ("Tiny Llama", "Q8_0")
    assert "pickle-dangerous-import: posix.system" in by_path["pytorch_model.bin"].risks
    served = sum(r.bytes for r in hub.requests if r.path.startswith("/blobs/"))
    assert served < sum(len(b) for b in weights.values()) / 4
    assert {r.status for r in hub.requests if r.path.startswith("/blobs/")} == {206}
    assert not marker.exists()


def test_a_remote_header_over_the_read_budget_is_skipped_and_said(hub, monkeypatch) -> None:
    from builders import safetensors_bytes

    from aibom.collect.hf_hub import ranges

    monkeypatch.setattr(ranges, "HUB_REMOTE_BUDGET", ranges.HUB_RANGE_BLOCK)
    tensors = {f"model.layers.{i}.self_attn.q_proj.weight": ("F16", [1]) for i in range(8000)}
    files = {"README.md": b"# big\n", "model.safetensors": safetensors_bytes(tensors)}
    assert len(files["model.safetensors"]) > ranges.HUB_RANGE_BLOCK * 1.5
    hub.add_model("acme/big-header", files)
    info = {f.path: f.weights for f in collect("acme/big-header", lineage_depth=0).files}["model.safetensors"]
    assert info is not None and info.risks == ()
    assert "larger than the 262144-byte remote read budget" in dict(info.metadata)["inspection.skipped"]


def test_the_hf_scheme_names_a_repo_even_beside_a_local_namesake(hub, tmp_path: Path, monkeypatch) -> None:
    from aibom import api

    sha = hub.add_model(ZEPHYR, model_files(ZEPHYR))
    (tmp_path / "HuggingFaceH4").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="no such folder or file"):
        api.collect(ZEPHYR)
    prov = api.collect(f"hf://{ZEPHYR}")
    assert (prov.repo_id, prov.revision) == (ZEPHYR, sha)


def test_a_hub_that_serves_more_than_it_lists_is_stopped_before_the_disk_fills(hub, tmp_path: Path) -> None:
    from dataclasses import dataclass

    from hubserver import HubFile

    sha = hub.add_model(BERT, model_files(BERT))
    files = next(r for r in hub.repos.values() if r.repo_id == BERT).commits[sha]

    @dataclass(frozen=True)
    class Lying(HubFile):  # listed as 23 bytes, served as 8 MiB
        def sibling(self) -> dict:
            return {**super().sibling(), "size": 23}

    files["config.json"] = Lying("config.json", b"{" + b" " * (8 << 20) + b"}", False)
    with pytest.raises(EnvironmentFailure, match=r"sent more than the 23 bytes aibom expects for \S+/config\.json"):
        collect(BERT)
