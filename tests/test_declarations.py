"""Declarations (aibom.yaml): what a release pipeline knows and a model card omits."""

from __future__ import annotations

import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import REPO, schema

from aibom.collect import declarations as decl
from aibom.errors import InputError
from aibom.identity import hf_purl
from aibom.licenses import resolve
from aibom.model import (
    PROP_ACCESS,
    PROP_LICENSE_OVERRIDDEN,
    PROP_WEIGHTS_AVAILABLE,
    Dataset,
    Evidence,
    License,
    Provenance,
    Unknown,
)
from aibom.score.profiles import evaluate

FULL = """\
aibom: 1
model:
  name: granite-7b-lab
  repo_id: instructlab/granite-7b-lab
  version: 1.0
  description: A LAB-aligned model
  author: IBM Research
  license: apache-2.0
code:
  - url: https://github.com/instructlab/training
    purpose: training-code
    license: Apache-2.0
    commit: 0123456789abcdef0123456789abcdef01234567
  - url: https://github.com/instructlab/sdg
    purpose: data-preprocessing-code
    license: apache-2.0
datasets:
  - id: allenai/olmo-mix-1124
    url: https://huggingface.co/datasets/allenai/olmo-mix-1124
    license: odc-by
    usage: training
  - id: cais/mmlu
    license: mit
    usage: evaluation
synthetic_datasets:
  - id: instructlab/skills-synthetic
    generator: mistralai/Mixtral-8x7B-Instruct-v0.1
    seed_source: https://github.com/instructlab/taxonomy
    license: cc-by-4.0
base_models:
  - id: ibm/granite-7b-base
    relation: fine-tune
    license: apache-2.0
papers:
  - https://arxiv.org/abs/2403.01081
technical_report: {url: https://example.org/granite-report.pdf, title: Granite report}
data_card: https://example.org/data-card
intermediate_checkpoints: https://huggingface.co/instructlab/granite-7b-lab/tree/checkpoints
evaluation:
  code: [https://github.com/instructlab/eval]
  results: [{url: https://example.org/results.json}]
"""


