"""License knowledge: HF ids, `other` names, SPDX expressions and free text resolve to SPDX + category."""

from __future__ import annotations

import re

import pytest
from cyclonedx import spdx as cdx_spdx
from license_expression import get_spdx_licensing

from aibom import licenses
from aibom.licenses import (
    category_label,
    current,
    is_open_data,
    is_osi,
    is_permissive,
    resolve,
    restrictiveness,
)
from aibom.model import LICENSE_CATEGORIES, Evidence, License

EV = Evidence("test", "README.md#front-matter", "declared")


SPDX = get_spdx_licensing()


def _exact_spdx(spdx_id: str) -> bool:
    if spdx_id.startswith("LicenseRef-"):
        return re.fullmatch(r"LicenseRef-[A-Za-z0-9.\-]+", spdx_id) is not None
    return spdx_id in SPDX.known_symbols or cdx_spdx.fixup_id(spdx_id) == spdx_id


@pytest.mark.parametrize("row", licenses.table(), ids=lambda r: r.license_name or r.hf_id or r.spdx)
def test_table_rows_are_exact_case_and_every_spelling_finds_its_row(row):
    assert row.category in LICENSE_CATEGORIES
    if row.spdx is None:
        assert row.category == "unknown"
        return
    assert _exact_spdx(row.spdx), row.spdx
    assert row.spdx.lower() not in ("unknown", "noassertion", "other")
    hf_id = row.hf_id if row.hf_id != "other" else ""
    spellings = [hf_id, row.license_name, row.spdx, row.name, *row.aliases]
    for spelling in filter(None, spellings):
        found = resolve(spelling, EV)
        assert (found.spdx, found.category) == (row.spdx, row.category), spelling


@pytest.mark.parametrize(
    ("raw", "spdx", "category"),
    [
        ("apache-2.0", "Apache-2.0", "permissive"),
        ("APACHE-2.0", "Apache-2.0", "permissive"),
        ("Apache 2.0", "Apache-2.0", "permissive"),
        ("Apache License, Version 2.0", "Apache-2.0", "permissive"),
        ("Apache License 2.0", "Apache-2.0", "permissive"),
        ("MIT License", "MIT", "permissive"),
        ("The MIT License", "MIT", "permissive"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0", "non-commercial"),
        ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "CC-BY-NC-SA-4.0",
         "non-commercial"),
        ("CC-BY-SA-4.0", "CC-BY-SA-4.0", "open-data-share-alike"),
        ("cc-by-nd-4.0", "CC-BY-ND-4.0", "no-derivatives"),
        ("GPLv3", "GPL-3.0-only", "strong-copyleft"),
        ("GPL-2.0+", "GPL-2.0-or-later", "strong-copyleft"),
        ("gpl-3.0-or-later", "GPL-3.0-or-later", "strong-copyleft"),
        ("agpl-3.0", "AGPL-3.0-only", "network-copyleft"),
        ("BSD 3-Clause", "BSD-3-Clause", "permissive"),
        ("bsd-1-clause", "BSD-1-Clause", "permissive"),
        ("cc0-1.0", "CC0-1.0", "public-domain"),
        ("llama2", "LicenseRef-scancode-llama-2-license-2023", "proprietary-community"),
        ("llama3", "LicenseRef-hf-llama3", "proprietary-community"),
        ("llama3.1", "LicenseRef-scancode-llama-3.1-license-2024", "proprietary-community"),
        ("llama3.2", "LicenseRef-scancode-llama-3.2-license-2024", "proprietary-community"),
        ("llama3.3", "LicenseRef-scancode-llama-3.3-license-2024", "proprietary-community"),
        ("Llama 2 Community License Agreement", "LicenseRef-scancode-llama-2-license-2023",
         "proprietary-community"),
        ("gemma", "LicenseRef-scancode-gemma-tou-2024-04-01", "proprietary-community"),
        ("openrail", "LicenseRef-hf-openrail", "rail-use-restricted"),
        ("openrail++", "LicenseRef-hf-openrail-pp", "rail-use-restricted"),
        ("creativeml-openrail-m", "LicenseRef-hf-creativeml-openrail-m", "rail-use-restricted"),
        ("tii-falcon-llm", "LicenseRef-hf-tii-falcon-llm", "proprietary-community"),
        ("cc", "LicenseRef-hf-cc", "unknown"),
    ],
)
def test_free_text_and_ids_normalize(raw, spdx, category):
    lic = resolve(raw, EV)
    assert (lic.spdx, lic.category) == (spdx, category)
    assert lic.raw == raw


