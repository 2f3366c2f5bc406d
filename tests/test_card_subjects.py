"""Whose a card's links and passages are: bold-label sections, a data section's links, the model's
technical report wherever it is linked, and what the scorers make of them."""

from __future__ import annotations

from pathlib import Path

from conftest import model_of
from hypothesis import given
from hypothesis import strategies as st

from aibom.collect.cards import parse_model_card
from aibom.model import Evidence, Provenance
from aibom.score.profiles import evaluate
from aibom.wording import clip, count

CARD = """---
license: apache-2.0
---
# acme-7b

**Intended use:** The model answers general questions in English.

**Training Data:**
Our data mixes public datasets and synthetic data; see the [Acme Technical Report](https://github.com/acme/acme-lm/blob/main/paper.pdf).

## Training datasets

| Dataset | Paper | Code |
|---|---|---|
| [web-mix](https://huggingface.co/datasets/acme/web-mix) | [paper](https://arxiv.org/abs/2101.00001) \
| [code](https://github.com/acme/web-mix-tools) |

The corpus builder is at https://github.com/acme/corpus-builder and described in https://arxiv.org/abs/2101.00002.

## Base model

Tuned from a model whose code is at https://github.com/base-org/base-lm.

## Training

The training code is at https://github.com/acme/acme-train.

### Intended Usage

Chat assistants.
"""


def info():
    return parse_model_card(CARD, collector="test", repo_id="acme/acme-7b")


def test_links_say_whose_they_are() -> None:
    by_url = {r.url: (r.subject, r.purpose) for r in info().references}
    assert by_url["https://github.com/acme/acme-lm/blob/main/paper.pdf"] == ("model", "technical-report")
    assert by_url["https://arxiv.org/abs/2101.00001"] == ("dataset", "research-paper")
    assert by_url["https://github.com/acme/web-mix-tools"][0] == "dataset"
    assert by_url["https://github.com/acme/corpus-builder"][0] == "dataset"
    assert by_url["https://arxiv.org/abs/2101.00002"] == ("dataset", "research-paper")
    assert by_url["https://github.com/base-org/base-lm"][0] == "base-model"
    assert by_url["https://github.com/acme/acme-train"] == ("model", "training-code")


def test_bold_labels_are_sections_and_intended_usage_is_a_use_case() -> None:
    kinds = [(c.kind, c.evidence.location, c.text[:24]) for c in info().card.considerations]
    assert ("use-cases", "README.md#Intended use", "The model answers genera") in kinds
    assert ("training-data", "README.md#Training Data", "Our data mixes public da") in kinds
    assert ("use-cases", "README.md#Intended Usage", "Chat assistants.") in kinds
    assert not [k for k in kinds if k[0] == "limitations"]


def test_scorers_count_only_the_models_own_links_as_its_own() -> None:
    card = info()
    prov = Provenance(name="acme-7b", identity=Evidence("test", "repo-id", "declared"), source="test",
                      licenses=card.licenses, references=card.references, card=card.card, listing="release")
    mof = {f.title: f for f in evaluate(prov, "mof").findings}
    assert mof["Research paper"].status == "unmet"  # the datasets' papers are not the model's
    assert mof["Technical report"].status != "unmet"
    osaid = {f.requirement: f for f in evaluate(prov, "osaid").findings}
    data = osaid["data-information"]
    assert data.status == "partial"
    assert data.reason.startswith("The training data is described (README.md#Training Data")


def test_wording_cuts_at_words_and_counts_agree() -> None:
    assert clip("one two three four", 12) == "one two…"
    assert clip("short", 12) == "short"
    assert count(1, "listed training dataset") == "1 listed training dataset"
    assert count(3, "listed training dataset") == "3 listed training datasets"


@given(st.text(max_size=300), st.integers(min_value=8, max_value=200))
def test_clip_never_exceeds_the_limit_and_never_splits_a_word_it_could_keep(text: str, limit: int) -> None:
    out = clip(text, limit)
    assert len(out) <= limit
    flat = " ".join(text.split())
    if out.endswith("…") and " " in out:
        kept = out[:-1]
        assert flat.startswith(kept) and flat[len(kept)] in " ,;:.-"  # cut where a word ended


def test_the_bom_links_only_the_models_own_references_and_reads_every_subject_back(tmp_path: Path) -> None:
    import json

    from aibom import api

    root = tmp_path / "acme-7b"
    root.mkdir()
    (root / "README.md").write_text(CARD + "\nThe full training script is in this repository: `train_script.py`.\n")
    bom = api.generate(str(root), reproducible=True)
    doc = json.loads(bom.text)
    linked = {r["url"] for r in model_of(doc).get("externalReferences", [])}
    assert "https://github.com/acme/acme-train" in linked
    assert "https://github.com/acme/acme-lm/blob/main/paper.pdf" in linked
    assert not linked & {"https://arxiv.org/abs/2101.00001", "https://github.com/base-org/base-lm"}
    assert not [u for u in linked if "://" not in u]  # a script path is no external reference
    path = tmp_path / "bom.json"
    path.write_text(bom.text)
    back = {r.url: r.subject for r in api.load(str(path)).references}
    assert back == {r.url: r.subject for r in bom.provenance.references}
