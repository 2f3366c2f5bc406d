"""Model and dataset cards: real cards from the Hub, and the ways a card can be broken."""

from __future__ import annotations

import time

import pytest

from aibom.budget import MAX_CARD_CHARS
from aibom.collect.cards import MAX_SECTION_CHARS, parse_model_card


def test_arxiv_tags_are_declared_papers() -> None:
    text = "---\ntags:\n- arxiv:2305.18290\n- text-generation\n---\n# m\n"
    info = parse_model_card(text, collector="t")
    assert [(r.url, r.purpose, r.evidence.method) for r in info.references] == [
        ("https://arxiv.org/abs/2305.18290", "research-paper", "declared")
    ]


def test_prose_base_model_is_never_the_model_itself() -> None:
    text = "# acme/widget-7b\n\nacme/widget-7b is a fine-tuned version of acme/widget-7b on new data.\n"
    assert parse_model_card(text, collector="t").base_models == ()
    text = "# widget\n\nThe model is a fine-tuned version of [Llama 2](https://arxiv.org/abs/2307.09288).\n"
    assert parse_model_card(text, collector="t").base_models == ()  # a paper is not a model


def test_declared_base_model_relation() -> None:
    text = "---\nbase_model:\n- a/one\n- b/two\n- a/one\nbase_model_relation: merge\n---\n"
    info = parse_model_card(text, collector="t")
    assert [(b.id, b.relation) for b in info.base_models] == [("a/one", "merge"), ("b/two", "merge")]
    odd = parse_model_card("---\nbase_model: a/one\nbase_model_relation: distilled\n---\n", collector="t")
    assert odd.base_models[0].relation == "unknown"
    assert [u.field for u in odd.unknowns] == ["lineage"]


def test_readme_without_front_matter_keeps_the_body() -> None:
    info = parse_model_card("# Plain model\n\nA model.\n\n## Limitations\n\nIt fails.\n", collector="t")
    assert [(u.field, u.reason) for u in info.unknowns] == [("front-matter", "README.md has no YAML front matter")]
    assert info.title == "Plain model"
    assert [(c.kind, c.text) for c in info.card.considerations] == [("limitations", "It fails.")]


def test_broken_yaml_is_an_unknown_and_the_body_is_still_read() -> None:
    text = "---\nlicense: mit\ndatasets: [a, b\n---\n# Broken\n\n## Intended uses\n\nChat.\n"
    info = parse_model_card(text, collector="t")
    assert len(info.unknowns) == 1
    assert info.unknowns[0].reason.startswith("README.md front matter is not valid YAML at line")
    assert info.licenses == () and info.datasets == ()
    assert info.title == "Broken"
    assert [c.kind for c in info.card.considerations] == ["use-cases"]


@pytest.mark.parametrize("front", ["- just\n- a list", "a plain string", "42"])
def test_front_matter_that_is_not_a_mapping(front: str) -> None:
    info = parse_model_card(f"---\n{front}\n---\n# T\n", collector="t", location="card.md")
    assert [u.field for u in info.unknowns] == ["front-matter"]
    assert "not a mapping" in info.unknowns[0].reason and info.unknowns[0].reason.startswith("card.md")


def test_unclosed_front_matter() -> None:
    info = parse_model_card("---\nlicense: mit\n# no end\n", collector="t")
    assert info.unknowns[0].reason == "README.md front matter is not closed by a '---' line"
    # the line is then body text that states a license: read as such, inferred and quoted
    assert [(lic.spdx, lic.evidence.method, lic.evidence.quote) for lic in info.licenses] == [
        ("MIT", "inferred", "mit")]


def test_odd_front_matter_values_do_not_crash() -> None:
    text = (
        "---\nlicense: [mit, null, {a: 1}]\ndatasets: {x: y}\nbase_model: true\nlanguage: 7\n"
        "model-index: {name: x}\ntags: \n---\n"
    )
    info = parse_model_card(text, collector="t")
    assert [lic.raw for lic in info.licenses] == ["mit"]
    assert info.datasets == () and info.base_models == ()
    assert info.card.languages == ("7",)
    assert [u.field for u in info.unknowns] == ["metrics"]


