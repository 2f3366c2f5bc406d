"""Model and dataset cards: real cards from the Hub, and the ways a card can be broken."""

from __future__ import annotations

import csv
import time

import pytest
from conftest import REAL

from aibom.collect.cards import MAX_CARD_CHARS, MAX_SECTION_CHARS, parse_dataset_card, parse_model_card

CARDS = REAL / "modelcards"
FACTS = list(csv.DictReader((REAL / "facts.csv").open(encoding="utf-8")))


def card(name: str) -> str:
    return (CARDS / name / "README.md").read_text(encoding="utf-8")


def split(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


@pytest.mark.parametrize("row", FACTS, ids=[r["repo_id"] for r in FACTS])
def test_front_matter_matches_the_recorded_facts(row: dict[str, str]) -> None:
    info = parse_model_card((REAL / row["fixture"]).read_text(encoding="utf-8"), collector="test")
    assert [lic.raw for lic in info.licenses] == split(row["license"])
    if row["license_name"]:
        assert info.licenses[0].name is not None
    # One documented normalisation: a Hub dataset id written with a "datasets/" prefix loses it.
    expected = [d.removeprefix("datasets/") for d in split(row["datasets"])]
    assert [d.id for d in info.datasets] == expected
    assert all(d.url == f"https://huggingface.co/datasets/{d.id}" for d in info.datasets)
    declared = [b.id for b in info.base_models if b.evidence.method == "declared"]
    assert declared == split(row["base_model"])
    assert (info.card.library.value if info.card.library else "") == row["library_name"]
    assert (info.card.task.value if info.card.task else "") == row["pipeline_tag"]
    assert not [u for u in info.unknowns if u.field == "card.front-matter"]
    assert info.gated is (True if row["gated"].startswith("yes") else None)


def test_blank_line_before_front_matter_qwen_vl() -> None:
    text = card("Qwen__Qwen2.5-VL-72B-Instruct")
    assert text.startswith("\n---")
    info = parse_model_card(text, collector="test")
    assert info.licenses[0].raw == "other"
    assert "qwen" in (info.licenses[0].name or "").lower()
    assert info.licenses[0].url == "https://huggingface.co/Qwen/Qwen2.5-VL-72B-Instruct/blob/main/LICENSE"
    assert info.card.languages == ("en",)
    assert info.title == "Qwen2.5-VL-72B-Instruct"


def test_llama2_card_without_license_key() -> None:
    info = parse_model_card(card("meta-llama__Llama-2-7b-hf"), collector="test")
    assert info.licenses == ()
    assert info.card.task is not None and info.card.task.value == "text-generation"
    assert "llama" in info.card.tags
    kinds = {c.kind for c in info.card.considerations}
    assert {
        "use-cases",
        "ethical-considerations",
        "hardware",
    } <= kinds  # "Ethical Considerations and Limitations"


def test_zephyr_base_model_datasets_metrics_and_sections() -> None:
    info = parse_model_card(card("HuggingFaceH4__zephyr-7b-beta"), collector="local")
    assert [(b.id, b.purl, b.evidence.location) for b in info.base_models] == [
        ("mistralai/Mistral-7B-v0.1", "pkg:huggingface/mistralai/Mistral-7B-v0.1", "README.md#front-matter")
    ]
    assert [d.id for d in info.datasets] == [
        "HuggingFaceH4/ultrachat_200k",
        "HuggingFaceH4/ultrafeedback_binarized",
    ]
    arc = [m for m in info.card.metrics if m.dataset == "AI2 Reasoning Challenge (25-Shot)"]
    assert [(m.type, m.value, m.split, m.task) for m in arc] == [
        ("acc_norm", "62.03071672354948", "test", "text-generation")
    ]
    assert all(m.evidence.location == "README.md#model-index" for m in info.card.metrics)
    assert len(info.card.metrics) == 9
    by_kind = {c.kind: c for c in info.card.considerations}
    assert "learning_rate: 5e-07" in by_kind["hyperparameters"].text
    assert by_kind["limitations"].text.startswith("Zephyr-7B-β has not been aligned")
    assert "<!--" not in by_kind["limitations"].text
    # code blocks are not considerations, and "# Install" inside a code block is not a heading
    assert "pip install" not in by_kind["use-cases"].text
    assert info.title == "Model Card for Zephyr 7B β"
    assert info.description is not None
    assert info.description.startswith("Zephyr is a series of language models")
    urls = {r.url: r.purpose for r in info.references}
    assert urls["https://arxiv.org/abs/2305.18290"] == "research-paper"
    assert urls["https://github.com/huggingface/trl"] == "supporting-libraries"


def test_granite_model_index_name_is_not_the_model_name() -> None:
    info = parse_model_card(card("ibm-granite__granite-3.0-8b-instruct"), collector="test")
    assert info.model_name is None  # the model-index says granite-3.0-2b-instruct: not an identity
    assert info.title == "Granite-3.0-8B-Instruct"
    assert [b.id for b in info.base_models] == ["ibm-granite/granite-3.0-8b-base"]
    assert len(info.card.metrics) > 10
    assert all(m.value for m in info.card.metrics)


def test_falcon_sections_and_references() -> None:
    info = parse_model_card(card("tiiuae__falcon-7b"), collector="test")
    assert info.title == "Falcon-7B"
    by_kind: dict[str, list[str]] = {}
    for c in info.card.considerations:
        by_kind.setdefault(c.kind, []).append(c.evidence.location)
    assert by_kind["use-cases"] == ["README.md#Direct Use"]
    assert by_kind["limitations"] == ["README.md#Out-of-Scope Use", "README.md#Bias, Risks, and Limitations"]
    assert by_kind["hyperparameters"] == ["README.md#Training Hyperparameters"]
    assert by_kind["hardware"] == ["README.md#Hardware"]
    refs = {r.url: r.purpose for r in info.references}
    # mentioned as a competitor in a sentence about training data: not this model's training code
    assert refs["https://github.com/Stability-AI/StableLM"] == "repository"


def test_training_code_and_papers_from_links() -> None:
    olmo = {r.url: r for r in parse_model_card(card("allenai__OLMo-2-1124-13B"), collector="t").references}
    assert olmo["https://github.com/allenai/OLMo"].purpose == "training-code"
    assert olmo["https://github.com/allenai/OLMo"].evidence.method == "inferred"
    assert olmo["https://github.com/allenai/OLMo"].evidence.quote
    gemma = {r.url: r.purpose for r in parse_model_card(card("google__gemma-2b"), collector="t").references}
    assert gemma["https://github.com/google/jax"] == "supporting-libraries"
    yi = {r.url for r in parse_model_card(card("01-ai__Yi-34B"), collector="t").references}
    assert not [u for u in yi if u.endswith((".svg", ".png")) or "/issues/" in u or "/actions/" in u]


def test_arxiv_tags_are_declared_papers() -> None:
    text = "---\ntags:\n- arxiv:2305.18290\n- text-generation\n---\n# m\n"
    info = parse_model_card(text, collector="t")
    assert [(r.url, r.purpose, r.evidence.method) for r in info.references] == [
        ("https://arxiv.org/abs/2305.18290", "research-paper", "declared")
    ]


@pytest.mark.parametrize(
    ("name", "expected", "relation"),
    [
        (
            "TinyLlama__TinyLlama-1.1B-Chat-v1.0",
            "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T",
            "fine-tune",
        ),
        ("sentence-transformers__all-MiniLM-L6-v2", "nreimers/MiniLM-L6-H384-uncased", "fine-tune"),
        ("microsoft__Orca-2-7b", "LLAMA-2", "fine-tune"),
        ("berkeley-nest__Starling-LM-7B-alpha", "openchat/openchat_3.5", "fine-tune"),
    ],
)
def test_base_model_from_prose(name: str, expected: str, relation: str) -> None:
    info = parse_model_card(card(name), collector="t")
    found = [(b.id, b.relation, b.evidence.method) for b in info.base_models]
    assert found == [(expected, relation, "inferred")]
    quote = info.base_models[0].evidence.quote
    assert expected.split("/")[-1].lower() in quote.lower()
    assert info.base_models[0].evidence.location.startswith("README.md#L")


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
    assert [u.field for u in odd.unknowns] == ["base_model_relation"]


def test_crlf_and_byte_order_mark_parse_like_the_original() -> None:
    original = card("HuggingFaceH4__zephyr-7b-beta")
    variant = "\ufeff" + original.replace("\n", "\r\n")
    a, b = parse_model_card(original, collector="t"), parse_model_card(variant, collector="t")
    assert [d.id for d in a.datasets] == [d.id for d in b.datasets]
    assert a.base_models == b.base_models
    assert a.card.metrics == b.card.metrics
    assert [c.kind for c in a.card.considerations] == [c.kind for c in b.card.considerations]
    assert a.title == b.title


def test_readme_without_front_matter_keeps_the_body() -> None:
    info = parse_model_card("# Plain model\n\nA model.\n\n## Limitations\n\nIt fails.\n", collector="t")
    assert [(u.field, u.reason) for u in info.unknowns] == [("card.front-matter", "README.md has no YAML front matter")]
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
    assert [u.field for u in info.unknowns] == ["card.front-matter"]
    assert "not a mapping" in info.unknowns[0].reason and info.unknowns[0].reason.startswith("card.md")


def test_unclosed_front_matter() -> None:
    info = parse_model_card("---\nlicense: mit\n# no end\n", collector="t")
    assert info.unknowns[0].reason == "README.md front matter is not closed by a '---' line"
    assert info.licenses == ()


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
    assert len(lims) == MAX_SECTION_CHARS and lims.endswith("…")


def test_dataset_card_c4() -> None:
    text = (REAL / "datasetcards" / "canonical__c4" / "README.md").read_text(encoding="utf-8")
    info = parse_dataset_card(text, collector="hf-hub", location="datasets/c4/README.md")
    assert [lic.raw for lic in info.licenses] == ["odc-by"]
    assert info.licenses[0].evidence.location == "datasets/c4/README.md#front-matter"
    assert info.model_name == "C4"
    assert info.card.languages == ("en",)
    assert info.card.task is not None and info.card.task.value == "text-generation, fill-mask"
    assert info.unknowns == ()


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
    assert len(info.card.metrics) == 1000


def test_many_headings_are_handled_in_linear_time() -> None:
    text = "## Limitations\n\n" + "### point\n\ntext\n\n" * 30000 + "## Intended uses\n\nchat\n"
    start = time.monotonic()
    info = parse_model_card(text, collector="t")
    assert time.monotonic() - start < 15  # quadratic work would take minutes
    assert [c.kind for c in info.card.considerations] == ["limitations", "use-cases"]


@pytest.mark.parametrize(("with_repo_id", "expected"), [(True, 15), (False, 13)])
def test_training_code_links_agree_with_the_recorded_reading(with_repo_id: bool, expected: int) -> None:
    """facts.csv records, per card, whether it links training code: no false claim on cards that
    link none (or only frameworks), and the cards that do are recognised. Knowing the model's repo id
    adds the links of its own organisation that are not labelled (TinyLlama's bare link, nomic's
    `contrastors` [repository])."""
    found = {}
    for row in FACTS:
        text = (REAL / row["fixture"]).read_text(encoding="utf-8")
        info = parse_model_card(text, collector="t", repo_id=row["repo_id"] if with_repo_id else None)
        found[row["repo_id"]] = [r.url for r in info.references if r.purpose == "training-code"]
    for row in FACTS:
        if row["training_code_public"] in ("no-link", "framework-only"):
            assert found[row["repo_id"]] == [], row["repo_id"]
    linked = [row["repo_id"] for row in FACTS if row["training_code_public"] == "yes"]
    recognised = [r for r in linked if found[r]]
    assert len(linked) == 15 and len(recognised) == expected, sorted(set(linked) - set(recognised))
    assert found["EleutherAI/gpt-neox-20b"] == ["https://github.com/EleutherAI/gpt-neox"]  # across lines


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("HuggingFaceH4__zephyr-7b-beta", "https://github.com/huggingface/alignment-handbook"),
        ("lmsys__vicuna-7b-v1.5", "https://github.com/lm-sys/FastChat"),
        ("bigcode__starcoder", "https://github.com/bigcode-project/Megatron-LM"),
        ("allenai__tulu-2-dpo-7b", "https://github.com/allenai/open-instruct"),  # [url](url) after the label
    ],
)
def test_a_repository_label_introduces_training_code(name: str, url: str) -> None:
    repo_id = name.replace("__", "/")
    for known in (repo_id, None):
        refs = {r.url: r for r in parse_model_card(card(name), collector="t", repo_id=known).references}
        assert refs[url].purpose == "training-code"
        assert "Repository:" in (refs[url].evidence.quote or "")


