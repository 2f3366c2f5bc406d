"""Every Hub failure as the user meets it through `aibom generate ORG/NAME`: one line, the right exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from hubserver import model_files

from aibom import budget
from aibom.cli import main

BERT = "google-bert/bert-base-uncased"
SECRET = "hf_DoNotPrintMe0123456789abcdef"


def generate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, debug: bool = False
) -> tuple[int, str]:
    """Run the real entry point in-process; return the exit code and stderr."""
    monkeypatch.setattr(sys, "argv", ["aibom", *(["--debug"] if debug else []), "generate", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert debug or "Traceback" not in err
    return code, err


def test_repo_not_found_is_bad_input(hub, monkeypatch, capsys, tmp_path: Path) -> None:
    code, err = generate(monkeypatch, capsys, "nobody/nothing", "-o", str(tmp_path / "bom.json"))
    assert code == 2 and "nobody/nothing: repository not found" in err and "HF_TOKEN" in err
    assert not (tmp_path / "bom.json").exists()


def test_revision_not_found_is_bad_input(hub, monkeypatch, capsys) -> None:
    hub.add_model(BERT, model_files(BERT))
    code, err = generate(monkeypatch, capsys, f"{BERT}@v9.9")
    assert code == 2 and f"{BERT}@v9.9: no such revision" in err


def test_gated_without_token_says_a_token_is_needed(hub, monkeypatch, capsys) -> None:
    hub.add_model(BERT, model_files(BERT), gated="manual")
    code, err = generate(monkeypatch, capsys, BERT)
    assert code == 2 and "gated" in err and "token" in err and "HF_TOKEN" in err


def test_a_token_is_never_printed(hub, monkeypatch, capsys) -> None:
    hub.add_model(BERT, model_files(BERT), gated="manual")
    monkeypatch.setenv("HF_TOKEN", SECRET)
    code, err = generate(monkeypatch, capsys, BERT, debug=True)
    assert "Traceback" in err, "--debug shows the traceback, and still not the token"
    assert code == 2 and "no access" in err
    assert SECRET not in err and SECRET[3:15] not in err
    assert any(r.authorization == f"Bearer {SECRET}" for r in hub.requests), "the token was sent to the Hub"


def test_private_repo_needs_a_token_and_works_with_one(hub, monkeypatch, capsys, tmp_path: Path) -> None:
    hub.add_model(BERT, model_files(BERT), private=True)
    code, err = generate(monkeypatch, capsys, BERT)
    assert code == 2 and "private" in err and "HF_TOKEN" in err
    hub.tokens.add(SECRET)
    monkeypatch.setenv("HF_TOKEN", SECRET)
    code, err = generate(monkeypatch, capsys, BERT, "-o", str(tmp_path / "bom.json"))
    assert code == 0, err
    assert '"pkg:huggingface/google-bert/bert-base-uncased@' in (tmp_path / "bom.json").read_text()


def test_rate_limited_then_answered(hub, monkeypatch, capsys, tmp_path: Path) -> None:
    hub.add_model(BERT, model_files(BERT))
    hub.fail(rf"^/api/models/{BERT}", 429, times=2, headers={"Retry-After": "0"})
    code, err = generate(monkeypatch, capsys, BERT, "-o", str(tmp_path / "bom.json"))
    assert code == 0, err
    assert [r.status for r in hub.requests if r.path.startswith("/api/models/")] == [429, 429, 200]


def test_retry_after_is_honoured(hub, monkeypatch, capsys, tmp_path: Path) -> None:
    hub.add_model(BERT, model_files(BERT))
    hub.fail(rf"^/api/models/{BERT}", 503, times=1, headers={"Retry-After": "1"})
    started = time.monotonic()
    code, err = generate(monkeypatch, capsys, BERT, "-o", str(tmp_path / "bom.json"))
    assert code == 0, err
    assert time.monotonic() - started >= 1.0


def test_a_bad_backoff_setting_is_bad_input(hub, monkeypatch, capsys) -> None:
    hub.add_model(BERT, model_files(BERT))
    hub.fail(r"^/api/", 429)
    monkeypatch.setenv("AIBOM_HTTP_BACKOFF", "soon")
    code, err = generate(monkeypatch, capsys, BERT)
    assert code == 2 and "AIBOM_HTTP_BACKOFF" in err


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limited_or_down_for_good_is_an_environment_failure(
    hub, monkeypatch, capsys, status: int
) -> None:
    hub.add_model(BERT, model_files(BERT))
    hub.fail(r"^/api/", status)
    code, err = generate(monkeypatch, capsys, BERT)
    assert code == 3 and f"answered {status}" in err
    assert hub.count(r"^/api/models/") == budget.HUB_ATTEMPTS


def test_a_dataset_lookup_that_keeps_failing_is_an_environment_failure(hub, monkeypatch, capsys) -> None:
    hub.add_model("google-t5/t5-small", model_files("google-t5/t5-small"))
    hub.fail(r"^/api/datasets/c4", 502)
    code, err = generate(monkeypatch, capsys, "google-t5/t5-small")
    assert code == 3 and "dataset c4" in err


def test_no_hub_listening_is_an_environment_failure(monkeypatch, capsys) -> None:
    """conftest points HF_ENDPOINT at a port where nothing listens."""
    code, err = generate(monkeypatch, capsys, BERT)
    assert code == 3 and "cannot reach the Hub" in err and "127.0.0.1:9" in err


def test_an_unresolvable_host_is_an_environment_failure(monkeypatch, capsys) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://no-such-host.invalid")
    code, err = generate(monkeypatch, capsys, BERT)
    assert code == 3 and "cannot reach the Hub" in err
