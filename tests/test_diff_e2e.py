"""`aibom diff` end to end: real model folders, mutated, turned into BOMs by `aibom generate`, diffed.

Each case copies a small model folder (a model card and real safetensors files written byte by byte),
makes one change a model release could make, generates both BOMs through the real pipeline and diffs
the BOM files through the command line in all three formats.
"""

from __future__ import annotations

import json
import pickle
import shutil
import struct
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import REAL, REPO

from aibom.cli import cli, main

SCHEMA = json.loads((REPO / "schemas" / "diff.schema.json").read_text(encoding="utf-8"))
OWASP = REAL / "reference" / "owasp-aibom-generator__cyclonedx-1.6-outputs"

CARD = """\
---
license: apache-2.0
datasets:
- acme/instructions
- wikitext
base_model: TinyLlama/TinyLlama-1.1B-Chat-v1.0
pipeline_tag: text-generation
model-index:
- name: tiny-llama-ft
  results:
  - task:
      type: text-generation
    dataset:
      name: HellaSwag
      type: hellaswag
      split: validation
    metrics:
    - type: accuracy
      value: 0.71
---
# tiny-llama-ft

A tiny Llama fine-tuned on instructions.

## Limitations

It makes things up.
"""


def safetensors(tensors: dict[str, tuple[str, list[int], bytes]]) -> bytes:
    """A safetensors file: 8-byte little-endian header length, JSON header, then the tensor bytes."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    data = b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    return struct.pack("<Q", len(blob)) + blob + data


def f32(*values: float) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


def make_model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2}
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (folder / "model.safetensors").write_bytes(safetensors({
        "embed.weight": ("F32", [2, 2], f32(0.5, -1.0, 2.0, 0.25)),
        "lm_head.weight": ("F32", [2], f32(1.0, 3.0)),
    }))
    return folder


def edit_card(folder: Path, old: str, new: str) -> None:
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert old in text
    (folder / "README.md").write_text(text.replace(old, new), encoding="utf-8")


def flip_weight_byte(folder: Path) -> None:
    path = folder / "model.safetensors"
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0x01  # the last byte of the last tensor: the header stays intact
    path.write_bytes(bytes(blob))


def license_to_non_commercial(folder: Path) -> None:
    edit_card(folder, "license: apache-2.0", "license: cc-by-nc-4.0")


def remove_dataset(folder: Path) -> None:
    edit_card(folder, "- wikitext\n", "")


def swap_base_model(folder: Path) -> None:
    edit_card(folder, "base_model: TinyLlama/TinyLlama-1.1B-Chat-v1.0", "base_model: meta-llama/Llama-3.2-1B")


def change_metric(folder: Path) -> None:
    edit_card(folder, "value: 0.71", "value: 0.74")


def add_shard(folder: Path) -> None:
    shard = safetensors({"extra.weight": ("F32", [2], f32(7.0, 8.0))})
    (folder / "model-extra.safetensors").write_bytes(shard)


def safetensors_to_pickle(folder: Path) -> None:
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps({"embed.weight": [0.5, -1.0, 2.0, 0.25]}))


README = ("file-changed", "README.md", "info")
METRIC = ("model-card", "metric text-generation / HellaSwag / validation / accuracy", "low")
CASES: dict[str, tuple[Callable[[Path], None], list[tuple[str, str, str]]]] = {
    "weight-byte": (flip_weight_byte, [("file-changed", "model.safetensors", "medium")]),
    "license": (license_to_non_commercial, [("license", "model", "high"), README]),
    "dataset": (remove_dataset, [("dataset-removed", "wikitext", "medium"), README]),
    "base-model": (swap_base_model, [("base-model", "meta-llama/Llama-3.2-1B", "high"), README]),
    "metric": (change_metric, [METRIC, README]),
    "shard": (add_shard, [("parameters", "count", "medium"),
                          ("file-added", "model-extra.safetensors", "medium")]),
    "pickle": (safetensors_to_pickle, [("weight-format", "weights", "high"),
                                       ("weight-risk", "pytorch_model.bin", "high"),
                                       ("file-added", "pytorch_model.bin", "medium"),
                                       ("file-removed", "model.safetensors", "medium")]),
}


def generate(folder: Path, bom: Path) -> Path:
    result = CliRunner().invoke(cli, ["generate", str(folder), "--repo-id", "acme/tiny-llama-ft",
                                      "--reproducible", "-o", str(bom)])
    assert result.exit_code == 0, (result.output, result.exception)
    return bom


def aibom(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          *args: str) -> tuple[int, str, str]:
    """Run the real entry point (errors become exit codes there) and capture what it printed."""
    monkeypatch.setattr(sys, "argv", ["aibom", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, out, err


def valid(text: str) -> dict:
    doc = json.loads(text)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return doc


@pytest.fixture
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """BOMs of the base model and of its mutated copy (same folder name, so the same identity)."""
    mutate = CASES[request.param][0]
    old = make_model(tmp_path / "old" / "tiny-llama-ft")
    new = tmp_path / "new" / "tiny-llama-ft"
    shutil.copytree(old, new)
    mutate(new)
    return generate(old, tmp_path / "old.json"), generate(new, tmp_path / "new.json")


@pytest.mark.parametrize("pair", list(CASES), indirect=True)
def test_each_mutation_is_reported_once_in_all_formats(
        pair: tuple[Path, Path], request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    expected = CASES[request.node.callspec.params["pair"]][1]
    old, new = pair
    code, out, _ = aibom(monkeypatch, capsys, "diff", str(old), str(new), "--format", "json")
    assert code == 0
    doc = valid(out)
    got = sorted((c["kind"], c["subject"], c["severity"]) for c in doc["changes"])
    assert got == sorted(expected)
    assert doc["summary"]["total"] == len(expected)
    _, text, _ = aibom(monkeypatch, capsys, "diff", str(old), str(new))
    _, md, _ = aibom(monkeypatch, capsys, "diff", str(old), str(new), "--format", "markdown")
    rows = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]
    assert len(rows) == len(expected)
    for change in doc["changes"]:
        assert sum(change["message"] in line for line in text.splitlines()) == 1
        assert sum(change["message"].replace("|", "\\|") in row for row in rows) == 1


@pytest.mark.parametrize("pair", ["license"], indirect=True)
def test_license_headline_and_fail_on(
        pair: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = pair
    code, md, err = aibom(monkeypatch, capsys, "diff", str(old), str(new), "--format", "markdown",
                          "--fail-on", "weights,license")
    assert code == 1
    assert md.splitlines()[0].startswith("### ⚠ License became non-commercial (Apache-2.0 → CC-BY-NC-4.0)")
    assert "--fail-on weights,license: license" in err
    others = "weights,datasets,lineage"
    assert aibom(monkeypatch, capsys, "diff", str(old), str(new), "--fail-on", others)[0] == 0
    out_file = tmp_path / "diff.json"
    code, out, _ = aibom(monkeypatch, capsys, "diff", str(old), str(new), "--format", "json",
                         "--fail-on", "any", "-o", str(out_file))
    assert (code, out) == (1, "")
    change = valid(out_file.read_text(encoding="utf-8"))["changes"][0]
    assert (change["old"], change["new"]) == ("Apache-2.0", "CC-BY-NC-4.0")


@pytest.mark.parametrize("pair", ["weight-byte"], indirect=True)
def test_weights_gate_and_folder_targets_agree_with_boms(
        pair: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = pair
    assert aibom(monkeypatch, capsys, "diff", str(old), str(new), "--fail-on", "weights")[0] == 1
    assert aibom(monkeypatch, capsys, "diff", str(old), str(new), "--fail-on", "license")[0] == 0
    _, from_boms, _ = aibom(monkeypatch, capsys, "diff", str(old), str(new), "--format", "json")
    folders = (str(tmp_path / "old" / "tiny-llama-ft"), str(tmp_path / "new" / "tiny-llama-ft"))
    _, from_folders, _ = aibom(monkeypatch, capsys, "diff", *folders, "--format", "json")
    assert valid(from_folders)["changes"] == valid(from_boms)["changes"]


def test_self_diff_is_empty_and_exit_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bom = generate(make_model(tmp_path / "tiny-llama-ft"), tmp_path / "bom.json")
    code, out, _ = aibom(monkeypatch, capsys, "diff", str(bom), str(bom), "--format", "json",
                         "--fail-on", "any")
    assert code == 0
    doc = valid(out)
    assert doc["changes"] == []
    assert doc["summary"]["max_severity"] is None


@pytest.mark.parametrize("args,needle", [
    (["--fail-on", "licence"], "unknown kind licence"),
    (["--format", "yaml"], "yaml"),
])
def test_usage_errors_exit_2(args: list[str], needle: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bom = tmp_path / "x.json"
    bom.write_text("{}", encoding="utf-8")
    code, out, err = aibom(monkeypatch, capsys, "diff", str(bom), str(bom), *args)
    assert (code, out) == (2, "")
    assert needle in err


@pytest.mark.parametrize("content,needle", [
    (None, "no such folder or file"),
    ("{not json", "json"),
    ('{"bomFormat": "SPDX"}', "CycloneDX"),
    (b"\xff\xfe\x00binary", "UTF-8"),
])
def test_unreadable_input_exits_2_with_one_clear_line(
        content: str | bytes | None, needle: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    good = generate(make_model(tmp_path / "tiny-llama-ft"), tmp_path / "good.json")
    bad = tmp_path / "bad.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content, encoding="utf-8")
    code, out, err = aibom(monkeypatch, capsys, "diff", str(good), str(bad))
    assert (code, out) == (2, "")
    assert err.startswith("aibom: error: ")
    assert needle.lower() in err.lower()


def test_boms_from_another_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    bert = OWASP / "google-bert_bert-base-uncased_ai_sbom_1_6.json"
    minilm = OWASP / "sentence-transformers_all-MiniLM-L6-v2_ai_sbom_1_6.json"
    code, out, err = aibom(monkeypatch, capsys, "diff", str(bert), str(bert), "--format", "json")
    assert (code, err) == (0, "")
    assert valid(out)["changes"] == []
    code, out, err = aibom(monkeypatch, capsys, "diff", str(bert), str(minilm), "--format", "json")
    assert code == 0, err
    doc = valid(out)
    identity = [c for c in doc["changes"] if c["kind"] == "identity"]
    assert len(identity) == 1
    assert "bert-base-uncased" in identity[0]["old"] and "all-MiniLM-L6-v2" in identity[0]["new"]
    for fmt in ("text", "markdown"):
        assert aibom(monkeypatch, capsys, "diff", str(bert), str(minilm), "--format", fmt)[0] == 0
