"""Every parser of untrusted bytes, over its input space: it gives a value, or raises aibom's input or
environment error (one clear line) — never another exception. Cases the hostile suites found are
written there; here Hypothesis looks for new ones."""

from __future__ import annotations

import contextlib
import json
import struct
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aibom import api
from aibom.collect import declarations
from aibom.collect.cards import parse_dataset_card, parse_model_card
from aibom.collect.hf_hub.answers import checked_model_info
from aibom.collect.source import FolderSource
from aibom.collect.weights import inspect
from aibom.errors import AibomError, EnvironmentFailure
from aibom.model import WeightInfo


def inspect_file(path: Path, rel: str) -> WeightInfo:
    info = inspect(FolderSource({rel: path}), rel)
    assert info is not None
    return info


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4), max_leaves=20)
CARD_TEXT = st.lists(st.sampled_from([
    "---\n", "license: ", "apache-2.0", "llama2", "[mit, other]", "base_model: ", "org/name", "datasets:\n- a/b\n",
    "# ", "## Training Data\n", "**License:** ", "<!--", "-->", "[", "](", "http://x/y", ")", "|", " | ", "\n",
    "*", "`", "```\n", "quantized from ", "fine-tuned from ", "&", "key: [", "{", "}", "\t", "é", "\x00",
]), max_size=40).map("".join) | st.text(max_size=400)


@SETTINGS
@given(text=CARD_TEXT)
def test_any_card_text_parses(text: str) -> None:
    for parse in (parse_model_card, parse_dataset_card):
        info = parse(text, collector="t", location="README.md")
        assert info is not None


def _folder(files: dict[str, bytes]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="aibom-prop-")) / "m"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


@SETTINGS
@given(config=JSON, index=JSON, raw=st.binary(max_size=64))
def test_any_config_and_shard_index_give_a_provenance(config: object, index: object, raw: bytes) -> None:
    root = _folder({"README.md": b"# m\n", "config.json": json.dumps(config).encode(),
                    "model.safetensors.index.json": json.dumps(index).encode(), "generation_config.json": raw})
    prov = api.collect(str(root))
    assert prov.name


@SETTINGS
@given(head=st.binary(max_size=64), tail=st.binary(max_size=256), count=st.integers(0, 2**64 - 1))
def test_any_gguf_bytes_give_a_weight_info(tmp_path: Path, head: bytes, tail: bytes, count: int) -> None:
    data = b"GGUF" + struct.pack("<IQQ", 3, count % 1000, count) + head + tail
    path = tmp_path / "x.gguf"
    path.write_bytes(data)
    info = inspect_file(path, path.name)
    assert isinstance(info, WeightInfo) and info.format == "gguf"


@SETTINGS
@given(data=st.binary(max_size=512), proto=st.integers(0, 5))
def test_any_bytes_as_a_pickle_give_a_weight_info(tmp_path: Path, data: bytes, proto: int) -> None:
    path = tmp_path / "x.pkl"
    path.write_bytes(bytes([0x80, proto]) + data)
    info = inspect_file(path, path.name)
    assert isinstance(info, WeightInfo) and "pickle-executable-on-load" in info.risks


@SETTINGS
@given(doc=JSON | st.dictionaries(st.sampled_from(
    ["name", "license", "licenses", "datasets", "base_model", "base_models", "training_code", "weights",
     "version", "access", "supplier"]), JSON, max_size=6), raw=st.text(max_size=200))
def test_any_declarations_load_or_are_refused(tmp_path: Path, doc: object, raw: str) -> None:
    for text in (yaml.safe_dump(doc), raw):
        path = tmp_path / "d.yaml"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(AibomError):
            declarations.load(path)


BOM_PARTS = st.fixed_dictionaries({"bomFormat": st.just("CycloneDX"), "specVersion": st.sampled_from(["1.6", "1.7"])},
                                  optional={"components": st.lists(JSON | st.fixed_dictionaries(
                                      {"type": st.sampled_from(["machine-learning-model", "file", "data"]),
                                       "name": st.text(max_size=8)},
                                      optional={"hashes": JSON, "licenses": JSON, "modelCard": JSON,
                                                "properties": JSON, "bom-ref": JSON, "pedigree": JSON}),
                                      max_size=4),
                                      "metadata": JSON, "dependencies": JSON, "declarations": JSON})


@SETTINGS
@given(bom=BOM_PARTS)
@example(bom={"bomFormat": "CycloneDX", "specVersion": "1.6",  # found by Hypothesis: a list as bom-ref
              "components": [{"type": "machine-learning-model", "name": "", "bom-ref": []}]})
def test_any_cyclonedx_shaped_bom_reads_or_is_refused(bom: dict) -> None:
    with contextlib.suppress(AibomError):
        api.read_bom(json.dumps(bom))


SIBLING = st.fixed_dictionaries({}, optional={"rfilename": JSON, "size": JSON, "lfs": JSON | st.fixed_dictionaries(
    {"sha256": JSON, "size": JSON})})


@SETTINGS
@given(fields=st.fixed_dictionaries({}, optional={
    "sha": JSON | st.just("a" * 40), "siblings": JSON | st.lists(SIBLING, max_size=3), "tags": JSON,
    "gated": JSON, "author": JSON, "library_name": JSON, "pipeline_tag": JSON}))
def test_any_hub_answer_is_checked_or_refused(fields: dict) -> None:
    siblings = fields.get("siblings")
    if isinstance(siblings, list):
        fields["siblings"] = [SimpleNamespace(rfilename=s.get("rfilename"), size=s.get("size"),
                              lfs=SimpleNamespace(**s["lfs"]) if isinstance(s.get("lfs"), dict) else s.get("lfs"))
                              if isinstance(s, dict) else s for s in siblings]
    info = SimpleNamespace(**fields)
    try:
        checked_model_info(info, "http://hub", "org/name", files=True)
    except EnvironmentFailure:
        return
    for s in getattr(info, "siblings", None) or ():  # what passed is what the collector may trust
        assert isinstance(s.rfilename, str) and "\n" not in s.rfilename
        assert s.size is None or (isinstance(s.size, int) and s.size >= 0)


@pytest.mark.parametrize("kind", ["model", "dataset"])
def test_a_checked_answer_keeps_an_honest_hub_answer(kind: str) -> None:
    sibling = SimpleNamespace(rfilename="model.safetensors", size=10,
                              lfs=SimpleNamespace(sha256="b" * 64, size=10))
    info = SimpleNamespace(sha="a" * 40, siblings=[sibling], tags=["license:mit"], gated=False, author="org")
    assert checked_model_info(info, "http://hub", "org/name", files=kind == "model") is info