def test_links_of_the_models_own_organisation() -> None:
    tiny = "TinyLlama__TinyLlama-1.1B-Chat-v1.0"
    bare = "https://github.com/jzhang38/TinyLlama"  # alone on its line under the title
    purposes = {r.url: r.purpose for r in parse_model_card(card(tiny), collector="t").references}
    assert purposes[bare] == "repository"  # whose link it is cannot be told without the repo id
    known = parse_model_card(card(tiny), collector="t", repo_id="TinyLlama/TinyLlama-1.1B-Chat-v1.0")
    assert {r.url: r.purpose for r in known.references}[bare] == "training-code"
    # the same card under another organisation: its labelled repository is someone else's
    other = parse_model_card(card("lmsys__vicuna-7b-v1.5"), collector="t", repo_id="someone/vicuna-copy")
    assert {r.url: r.purpose for r in other.references}["https://github.com/lm-sys/FastChat"] == "repository"


def test_a_training_script_named_as_part_of_the_repository() -> None:
    """all-MiniLM-L6-v2: "The full training script is accessible in this current repository:
    `train_script.py`." The reference is the path, for the collector to look for among the files."""
    info = parse_model_card(card("sentence-transformers__all-MiniLM-L6-v2"), collector="t")
    named = [r for r in info.references if "://" not in r.url]
    assert [(r.url, r.purpose, r.evidence.method) for r in named] == [("train_script.py", "training-code", "inferred")]
    assert "in this current repository" in (named[0].evidence.quote or "")
    assert named[0].evidence.location == "README.md#L135"


