"""Score reports: the JSON document against its schema, the terminal table, the Markdown comment."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import schema

from aibom.licenses import resolve
from aibom.model import STATUSES, Assessment, Evidence, FileEntry, Finding, Provenance
from aibom.render import score as render_score
from aibom.score import SCORE_PROFILES, g7, report
from aibom.score.profiles import evaluate

CARD = Evidence("local", "README.md#front-matter", "declared")


def llama() -> Provenance:
    weights = FileEntry("model.safetensors", 8, "0" * 64, "weights", Evidence("local", "model.safetensors", "computed"))
    return Provenance(
        name="Llama-2-7b-chat",
        identity=Evidence("local", "README.md", "inferred"),
        source="local",
        repo_id="meta-llama/Llama-2-7b-chat-hf",
        files=(weights,),
        licenses=(resolve("llama2", CARD),),
    )


@pytest.mark.parametrize("profile", ["core", "osaid"])
def test_json_report_validates_and_carries_every_finding(profile: str) -> None:
    prov = llama()
    assessment = evaluate(prov, profile)
    doc = json.loads(render_score.to_json(report.build(prov, assessment)))
    jsonschema.validate(doc, schema("score-report"))
    assert doc["profile"] == profile
    assert doc["model"] == {
        "name": "Llama-2-7b-chat",
        "source": "local",
        "repo_id": "meta-llama/Llama-2-7b-chat-hf",
        "licenses": [
            {
                "id": "LicenseRef-scancode-llama-2-license-2023",
                "name": "Llama 2 Community License Agreement",
                "category": "proprietary-community",
            }
        ],
    }
    assert [r["id"] for r in doc["requirements"]] == [f.requirement for f in assessment.findings]
    assert all(r["text"] for r in doc["requirements"])  # what satisfies each requirement
    assert doc["summary"]["total"] == len(assessment.findings)
    assert sum(doc["summary"][s] for s in ("met", "unmet", "partial", "unknown")) == doc["summary"]["total"]
    assert doc["verdict"].startswith("Not open:")
    assert "Llama 2 Community License" in doc["verdict"]


def test_core_report_of_llama2_explains_the_license_in_plain_words() -> None:
    doc = report.build(llama(), evaluate(llama(), "core"))
    # the reason is the license's own terms: its user threshold and its use policy, not a category template
    assert doc["verdict"].startswith("Not open: License restricts use (Llama 2 Community License Agreement: ")
    assert "more than 700 million monthly active users" in doc["verdict"]
    assert "Acceptable Use Policy" in doc["verdict"]
    lic = next(r for r in doc["requirements"] if r["id"] == "permissive-license")
    assert lic["status"] == "unmet"
    assert lic["evidence"][0]["location"] == "README.md#front-matter"
    assert lic["evidence"][0]["method"] == "declared"
    assert doc["allow_copyleft"] is False


def test_schema_enums_are_the_code_s_profiles_and_statuses() -> None:
    assert schema("score-report")["properties"]["profile"]["enum"] == list(SCORE_PROFILES)
    requirement = schema("score-report")["properties"]["requirements"]["items"]
    assert requirement["properties"]["status"]["enum"] == list(STATUSES)
    assert requirement["properties"]["cluster"]["enum"] == list(g7.CLUSTERS.values())


def test_schema_rejects_a_met_finding_with_a_fix_and_an_unknown_status() -> None:
    doc = report.build(llama(), evaluate(llama(), "core"))
    met = json.loads(json.dumps(doc))
    met["requirements"][0].update(status="met", fix="do something")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(met, schema("score-report"))
    odd = json.loads(json.dumps(doc))
    odd["requirements"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(odd, schema("score-report"))


def test_text_report_is_a_table_with_fixes_and_evidence() -> None:
    text = render_score.to_text(report.build(llama(), evaluate(llama(), "core")))
    lines = text.splitlines()
    assert lines[0] == "aibom core openness: meta-llama/Llama-2-7b-chat-hf (local; Llama 2 Community License Agreement)"
    assert lines[1].startswith("Verdict: Not open:")
    header = next(i for i, line in enumerate(lines) if line.startswith("REQUIREMENT"))
    assert lines[header].split() == ["REQUIREMENT", "STATUS", "REASON"]
    table = lines[header + 1 : lines.index("", header)]
    rows = [line.split()[:2] for line in table if not line.startswith(" ")]
    assert rows == [
        ["open-code", "unmet"],
        ["open-weights", "unmet"],
        ["open-data", "unmet"],
        ["permissive-license", "unmet"],
    ]
    assert "How to fix:" in lines and "Evidence:" in lines
    assert "  permissive-license: README.md#front-matter [local, declared]" in text


def test_markdown_report_has_verdict_and_table_with_escaped_cells() -> None:
    ev = Evidence("declarations", "aibom.yaml#/code/0", "declared", quote="a | b\\|c\r\nd")
    assessment = Assessment(
        "core",
        (
            Finding("open-code", "Open training code", "met", "Public under MIT | BSD.", "", (ev,)),
            Finding("open-data", "Open training data", "unmet", "No training dataset is disclosed.", "List them."),
        ),
    )
    md = render_score.to_markdown(report.build(llama(), assessment))
    lines = md.splitlines()
    assert lines[0].startswith("### Openness (aibom core openness): ")
    assert "**Not open: No training dataset is disclosed.**" in lines
    assert "| Requirement | Status | Why | How to fix |" in lines
    assert "| Open training code (`open-code`) | ✅ met | Public under MIT \\| BSD. | — |" in lines
    assert "| Open training data (`open-data`) | ❌ unmet | No training dataset is disclosed. | List them. |" in lines
    # a backslash before a pipe is escaped too, and a CR or LF cannot end the line early
    assert "- `open-code`: aibom.yaml#/code/0 [declarations, declared] — a \\| b\\\\\\|c d" in lines


def test_failing_treats_partial_as_unmet_and_unknown_only_when_asked() -> None:
    assessment = Assessment(
        "core",
        (
            Finding("a", "A", "met", "ok"),
            Finding("b", "B", "partial", "half"),
            Finding("c", "C", "unknown", "?"),
        ),
    )
    assert report.failing(assessment, None) == ()
    assert report.failing(assessment, "unmet") == ("b",)
    assert report.failing(assessment, "unknown") == ("b", "c")
    only_unknown = Assessment("core", (Finding("c", "C", "unknown", "?"),))
    assert report.failing(only_unknown, "unmet") == ()


def test_embedded_assessment_is_compared_not_trusted() -> None:
    fresh = Assessment("core", (Finding("open-data", "D", "unknown", "?"), Finding("open-code", "C", "met", "ok")))
    same = Assessment("core", (Finding("open-data", "D", "unknown", "?"),))
    other = Assessment("core", (Finding("open-data", "D", "met", "!"),))
    assert report.embedded_notes((), fresh) == ()
    assert report.embedded_notes((Assessment("mof", ()),), fresh) == ()
    assert "agrees" in report.embedded_notes((same,), fresh)[0]
    (note,) = report.embedded_notes((other,), fresh)
    assert "differs on open-data (BOM: met, now: unknown)" in note
