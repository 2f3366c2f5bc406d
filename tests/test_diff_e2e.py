"""`aibom diff` end to end: the project's fixture models, mutated, turned into BOMs by `aibom generate`.

Each case copies a fixture folder (real safetensors files, a real-shaped card), makes one change a
model release could make, generates both BOMs through the real pipeline and diffs the BOM files
through the command line in all three formats."""

from __future__ import annotations

import json
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from builders import read_safetensors, safetensors_bytes
from click.testing import CliRunner
from conftest import FIXTURES, run_main, schema

from aibom.cli import cli

CC_BY_NC = """Attribution-NonCommercial 4.0 International

Creative Commons Attribution-NonCommercial 4.0 International Public License
"""


APACHE = """                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/
"""


def safetensors(tensors: dict[str, tuple[str, list[int], bytes]]) -> bytes:
    """A safetensors file holding exactly these tensor bytes."""
    return safetensors_bytes({n: (d, shape) for n, (d, shape, _) in tensors.items()}, {"format": "pt"},
                             data={n: raw for n, (_, _, raw) in tensors.items()})


def edit(folder: Path, name: str, old: str, new: str) -> None:
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new), encoding="utf-8")


def flip_weight_byte(folder: Path) -> None:
    path = folder / "model.safetensors"
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0x01  # the last byte of the last tensor: the header stays intact
    path.write_bytes(bytes(blob))


def apache(folder: Path) -> None:
    edit(folder, "README.md", "license: mit", "license: apache-2.0")
    (folder / "LICENSE").write_text(APACHE, encoding="utf-8")


def license_to_non_commercial(folder: Path) -> None:
    edit(folder, "README.md", "license: apache-2.0", "license: cc-by-nc-4.0")
    (folder / "LICENSE").write_text(CC_BY_NC, encoding="utf-8")


def remove_dataset(folder: Path) -> None:
    edit(folder, "README.md", "- databricks/databricks-dolly-15k\n", "")


def swap_base_model(folder: Path) -> None:
    for name in ("README.md", "config.json"):
        edit(folder, name, "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "meta-llama/Llama-3.2-1B")


def change_metric(folder: Path) -> None:
    edit(folder, "README.md", "value: 48.5", "value: 51.0")


def reshard(folder: Path) -> None:
    """Two shards become three (a shard added); the tensors and the parameter count stay the same."""
    tensors: dict[str, tuple[str, list[int], bytes]] = {}
    for n in (1, 2):
        shard = folder / f"model-0000{n}-of-00002.safetensors"
        tensors.update(read_safetensors(shard))
        shard.unlink()
    names = sorted(tensors)
    weight_map = {}
    for n in range(3):
        part = names[n::3]
        shard_name = f"model-0000{n + 1}-of-00003.safetensors"
        (folder / shard_name).write_bytes(safetensors({k: tensors[k] for k in part}))
        weight_map.update(dict.fromkeys(part, shard_name))
    index = json.loads((folder / "model.safetensors.index.json").read_text(encoding="utf-8"))
    index["weight_map"] = dict(sorted(weight_map.items()))
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2), encoding="utf-8")


def safetensors_to_pickle(folder: Path) -> None:
    tensors = read_safetensors(folder / "model.safetensors")
    (folder / "model.safetensors").unlink()
    plain = {name: list(raw) for name, (_, _, raw) in tensors.items()}
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps(plain, protocol=4))


README = ("file-changed", "README.md", "info")


LICENSE = ("file-changed", "LICENSE", "info")


METRIC = ("model-card", "metric text-generation / HellaSwag (10-Shot) / validation / acc_norm", "low")


WEIGHTS = "medium"


Case = tuple[str, Callable[[Path], None] | None, Callable[[Path], None], list[tuple[str, str, str]]]


CASES: dict[str, Case] = {
    "weight-byte": ("tiny-llama-ft", None, flip_weight_byte,
                    [("file-changed", "model.safetensors", WEIGHTS)]),
    "license": ("tiny-llama-ft", apache, license_to_non_commercial,
                [("license", "model", "high"), README, LICENSE]),
    "dataset": ("tiny-llama-ft", None, remove_dataset,
                [("dataset-removed", "databricks/databricks-dolly-15k", "medium"), README]),
    "base-model": ("tiny-llama-ft", None, swap_base_model,
                   [("base-model", "meta-llama/Llama-3.2-1B", "high"), README,
                    ("file-changed", "config.json", "low")]),
    "metric": ("tiny-llama-ft", None, change_metric, [METRIC, README]),
    "shard": ("sharded-bert", None, reshard,
              [("file-added", f"model-0000{n}-of-00003.safetensors", WEIGHTS) for n in (1, 2, 3)]
              + [("file-removed", f"model-0000{n}-of-00002.safetensors", WEIGHTS) for n in (1, 2)]
              + [("file-changed", "model.safetensors.index.json", "low")]),
    "pickle": ("tiny-llama-ft", None, safetensors_to_pickle,
               [("weight-format", "weights", "high"), ("weight-risk", "pytorch_model.bin", "high"),
                ("file-added", "pytorch_model.bin", WEIGHTS),
                ("file-removed", "model.safetensors", WEIGHTS)]),
}


def generate(folder: Path, bom: Path, *extra: str) -> Path:
    result = CliRunner().invoke(cli, ["generate", str(folder), "--repo-id", f"acme/{folder.name}",
                                      "--reproducible", "-o", str(bom), *extra])
    assert result.exit_code == 0, (result.output, result.exception)
    return bom


aibom = run_main


def valid(text: str) -> dict:
    doc = json.loads(text)
    jsonschema.Draft202012Validator(schema("diff")).validate(doc)
    return doc


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / "models" / name, dest)
    return dest


