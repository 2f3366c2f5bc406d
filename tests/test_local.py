"""The local folder collector on the project's fixtures and on real cards placed in folders."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import make_gguf
from conftest import FIXTURES

from aibom.collect.local import build_provenance, collect_folder, file_role
from aibom.collect.options import CollectOptions
from aibom.collect.source import FolderSource
from aibom.collect.walk import walk
from aibom.model import Evidence, FileEntry
from aibom.score.profiles import evaluate

TINY = FIXTURES / "models" / "tiny-llama-ft"


BERT = FIXTURES / "models" / "sharded-bert"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "model"
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


def test_tiny_llama_fixture() -> None:
    prov = collect_folder(TINY, CollectOptions())
    assert prov.name == "tiny-llama-ft"
    assert (prov.identity.location, prov.identity.method) == ("README.md#title", "inferred")
    assert prov.purl is None and prov.repo_id is None
    on_disk = sorted(p.name for p in TINY.iterdir())
    assert [f.path for f in prov.files] == on_disk
    for f in prov.files:
        assert f.sha256 == sha256(TINY / f.path) and f.size == (TINY / f.path).stat().st_size
    roles = {f.path: f.role for f in prov.files}
    assert roles == {
        "LICENSE": "license",
        "README.md": "doc",
        "config.json": "config",
        "generation_config.json": "config",
        "model.safetensors": "weights",
        "tokenizer.json": "tokenizer",
        "tokenizer_config.json": "tokenizer",
    }
    # 5 matrices of 32x16, 2 of 16x16, 2 of 8x16, 3 norms of 16
    assert prov.parameters is not None and prov.parameters.value == 5 * 512 + 2 * 256 + 2 * 128 + 3 * 16
    assert prov.parameters.evidence.method == "computed"
    props = {p.name: p.value for p in prov.properties}
    assert (props["aibom:parameters:BF16"], props["aibom:parameters:F16"], props["aibom:parameters:F32"]) == (
        "2304",
        "1024",
        "48",
    )
    assert props["aibom:torch_dtype"] == "float16"
    assert [(lic.spdx, lic.evidence.location) for lic in prov.licenses] == [("MIT", "README.md#front-matter")]
    assert [d.id for d in prov.datasets] == [
        "HuggingFaceH4/ultrachat_200k",
        "databricks/databricks-dolly-15k",
    ]
    # the card and config.json:_name_or_path name the same base: one ancestor, the card's
    assert [(b.id, b.relation, b.evidence.location) for b in prov.base_models] == [
        ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "fine-tune", "README.md#front-matter")
    ]
    assert prov.card.model_architecture is not None and prov.card.model_architecture.value == "LlamaForCausalLM"
    assert prov.card.architecture_family is not None and prov.card.architecture_family.value == "llama"
    assert prov.card.task is not None and prov.card.task.value == "text-generation"
    assert [(m.type, m.value) for m in prov.card.metrics] == [("acc_norm", "31.2"), ("acc_norm", "48.5")]
    kinds = [c.kind for c in prov.card.considerations]
    assert kinds == [
        "use-cases",
        "limitations",
        "limitations",
        "training-procedure",
        "hyperparameters",
        "hardware",
    ]
    assert [(r.url, r.purpose) for r in prov.references] == [
        ("https://github.com/huggingface/alignment-handbook", "training-code")
    ]
    assert prov.unknowns == ()


def test_repo_id_gives_identity_purl_and_hub_links() -> None:
    options = CollectOptions(repo_id="Acme/Tiny-Llama-FT", revision="0123ABCDEF")
    prov = collect_folder(TINY, options)
    assert (prov.name, prov.repo_id, prov.revision) == (
        "Acme/Tiny-Llama-FT",
        "Acme/Tiny-Llama-FT",
        "0123ABCDEF",
    )
    assert prov.purl == "pkg:huggingface/Acme/Tiny-Llama-FT@0123abcdef"
    assert prov.identity.method == "declared"
    urls = {r.purpose: r.url for r in prov.references}
    assert urls["website"] == "https://huggingface.co/Acme/Tiny-Llama-FT"
    assert urls["model-card"] == "https://huggingface.co/Acme/Tiny-Llama-FT/blob/0123ABCDEF/README.md"


def test_sharded_bert_fixture() -> None:
    prov = collect_folder(BERT, CollectOptions())
    assert prov.name == "sharded-bert"
    weights = [f.path for f in prov.weight_files]
    assert weights == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    index = json.loads((BERT / "model.safetensors.index.json").read_text())
    assert sorted(set(index["weight_map"].values())) == weights
    props = {p.name: p.value for p in prov.properties}
    assert props["aibom:weights:total-size"] == str(index["metadata"]["total_size"])
    assert props["aibom:weights:shards"] == "2"
    # F32 everywhere: total_size bytes / 4 is the parameter count of both headers together
    assert prov.parameters is not None and prov.parameters.value == index["metadata"]["total_size"] // 4
    assert prov.parameters.evidence.location == "2 safetensors headers"
    assert [(lic.spdx, lic.category) for lic in prov.licenses] == [("CC-BY-NC-4.0", "non-commercial")]
    assert [(d.id, d.url) for d in prov.datasets] == [
        ("wikimedia/wikipedia", "https://huggingface.co/datasets/wikimedia/wikipedia")
    ]
    assert prov.base_models == ()  # config.json:_name_or_path is a local path, not a model
    assert prov.unknowns == ()


def test_missing_shard_is_an_unknown(tmp_path: Path) -> None:
    root = tmp_path / "bert"
    shutil.copytree(BERT, root)
    (root / "model-00002-of-00002.safetensors").unlink()
    prov = collect_folder(root, CollectOptions())
    assert [u.reason for u in prov.unknowns if u.field == "weights"] == [
        "model.safetensors.index.json lists shards that are not among the model's files: "
        "model-00002-of-00002.safetensors"
    ]


def test_a_rejected_shard_header_makes_the_parameter_count_partial(tmp_path: Path) -> None:
    root = tmp_path / "bert"
    shutil.copytree(BERT, root)
    shard = root / "model-00002-of-00002.safetensors"
    shard.write_bytes((2**40).to_bytes(8, "little") + shard.read_bytes()[8:])  # header length past the file
    first = root / "model-00001-of-00002.safetensors"
    size = int.from_bytes(first.read_bytes()[:8], "little")
    header = json.loads(first.read_bytes()[8 : 8 + size])
    expected = sum(math.prod(t["shape"]) for k, t in header.items() if k != "__metadata__")
    prov = collect_folder(root, CollectOptions())
    assert prov.parameters is not None and prov.parameters.value == expected
    assert [u.reason for u in prov.unknowns if u.field == "parameters"] == [
        "model-00002-of-00002.safetensors: header rejected, count is partial"
    ]


def test_a_named_script_counts_as_shipped_training_code_whatever_its_name(tmp_path: Path) -> None:
    card = "---\nlicense: mit\n---\n# m\n\nThe training script `run_clm.py` is included in this repository.\n"
    prov = collect_folder(folder_with(tmp_path, {"README.md": card, "run_clm.py": "pass\n"}), CollectOptions())
    code = {f.requirement: f for f in evaluate(prov, "core").findings}["open-code"]
    assert code.status == "met" and "run_clm.py under MIT" in code.evidence[0].quote


def test_fixture_script_is_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(FIXTURES / "make_fixtures.py"), str(tmp_path)], check=True, capture_output=True)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(FIXTURES / "models") for p in (FIXTURES / "models").rglob("*") if p.is_file())
    assert made == committed
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (FIXTURES / "models" / rel).read_bytes(), rel
    assert sum((tmp_path / rel).stat().st_size for rel in made) < 200_000


def test_name_or_path_is_base_model_evidence_only(tmp_path: Path) -> None:
    config = {
        "_name_or_path": "Org/Base-7B",
        "architectures": ["MistralForCausalLM"],
        "model_type": "mistral",
    }
    root = folder_with(tmp_path, {"config.json": json.dumps(config), "README.md": "# my-tune\n\nText.\n"})
    prov = collect_folder(root, CollectOptions())
    assert prov.name == "my-tune"
    assert [(b.id, b.relation, b.evidence.location, b.evidence.method, b.purl) for b in prov.base_models] == [
        ("Org/Base-7B", "unknown", "config.json:_name_or_path", "declared", "pkg:huggingface/Org/Base-7B")
    ]
    # the same id given as --repo-id is the model itself, not its ancestor
    assert collect_folder(root, CollectOptions(repo_id="Org/Base-7B")).base_models == ()


@pytest.mark.parametrize("hint", ["/home/me/checkpoints/run-3", "./out", "../base", "C:\\runs\\m", "~/m", "a/b/c", ""])
def test_local_paths_in_name_or_path_are_not_models(tmp_path: Path, hint: str) -> None:
    root = folder_with(tmp_path, {"config.json": json.dumps({"_name_or_path": hint})})
    assert collect_folder(root, CollectOptions()).base_models == ()


def test_identity_order(tmp_path: Path) -> None:
    """repo id > GGUF general.name > a model-like heading, verbatim > model_name > folder name."""
    root = folder_with(tmp_path, {"README.md": "---\nmodel_name: Named\n---\n# Acme-7B_Q4_K_M\n"})
    make_gguf(root / "m.gguf", name="Acme 7B")
    prov = collect_folder(root, CollectOptions(repo_id="acme/acme-7b-gguf"))
    assert (prov.name, prov.identity.location) == ("acme/acme-7b-gguf", "repo-id")
    prov = collect_folder(root, CollectOptions())
    assert (prov.name, prov.identity.location) == ("Acme 7B", "m.gguf:general.name")
    (root / "m.gguf").unlink()
    prov = collect_folder(root, CollectOptions())  # underscores in a heading are part of the name
    assert (prov.name, prov.identity.location) == ("Acme-7B_Q4_K_M", "README.md#title")
    for heading in ("What is Acme?", "DEPRECATED. This is now live at https://example.org/acme",
                    "Meet 10.7B Acme: Elevating Performance", "Acme"):
        (root / "README.md").write_text(f"---\nmodel_name: Named\n---\n# {heading}\n")
        prov = collect_folder(root, CollectOptions())
        assert (prov.name, prov.identity.location) == ("Named", "README.md#front-matter:model_name"), heading
    (root / "README.md").write_text("# Model Card for Titled-2\n")
    assert collect_folder(root, CollectOptions()).name == "Titled-2"
    (root / "README.md").unlink()
    (root / "weights.bin.txt").write_text("x")
    prov = collect_folder(root, CollectOptions())
    assert (prov.name, prov.identity.location) == ("model", "folder name")
    assert "card" in [u.field for u in prov.unknowns]


def test_license_file_alone_is_recognised(tmp_path: Path) -> None:
    mit = (TINY / "LICENSE").read_text()
    root = folder_with(tmp_path, {"LICENSE.txt": mit, "README.md": "# m\n"})
    prov = collect_folder(root, CollectOptions())
    assert [(lic.spdx, lic.evidence.location, lic.evidence.method) for lic in prov.licenses] == [
        ("MIT", "LICENSE.txt", "inferred")
    ]
    (root / "LICENSE.txt").write_text("You may look at these weights on Tuesdays.\n")
    prov = collect_folder(root, CollectOptions())
    assert prov.licenses == ()
    assert "LICENSE.txt: the text is not a license aibom recognises" in [u.reason for u in prov.unknowns]


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ("{not json", "config.json is not valid JSON"),
        ("[1, 2]", "config.json is not a JSON object"),
        (b"\xff\xfe{}", "config.json is not valid JSON"),
    ],
)
def test_broken_config_is_an_unknown(tmp_path: Path, config: str | bytes, reason: str) -> None:
    prov = collect_folder(folder_with(tmp_path, {"config.json": config}), CollectOptions())
    assert [u.reason[: len(reason)] for u in prov.unknowns if u.field == "config"] == [reason]


def test_broken_front_matter_keeps_going(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "---\nlicense: [mit\n---\n# t\n\n## Limitations\n\nSlow.\n"})
    prov = collect_folder(root, CollectOptions())
    assert "front-matter" in [u.field for u in prov.unknowns]
    assert [c.text for c in prov.card.considerations] == ["Slow."]


def test_huge_readme_is_read_bounded(tmp_path: Path) -> None:
    body = "---\nlicense: mit\n---\n# big\n\n" + "word " * 1_000_000  # 5 MB
    prov = collect_folder(folder_with(tmp_path, {"README.md": body}), CollectOptions())
    assert [lic.spdx for lic in prov.licenses] == ["MIT"]
    assert any(u.field == "card" and "only the start was read" in u.reason for u in prov.unknowns)


def test_build_provenance_reads_only_listed_files(tmp_path: Path) -> None:
    """The Hub collector lists files it did not download: they are described, not read."""
    root = folder_with(tmp_path, {"README.md": "---\nlicense: mit\n---\n# hub-model\n", "config.json": "{}"})
    ev = Evidence("hf-hub", "https://hub.example/api", "declared")
    files = [
        FileEntry("README.md", 36, None, "doc", ev),
        FileEntry("model.safetensors", 10**9, "ab" * 32, "weights", ev),
    ]
    source = FolderSource(dict(walk(root)), "hf-hub")
    prov = build_provenance(source, files, repo_id="o/n", revision="abc1234", fallback_name="n")
    assert [f.path for f in prov.files] == ["README.md", "model.safetensors"]
    assert prov.card.model_architecture is None  # config.json was not among the files
    assert prov.source == "hf-hub" and prov.purl == "pkg:huggingface/o/n@abc1234"
    assert [lic.evidence.collector for lic in prov.licenses] == ["hf-hub"]


@pytest.mark.parametrize(
    ("rel", "role"),
    [
        ("model.safetensors", "weights"),
        ("model-00001-of-00002.safetensors", "weights"),
        ("pytorch_model.bin", "weights"),
        ("model.Q4_K_M.gguf", "weights"),
        ("onnx/model.onnx", "weights"),
        ("training_args.bin", "other"),
        ("model.safetensors.index.json", "config"),
        ("config.json", "config"),
        ("generation_config.json", "config"),
        ("tokenizer.json", "tokenizer"),
        ("tokenizer.model", "tokenizer"),
        ("vocab.txt", "tokenizer"),
        ("merges.txt", "tokenizer"),
        ("special_tokens_map.json", "tokenizer"),
        ("modeling_custom.py", "code"),
        ("README.md", "doc"),
        ("docs/usage.md", "doc"),
        ("LICENSE", "license"),
        ("LICENSE.txt", "license"),
        ("LICENCE", "license"),
        ("USE_POLICY.md", "license"),
        ("NOTICE", "license"),
        (".gitattributes", "other"),
        ("images/logo.png", "other"),
    ],
)
def test_file_roles(rel: str, role: str) -> None:
    assert file_role(rel) == role


def test_walk_is_sorted_skips_git_and_follows_inner_links(tmp_path: Path) -> None:
    root = folder_with(
        tmp_path,
        {
            "b.txt": "b",
            "a/z.json": "{}",
            "a/y.txt": "y",
            ".git/HEAD": "ref",
            "a/.git/config": "x",
            ".gitattributes": "*",
            ".cache/huggingface/download/b.txt.metadata": "c0ffee\netag\n1700000000\n",
            ".cache/huggingface/.gitignore": "*",
            ".cache/other.txt": "kept",
        },
    )
    (root / "link.txt").symlink_to("a/y.txt")
    (root / "alias").symlink_to("a", target_is_directory=True)
    found = walk(root)
    assert [rel for rel, _ in found] == [
        ".cache/other.txt",
        ".gitattributes",
        "a/y.txt",
        "a/z.json",
        "alias/y.txt",
        "alias/z.json",
        "b.txt",
        "link.txt",
    ]
    assert dict(found)["link.txt"] == (root / "a" / "y.txt").resolve()


def test_links_into_an_allowed_blob_store(tmp_path: Path) -> None:
    repo = folder_with(tmp_path, {"blobs/abc": "weights"})
    snap = repo / "snapshots" / "c0ffee"
    snap.mkdir(parents=True)
    (snap / "model.bin").symlink_to("../../blobs/abc")
    with pytest.raises(Exception, match="outside the model folder"):
        walk(snap)
    assert walk(snap, allow_links_into=repo) == [("model.bin", (repo / "blobs" / "abc").resolve())]


def write_gguf(path: Path, rows: int, file_type: int | None = None) -> None:
    make_gguf(path, name=path.stem, license_id=None, file_type=file_type, context_length=None, tokens=None,
              tensors={"token_embd.weight": (rows, 4)})


def test_parameters_of_a_lone_gguf_and_never_summed_over_quantizations(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "---\nbase_model: org/base\n---\n# q\n"})
    write_gguf(root / "q.Q8_0.gguf", rows=3, file_type=7)  # general.file_type MOSTLY_Q8_0
    prov = collect_folder(root, CollectOptions())
    assert prov.parameters is not None and prov.parameters.value == 12
    assert prov.parameters.evidence.location == "q.Q8_0.gguf#header"
    assert [(b.id, b.relation) for b in prov.base_models] == [("org/base", "quantized")]
    write_gguf(root / "q.F16.gguf", rows=3)
    prov = collect_folder(root, CollectOptions())
    assert prov.parameters is None
    assert "parameters" in [u.field for u in prov.unknowns]


def test_adapter_and_merge_relations_when_the_card_gives_none(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "---\nbase_model: org/base\n---\n# a\n", "adapter_config.json": "{}"})
    assert [b.relation for b in collect_folder(root, CollectOptions()).base_models] == ["adapter"]
    root = folder_with(tmp_path / "m", {"README.md": "---\nbase_model: [org/a, org/b]\n---\n# m\n"})
    assert [b.relation for b in collect_folder(root, CollectOptions()).base_models] == ["merge", "merge"]


def test_shard_index_in_a_subfolder(tmp_path: Path) -> None:
    index = {"metadata": {"total_size": 8}, "weight_map": {"a": "m-1.safetensors", "b": "m-2.safetensors"}}
    root = folder_with(
        tmp_path,
        {"unet/m.safetensors.index.json": json.dumps(index), "unet/m-1.safetensors": b"x", "m-2.safetensors": b"y"},
    )
    prov = build_provenance(
        FolderSource(dict(walk(root))),
        [
            FileEntry(p, 1, "00" * 32, file_role(p), Evidence("local", p, "computed"))
            for p in ("m-2.safetensors", "unet/m-1.safetensors", "unet/m.safetensors.index.json")
        ],
        repo_id=None,
        revision=None,
        fallback_name="model",
    )
    assert [u.reason for u in prov.unknowns if u.field == "weights"] == [
        "unet/m.safetensors.index.json lists shards that are not among the model's files: unet/m-2.safetensors"
    ]


def test_folder_downloaded_with_local_dir_knows_its_commit(tmp_path: Path, hub) -> None:
    """`hf download --local-dir` (the real client, from the local test Hub) leaves the commit it
    fetched in .cache/huggingface: the folder's BOM is pinned to it, and a changed weight file shows."""
    from huggingface_hub import hf_hub_download

    sha = hub.add_model("acme/tiny-llama-ft", TINY)
    local = tmp_path / "m"
    for name in sorted(p.name for p in TINY.iterdir()):
        hf_hub_download("acme/tiny-llama-ft", name, revision=sha, endpoint=hub.url, local_dir=local)
    assert (local / ".cache" / "huggingface" / "download" / "model.safetensors.metadata").is_file()
    prov = collect_folder(local, CollectOptions(repo_id="acme/tiny-llama-ft"))
    assert prov.revision == sha and prov.purl == f"pkg:huggingface/acme/tiny-llama-ft@{sha}"
    assert [f.path for f in prov.files] == sorted(p.name for p in TINY.iterdir())  # no bookkeeping files
    assert [(p.name, p.value) for p in prov.properties if p.name == "aibom:hf:download-commit"] == [
        ("aibom:hf:download-commit", sha)
    ]
    assert prov.unknowns == ()
    other = collect_folder(local, CollectOptions(repo_id="acme/tiny-llama-ft", revision="0123456789abcdef"))
    assert other.revision == "0123456789abcdef"
    assert f"--revision 0123456789abcdef but the files were downloaded at commit {sha}" in [
        u.reason for u in other.unknowns
    ]
    data = bytearray((local / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (local / "model.safetensors").write_bytes(bytes(data))
    changed = collect_folder(local, CollectOptions(repo_id="acme/tiny-llama-ft"))
    assert [u.reason for u in changed.unknowns] == [
        "model.safetensors has changed since it was downloaded from the Hub (its SHA-256 is not the one the Hub served)"
    ]


def test_a_failure_while_files_hash_stops_the_hashing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aibom.collect import local
    from aibom.errors import InputError
    from aibom.hashing import HashRun

    root = folder_with(tmp_path, {f"big{i}.bin": os.urandom(4 * 1024 * 1024) for i in range(8)})
    walked = walk(root)
    running = HashRun([p for _, p in walked], jobs=1)

    def broken(source: FolderSource, rel: str) -> None:
        raise InputError(f"{rel}: unreadable header")

    monkeypatch.setattr(local.weights, "inspect", broken)
    with pytest.raises(InputError, match="unreadable header"):
        local.describe_files(FolderSource(dict(walked)), running)
    assert not any(t.is_alive() for t in running.threads)
    assert len(running.results) < len(walked)


def test_dispatch_and_collect_folder_agree(tmp_path: Path) -> None:
    from aibom.collect.dispatch import collect

    assert collect(str(TINY), CollectOptions()) == collect_folder(TINY, CollectOptions()).without_self_ancestry()
