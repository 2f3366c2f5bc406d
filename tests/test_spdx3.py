"""SPDX 3.0.1 with the AI and Dataset profiles: what the document holds, aibom's own offline
validation (JSON schema and SHACL), and the SPDX project's validator (spdx3-validate) run on it, its
spec files served from the packaged copies instead of spdx.org (no network in tests)."""

from __future__ import annotations

import io
import json
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from conftest import FIXTURES, run_main
from hypothesis import given, settings
from hypothesis import strategies as st

from aibom import api
from aibom.emit.spdx3 import to_jsonld
from aibom.emit.spdx3_validate import SPEC, problems

TINY = FIXTURES / "models" / "tiny-llama-ft"
SERVED = {
    "https://spdx.org/rdf/3.0.1/spdx-context.jsonld": SPEC / "spdx-context.jsonld",
    "https://spdx.org/schema/3.0.1/spdx-json-schema.json": SPEC / "spdx-json-schema.json",
    "https://spdx.org/rdf/3.0.1/spdx-model.ttl": SPEC / "spdx-model.ttl",
}


class _SpecFiles(urllib.request.BaseHandler):
    """Answers the three spec URLs from the packaged files; any other URL is refused."""

    handler_order = 100  # before the default HTTPS handler, which would go to the network

    def https_open(self, req: urllib.request.Request) -> urllib.response.addinfourl:
        path = SERVED.get(req.full_url)
        if path is None:
            raise urllib.error.URLError(f"no network in tests: {req.full_url}")
        headers = Message()
        headers["Content-Type"] = "text/turtle" if path.suffix == ".ttl" else "application/ld+json"
        response = urllib.response.addinfourl(io.BytesIO(path.read_bytes()), headers, req.full_url, 200)
        response.msg = "OK"
        return response


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> None:
    opener = urllib.request.build_opener(_SpecFiles())
    monkeypatch.setattr(urllib.request, "_opener", opener)


def graph(text: str) -> dict[str, dict]:
    return {e.get("spdxId", e.get("@id")): e for e in json.loads(text)["@graph"]}


def of_type(g: dict[str, dict], kind: str) -> list[dict]:
    return [e for e in g.values() if e["type"] == kind]


def relations(g: dict[str, dict], kind: str) -> list[tuple[str, list[str]]]:
    return [(e["from"], e["to"]) for e in of_type(g, "Relationship") if e["relationshipType"] == kind]


def test_the_model_files_datasets_licenses_and_lineage_are_in_the_document() -> None:
    prov = api.collect(str(TINY)).with_changes(repo_id="example-org/tiny-llama-ft")
    text = to_jsonld(prov, timestamp=None)
    assert problems(text) == []
    g = graph(text)
    (model,) = [e for e in of_type(g, "ai_AIPackage") if e["spdxId"].endswith("/model")]
    assert model["name"] == "tiny-llama-ft" and model["software_primaryPurpose"] == "model"
    assert model["software_downloadLocation"] == "https://huggingface.co/example-org/tiny-llama-ft"
    assert g[model["suppliedBy"]]["name"] == "example-org"
    assert "LlamaForCausalLM" in model["ai_typeOfModel"] and model["ai_domain"] == ["text-generation"]
    files = {e["name"]: e["verifiedUsing"][0]["hashValue"] for e in of_type(g, "software_File")}
    assert files == {p.name: __import__("hashlib").sha256(p.read_bytes()).hexdigest()
                     for p in TINY.iterdir() if p.is_file()}
    (code,) = model["verifiedUsing"]  # the package is verified by its files' digests
    assert code["type"] == "PackageVerificationCode" and code["algorithm"] == "sha256"
    assert code["hashValue"] == __import__("hashlib").sha256("".join(sorted(files.values())).encode()).hexdigest()
    (contains,) = relations(g, "contains")
    assert contains[0] == model["spdxId"] and len(contains[1]) == len(files)
    datasets = {e["spdxId"]: e for e in of_type(g, "dataset_DatasetPackage")}
    assert sorted(e["name"] for e in datasets.values()) == ["HuggingFaceH4/ultrachat_200k",
                                                            "databricks/databricks-dolly-15k"]
    assert all(e["dataset_datasetType"] == ["noAssertion"] for e in datasets.values())
    trained = [t for source, to in relations(g, "trainedOn") if source == model["spdxId"] for t in to]
    assert sorted(trained) == sorted(datasets)
    declared = dict((s, t) for s, t in relations(g, "hasDeclaredLicense"))
    concluded = dict((s, t) for s, t in relations(g, "hasConcludedLicense"))
    assert g[declared[model["spdxId"]][0]]["simplelicensing_licenseExpression"] == "MIT"
    assert concluded[model["spdxId"]] == declared[model["spdxId"]]
    for ds in datasets:  # no license known offline: NoAssertion, declared and concluded
        assert declared[ds] == concluded[ds] == ["expandedlicensing_NoAssertionLicense"]
    (descends,) = relations(g, "descendantOf")
    assert g[descends[1][0]]["name"] == "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def test_the_same_provenance_gives_the_same_document() -> None:
    prov = api.collect(str(TINY))
    assert to_jsonld(prov, timestamp=None) == to_jsonld(prov, timestamp=None)


