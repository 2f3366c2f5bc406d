"""Core openness verdicts: real model cards in model folders, declarations, and the edge cases."""

from __future__ import annotations

from pathlib import Path

from aibom.collect import declarations as decl
from aibom.licenses import resolve
from aibom.model import (
    BaseModel,
    Dataset,
    Evidence,
    FileEntry,
    Finding,
    Provenance,
    Reference,
    Unknown,
)
from aibom.score.profiles import evaluate, verdict

CARD = Evidence("local", "README.md#front-matter", "declared")


def findings(prov: Provenance, profile: str = "core", **kw: bool) -> dict[str, Finding]:
    return {f.requirement: f for f in evaluate(prov, profile, **kw).findings}


CLOSED = """\
model:
  name: closed-llm
  author: Example Corp
  license: proprietary
  access: api-only
weights: {available: false}
papers: [https://example.com/closed-llm-report.pdf]
"""


def test_closed_model_from_declarations_alone_is_unmet_on_weights_data_and_code(tmp_path: Path) -> None:
    (tmp_path / "closed.yaml").write_text(CLOSED)
    prov = decl.load(tmp_path / "closed.yaml")
    found = findings(prov)
    assert found["open-weights"].status == "unmet"
    assert "not released" in found["open-weights"].reason
    assert {e.location for e in found["open-weights"].evidence} == {
        "closed.yaml#/weights/available",
        "closed.yaml#/model/access",
    }
    assert found["open-data"].status == "unmet"
    assert found["open-code"].status == "unmet"
    assert found["permissive-license"].status == "unmet"
    assert "proprietary" in found["permissive-license"].reason
    osaid = findings(prov, "osaid")
    assert {k: f.status for k, f in osaid.items()} == {
        "data-information": "unmet",
        "code": "unmet",
        "parameters": "unmet",
    }


def prov_with(**changes: object) -> Provenance:
    weights = FileEntry("model.safetensors", 8, "0" * 64, "weights", Evidence("local", "model.safetensors", "computed"))
    base = Provenance(
        name="m",
        identity=Evidence("local", "README.md", "inferred"),
        source="local",
        files=(weights,),
        licenses=(resolve("apache-2.0", CARD),),
    )
    return base.with_changes(**changes)


def test_copyleft_fails_permissive_unless_allowed() -> None:
    prov = prov_with(licenses=(resolve("gpl-3.0", CARD),))
    assert findings(prov)["permissive-license"].status == "unmet"
    allowed = findings(prov, allow_copyleft=True)["permissive-license"]
    assert allowed.status == "met"
    assert "--allow-copyleft" in allowed.reason
    assert findings(prov)["open-weights"].status == "met"  # GPL is OSI-approved


def test_an_unclassifiable_license_is_unknown_never_met() -> None:
    prov = prov_with(licenses=(resolve("other", CARD),))
    found = findings(prov)
    assert found["permissive-license"].status == "unknown"
    assert found["open-weights"].status == "unknown"


def test_gated_weights_fail_core_but_not_osaid() -> None:
    prov = prov_with(gated=True)
    assert findings(prov)["open-weights"].status == "unmet"
    assert "gated" in findings(prov)["open-weights"].reason
    assert findings(prov, "osaid")["parameters"].status == "met"


def test_a_named_training_script_missing_from_the_files() -> None:
    """Unmet only when the whole release was listed; a local copy may simply not hold it."""
    ref = Reference("train.py", "training-code", Evidence("local", "README.md#L40", "inferred"))
    code = findings(prov_with(references=(ref,)))["open-code"]
    assert code.status == "unknown"
    assert "train.py" in code.reason and "the published release may" in code.reason
    code = findings(prov_with(references=(ref,), listing="release"))["open-code"]
    assert code.status == "unmet"
    assert "train.py" in code.reason and "not among the files of the release" in code.reason


def test_training_code_under_a_non_osi_license_is_unmet() -> None:
    ref = Reference("https://github.com/x/train", "training-code", CARD, licenses=(resolve("cc-by-nc-4.0", CARD),))
    assert findings(prov_with(references=(ref,)))["open-code"].status == "unmet"


def test_unreadable_card_gives_unknown_license_and_data() -> None:
    prov = prov_with(licenses=(), unknowns=(Unknown("model", "card", "README.md could not be fetched (gated)"),))
    found = findings(prov)
    assert found["permissive-license"].status == "unknown"
    assert found["open-data"].status == "unknown"
    assert "gated" in found["open-data"].reason


def test_a_fine_tune_with_open_data_is_partial_and_inherits_the_base_license() -> None:
    data = Dataset("HuggingFaceH4/ultrachat_200k", CARD, licenses=(resolve("mit", CARD),))
    base = BaseModel("meta-llama/Llama-2-7b-hf", "fine-tune", CARD, licenses=(resolve("llama2", CARD),))
    found = findings(prov_with(datasets=(data,), base_models=(base,)))
    assert found["open-data"].status == "partial"
    assert "meta-llama/Llama-2-7b-hf" in found["open-data"].reason
    assert found["permissive-license"].status == "unmet"
    assert found["permissive-license"].reason.startswith("The base model's license")


def test_evaluation_datasets_do_not_count_as_training_data() -> None:
    data = Dataset("cais/mmlu", CARD, licenses=(resolve("mit", CARD),), usage="evaluation")
    assert findings(prov_with(datasets=(data,)))["open-data"].status == "unmet"


def test_gated_dataset_is_not_open() -> None:
    data = Dataset("bigcode/the-stack-dedup", CARD, licenses=(resolve("other", CARD),), gated=True)
    assert findings(prov_with(datasets=(data,)))["open-data"].status == "unmet"


def test_osaid_code_needs_data_processing_code_too() -> None:
    apache = (resolve("apache-2.0", CARD),)
    train = Reference("https://github.com/x/train", "training-code", CARD, licenses=apache)
    prep = Reference("https://github.com/x/prep", "data-preprocessing-code", CARD, licenses=apache)
    assert findings(prov_with(references=(train,)), "osaid")["code"].status == "partial"
    assert findings(prov_with(references=(train, prep)), "osaid")["code"].status == "met"


def test_osaid_data_information_counts_described_datasets() -> None:
    named = Dataset("allenai/olmo-mix-1124", CARD)
    prose = Dataset("a new mix of publicly available online data", Evidence("local", "README.md#L9", "inferred"))
    assert findings(prov_with(datasets=(named,)), "osaid")["data-information"].status == "met"
    assert findings(prov_with(datasets=(named, prose)), "osaid")["data-information"].status == "partial"


def test_verdict_names_the_license_first() -> None:
    prov = prov_with(licenses=(resolve("cc-by-nc-4.0", CARD),))
    line = verdict(evaluate(prov, "core").findings)
    assert line.startswith("Not open: License forbids commercial use (CC-BY-NC-4.0: no use primarily intended")
    assert line.endswith("(+3 more unmet).")


def test_verdict_wording_for_partial_and_unknown() -> None:
    ev = Evidence("x", "y", "declared")
    partial = (Finding("a", "A", "met", "ok"), Finding("b", "B", "partial", "Half of it.", "", (ev,)))
    assert verdict(partial) == "Partly open: Half of it."
    unknown = (Finding("a", "A", "unknown", "Not known."),)
    assert verdict(unknown) == "Undetermined: Not known."