@pytest.mark.parametrize(
    ("name", "spdx", "category"),
    [
        ("gemma-terms-of-use", "LicenseRef-scancode-gemma-tou-2024-04-01", "proprietary-community"),
        ("Gemma Terms of Use", "LicenseRef-scancode-gemma-tou-2024-04-01", "proprietary-community"),
        ("qwen", "LicenseRef-hf-qwen", "proprietary-community"),
        ("tongyi-qianwen", "LicenseRef-scancode-tongyi-qianwen-2023", "proprietary-community"),
        ("qwen-research", "LicenseRef-hf-qwen-research", "research-only"),
        ("yi-license", "LicenseRef-hf-yi-license", "proprietary-community"),
        ("deepseek", "LicenseRef-scancode-deepseek-la-1.0", "rail-use-restricted"),
        ("deepseek-license", "LicenseRef-scancode-deepseek-la-1.0", "rail-use-restricted"),
        ("microsoft-research-license", "LicenseRef-hf-microsoft-research-license", "research-only"),
        ("llama3", "LicenseRef-hf-llama3", "proprietary-community"),
        ("llama-3.1", "LicenseRef-scancode-llama-3.1-license-2024", "proprietary-community"),
        ("nvidia-open-model-license", "LicenseRef-scancode-nvidia-open-model-2025-04-28",
         "proprietary-community"),
        ("Mistral AI Non-Production License", "LicenseRef-hf-mnpl", "non-commercial"),
        ("mistral-research-license", "LicenseRef-hf-mrl", "research-only"),
        ("apple-ascl", "LicenseRef-hf-apple-ascl", "permissive"),
        ("openrail++", "LicenseRef-hf-openrail-pp", "rail-use-restricted"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0", "non-commercial"),
        ("Apache 2.0", "Apache-2.0", "permissive"),
    ],
)
def test_other_with_license_name_looks_up_the_name(name, spdx, category):
    lic = resolve("other", EV, name=name)
    assert (lic.raw, lic.spdx, lic.category) == ("other", spdx, category)
    assert lic.name


def test_named_licenses_carry_canonical_urls_and_card_links_win():
    assert resolve("llama2", EV).url == "https://ai.meta.com/llama/license/"
    assert resolve("gemma", EV).url == "https://ai.google.dev/gemma/terms"
    link = "https://huggingface.co/Qwen/Qwen2.5-VL-72B-Instruct/blob/main/LICENSE"
    assert resolve("other", EV, name="qwen", url=link).url == link
    assert resolve("other", EV, name="yi-license", url="LICENSE").url is None  # relative: not a URL
    assert resolve("apache-2.0", EV).name == "Apache license 2.0"


def test_other_with_unknown_name_keeps_the_name():
    lic = resolve("other", EV, name="acme-model-license", url="https://acme.example/license")
    assert (lic.spdx, lic.category, lic.osi_approved) == (None, "unknown", None)
    assert (lic.name, lic.url) == ("acme-model-license", "https://acme.example/license")


@pytest.mark.parametrize(
    ("raw", "spdx", "category", "osi"),
    [
        ("MIT OR GPL-3.0-only", "MIT OR GPL-3.0-only", "permissive", True),
        ("mit or gpl-3.0-only", "MIT OR GPL-3.0-only", "permissive", True),
        ("MIT AND CC-BY-NC-4.0", "MIT AND CC-BY-NC-4.0", "non-commercial", False),
        ("apache-2.0 AND (mit OR gpl-2.0+)", "Apache-2.0 AND (MIT OR GPL-2.0-or-later)", "permissive", True),
        ("(MIT AND GPL-2.0-only) OR CC-BY-NC-4.0", "(MIT AND GPL-2.0-only) OR CC-BY-NC-4.0",
         "strong-copyleft", True),
        ("llama2 OR mit", "LicenseRef-scancode-llama-2-license-2023 OR MIT", "permissive", True),
        ("gpl-2.0-only with classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0",
         "strong-copyleft", True),
        ("MIT AND LicenseRef-acme", "MIT AND LicenseRef-acme", "unknown", None),
        ("MIT OR LicenseRef-acme", "MIT OR LicenseRef-acme", "permissive", True),
    ],
)
def test_spdx_expressions_honour_and_or_with(raw, spdx, category, osi):
    lic = resolve(raw, EV)
    assert (lic.spdx, lic.category, lic.osi_approved) == (spdx, category, osi)
    assert SPDX.parse(lic.spdx, validate=False).render() == lic.spdx


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "???", "unknown", "other", "NOASSERTION", "mit with", "((mit", "MIT AND", "and or",
     "my custom license", "x" * 100_000, "MIT OR " * 5_000 + "MIT", "\x00\x01", "apache-2.0\n" * 200],
)
def test_odd_input_is_unknown_and_never_raises(raw):
    lic = resolve(raw, EV)
    assert lic.category == "unknown"
    assert lic.spdx is None
    assert len(lic.raw) <= licenses.MAX_INPUT
    assert lic.name is None or len(lic.name) <= licenses.MAX_INPUT


