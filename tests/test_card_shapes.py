"""The front-matter shapes real Hub cards take, on cards written for this project.

Each card below reproduces one shape seen in the wild (named in its id); the corpus suite checks
the same readings on the real cards.
"""

from __future__ import annotations

import pytest

from aibom.collect.cards import parse_model_card

# id -> (card text, licenses raw, license named?, datasets, declared base models, library, task, gated)
SHAPES: dict[str, tuple[str, list[str], bool, list[str], list[str], str, str, bool | None]] = {
    "license-other-with-name-and-link": (
        "---\nlicense: other\nlicense_name: acme-community-license\n"
        "license_link: https://huggingface.co/acme/chat-7b/blob/main/LICENSE\npipeline_tag: text-generation\n"
        "library_name: transformers\n---\n# chat-7b\n",
        ["other"], True, [], [], "transformers", "text-generation", None,
    ),
    "license-list-and-dataset-prefix": (
        "---\nlicense:\n- apache-2.0\n- cc-by-4.0\ndatasets:\n- datasets/acme/web-text\n- acme/code\n---\n# m\n",
        ["apache-2.0", "cc-by-4.0"], False, ["acme/web-text", "acme/code"], [], "", "", None,
    ),
    "base-model-list": (
        "---\nlicense: mit\nbase_model:\n- acme/base-7b\n- acme/other-7b\nbase_model_relation: merge\n---\n# merged\n",
        ["mit"], False, [], ["acme/base-7b", "acme/other-7b"], "", "", None,
    ),
    "base-model-string-gguf-repack": (
        "---\nlicense: llama2\nbase_model: meta-llama/Llama-2-7b-chat-hf\nquantized_by: someone\n"
        "model_creator: Meta\nmodel_type: llama\n---\n# Llama 2 7B Chat - GGUF\n",
        ["llama2"], False, [], ["meta-llama/Llama-2-7b-chat-hf"], "", "", None,
    ),
    "gated-with-extra-fields": (
        "---\nlicense: gemma\nlibrary_name: transformers\nextra_gated_heading: Access Gemma\n"
        "extra_gated_button_content: Acknowledge license\n---\n# gemma-like\n",
        ["gemma"], False, [], [], "transformers", "", True,
    ),
    "no-license-key": (
        "---\nlanguage:\n- en\npipeline_tag: text-generation\ntags:\n- llama\n---\n# Llama-like\n"
        "## Ethical Considerations and Limitations\n\nIt can be wrong.\n",
        [], False, [], [], "", "text-generation", None,
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_front_matter_shapes(shape: str) -> None:
    text, licenses, named, datasets, bases, library, task, gated = SHAPES[shape]
    info = parse_model_card(text, collector="test")
    assert [lic.raw for lic in info.licenses] == licenses
    if named:
        assert info.licenses[0].name is not None
    assert [d.id for d in info.datasets] == datasets
    assert all(d.url == f"https://huggingface.co/datasets/{d.id}" for d in info.datasets)
    assert [b.id for b in info.base_models if b.evidence.method == "declared"] == bases
    assert (info.card.library.value if info.card.library else "") == library
    assert (info.card.task.value if info.card.task else "") == task
    assert not [u for u in info.unknowns if u.field == "front-matter"]
    assert info.gated is gated


def test_license_other_keeps_its_name_and_link() -> None:
    info = parse_model_card(SHAPES["license-other-with-name-and-link"][0], collector="test")
    (lic,) = info.licenses
    assert lic.name == "acme-community-license"
    assert lic.url == "https://huggingface.co/acme/chat-7b/blob/main/LICENSE"


def test_declared_relation_applies_to_every_listed_base() -> None:
    info = parse_model_card(SHAPES["base-model-list"][0], collector="test")
    assert {b.relation for b in info.base_models} == {"merge"}
    assert [b.purl for b in info.base_models] == ["pkg:huggingface/acme/base-7b", "pkg:huggingface/acme/other-7b"]


@pytest.mark.parametrize("prefix", ["\n", "\ufeff", "\n\n"])
def test_a_blank_line_or_byte_order_mark_before_front_matter(prefix: str) -> None:
    text = prefix + "---\nlicense: apache-2.0\nlanguage:\n- en\n---\n\n# acme-7b\n\nA model.\n"
    info = parse_model_card(text, collector="test")
    assert [lic.spdx for lic in info.licenses] == ["Apache-2.0"]
    assert info.card.languages == ("en",)
    assert info.title == "acme-7b"


def test_crlf_card_reads_like_its_lf_twin() -> None:
    text = SHAPES["base-model-string-gguf-repack"][0]
    lf, crlf = parse_model_card(text, collector="t"), parse_model_card(text.replace("\n", "\r\n"), collector="t")
    assert [b.id for b in crlf.base_models] == [b.id for b in lf.base_models]
    assert [lic.raw for lic in crlf.licenses] == [lic.raw for lic in lf.licenses]
    assert crlf.title == lf.title == "Llama 2 7B Chat - GGUF"


MODEL_INDEX = """---
license: apache-2.0
model-index:
- name: acme-7b-chat
  results:
  - task: {type: text-generation, name: Text Generation}
    dataset: {name: HellaSwag (10-Shot), type: hellaswag, split: validation, args: {num_few_shot: 10}}
    metrics:
    - {type: acc_norm, name: normalized accuracy, value: 81.5}
    source: {name: Open LLM Leaderboard, url: "https://huggingface.co/spaces/open-llm-leaderboard/x"}
  - task: {type: text-generation}
    dataset: {name: GSM8k (5-shot), type: gsm8k, split: test}
    metrics:
    - {type: acc, value: 40.1}
---
# acme-7b-chat
"""


def test_model_index_results_become_metrics_with_their_datasets() -> None:
    info = parse_model_card(MODEL_INDEX, collector="test")
    got = sorted((m.type, m.value, m.dataset) for m in info.card.metrics)
    assert got == [("acc", "40.1", "GSM8k (5-shot)"), ("acc_norm", "81.5", "HellaSwag (10-Shot)")]
    assert info.title == "acme-7b-chat"
