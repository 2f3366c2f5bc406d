"""Model and dataset cards: real cards from the Hub, and the ways a card can be broken.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import csv

import pytest
from conftest import REAL

from aibom.collect.cards import parse_dataset_card, parse_model_card

FACTS = list(csv.DictReader((REAL / "facts.csv").open(encoding="utf-8")))



CARDS = REAL / "modelcards"


def card(name: str) -> str:
    return (CARDS / name / "README.md").read_text(encoding="utf-8")


def split(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


@pytest.mark.parametrize("row", FACTS, ids=[r["repo_id"] for r in FACTS])
def test_front_matter_matches_the_recorded_facts(row: dict[str, str]) -> None:
    info = parse_model_card((REAL / row["fixture"]).read_text(encoding="utf-8"), collector="test")
    declared = [lic.raw for lic in info.licenses if lic.evidence.method == "declared"]
    stated = [lic for lic in info.licenses if lic.evidence.method == "inferred"]
    # a license the front matter omits (or calls only "other") is read from the card's body
    assert declared == split(row["license"]) or (stated and split(row["license"]) in ([], ["other"]))
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
    assert not [u for u in info.unknowns if u.field == "front-matter"]
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
    assert [lic.name for lic in info.licenses] == ["A custom commercial license"]
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


def test_crlf_and_byte_order_mark_parse_like_the_original() -> None:
    original = card("HuggingFaceH4__zephyr-7b-beta")
    variant = "\ufeff" + original.replace("\n", "\r\n")
    a, b = parse_model_card(original, collector="t"), parse_model_card(variant, collector="t")
    assert [d.id for d in a.datasets] == [d.id for d in b.datasets]
    assert a.base_models == b.base_models
    assert a.card.metrics == b.card.metrics
    assert [c.kind for c in a.card.considerations] == [c.kind for c in b.card.considerations]
    assert a.title == b.title


def test_dataset_card_c4() -> None:
    text = (REAL / "datasetcards" / "canonical__c4" / "README.md").read_text(encoding="utf-8")
    info = parse_dataset_card(text, collector="hf-hub", location="datasets/c4/README.md")
    assert [lic.raw for lic in info.licenses] == ["odc-by"]
    assert info.licenses[0].evidence.location == "datasets/c4/README.md#front-matter"
    assert info.model_name == "C4"
    assert info.card.languages == ("en",)
    assert info.card.task is not None and info.card.task.value == "text-generation, fill-mask"
    assert info.unknowns == ()


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


@pytest.mark.parametrize(("fixture", "spdx", "name", "category"), [
    ("allenai__tulu-2-dpo-7b", "LicenseRef-hf-ai2-impact-license-low-risk", None, "rail-use-restricted"),
    ("stabilityai__StableBeluga-7b", None, "STABLE BELUGA NON-COMMERCIAL COMMUNITY LICENSE AGREEMENT",
     "non-commercial"),
    ("stabilityai__stable-code-3b", "LicenseRef-scancode-stability-ai-nc-2023-12-06", None, "non-commercial"),
    ("meta-llama__Llama-2-7b-hf", None, "A custom commercial license", "unknown"),
])
def test_a_license_stated_only_in_the_body_is_found(fixture: str, spdx: str | None, name: str | None,
                                                    category: str) -> None:
    info = parse_model_card(card(fixture), collector="test")
    assert len(info.licenses) == 1
    lic = info.licenses[0]
    assert (lic.category, lic.evidence.method) == (category, "inferred")
    assert lic.spdx == spdx if spdx else lic.name == name
    assert lic.evidence.quote and lic.evidence.location.startswith("README.md#L")


def test_a_code_license_in_a_license_section_is_not_the_models() -> None:
    """Yi's License section opens with the source code's Apache-2.0: the model's license is the front
    matter's; with the front matter gone, the body must not hand the model the code's license."""
    text = card("01-ai__Yi-34B")
    body = text.split("\n---", 1)[1].split("\n", 1)[1] if text.startswith("---") else text
    info = parse_model_card(body, collector="test")
    assert "Apache-2.0" not in [lic.spdx for lic in info.licenses]