def write(tmp_path: Path, text: str, name: str = "aibom.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_full_declarations_validate_and_read_into_declared_facts(tmp_path: Path) -> None:
    jsonschema.validate(yaml.safe_load(FULL), schema("declarations"))
    prov = decl.load(write(tmp_path, FULL))

    assert (prov.name, prov.repo_id, prov.purl) == (
        "granite-7b-lab",
        "instructlab/granite-7b-lab",
        "pkg:huggingface/instructlab/granite-7b-lab",
    )
    assert prov.source == "declarations"
    assert prov.identity == Evidence("declarations", "aibom.yaml#/model", "declared")
    assert [x.spdx for x in prov.licenses] == ["Apache-2.0"]
    assert prov.licenses[0].evidence.location == "aibom.yaml#/model/license"
    assert ("aibom:version", "1.0") in [(p.name, p.value) for p in prov.properties]

    purposes = {(r.purpose, r.url) for r in prov.references}
    assert ("training-code", "https://github.com/instructlab/training") in purposes
    assert ("data-preprocessing-code", "https://github.com/instructlab/sdg") in purposes
    assert ("research-paper", "https://arxiv.org/abs/2403.01081") in purposes
    assert ("technical-report", "https://example.org/granite-report.pdf") in purposes
    assert ("data-card", "https://example.org/data-card") in purposes
    assert ("evaluation-code", "https://github.com/instructlab/eval") in purposes
    assert ("evaluation-results", "https://example.org/results.json") in purposes
    training = next(r for r in prov.references if r.purpose == "training-code")
    assert training.commit == "0123456789abcdef0123456789abcdef01234567"
    assert training.evidence.location == "aibom.yaml#/code/0"
    assert [x.spdx for x in training.licenses] == ["Apache-2.0"]

    by_id = {d.id: d for d in prov.datasets}
    assert by_id["allenai/olmo-mix-1124"].evidence.location == "aibom.yaml#/datasets/0"
    assert by_id["allenai/olmo-mix-1124"].licenses[0].spdx == "ODC-By-1.0"
    assert by_id["cais/mmlu"].usage == "evaluation"
    synthetic = by_id["instructlab/skills-synthetic"]
    assert synthetic.generator == "mistralai/Mixtral-8x7B-Instruct-v0.1"
    assert synthetic.seed_source == "https://github.com/instructlab/taxonomy"
    assert synthetic.usage == "training"
    assert synthetic.evidence.location == "aibom.yaml#/synthetic_datasets/0"

    (base,) = prov.base_models
    assert (base.id, base.relation, base.purl) == (
        "ibm/granite-7b-base",
        "fine-tune",
        hf_purl("ibm/granite-7b-base"),
    )
    assert all(e.method == "declared" for e in [prov.identity, *(d.evidence for d in prov.datasets)])


def test_closed_model_declares_api_only_access(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        model: {name: closed-llm, author: Example Corp, license: proprietary, access: api-only}
        weights: {available: false}
        """,
    )
    prov = decl.load(path)
    props = {p.name: (p.value, p.evidence.location) for p in prov.properties}
    assert props[PROP_WEIGHTS_AVAILABLE] == ("false", "aibom.yaml#/weights/available")
    assert props[PROP_ACCESS] == ("api-only", "aibom.yaml#/model/access")
    assert prov.gated is True
    assert prov.files == () and prov.datasets == ()


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("datasets:\n  - {id: x, usage: trainng}\n", "/datasets/0/usage"),
        ("code:\n  - {url: https://github.com/a/b}\n", "/code/0"),
        ("code:\n  - {url: not-a-url, purpose: training-code}\n", "/code/0/url"),
        ("model: {name: m, licence: mit}\n", "/model"),
        ("synthetic_datasets:\n  - {id: s, seed_source: https://x.org/t}\n", "/synthetic_datasets/0"),
        ("datasets:\n  - {id: x, colour: red}\n", "/datasets/0"),
        ("weights: {available: 'no'}\n", "/weights/available"),
    ],
)
def test_schema_violations_name_the_bad_field(tmp_path: Path, text: str, pointer: str) -> None:
    with pytest.raises(InputError) as err:
        decl.load(write(tmp_path, text))
    assert f": {pointer}: " in err.value.message
    assert str(tmp_path / "aibom.yaml") in err.value.message


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("model: {name: [unclosed\n", "not valid YAML at line"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
    ],
)
def test_broken_yaml_is_bad_input(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        decl.load(write(tmp_path, text))


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        decl.load(tmp_path / "nope.yaml")


def collected() -> Provenance:
    card = Evidence("local", "README.md#front-matter", "declared")
    return Provenance(
        name="folder-name",
        identity=Evidence("local", "README.md", "inferred"),
        source="local",
        licenses=(License("other", card, category="unknown"),),
        datasets=(Dataset("allenai/olmo-mix-1124", card), Dataset("bookcorpus", card)),
        unknowns=(
            Unknown("model", "datasets", "dataset cards not read offline"),
            Unknown("model", "license", "LICENSE: the text is not a license aibom recognises"),
            Unknown("model", "parameters", "no safetensors header"),
        ),
    )


def test_apply_merges_declared_facts_into_collected_ones(tmp_path: Path) -> None:
    prov = decl.apply(collected(), decl.load(write(tmp_path, FULL)))

    assert prov.name == "granite-7b-lab"  # no Hub identity was collected, so the declared name wins
    assert prov.repo_id == "instructlab/granite-7b-lab"
    assert [x.spdx for x in prov.licenses] == ["Apache-2.0"]  # replaces the unclassifiable "other"
    by_id = {d.id: d for d in prov.datasets}
    assert set(by_id) == {"allenai/olmo-mix-1124", "bookcorpus", "cais/mmlu", "instructlab/skills-synthetic"}
    olmo = by_id["allenai/olmo-mix-1124"]
    assert olmo.licenses[0].spdx == "ODC-By-1.0"
    assert olmo.url == "https://huggingface.co/datasets/allenai/olmo-mix-1124"
    assert olmo.evidence.location == "aibom.yaml#/datasets/0"
    assert by_id["bookcorpus"].evidence.location == "README.md#front-matter"  # kept as collected
    assert [u.field for u in prov.unknowns] == ["parameters"]  # declared datasets and license answer the rest


def test_apply_keeps_a_hub_identity_and_classified_licenses(tmp_path: Path) -> None:
    card = Evidence("hf-hub", "README.md#front-matter", "declared")
    hub = Provenance(
        name="Llama-2-7b-hf",
        identity=Evidence("hf-hub", "https://huggingface.co/x", "computed"),
        source="hf-hub",
        repo_id="meta-llama/Llama-2-7b-hf",
        licenses=(resolve("llama2", card),),
    )
    path = write(tmp_path, "model: {name: renamed, license: mit}\n")
    prov = decl.apply(hub, decl.load(path))
    assert (prov.name, prov.repo_id) == ("Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf")
    # the declaration wins (a union would read as dual licensing); the card's license stays on record
    assert [x.raw for x in prov.licenses] == ["mit"]
    assert [(p.name, p.value, p.evidence.location) for p in prov.properties] == [
        (PROP_LICENSE_OVERRIDDEN, "LicenseRef-scancode-llama-2-license-2023", "README.md#front-matter")]
    # ... and a looser declaration never turns a stricter stated license into a pass
    verdict = next(f for f in evaluate(prov, "core").findings if f.requirement == "permissive-license")
    assert verdict.status == "unknown"
    assert verdict.reason.startswith("The declarations state MIT, but README.md#front-matter says Llama 2 Community")
    assert "700 million monthly active users" in verdict.reason


def test_a_declaration_that_repeats_or_tightens_the_card_license(tmp_path: Path) -> None:
    card = Evidence("local", "README.md#front-matter", "declared")
    base = Provenance(name="m", identity=card, source="local", licenses=(resolve("apache-2.0", card),))
    same = decl.apply(base, decl.load(write(tmp_path, "model: {name: m, license: Apache-2.0}\n")))
    assert [x.spdx for x in same.licenses] == ["Apache-2.0"] and same.properties == ()
    tighter = decl.apply(base, decl.load(write(tmp_path, "model: {name: m, license: cc-by-nc-4.0}\n")))
    verdict = next(f for f in evaluate(tighter, "core").findings if f.requirement == "permissive-license")
    assert verdict.status == "unmet" and "CC-BY-NC-4.0" in verdict.reason
    looser = decl.apply(base.with_changes(licenses=(resolve("mit", card),)),
                        decl.load(write(tmp_path, "model: {name: m, license: apache-2.0}\n")))
    verdict = next(f for f in evaluate(looser, "core").findings if f.requirement == "permissive-license")
    assert verdict.status == "met"
    assert verdict.reason.endswith("Apache-2.0 (declared over MIT stated in README.md#front-matter).")


def test_yaml_aliases_are_refused_before_they_can_expand(tmp_path: Path) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(InputError, match=r"line 2, column \d+: aliases \(\*name\) are not allowed"):
        decl.load(write(tmp_path, laughs))


def test_declarations_cannot_make_a_model_its_own_ancestor(tmp_path: Path) -> None:
    import shutil

    from aibom.collect.dispatch import collect
    from aibom.collect.options import CollectOptions

    folder = tmp_path / "model"
    shutil.copytree(REPO / "fixtures" / "models" / "tiny-llama-ft", folder)
    write(folder, """\
        aibom: 1
        base_models:
          - {id: my-org/Tiny-Llama-FT, relation: fine-tune}
          - {id: org/other-base, relation: merge}
        """)
    prov = collect(str(folder), CollectOptions(repo_id="my-org/tiny-llama-ft"))
    ids = [b.id for b in prov.base_models]
    assert "org/other-base" in ids and "TinyLlama/TinyLlama-1.1B-Chat-v1.0" in ids
    assert all(i.lower() != "my-org/tiny-llama-ft" for i in ids)
