"""License knowledge: HF ids, `other` names, SPDX expressions and free text resolve to SPDX + category.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache

import pytest
import yaml
from conftest import MOT, REAL, SHARED
from test_licenses import EV, _exact_spdx

from aibom import licenses
from aibom.licenses import (
    is_open_data,
    resolve,
)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)




REFERENCE = list(csv.DictReader((SHARED / "reference" / "hf-licenses.csv").open(encoding="utf-8")))


HF_IDS = [r for r in REFERENCE if not r["hf_license_name"]]


def test_reference_has_every_hub_license_id():
    assert len(HF_IDS) >= 83
    table_ids = {row.hf_id for row in licenses.table()}
    assert {r["hf_license"] for r in HF_IDS} <= table_ids


@pytest.mark.parametrize("ref", REFERENCE, ids=lambda r: r["hf_license_name"] or r["hf_license"])
def test_every_reference_row_resolves_to_its_researched_facts(ref):
    lic = resolve(ref["hf_license"], EV, name=ref["hf_license_name"] or None)
    assert lic.raw == ref["hf_license"]
    assert lic.category == ref["category"]
    if ref["hf_license"] in ("unknown", "other") and not ref["hf_license_name"]:
        assert lic.spdx is None  # never `unknown`, `NOASSERTION` or a placeholder ref as an id
        assert lic.osi_approved is None
    else:
        assert lic.spdx == ref["spdx_id"]
        assert lic.osi_approved is (ref["osi_approved"] == "True")
        assert lic.evidence == EV




@cache
def _front_matter(card: str) -> dict:
    text = (REAL / "modelcards" / card / "README.md").read_text(encoding="utf-8")
    found = re.match(r"\s*---\n(.*?)\n---\s*\n", text, re.S)
    return yaml.load(found.group(1), Loader=_LOADER) if found else {}


CARD_CATEGORIES = {
    "TheBloke__Llama-2-7B-Chat-GGUF": "proprietary-community",
    "codellama__CodeLlama-7b-hf": "proprietary-community",
    "meta-llama__Meta-Llama-3-8B-Instruct": "proprietary-community",
    "bartowski__Meta-Llama-3.1-8B-Instruct-GGUF": "proprietary-community",
    "google__gemma-2b": "proprietary-community",
    "google__gemma-2b-sfp-cpp": "proprietary-community",
    "google__gemma-3-1b-it-qat-q4_0-gguf": "proprietary-community",
    "bartowski__aya-23-8B-GGUF": "non-commercial",
    "berkeley-nest__Starling-LM-7B-alpha": "non-commercial",
    "CarperAI__stable-vicuna-13b-delta": "non-commercial",
    "runwayml__stable-diffusion-v1-5": "rail-use-restricted",
    "stabilityai__stable-diffusion-2-1": "rail-use-restricted",
    "bigscience__bloom": "rail-use-restricted",
    "bigcode__starcoder": "rail-use-restricted",
    "deepseek-ai__deepseek-llm-7b-base": "rail-use-restricted",
    "01-ai__Yi-34B": "proprietary-community",
    "Qwen__Qwen2.5-VL-72B-Instruct": "proprietary-community",
    "microsoft__Orca-2-7b": "research-only",
    "EleutherAI__pythia-160m": "permissive",
    "allenai__OLMo-2-1124-13B": "permissive",
    "microsoft__phi-2": "permissive",
    "openai-community__gpt2": "permissive",
    "Qwen__Qwen2.5-7B-Instruct": "permissive",
    "stabilityai__stable-code-3b": "unknown",  # `license: other` with no name
}


@pytest.mark.parametrize(("card", "category"), sorted(CARD_CATEGORIES.items()))
def test_real_card_licenses(card, category):
    meta = _front_matter(card)
    lic = resolve(meta["license"], EV, name=meta.get("license_name"), url=meta.get("license_link"))
    assert lic.category == category
    assert (lic.spdx is None) == (category == "unknown")


def test_every_real_card_license_resolves_to_a_known_category_or_an_honest_unknown():
    seen = 0
    for readme in sorted((REAL / "modelcards").glob("*/README.md")):
        meta = _front_matter(readme.parent.name)
        if not isinstance(meta, dict) or "license" not in meta:
            continue
        seen += 1
        lic = resolve(meta["license"], EV, name=meta.get("license_name"), url=meta.get("license_link"))
        if meta["license"] == "other" and not meta.get("license_name"):
            assert lic.category == "unknown"
        else:
            assert lic.category != "unknown", readme
            assert _exact_spdx(lic.spdx)
    assert seen >= 40


def test_osi_flags_and_ids_agree_with_the_spdx_license_list():
    """MOT ships a copy of the SPDX license list; every SPDX-listed id in our table must agree with it."""
    listed = {
        entry["licenseId"]: entry
        for entry in json.loads((MOT / "rules" / "licenses.json").read_text(encoding="utf-8"))["licenses"]
    }
    checked = 0
    for row in licenses.table():
        if row.spdx is None or row.spdx.startswith("LicenseRef-") or row.spdx not in listed:
            continue
        checked += 1
        assert row.osi_approved is bool(listed[row.spdx].get("isOsiApproved")), row.spdx
        assert not listed[row.spdx].get("isDeprecatedLicenseId"), row.spdx
    assert checked >= 70


def _dataset_licenses() -> list[tuple[str, str]]:
    found = []
    for readme in sorted((REAL / "datasetcards").glob("*/README.md")):
        text = readme.read_text(encoding="utf-8")
        match = re.match(r"\s*---\n(.*?)\n---\s*\n", text, re.S)
        meta = yaml.load(match.group(1), Loader=_LOADER) if match else None
        value = meta.get("license") if isinstance(meta, dict) else None
        for raw in value if isinstance(value, list) else [value] if value else []:
            found.append((readme.parent.name, str(raw)))
    return found


def test_real_dataset_card_licenses():
    expected = {
        "mit": "permissive",
        "apache-2.0": "permissive",
        "cc-by-sa-3.0": "open-data-share-alike",
        "cc-by-4.0": "open-data-permissive",
        "cc-by-3.0": "open-data-permissive",
        "cc-by-2.0": "open-data-permissive",
        "cc0-1.0": "public-domain",
        "odc-by": "open-data-permissive",
        "gfdl": "open-data-share-alike",
        "unknown": "unknown",
        "other": "unknown",
    }
    seen = _dataset_licenses()
    assert len(seen) >= 15
    for card, raw in seen:
        lic = resolve(raw, EV)
        assert lic.category == expected[raw], card
        assert is_open_data(lic) is (None if expected[raw] == "unknown" else True), card