def test_validation_finds_a_broken_document() -> None:
    text = to_jsonld(api.collect(str(TINY)), timestamp=None)
    doc = json.loads(text)
    for e in doc["@graph"]:
        if e.get("type") == "Relationship":
            e["relationshipType"] = "isFriendOf"
            break
    assert problems(json.dumps(doc))
    doc = json.loads(text)
    for e in doc["@graph"]:
        if e.get("type") == "ai_AIPackage":
            e.pop("creationInfo")
            break
    assert any("creationInfo" in p for p in problems(json.dumps(doc)))


def test_the_spdx_projects_validator_accepts_the_document(tmp_path: Path, served: None) -> None:
    from spdx3_validate.core import validate

    path = tmp_path / "tiny.spdx3.json"
    path.write_text(api.generate(str(TINY), reproducible=True, format="spdx3", score="core").text)
    result = validate(str(path))
    assert result.valid, str(result)


def test_cli_generate_spdx3_and_validate_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.spdx3.json"
    code, _, err = run_main(monkeypatch, capsys, "generate", str(TINY), "--format", "spdx3", "-o", str(out))
    assert code == 0, err
    code, stdout, _ = run_main(monkeypatch, capsys, "validate", str(out))
    assert code == 0 and stdout == f"{out}: valid\n"
    doc = json.loads(out.read_text())
    doc["@graph"] = [e for e in doc["@graph"] if e.get("type") != "CreationInfo"]
    out.write_text(json.dumps(doc))
    code, _, err = run_main(monkeypatch, capsys, "validate", str(out))
    assert code == 2 and "is not a valid SPDX 3.0.1 document" in err


def facts(prov) -> dict[str, object]:
    return {
        "identity": (prov.name, prov.purl, prov.revision),
        "files": sorted((f.path, f.sha256, f.role) for f in prov.files),
        "licenses": sorted((lic.spdx, lic.category) for lic in prov.licenses),
        "datasets": sorted((d.id, d.usage, tuple(x.spdx for x in d.licenses)) for d in prov.datasets),
        "lineage": sorted((b.id, b.relation, b.purl) for b in prov.base_models),
        "references": sorted((r.url, r.purpose) for r in prov.own_references if "://" in r.url),
    }