@pytest.fixture
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """BOMs of a fixture model and of its mutated copy (same folder name, so the same identity)."""
    fixture, prepare, mutate, _ = CASES[request.param]
    old = copy_fixture(fixture, tmp_path / "old" / fixture)
    if prepare:
        prepare(old)
    new = tmp_path / "new" / fixture
    shutil.copytree(old, new)
    mutate(new)
    return generate(old, tmp_path / "old.json"), generate(new, tmp_path / "new.json")


@pytest.mark.parametrize("pair", list(CASES), indirect=True)
def test_each_mutation_is_reported_once_in_all_formats(
        pair: tuple[Path, Path], request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    expected = CASES[request.node.callspec.params["pair"]][3]
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
    assert "aibom: policy: changes under --fail-on weights,license: license" in err
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
    assert aibom(monkeypatch, capsys, "diff", str(old), str(new), "--fail-on", "license", "--fail-on", "files")[0] == 1
    assert aibom(monkeypatch, capsys, "diff", str(old), str(new), "--fail-on", "weight-format")[0] == 0
    assert aibom(monkeypatch, capsys, "diff", str(old), str(new), "--fail-on", "file-changed")[0] == 1
    _, from_boms, _ = aibom(monkeypatch, capsys, "diff", str(old), str(new), "--format", "json")
    folders = (str(tmp_path / "old" / "tiny-llama-ft"), str(tmp_path / "new" / "tiny-llama-ft"))
    _, from_folders, _ = aibom(monkeypatch, capsys, "diff", *folders, "--format", "json")
    assert valid(from_folders)["changes"] == valid(from_boms)["changes"]


@pytest.mark.parametrize("score,profile,expected", [
    ("core", None, {"core open-weights", "core permissive-license"}),
    (None, "osaid", {"osaid parameters"}),
])
def test_openness_regressions_from_embedded_scores_or_a_profile(
        score: str | None, profile: str | None, expected: set[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    old = copy_fixture("tiny-llama-ft", tmp_path / "old" / "tiny-llama-ft")
    apache(old)
    new = tmp_path / "new" / "tiny-llama-ft"
    shutil.copytree(old, new)
    license_to_non_commercial(new)
    extra = ("--score", score) if score else ()
    boms = [str(generate(folder, tmp_path / f"{side}.json", *extra))
            for side, folder in (("old", old), ("new", new))]
    args = ("--format", "json", "--fail-on", "openness", *(("--profile", profile) if profile else ()))
    code, out, err = aibom(monkeypatch, capsys, "diff", *boms, *args)
    assert code == 1
    assert "--fail-on openness: openness" in err
    openness = [c for c in valid(out)["changes"] if c["kind"] == "openness"]
    assert {c["subject"] for c in openness if c["severity"] == "high"} == expected
    assert all((c["old"], c["new"]) == ("met", "unmet") for c in openness if c["severity"] == "high")
    assert all(c["severity"] == "info" for c in openness if c["subject"] not in expected)
    if profile is None:  # without --profile, only what the BOMs carry is compared
        assert all(c["subject"].startswith("core ") for c in openness)


def test_self_diff_is_empty_and_exit_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bom = generate(copy_fixture("tiny-llama-ft", tmp_path / "tiny-llama-ft"), tmp_path / "bom.json")
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


def test_missing_bom_is_not_taken_for_a_hub_repo_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = aibom(monkeypatch, capsys, "diff", "boms/old.json", "boms/new.json")
    assert (code, out, err) == (2, "", "aibom: error: boms/old.json: no such BOM file\n")


@pytest.mark.parametrize("content,needle", [
    (None, "no such BOM file"),
    ("{not json", "json"),
    ('{"bomFormat": "SPDX"}', "CycloneDX"),
    (b"\xff\xfe\x00binary", "UTF-8"),
])
def test_unreadable_input_exits_2_with_one_clear_line(
        content: str | bytes | None, needle: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    good = generate(copy_fixture("tiny-llama-ft", tmp_path / "tiny-llama-ft"), tmp_path / "good.json")
    bad = tmp_path / "bad.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content, encoding="utf-8")
    code, out, err = aibom(monkeypatch, capsys, "diff", str(good), str(bad))
    assert (code, out) == (2, "")
    assert err.startswith("aibom: error: ")
    assert needle.lower() in err.lower()


def test_two_revisions_on_the_hub(hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    old = copy_fixture("tiny-llama-ft", tmp_path / "old" / "tiny-llama-ft")
    apache(old)
    new = tmp_path / "new" / "tiny-llama-ft"
    shutil.copytree(old, new)
    license_to_non_commercial(new)
    flip_weight_byte(new)
    first = hub.add_model("acme/tiny-llama-ft", old)
    second = hub.add_model("acme/tiny-llama-ft", new)
    code, out, err = aibom(monkeypatch, capsys, "diff", f"acme/tiny-llama-ft@{first}", "acme/tiny-llama-ft",
                           "--format", "json", "--fail-on", "license")
    assert code == 1, err
    doc = valid(out)
    assert (doc["old"]["version"], doc["new"]["version"]) == (first, second)
    got = sorted((c["kind"], c["subject"], c["severity"]) for c in doc["changes"])
    assert got == sorted([("revision", "model", "info"), ("license", "model", "high"), README, LICENSE,
                          ("file-changed", "model.safetensors", WEIGHTS)])
    folder_bom = generate(old, tmp_path / "old.json")
    code, out, err = aibom(monkeypatch, capsys, "diff", str(folder_bom), f"acme/tiny-llama-ft@{first}",
                           "--format", "json")
    assert code == 0, err
    assert [(c["kind"], c["old"], c["new"]) for c in valid(out)["changes"]] == [("revision", None, first)]