def test_incomplete_model_index_result_is_an_unknown_others_kept() -> None:
    text = """---
model-index:
- name: m
  results:
  - task: {type: text-generation}
    dataset: {type: x, name: X}
    metrics: [{type: acc, value: 0.5}]
  - task: {type: text-generation}
    metrics: [{type: acc, value: 0.7}]
---
"""
    info = parse_model_card(text, collector="t")
    assert [(m.type, m.value, m.dataset) for m in info.card.metrics] == [("acc", "0.5", "X")]
    assert [u.field for u in info.unknowns] == ["metrics"]
    reason = info.unknowns[0].reason
    assert reason.startswith("README.md model-index has incomplete results: result 2 (KeyError")


def test_huge_card_is_read_bounded() -> None:
    """Only the first MAX_CARD_CHARS characters are parsed: a section that starts beyond them is not
    seen. (A 100 MB README through the CLI is tests/test_hostile.py's; kept small here so this test
    process stays small too.)"""
    body = ("It is a very long limitation. " * 40 + "\n") * 2000  # 2.4 MB
    text = "---\nlicense: mit\n---\n# Huge\n\n## Limitations\n\n" + body + "## Intended uses\n\nLate.\n"
    assert len(text) > 2 * MAX_CARD_CHARS
    start = time.monotonic()
    info = parse_model_card(text, collector="t")
    assert time.monotonic() - start < 10
    assert [lic.raw for lic in info.licenses] == ["mit"]
    assert [c.kind for c in info.card.considerations] == ["limitations"]
    lims = info.card.considerations[0].text
    assert MAX_SECTION_CHARS - 20 < len(lims) <= MAX_SECTION_CHARS and lims.endswith(" a…")  # cut at a word


def test_yaml_aliases_cannot_multiply_the_work() -> None:
    # 2,000 results x 1,000 metrics once the aliases are expanded: two million metrics from 12 KB
    lines = [
        "---",
        "m: &m {type: acc, value: 1}",
        f"ms: &ms [{', '.join(['*m'] * 1000)}]",
        "r: &r {task: {type: t}, dataset: {type: d, name: D}, metrics: *ms}",
        "model-index:",
        "- name: x",
        f"  results: [{', '.join(['*r'] * 2000)}]",
        "---",
    ]
    start = time.monotonic()
    info = parse_model_card("\n".join(lines) + "\n", collector="t")
    assert time.monotonic() - start < 5
    # aliases are refused: the front matter is unknown, with where and why, and nothing is expanded
    assert info.card.metrics == ()
    assert [u.reason for u in info.unknowns if u.field == "front-matter"] == [
        "README.md front matter is not valid YAML at line 3: aliases (*name) are not allowed here"]


def test_many_headings_are_handled_in_linear_time() -> None:
    text = "## Limitations\n\n" + "### point\n\ntext\n\n" * 30000 + "## Intended uses\n\nchat\n"
    start = time.monotonic()
    info = parse_model_card(text, collector="t")
    assert time.monotonic() - start < 15  # quadratic work would take minutes
    assert [c.kind for c in info.card.considerations] == ["limitations", "use-cases"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The training code is train.py in this repository.", ["train.py"]),
        ("To reproduce the fine-tune, run `python train_sft.py --config sft.yaml`.", ["train_sft.py"]),
        ("The training script `finetune.py` is included.", ["finetune.py"]),
        ("The training script `./run_clm.py` is included in the model repository.", ["run_clm.py"]),
        ("Fine-tune with the OLMo repository: run `python scripts/train.py`.", []),
        ("Clone https://github.com/x/y and run `python train.py`.", []),
        ("We provide quick_start.py in this repository.", []),  # not training code
        ("See ../train.py in this repository for training.", []),  # outside the repository
        ("```\npython train.py\n```", []),
    ],
)
def test_named_training_scripts(sentence: str, expected: list[str]) -> None:
    info = parse_model_card(f"# m\n\n{sentence}\n", collector="t")
    assert [r.url for r in info.references if "://" not in r.url] == expected


def test_hub_urls_written_where_ids_belong() -> None:
    text = (
        "---\nbase_model: https://huggingface.co/org/base/\n"
        "datasets:\n- https://huggingface.co/datasets/org/data\n- datasets/winogrande\n- org/data\n---\n"
    )
    info = parse_model_card(text, collector="t")
    assert [b.id for b in info.base_models] == ["org/base"]
    assert [(d.id, d.url) for d in info.datasets] == [
        ("org/data", "https://huggingface.co/datasets/org/data"),
        ("winogrande", "https://huggingface.co/datasets/winogrande"),
    ]