@pytest.mark.parametrize(
    "name",
    [
        "allenai__OLMo-2-1124-13B",  # scripts/train.py of the OLMo repository, in a code block
        "Intel__neural-chat-7b-v3-1",  # finetune_neuralchat_v3.py of intel-extension-for-transformers
        "01-ai__Yi-34B",  # finetune/scripts/*.sh of the Yi GitHub repository
    ],
)
def test_scripts_of_other_repositories_are_not_named_files(name: str) -> None:
    info = parse_model_card(card(name), collector="t", repo_id=name.replace("__", "/"))
    assert [r.url for r in info.references if "://" not in r.url] == []


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


@pytest.mark.parametrize(
    ("name", "start"),
    [
        (
            "EleutherAI__pythia-160m",
            "The *Pythia Scaling Suite* is a collection of models",
        ),  # not a list continuation
        ("runwayml__stable-diffusion-v1-5", "Stable Diffusion is a latent text-to-image"),  # not the BibTeX
        (
            "meta-llama__Llama-2-7b-hf",
            "Meta developed and publicly released the Llama 2 family",
        ),  # not the italic note
        ("bigscience__bloom", "Please see [the BLOOM training README]"),  # not "**Developed by:** BigScience"
    ],
)
def test_description_is_running_text(name: str, start: str) -> None:
    info = parse_model_card(card(name), collector="t")
    assert info.description is not None and info.description.startswith(start)


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


def test_urls_lose_the_punctuation_around_them_llama3() -> None:
    """The Llama 3 card's BibTeX writes ``url = {https://github.com/.../MODEL_CARD.md}``."""
    urls = [r.url for r in parse_model_card(card("meta-llama__Meta-Llama-3-8B-Instruct"), collector="t").references]
    assert "https://github.com/meta-llama/llama3/blob/main/MODEL_CARD.md" in urls
    assert not [u for u in urls if u.endswith("}")]


def test_no_reference_on_a_real_card_ends_in_punctuation() -> None:
    for row in FACTS:
        info = parse_model_card((REAL / row["fixture"]).read_text(encoding="utf-8"), collector="t")
        for ref in info.references:
            tail = ref.url[-1]
            opener = {"}": "{", ")": "(", "]": "["}.get(tail)
            assert tail not in ".,;:'\"*_`>", ref.url
            assert opener is None or ref.url.count(tail) <= ref.url.count(opener), ref.url
