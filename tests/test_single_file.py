"""A lone GGUF or ONNX file as an `aibom generate` target."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import gguf
import pytest
from builders import make_gguf, make_onnx
from conftest import files_of, model_of
from test_weights import LLAMA3_TEMPLATE

from aibom.collect.options import CollectOptions
from aibom.collect.single_file import collect_file
from aibom.emit.validate import problems

LLAMA_URL = "https://huggingface.co/meta-llama/Meta-Llama-3-8B"


def _aibom(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aibom", *args], capture_output=True, text=True, timeout=120)


def test_quantized_gguf_identity_license_lineage_parameters(tmp_path: Path) -> None:
    path = make_gguf(tmp_path / "tiny.Q8_0.gguf", chat_template=LLAMA3_TEMPLATE, base_models=(
        {"name": "Llama 3 8B", "organization": "Meta Llama", "repo_url": LLAMA_URL},
        {"name": "Tiny Helper", "organization": "Someone"},
    ))
    prov = collect_file(path, CollectOptions())
    assert prov.name == "Tiny Llama" and prov.source == "file"
    assert prov.identity.location == "tiny.Q8_0.gguf:general.name" and prov.identity.method == "declared"
    (entry,) = prov.files
    assert entry.path == "tiny.Q8_0.gguf" and entry.role == "weights"
    assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and entry.size == path.stat().st_size
    assert entry.weights is not None and entry.weights.format == "gguf"
    (lic,) = prov.licenses
    assert lic.spdx == "Apache-2.0" and lic.raw == "apache-2.0"
    assert lic.evidence.location == "tiny.Q8_0.gguf:general.license" and lic.evidence.method == "declared"
    first, second = prov.base_models
    assert first.id == "meta-llama/Meta-Llama-3-8B" and first.relation == "quantized"
    assert first.purl == "pkg:huggingface/meta-llama/Meta-Llama-3-8B"
    assert first.evidence.location == "tiny.Q8_0.gguf:general.base_model.0.repo_url"
    assert second.id == "Someone/Tiny Helper" and second.purl is None
    assert second.evidence.location == "tiny.Q8_0.gguf:general.base_model.1.name"
    assert prov.parameters is not None and prov.parameters.value == 17
    assert prov.card.model_architecture is not None and prov.card.model_architecture.value == "llama"
    # a lone file has no card: what only a card says is unknown, what the header says is not
    assert [u.field for u in prov.unknowns] == ["card", "datasets"]


def test_unquantized_gguf_without_license(tmp_path: Path) -> None:
    path = make_gguf(tmp_path / "f16.gguf", license_id=None, file_type=int(gguf.LlamaFileType.MOSTLY_F16),
                     base_models=({"repo_url": LLAMA_URL},))
    prov = collect_file(path, CollectOptions(repo_id="me/tiny", revision="abc1234"))
    assert prov.licenses == ()
    assert ("license", "no license in the card, a LICENSE file or a GGUF header") in [
        (u.field, u.reason) for u in prov.unknowns]
    assert prov.base_models[0].relation == "unknown"
    assert prov.purl == "pkg:huggingface/me/tiny@abc1234" and prov.repo_id == "me/tiny"


def test_onnx_identity_is_the_file_name_not_the_graph_name(tmp_path: Path) -> None:
    # exporters name graphs "main_graph" or "torch_jit": the graph name is not the model's
    prov = collect_file(make_onnx(tmp_path / "m.onnx"), CollectOptions())
    assert prov.name == "m" and prov.identity.location == "folder name"
    assert prov.parameters is not None and prov.parameters.value == 9
    assert prov.licenses == () and prov.base_models == ()


def test_truncated_gguf_is_unknown_with_evidence(tmp_path: Path) -> None:
    path = make_gguf(tmp_path / "cut.gguf")
    path.write_bytes(path.read_bytes()[:200])
    prov = collect_file(path, CollectOptions())
    assert prov.name == "cut" and prov.identity.method == "inferred"
    (entry,) = prov.files
    assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry.weights is not None
    assert entry.weights.risks == ("malformed-header: GGUF file is truncated: 17 bytes needed at byte 200 of 200",)
    assert prov.parameters is None
    unread = [u for u in prov.unknowns if u.field in ("parameters", "license")]
    assert [u.field for u in unread] == ["license", "parameters"]
    assert all("cut.gguf: header unreadable: GGUF file is truncated" in u.reason for u in unread)


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
def test_cli_generates_a_valid_bom_for_a_gguf(tmp_path: Path, spec: str) -> None:
    path = make_gguf(tmp_path / "tiny.gguf", base_models=({"repo_url": LLAMA_URL},))
    out = tmp_path / "bom.json"
    run = _aibom("generate", str(path), "-o", str(out), "--reproducible", "--spec-version", spec)
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert problems(text) == []
    bom = json.loads(text)
    model = model_of(bom)
    assert model["name"] == "Tiny Llama" and model["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    assert model["pedigree"]["ancestors"][0]["purl"] == "pkg:huggingface/meta-llama/Meta-Llama-3-8B"
    (file_component,) = files_of(bom)
    assert file_component["hashes"][0]["content"] == hashlib.sha256(path.read_bytes()).hexdigest()
    props = {(p["name"], p["value"]) for p in file_component["properties"]}
    assert ("cdx:ai-ml:model:hyperparameter:quantization", "Q8_0") in props  # the taxonomy's name, plain value


def test_cli_onnx_target(tmp_path: Path) -> None:
    run = _aibom("generate", str(make_onnx(tmp_path / "m.onnx")), "--reproducible")
    assert run.returncode == 0, run.stderr
    assert problems(run.stdout) == []
    assert model_of(json.loads(run.stdout))["name"] == "m"
