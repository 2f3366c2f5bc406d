"""The command line as a user meets it: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "aibom", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def assert_clean_error(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr


def test_help_lists_every_command() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("generate", "validate", "score", "diff"):
        assert command in proc.stdout


def test_missing_target_that_is_no_repo_id_is_bad_input(tmp_path: Path) -> None:
    proc = run("generate", str(tmp_path / "nowhere" / "x" / "y"), "-o", str(tmp_path / "bom.json"))
    assert_clean_error(proc, 2, "no such folder or file")
    assert not (tmp_path / "bom.json").exists()


def test_unknown_file_kind_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("hello")
    assert_clean_error(run("generate", str(target)), 2, "cannot describe")


def test_unknown_option_is_a_usage_error() -> None:
    assert_clean_error(run("generate", "--no-such-option", "x"), 2, "No such option")


def test_bad_spec_version_is_a_usage_error(tmp_path: Path) -> None:
    assert_clean_error(run("generate", str(tmp_path), "--spec-version", "1.4"), 2, "1.4")


def test_bad_source_date_epoch_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# m\n")
    proc = run("generate", str(tmp_path), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert_clean_error(proc, 2, "SOURCE_DATE_EPOCH")


@pytest.mark.parametrize("content", ["not json at all", "{\"bomFormat\": \"CycloneDX\"", "[]"])
def test_validate_rejects_non_boms(tmp_path: Path, content: str) -> None:
    bom = tmp_path / "bom.json"
    bom.write_text(content)
    proc = run("validate", str(bom))
    assert_clean_error(proc, 2, "not a valid CycloneDX BOM")


def test_validate_missing_file_is_bad_input(tmp_path: Path) -> None:
    assert_clean_error(run("validate", str(tmp_path / "absent.json")), 2, "cannot read")


def test_validate_non_utf8_is_bad_input(tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xff\xfe{}")
    assert_clean_error(run("validate", str(bom)), 2, "not UTF-8")


def test_output_to_a_device_writes_through_it_and_leaves_it_a_device(tmp_path: Path) -> None:
    import stat

    folder = Path(__file__).resolve().parent.parent / "fixtures" / "models" / "tiny-llama-ft"
    proc = run("generate", str(folder), "-o", "/dev/null")
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_output_into_a_folder_path_is_bad_input(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parent.parent / "fixtures" / "models" / "tiny-llama-ft"
    assert_clean_error(run("generate", str(folder), "-o", str(tmp_path)), 2, "it is a folder")


def test_output_into_a_missing_folder_writes_nothing(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parent.parent / "fixtures" / "models" / "tiny-llama-ft"
    target = tmp_path / "absent" / "bom.json"
    assert_clean_error(run("generate", str(folder), "-o", str(target)), 2, "does not exist")
    assert not target.parent.exists()


def test_score_of_a_missing_bom_file_is_bad_input_not_a_hub_lookup(tmp_path: Path) -> None:
    assert_clean_error(run("score", "boms/absent.json", cwd=tmp_path), 2, "boms/absent.json: no such BOM file")


@pytest.mark.parametrize("target", ["models/doesnotexist", "./typo", "../typo/model", "a/b/c", "typo.gguf",
                                    "org/model.yaml", "models/doesnotexist@main"])
def test_a_missing_path_is_bad_input_never_a_hub_lookup(tmp_path: Path, target: str) -> None:
    (tmp_path / "models").mkdir()
    # the Hub endpoint is a closed port: reaching for it would be exit 3, not exit 2
    proc = run("generate", target, cwd=tmp_path, env={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert_clean_error(proc, 2, f"{target}: no such folder or file")
    assert "cannot reach the Hub" not in proc.stderr


def test_a_missing_path_under_a_local_folder_names_the_folder_and_the_hub_form(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    proc = run("generate", "models/doesnotexist", cwd=tmp_path)
    assert_clean_error(proc, 2, "(models/ is a local folder)", "write hf://models/doesnotexist")


def test_an_explicit_hub_id_with_a_local_namesake_goes_to_the_hub(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    proc = run("generate", "hf://models/doesnotexist", cwd=tmp_path, env={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert_clean_error(proc, 3, "cannot reach the Hub")


def test_a_cache_root_and_a_cache_repo_folder_are_refused_with_the_way_to_name_them(tmp_path: Path) -> None:
    repo = tmp_path / "hub" / "models--acme--tiny"
    for sub in ("blobs", "refs", "snapshots/" + "a" * 40):
        (repo / sub).mkdir(parents=True)
    (repo / "blobs" / "b1").write_text("{}")
    (repo / "snapshots" / ("a" * 40) / "config.json").symlink_to(repo / "blobs" / "b1")
    (tmp_path / "hub" / ".locks").mkdir()
    out = tmp_path / "bom.json"
    proc = run("generate", str(tmp_path / "hub"), "-o", str(out))
    assert_clean_error(proc, 2, "is a Hugging Face cache (it holds models--ORG--NAME folders)",
                       f"aibom generate ORG/NAME --cache {tmp_path / 'hub'}")
    proc = run("generate", str(repo), "-o", str(out))
    assert_clean_error(proc, 2, "cache folder of one repo", f"{repo}/snapshots/COMMIT", "--cache acme/tiny")
    assert not out.exists()


def test_validate_and_score_read_a_bom_from_standard_input(tmp_path: Path) -> None:
    import json
    import os

    bom = run("generate", "fixtures/models/tiny-llama-ft", "--reproducible", cwd=Path(__file__).parent.parent).stdout
    env = {**os.environ}

    def piped(*args: str, text: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "aibom", *args], input=text, capture_output=True, text=True,
                              env=env, timeout=120)

    assert piped("validate", "-", text=bom).stdout == "<stdin>: valid\n"
    report = json.loads(piped("validate", "--format", "json", "-", text=bom).stdout)
    assert report == {"bom": "<stdin>", "valid": True, "problems": []}
    broken = bom.replace('"type": "file"', '"type": "folder"', 1)
    proc = piped("validate", "--format", "json", "-", text=broken)
    assert proc.returncode == 2 and json.loads(proc.stdout)["valid"] is False
    assert "'folder' is not one of" in json.loads(proc.stdout)["problems"][0]
    scored = piped("score", "-", "--format", "json", text=bom)
    assert scored.returncode == 0 and json.loads(scored.stdout)["model"]["name"] == "tiny-llama-ft"
    assert_clean_error(piped("score", "-", text="not json"), 2)
