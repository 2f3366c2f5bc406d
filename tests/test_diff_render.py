"""The three renderings of a diff: JSON against its schema, text grouped by kind, Markdown table."""

from __future__ import annotations

import json

import jsonschema
from conftest import schema
from test_diff import EV, SHA_B, base_prov, lic

from aibom.diff import GROUPS, KINDS, SEVERITIES, compare
from aibom.model import Dataset, FileEntry, Unknown
from aibom.render.diff import render, to_json, to_markdown, to_text


def valid(text: str) -> dict:
    doc = json.loads(text)
    jsonschema.Draft202012Validator(schema("diff"), format_checker=jsonschema.FormatChecker()).validate(doc)
    return doc


def mutated():
    old = base_prov()
    new = old.with_changes(
        revision="2222222",
        licenses=(lic("CC-BY-NC-4.0", "non-commercial"),),
        datasets=(old.datasets[0], Dataset("evil|pipe", EV)),
        files=(*old.files[:2], FileEntry("pytorch_model.bin", 1200, SHA_B, "weights", EV)),
    )
    return old, new


def test_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema("diff"))


def test_schema_enums_are_the_code_s_kinds_groups_and_severities() -> None:
    defs = schema("diff")["$defs"]
    assert defs["kind"]["enum"] == list(KINDS)
    assert defs["group"]["enum"] == list(GROUPS)
    assert defs["severity"]["enum"] == list(SEVERITIES)


def test_self_diff_renders_empty_everywhere() -> None:
    changes = compare(base_prov(), base_prov())
    doc = valid(to_json(changes))
    assert doc["changes"] == []
    assert doc["summary"] == {"total": 0, "max_severity": None,
                              "by_severity": {"high": 0, "medium": 0, "low": 0, "info": 0}, "by_kind": {}}
    assert doc["old"] == doc["new"]
    assert doc["old"]["purl"] == "pkg:huggingface/acme/tiny-llama-ft@1111111"
    assert "no changes" in to_text(changes)
    assert to_markdown(changes).startswith("### No changes between acme/tiny-llama-ft@1111111 and")
    assert "|---|" not in to_markdown(changes)


def test_json_document_matches_the_changes() -> None:
    old, new = mutated()
    changes = compare(old, new)
    doc = valid(to_json(changes))
    kinds = [c["kind"] for c in doc["changes"]]
    assert kinds == ["revision", "license", "weight-format", "dataset-added", "dataset-removed",
                     "file-added", "file-removed"]
    assert doc["summary"]["by_kind"] == {k: 1 for k in kinds}
    assert doc["summary"]["by_severity"] == {"high": 2, "medium": 4, "low": 0, "info": 1}
    assert doc["summary"]["max_severity"] == "high"
    assert (doc["old"]["version"], doc["new"]["version"]) == ("1111111", "2222222")
    license_change = doc["changes"][1]
    assert license_change == {
        "kind": "license", "subject": "model", "old": "Apache-2.0", "new": "CC-BY-NC-4.0", "severity": "high",
        "groups": ["license", "any"], "message": "License became non-commercial (Apache-2.0 → CC-BY-NC-4.0)",
    }


def test_schema_rejects_a_wrong_document() -> None:
    doc = valid(to_json(compare(*mutated())))
    doc["changes"][0]["severity"] = "critical"
    try:
        jsonschema.validate(doc, schema("diff"))
    except jsonschema.ValidationError as exc:
        assert "critical" in exc.message
    else:
        raise AssertionError("schema accepted an unknown severity")


def test_text_is_grouped_by_kind() -> None:
    text = to_text(compare(*mutated()))
    lines = text.splitlines()
    assert lines[0] == "aibom diff: acme/tiny-llama-ft@1111111 → acme/tiny-llama-ft@2222222"
    assert lines[1] == "7 changes (2 high, 4 medium, 1 info)"
    assert "license (1)" in lines
    at = lines.index("license (1)")
    assert lines[at + 1] == "  [high  ] model: License became non-commercial (Apache-2.0 → CC-BY-NC-4.0)"
    assert lines.index("file-added (1)") < lines.index("file-removed (1)")


def test_markdown_headline_table_and_escaping() -> None:
    md = to_markdown(compare(*mutated()))
    lines = md.splitlines()
    assert lines[0] == "### ⚠ License became non-commercial (Apache-2.0 → CC-BY-NC-4.0) (+6 more changes)"
    header = "| Severity | Kind | Subject | Old | New | Change |"
    table = lines[lines.index(header):]
    rows = [r for r in table[2:] if r.startswith("| ")]
    assert len(rows) == 7
    pipe_row = next(r for r in rows if "dataset-added" in r)
    assert "evil\\|pipe" in pipe_row
    # every row has exactly the header's six cells once escaped pipes are set aside
    assert all(r.replace("\\|", "").count("|") == 7 for r in rows)
    sha_row = next(r for r in rows if "file-added" in r)
    assert f"`{SHA_B[:12]}…`" in sha_row


def test_unknowns_are_reported_not_hidden() -> None:
    said = "its Hub card declares no license"
    old = base_prov().with_changes(unknowns=(Unknown("dataset", "license", said, "org/data"),))
    changes = compare(old, base_prov())
    assert changes.changes == ()
    doc = valid(render(changes, "json"))
    unknown = {"subject": "dataset", "name": "org/data", "field": "license", "reason": said}
    assert doc["old"]["unknowns"] == [unknown]
    assert "old side has 1 unknown(s): dataset org/data.license" in render(changes, "text")
    assert "> old side has 1 unknown(s)" in render(changes, "markdown")