def test_non_string_input_does_not_raise():
    assert resolve(None, EV).category == "unknown"  # type: ignore[arg-type]
    assert resolve(["mit"], EV, name=3).category == "unknown"  # type: ignore[arg-type]


def test_restrictiveness_orders_every_category():
    assert len(set(LICENSE_CATEGORIES)) == len(LICENSE_CATEGORIES)
    ranks = [restrictiveness(c) for c in LICENSE_CATEGORIES]
    assert restrictiveness("public-domain") < restrictiveness("permissive")
    assert restrictiveness("permissive") < restrictiveness("non-commercial")
    assert restrictiveness("strong-copyleft") < restrictiveness("rail-use-restricted")
    assert restrictiveness("proprietary-community") < restrictiveness("research-only")
    assert restrictiveness("unknown") == max(ranks) == restrictiveness("no-such-category")


def test_category_labels_are_words():
    labels = {c: category_label(c) for c in LICENSE_CATEGORIES}
    assert labels["non-commercial"] == "non-commercial"
    assert labels["rail-use-restricted"] == "use-restricted (RAIL)"
    assert len(set(labels.values())) == len(labels)
    assert category_label("bogus") == "unknown"


@pytest.mark.parametrize(
    ("category", "strict", "with_copyleft", "open_data"),
    [
        ("permissive", True, True, True),
        ("public-domain", True, True, True),
        ("open-data-permissive", True, True, True),
        ("weak-copyleft", False, True, False),
        ("strong-copyleft", False, True, False),
        ("network-copyleft", False, True, False),
        ("open-data-share-alike", False, True, True),
        ("rail-use-restricted", False, False, False),
        ("non-commercial", False, False, False),
        ("no-derivatives", False, False, False),
        ("research-only", False, False, False),
        ("proprietary-community", False, False, False),
        ("proprietary", False, False, False),
        ("restricted-data", False, False, False),
        ("unknown", None, None, None),
    ],
)
def test_predicates_by_category(category, strict, with_copyleft, open_data):
    lic = License(raw="x", evidence=EV, category=category)
    assert is_permissive(lic) is strict
    assert is_permissive(lic, allow_copyleft=True) is with_copyleft
    assert is_open_data(lic) is open_data


def test_predicates_cover_every_category():
    for category in LICENSE_CATEGORIES:
        lic = License(raw="x", evidence=EV, category=category)
        assert (is_permissive(lic) is None) == (category == "unknown")


def test_current_judges_a_recorded_license_with_todays_knowledge():
    bare = current(License(raw="MIT", evidence=EV, spdx="MIT"))
    assert (is_permissive(bare), is_osi(bare), is_open_data(bare)) == (True, True, True)
    stale = current(License(raw="mit", evidence=EV, spdx="MIT", category="non-commercial", osi_approved=False))
    assert (stale.category, stale.osi_approved, stale.raw) == ("permissive", True, "mit")
    llama = current(License(raw="llama2", evidence=EV, spdx="LicenseRef-scancode-llama-2-license-2023"))
    assert (is_permissive(llama), is_osi(llama)) == (False, False)
    named = current(License(raw="other", evidence=EV, name="gemma-terms-of-use"))
    assert is_permissive(named) is False and named.name == "gemma-terms-of-use"
    unknown = License(raw="house-license-7", evidence=EV, category="proprietary")
    assert current(unknown) == unknown  # nothing known today: what was recorded stays
    nothing = License(raw="", evidence=EV)
    assert (is_permissive(nothing), is_osi(nothing), is_open_data(nothing)) == (None, None, None)


def test_is_osi():
    assert is_osi(resolve("apache-2.0", EV)) is True
    assert is_osi(resolve("cc-by-4.0", EV)) is False
    assert is_osi(resolve("llama3", EV)) is False
    assert is_osi(resolve("MIT OR LicenseRef-acme", EV)) is True
    assert is_osi(resolve("other", EV, name="acme")) is None


def test_raw_is_kept_exactly_as_the_source_wrote_it():
    lic = resolve(" Apache 2.0\n", EV)
    assert (lic.raw, lic.spdx) == (" Apache 2.0\n", "Apache-2.0")


