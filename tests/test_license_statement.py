"""A license the card states only in its body (project-written cards)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aibom.collect.cards import parse_model_card


def licenses(text: str) -> list[tuple[str | None, str | None, str, str]]:
    info = parse_model_card(text, collector="t")
    return [(lic.spdx, lic.name if not lic.spdx else None, lic.category, lic.evidence.method) for lic in info.licenses]


@pytest.mark.parametrize(("card", "expected"), [
    ("# m\n\n- **License:** Apache 2.0\n", [("Apache-2.0", None, "permissive", "inferred")]),
    ("# m\n\n**License** [MIT](https://opensource.org/license/mit)\n", [("MIT", None, "permissive", "inferred")]),
    ("# m\n\n## License\n\nThis model is released under the MIT license.\n",
     [("MIT", None, "permissive", "inferred")]),
    ("# m\n\n## Licensing\n\nThe weights are licensed under [CC BY-NC 4.0](https://creativecommons.org/licenses/by-nc/4.0/).\n",
     [("CC-BY-NC-4.0", None, "non-commercial", "inferred")]),
    ("---\nlicense: other\n---\n# m\n\n* **License**: License: Acme Non-Commercial Model License. Ask us.\n",
     [(None, "Acme Non-Commercial Model License", "non-commercial", "inferred")]),
    ("# m\n\n**License:** The Acme Model License Agreement\n",
     [(None, "The Acme Model License Agreement", "unknown", "inferred")]),
    # the front matter wins when it names a license
    ("---\nlicense: apache-2.0\n---\n# m\n\n**License:** MIT\n", [("Apache-2.0", None, "permissive", "declared")]),
    # a sentence about the repository's source code is not the model's license
    ("# m\n\n## License\n\nThe source code in this repository is licensed under the Apache 2.0 license.\n", []),
    # a section about something else that mentions licenses is no statement
    ("# m\n\n## Training\n\nWe used data licensed under MIT.\n", []),
])
def test_body_statements(card: str, expected: list[tuple[str | None, str | None, str, str]]) -> None:
    assert licenses(card) == expected


def test_the_statement_is_quoted_with_its_line() -> None:
    info = parse_model_card("# m\n\ntext\n\n- **License:** Apache 2.0\n", collector="t")
    ev = info.licenses[0].evidence
    assert (ev.location, ev.quote) == ("README.md#L5", "Apache 2.0")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000))
def test_any_body_parses_in_bounded_time(body: str) -> None:
    parse_model_card("# m\n\n## License\n\n" + body + "\n**License:** " + body[:500], collector="t")


def test_long_hostile_lines_stay_fast() -> None:
    import time

    hostile = "**License:** " + "licensed under the " * 5000 + "[" * 20000 + "](" * 5000
    start = time.perf_counter()
    parse_model_card(f"# m\n\n{hostile}\n\n## License\n\n{hostile}\n", collector="t")
    assert time.perf_counter() - start < 10.0  # a hang guard: quadratic regexes take minutes here