def test_cyclonedx_to_spdx3_to_cyclonedx_keeps_identity_files_licenses_datasets_and_lineage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from aibom.emit.reader import from_json
    from aibom.emit.spdx3_reader import from_jsonld

    cdx = tmp_path / "m.cdx.json"
    cdx.write_text(api.generate(str(TINY), api.CollectOptions(repo_id="example-org/tiny-llama-ft",
                                                              revision="4c0e5f2a" * 5), reproducible=True).text)
    spdx, back = tmp_path / "m.spdx3.json", tmp_path / "back.cdx.json"
    assert run_main(monkeypatch, capsys, "convert", str(cdx), "--to", "spdx3", "-o", str(spdx))[0] == 0
    assert run_main(monkeypatch, capsys, "convert", str(spdx), "--to", "cyclonedx", "-o", str(back))[0] == 0
    original = from_json(cdx.read_text())
    assert facts(from_jsonld(spdx.read_text())) == facts(original)
    assert facts(from_json(back.read_text())) == facts(original)
    code, out, _ = run_main(monkeypatch, capsys, "diff", str(cdx), str(back), "--format", "json")
    assert code == 0
    # what SPDX 3 has no field for (languages, library, metrics' parts, some card sections) may change;
    # nothing a reviewer gates on does
    assert set(json.loads(out)["summary"]["by_kind"]) <= {"model-card"}


def test_score_reads_an_spdx3_document_as_it_reads_the_cyclonedx_bom(tmp_path: Path) -> None:
    cdx = api.generate(str(TINY), reproducible=True).text
    spdx = api.convert(cdx, "spdx3", reproducible=True)
    a, b = api.assess(api.read_bom(cdx)), api.assess(api.read_bom(spdx))
    assert [(f.requirement, f.status) for f in a.findings] == [(f.requirement, f.status) for f in b.findings]


def test_another_tools_spdx3_ai_document_is_read() -> None:
    from aibom.emit.spdx3_reader import from_jsonld

    ci = {"type": "CreationInfo", "@id": "_:c", "specVersion": "3.0.1", "created": "2026-01-01T00:00:00Z",
          "createdBy": ["urn:x:agent"]}
    doc = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
        ci,
        {"type": "ai_AIPackage", "spdxId": "urn:x:m", "creationInfo": "_:c", "name": "acme-7b",
         "software_packageUrl": "pkg:huggingface/acme/acme-7b@" + "a" * 40},
        {"type": "software_File", "spdxId": "urn:x:f", "creationInfo": "_:c", "name": "model.safetensors",
         "verifiedUsing": [{"type": "Hash", "algorithm": "sha256", "hashValue": "b" * 64}]},
        {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:x:l", "creationInfo": "_:c",
         "simplelicensing_licenseExpression": "Apache-2.0"},
        {"type": "Relationship", "spdxId": "urn:x:r", "creationInfo": "_:c", "from": "urn:x:m",
         "relationshipType": "hasDeclaredLicense", "to": ["urn:x:l"]},
    ]}
    prov = from_jsonld(json.dumps(doc))
    assert (prov.name, prov.repo_id) == ("acme-7b", "acme/acme-7b")
    assert [(f.path, f.role, f.sha256) for f in prov.files] == [("model.safetensors", "weights", "b" * 64)]
    assert [lic.spdx for lic in prov.licenses] == ["Apache-2.0"]


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                       lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(
                           ["type", "spdxId", "name", "from", "to", "relationshipType", "verifiedUsing", "rootElement",
                            "hashValue", "algorithm", "simplelicensing_licenseExpression", "externalRef", "locator",
                            "comment", "ai_hyperparameter", "key", "value", "suppliedBy"]), c, max_size=6),
                       max_leaves=30)
TYPES = st.sampled_from(["ai_AIPackage", "software_File", "Relationship", "dataset_DatasetPackage", "software_Sbom",
                         "simplelicensing_LicenseExpression", "Organization", 7, None])


@settings(max_examples=60, deadline=None)  # each example also runs the SHACL validation (~0.1 s)
@given(st.lists(st.tuples(TYPES, JSONISH), max_size=8))
def test_any_spdx3_shaped_input_reads_or_is_refused_in_one_line(elements: list[tuple[object, object]]) -> None:
    from aibom.emit.spdx3_reader import from_jsonld
    from aibom.errors import InputError

    graph = [{**(e if isinstance(e, dict) else {"value": e}), "type": t} for t, e in elements]
    text = json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph})
    try:
        prov = from_jsonld(text)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert prov.name
    assert isinstance(problems(text), list)