@pytest.mark.parametrize(
    ("name", "url", "spdx", "category"),
    [
        (None, "https://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0", "non-commercial"),
        (None, "https://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC-BY-SA-4.0",
         "open-data-share-alike"),
        (None, "https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0", "public-domain"),
        ("acme", "https://ai.google.dev/gemma/terms", "LicenseRef-scancode-gemma-tou-2024-04-01",
         "proprietary-community"),
        (None, "https://spdx.org/licenses/MIT.html", "MIT", "permissive"),
        (None, "https://opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause", "permissive"),
        (None, "http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0", "permissive"),
        (None, "https://www.gnu.org/licenses/agpl-3.0.html", "AGPL-3.0-only", "network-copyleft"),
        (None, "https://www.llama.com/llama3_1/license/", "LicenseRef-scancode-llama-3.1-license-2024",
         "proprietary-community"),
        (None, "https://ai.meta.com/llama/license/", "LicenseRef-scancode-llama-2-license-2023",
         "proprietary-community"),
        (None, "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md",
         "LicenseRef-hf-openrail-pp", "rail-use-restricted"),
        (None, "https://example.com/our-license", None, "unknown"),
        (None, "https://spdx.org/licenses/NOT-A-LICENSE-1.0.html", None, "unknown"),
    ],
)
def test_other_without_a_known_name_falls_back_to_its_license_link(name, url, spdx, category):
    lic = resolve("other", EV, name=name, url=url)
    assert (lic.spdx, lic.category, lic.url) == (spdx, category, url)


def test_a_known_name_wins_over_the_link_and_a_known_id_ignores_it():
    link = "https://creativecommons.org/licenses/by-nc/4.0/"
    assert resolve("other", EV, name="gemma", url=link).category == "proprietary-community"
    assert resolve("mit", EV, url=link).spdx == "MIT"


@pytest.mark.parametrize(
    ("raw", "spdx", "category", "osi"),
    [
        ("lgpl-2.0-only", "LGPL-2.0-only", "weak-copyleft", True),
        ("BSD-1-Clause", "BSD-1-Clause", "permissive", True),
        ("cc-by-nc-nd-2.5", "CC-BY-NC-ND-2.5", "non-commercial", False),
        ("Beerware", "Beerware", "unknown", False),
        ("MIT AND Beerware", "MIT AND Beerware", "unknown", False),
    ],
)
def test_spdx_ids_outside_the_table_get_family_category_and_spdx_list_osi_flag(raw, spdx, category, osi):
    lic = resolve(raw, EV)
    assert (lic.spdx, lic.category, lic.osi_approved) == (spdx, category, osi)


# every category that restricts use must say how, in the license's own terms; the kind agrees with the category
TERM_FOR_CATEGORY = {
    "non-commercial": {"non-commercial"},
    "research-only": {"research-only", "non-commercial"},
    "rail-use-restricted": {"field-of-use"},
    "no-derivatives": {"no-derivatives"},
    "weak-copyleft": {"share-alike", "naming"},
    "strong-copyleft": {"share-alike"},
    "network-copyleft": {"share-alike"},
    "open-data-share-alike": {"share-alike"},
    "restricted-data": {"field-of-use"},
    "proprietary": {"other"},
    "proprietary-community": {"user-threshold", "revenue-threshold", "field-of-use", "registration", "revocation",
                              "other"},
}


@pytest.mark.parametrize("row", [r for r in licenses.table() if r.category in TERM_FOR_CATEGORY],
                         ids=lambda r: r.license_name or r.hf_id or r.spdx)
def test_every_restrictive_license_lists_its_own_terms(row):
    kinds = {t.kind for t in row.restrictions}
    assert kinds & TERM_FOR_CATEGORY[row.category], row.restrictions
    assert all(not t.text.endswith(".") for t in row.restrictions)  # the reason joins them into one sentence


def test_terms_name_the_actual_conditions_not_the_category():
    llama2 = licenses.terms(resolve("llama2", EV))
    assert {t.kind for t in llama2} >= {"user-threshold", "field-of-use", "output-use"}
    assert "700 million monthly active users" in " ".join(t.text for t in llama2)
    gemma = licenses.terms(resolve("gemma", EV))
    assert {t.kind for t in gemma} == {"field-of-use", "pass-through", "output-use", "revocation"}
    assert not {"user-threshold", "revenue-threshold"} & {t.kind for t in gemma}
    qwen = licenses.terms(resolve("other", EV, name="qwen"))
    assert "100 million monthly active users" in qwen[0].text
    assert licenses.terms(resolve("apache-2.0", EV)) == ()
    assert licenses.terms(resolve("other", EV, name="Some Unheard-of License")) == ()


def test_a_term_of_an_unknown_kind_is_a_table_bug():
    with pytest.raises(ValueError, match="known kind"):
        licenses._terms("caps: users above a threshold")
