"""`aibom scan`: fleets from a folder tree, a cache and a list, on the local pool and on Ray."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from builders import make_cache, write_safetensors
from conftest import FIXTURES, run_main, schema
from hubserver import model_files
from test_cache import COMMIT_1, COMMIT_2

from aibom.fleet import engine, sources

BERT = "google-bert/bert-base-uncased"


def tree(tmp_path: Path) -> Path:
    """Two fixture models in a nested tree, a model folder holding another (not descended), one broken."""
    root = tmp_path / "models"
    for name in ("tiny-llama-ft", "sharded-bert"):
        shutil.copytree(FIXTURES / "models" / name, root / "team" / name)
    (root / "team" / "tiny-llama-ft" / "checkpoints" / "step-1").mkdir(parents=True)
    (root / "team" / "tiny-llama-ft" / "checkpoints" / "step-1" / "config.json").write_text("{}")
    broken = root / "broken"
    broken.mkdir()
    (broken / "config.json").write_bytes(b"{}")
    (broken / "README.md").write_bytes(b"\xff\xfe not utf-8")
    return root


def rows_of(outdir: Path) -> list[dict]:
    rows = [json.loads(line) for line in (outdir / "inventory.jsonl").read_text().splitlines()]
    for row in rows:
        jsonschema.validate(row, schema("inventory"))
    return rows


def test_a_tree_gives_one_row_per_model_and_a_broken_model_is_an_error_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = tree(tmp_path), tmp_path / "out"
    code, _, err = run_main(monkeypatch, capsys, "scan", str(root), "-o", str(out), "--score", "core",
                            "--reproducible", "-j", "2")
    assert code == 2, err  # the worst per-model code: the broken card is bad input
    rows = {r["target"]: r for r in rows_of(out)}
    assert sorted(Path(t).name for t in rows) == ["broken", "sharded-bert", "tiny-llama-ft"]
    broken = rows[str(root / "broken")]
    assert broken["exit_code"] == 2 and "not UTF-8" in broken["error"] and broken["name"] is None
    llama = rows[str(root / "team" / "tiny-llama-ft")]
    assert llama["error"] is None and llama["exit_code"] == 0
    assert llama["licenses"] == ["MIT"] and llama["license_category"] == "permissive"
    assert llama["weight_formats"] == ["safetensors"] and llama["files"] == 8  # the checkpoint config too
    assert set(llama["requirements"]) == {"open-code", "open-weights", "open-data", "permissive-license"}
    assert rows[str(root / "team" / "sharded-bert")]["license_category"] == "non-commercial"
    assert sorted(p.name for p in (out / "boms").iterdir()) == [
        "team__sharded-bert.cdx.json", "team__tiny-llama-ft.cdx.json"]
    summary = (out / "summary.md").read_text()
    assert "| non-commercial | 1 |" in summary and "`" + str(root / "broken") + "` (exit 2)" in summary

    single = tmp_path / "single.json"
    code, _, err = run_main(monkeypatch, capsys, "generate", str(root / "team" / "tiny-llama-ft"), "--score", "core",
                            "--reproducible", "-o", str(single))
    assert code == 0, err
    assert (out / "boms" / "team__tiny-llama-ft.cdx.json").read_bytes() == single.read_bytes()


def test_every_cached_snapshot_is_a_row_and_a_resumed_scan_describes_nothing(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "hub"
    make_cache(cache, BERT, model_files(BERT), COMMIT_1, refs=("v1.0",))
    make_cache(cache, BERT, model_files(BERT, extra={"config.json": b"{}\n"}), COMMIT_2, refs=("main",))
    found = sources.from_cache(cache)
    assert [(t.spec, t.name, t.main) for t in found] == [
        (f"{BERT}@{COMMIT_1}", "google-bert__bert-base-uncased@111111111111", False),
        (f"{BERT}@{COMMIT_2}", "google-bert__bert-base-uncased@222222222222", True),
    ]
    out = tmp_path / "out"
    first = engine.scan(found, out, engine.Settings(reproducible=True), jobs=2)
    assert sorted(r["revision"] for r in first) == [COMMIT_1, COMMIT_2]
    assert all(r["error"] is None and r["purl"].startswith(f"pkg:huggingface/{BERT}@") for r in first)
    summary = (out / "summary.md").read_text()
    assert f"- `{BERT}@{COMMIT_2}`" in summary and f"- `{BERT}@{COMMIT_1}`" not in summary  # refs/main marked

    def never(*_: object) -> None:
        raise AssertionError("an up-to-date model was described again")

    monkeypatch.setattr(engine, "run_local", never)
    again = engine.scan(found, out, engine.Settings(reproducible=True), jobs=2, resume=True)
    assert sorted(again, key=lambda r: r["target"]) == sorted(first, key=lambda r: r["target"])


def test_resume_rescans_a_folder_that_changed_and_retries_errors(tmp_path: Path) -> None:
    root, out = tree(tmp_path), tmp_path / "out"
    found = sources.from_tree(root)
    first = {r["target"]: r for r in engine.scan(found, out, engine.Settings(), jobs=1)}
    llama = root / "team" / "tiny-llama-ft"
    write_safetensors(llama / "extra.safetensors", {"w": ("F32", [4])})
    (root / "broken" / "README.md").write_text("---\nlicense: mit\n---\n# fixed\n")
    second = {r["target"]: r for r in engine.scan(found, out, engine.Settings(), jobs=1, resume=True)}
    assert second[str(root / "team" / "sharded-bert")] == first[str(root / "team" / "sharded-bert")]  # kept
    assert second[str(llama)]["files"] == first[str(llama)]["files"] + 1
    assert second[str(root / "broken")]["error"] is None


def test_a_list_file_and_arguments_are_one_union(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    listing = tmp_path / "models.txt"
    listing.write_text(f"# the fleet\nmodels/team/tiny-llama-ft   # relative to the list\n{root}/team/sharded-bert\n\n")
    out = tmp_path / "out"
    code, _, err = run_main(monkeypatch, capsys, "scan", str(root / "team" / "tiny-llama-ft"), "--from-file",
                            str(listing), "-o", str(out), "--score", "core", "--fail-on", "unmet", "-j", "1")
    assert code == 1, err  # the non-commercial model fails the core policy; nothing else went wrong
    assert "1 of 2 models exited non-zero" in err
    assert sorted(Path(r["target"]).name for r in rows_of(out)) == ["sharded-bert", "tiny-llama-ft"]


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run_main(monkeypatch, capsys, "scan", "-o", str(tmp_path / "o"))
    assert code == 2 and "nothing to scan" in err
    code, _, err = run_main(monkeypatch, capsys, "scan", str(tmp_path), "-o", str(tmp_path / "o"), "--fail-on", "unmet")
    assert code == 2 and "--fail-on needs --score" in err


@pytest.mark.slow
def test_the_ray_engine_gives_the_local_inventory(tmp_path: Path) -> None:
    root = tree(tmp_path)
    found = sources.from_tree(root)
    settings = engine.Settings(reproducible=True, score="core")
    local = engine.scan(found, tmp_path / "local", settings, jobs=2)
    remote = engine.scan(found, tmp_path / "ray", settings, jobs=2, engine="ray")

    def comparable(rows: list[dict]) -> list[dict]:
        return sorted(({k: v for k, v in r.items() if k != "duration_s"} for r in rows), key=lambda r: r["target"])

    assert comparable(remote) == comparable(local)
    for bom in (tmp_path / "local" / "boms").iterdir():
        assert (tmp_path / "ray" / "boms" / bom.name).read_bytes() == bom.read_bytes()


def test_the_progress_bar_draws_only_on_a_terminal() -> None:
    import io

    from aibom.fleet.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, loud = io.StringIO(), Terminal()
    for stream in (quiet, loud):
        bar = Progress(4, stream)
        bar.advance()
        bar.advance()
        bar.close()
    assert quiet.getvalue() == ""
    assert "2/4" in loud.getvalue() and "models/s" in loud.getvalue() and "ETA" in loud.getvalue()


def test_hub_repo_ids_are_scanned_through_the_hub_and_a_missing_one_is_an_error_row(hub, tmp_path: Path) -> None:
    sha = hub.add_model(BERT, model_files(BERT))
    found = sources.union([sources.from_spec(BERT), sources.from_spec(f"{BERT}@{sha}"), sources.from_spec("no/such")])
    rows = {r["target"]: r for r in engine.scan(found, tmp_path / "out", engine.Settings(lineage_depth=0), jobs=2)}
    assert rows[BERT]["revision"] == rows[f"{BERT}@{sha}"]["revision"] == sha
    assert rows["no/such"]["exit_code"] == 2 and rows["no/such"]["error"]
    assert (tmp_path / "out" / "boms" / f"google-bert__bert-base-uncased@{sha[:12]}.cdx.json").is_file()
