"""MOF rules one at a time, on small MOT documents and on hand-built collected Provenances."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from aibom.collect.mot import from_mot
from aibom.licenses import resolve
from aibom.model import (
    CardFacts,
    Dataset,
    Evidence,
    FileEntry,
    Metric,
    Provenance,
    Reference,
    Unknown,
)
from aibom.score.mof import MofResult, assess, classify, component_states, components

CLASS_III = ("Model architecture", "Model parameters (Final)", "Evaluation results", "Model card",
             "Data card", "Technical report")
CLASS_II = ("Training code", "Inference code", "Evaluation code", "Evaluation data")
CLASS_I = ("Datasets", "Data preprocessing code", "Model parameters (Intermediate)", "Research paper")
OPEN_FOR = {"code": "Apache-2.0", "data": "CDLA-Permissive-2.0", "document": "CC-BY-4.0"}
TYPES = {c.name: c.content_type for c in components()}


def doc(comps: dict[str, str | None], license: dict[str, Any] | None = None) -> dict[str, Any]:
    """A MOT document; a component maps to its own license, or None for no `license` key."""
    items = [{"name": n, "description": n} | ({} if lic is None else {"license": lic})
             for n, lic in comps.items()]
    return {"framework": {"name": "Model Openness Framework", "version": "1.0"},
            "release": {"name": "Test", "license": license or {}, "components": items}}


def open_all(*names: str) -> dict[str, str | None]:
    return {n: OPEN_FOR[TYPES[n]] for n in names}


def states(comps: dict[str, str | None], license: dict[str, Any] | None = None) -> dict[str, str]:
    return {s.component.name: s.status for s in component_states(from_mot(doc(comps, license), "t.yml"))}


def result(comps: dict[str, str | None], license: dict[str, Any] | None = None) -> MofResult:
    return classify(from_mot(doc(comps, license), "t.yml"))


def test_seventeen_components_in_mot_order() -> None:
    names = [c.name for c in components()]
    assert len(names) == 17
    assert names[:3] == ["Datasets", "Data preprocessing code", "Model architecture"]
    assert sum(c.required for c in components()) == 14
    assert {c.name for c in components() if not c.required} == {
        "Model metadata", "Supporting libraries and tools", "Sample model outputs"}


def test_licenses_match_exact_spdx_ids_only() -> None:
    got = states({"Model architecture": "Apache 2.0", "Training code": "apache-2.0",
                  "Inference code": "Apache-2.0"})
    assert got["Model architecture"] == "invalid"
    assert got["Training code"] == "invalid"
    assert got["Inference code"] == "open"


def test_open_means_osi_fsf_open_data_or_openmdw() -> None:
    licenses = {"Datasets": "CC-BY-NC-4.0", "Evaluation data": "ODbL-1.0",
                "Model parameters (Final)": "OpenMDW-1.0", "Training code": "GPL-3.0-only",
                "Model card": "CC-BY-ND-4.0", "Data card": "CC-BY-SA-4.0",
                "Inference code": "Llama 2 Community License"}
    got = states(dict(licenses))
    assert {n: got[n] for n in licenses} == {
        "Datasets": "invalid", "Evaluation data": "open", "Model parameters (Final)": "open",
        "Training code": "open", "Model card": "invalid", "Data card": "open", "Inference code": "invalid"}


def test_license_resolution_order() -> None:
    got = states(
        {"Training code": "unlicensed", "Inference code": None, "Datasets": None, "Model card": None,
         "Evaluation code": ""},
        {"code": {"name": "MIT"}, "distribution": {"name": "Llama 2 Community License"}},
    )
    assert got["Training code"] == "unlicensed"  # `unlicensed` means none, it does not inherit
    assert got["Inference code"] == "open"  # global code license
    assert got["Evaluation code"] == "open"  # an empty license inherits too
    assert got["Datasets"] == "invalid"  # no data license: the distribution license
    assert got["Model card"] == "invalid"
    assert states({"Model card": None})["Model card"] == "unlicensed"


def test_class_iii_ii_i_and_progress() -> None:
    three = result(open_all(*CLASS_III))
    assert three.mof_class == 3
    assert dict(three.progress) == {3: 100.0, 2: 60.0, 1: 0.0}
    assert dict(three.blockers)[2] == tuple(f"{n}(missing)" for n in CLASS_II)
    two = result(open_all(*CLASS_III, *CLASS_II))
    assert (two.mof_class, dict(two.progress)) == (2, {3: 100.0, 2: 100.0, 1: 71.43})
    one = result(open_all(*CLASS_III, *CLASS_II, *CLASS_I))
    assert one.to_dict() == {"class": 1, "progress": {"1": 100.0, "2": 100.0, "3": 100.0},
                             "blockers": {"1": [], "2": [], "3": []}}
    assert one.label == "Class I - Open Science Model"


def test_higher_class_progress_is_zero_while_a_lower_class_is_incomplete() -> None:
    comps = open_all(*CLASS_III, *CLASS_II) | {"Model card": "unlicensed"}
    got = result(comps)
    assert got.mof_class == 0
    assert dict(got.progress) == {3: 83.33, 2: 0.0, 1: 0.0}
    assert dict(got.blockers)[3] == ("Model card(unlicensed)",)


def test_open_research_paper_stands_in_for_the_technical_report() -> None:
    without_report = [n for n in CLASS_III if n != "Technical report"]
    stand_in = result(open_all(*without_report, "Research paper"))
    assert stand_in.mof_class == 3
    assert dict(stand_in.blockers)[3] == ()
    closed_paper = result(open_all(*without_report) | {"Research paper": "unlicensed"})
    assert closed_paper.mof_class == 0
    assert dict(closed_paper.blockers)[3] == ("Technical report(missing)",)
    # In class I the paper is itself required: the report leaves the count (12 of 13).
    almost = result(open_all(*without_report, *CLASS_II, *CLASS_I)
                    | {"Model parameters (Intermediate)": None})
    assert dict(almost.progress)[1] == 92.31
    assert dict(almost.blockers)[1] == ("Model parameters (Intermediate)(unlicensed)",)


def test_open_but_not_type_appropriate_counts_with_a_warning() -> None:
    a = assess(from_mot(doc(open_all(*CLASS_III) | {"Model parameters (Final)": "MIT"}), "t.yml"))
    assert a.mof is not None and a.mof.mof_class == 3
    assert a.mof.not_type_appropriate == ("Model parameters (Final)",)
    finding = next(f for f in a.findings if f.title == "Model parameters (Final)")
    assert finding.status == "met"
    assert "not meant for data" in finding.reason


def test_assess_one_finding_per_required_component_with_evidence_and_fix() -> None:
    a = assess(from_mot(doc({"Model architecture": "Apache-2.0", "Training code": "Proprietary",
                              "Model card": "unlicensed"}), "t.yml"))
    assert a.profile == "mof"
    assert len(a.findings) == 14
    by_title = {f.title: f for f in a.findings}
    arch = by_title["Model architecture"]
    assert (arch.requirement, arch.status, arch.fix) == ("mof-model-architecture", "met", "")
    assert [e.location for e in arch.evidence] == [
        "t.yml#release.components[0]", "t.yml#release.components[0].license"]
    code = by_title["Training code"]
    assert code.status == "unmet"
    assert "Proprietary is not OSI-approved" in code.reason
    assert code.fix == "publish the Training code under an OSI-approved license such as Apache-2.0 or MIT"
    assert by_title["Model card"].reason.startswith("Model card: included but no license is stated")
    data = by_title["Datasets"]
    assert (data.status, data.evidence) == ("unmet", ())
    assert "open-data license" in data.fix
    assert a.mof is not None and dict(a.mof.progress)[3] == 16.67
    assert dict(a.mof.blockers)[3][:2] == ("Model parameters (Final)(missing)", "Evaluation results(missing)")


def test_optional_components_are_reported_only_when_included() -> None:
    a = assess(from_mot(doc({"Sample model outputs": "Proprietary"}), "t.yml"))
    optional = [f for f in a.findings if f.title == "Sample model outputs"]
    assert [f.status for f in optional] == ["partial"]
    assert "does not change the class" in optional[0].reason


# --- a model collected from a folder or the Hub: no MOT file, components read off the facts ---

LOCAL = Evidence("local", "README.md#front-matter", "declared")


def collected(license_raw: str, **changes: Any) -> Provenance:
    def entry(path: str, role: str) -> FileEntry:
        return FileEntry(path, 10, "0" * 64, role, Evidence("local", path, "computed"))  # type: ignore[arg-type]

    base = Provenance(
        name="demo", identity=LOCAL, source="local",
        files=(entry("model.safetensors", "weights"), entry("config.json", "config"),
               entry("README.md", "doc")),
        licenses=(resolve(license_raw, LOCAL),),
        card=CardFacts(metrics=(Metric("accuracy", "0.9", LOCAL, dataset="glue"),)),
    )
    return base.with_changes(**changes)


def test_collected_model_maps_files_card_references_and_datasets_to_components() -> None:
    prov = collected(
        "apache-2.0",  # a Hub license id: judged by its SPDX id, unlike a MOT declaration
        references=(
            Reference("https://github.com/o/train", "training-code", LOCAL, (resolve("MIT", LOCAL),)),
            Reference("https://arxiv.org/abs/2401.00001", "research-paper", LOCAL),
        ),
        datasets=(Dataset("org/data", LOCAL, licenses=(resolve("cc-by-4.0", LOCAL),)),),
    )
    got = {s.component.name: s.status for s in component_states(prov)}
    assert got["Model parameters (Final)"] == "open"
    assert got["Model architecture"] == "open"
    assert got["Model card"] == "open"
    assert got["Evaluation results"] == "open"
    assert got["Training code"] == "open"
    assert got["Datasets"] == "open"
    assert got["Research paper"] == "unlicensed"
    assert got["Data card"] == "missing"
    assert classify(prov).mof_class == 0
    findings = {f.title: f for f in assess(prov).findings}
    # the paper's link was not followed: its license is unknown, not absent
    assert (findings["Research paper"].status, findings["Data card"].status) == ("unknown", "unmet")
    assert findings["Research paper"].fix == "declare the license of the Research paper in aibom.yaml"


def test_collected_model_under_a_community_license_is_not_open() -> None:
    prov = collected("llama2")
    got = {s.component.name: s.status for s in component_states(prov)}
    assert got["Model parameters (Final)"] == "invalid"
    assert got["Model card"] == "invalid"


def test_declared_component_facts_win_over_what_the_files_suggest() -> None:
    mot = Evidence("mot", "m.yml#release.components[0]", "declared")
    card = Reference("", "model-card", mot, (resolve("CC-BY-4.0", mot),), comment="Model card", licenses_stated=True)
    code = Reference("", "training-code", mot, (resolve("MIT", mot),), comment="Training code", licenses_stated=True)
    linked = Reference("https://github.com/o/train", "training-code", LOCAL)  # from the card, unfollowed
    prov = collected("llama2", references=(card, code, linked))
    got = {s.component.name: s.status for s in component_states(prov)}
    assert got["Model card"] == "open"
    assert got["Training code"] == "open"
    assert got["Model parameters (Final)"] == "invalid"


def test_what_the_facts_say_decides_not_which_collector_made_them() -> None:
    """The same MOF-scheme license and stated-licenses flag from any collector are judged the same."""
    declared = Evidence("declarations", "aibom.yaml#/references/0", "declared")
    mof_lic = replace(resolve("MIT OR Apache-2.0", declared), raw="MIT OR Apache-2.0", scheme="mof")
    as_mof = Reference("", "model-architecture", declared, (mof_lic,), comment="Model architecture",
                       licenses_stated=True)
    unlicensed = Reference("", "training-code", declared, (), comment="Training code", licenses_stated=True)
    linked = Reference("https://github.com/o/train", "training-code", declared)
    got = {s.component.name: s for s in component_states(Provenance("m", LOCAL, "local",
                                                                    references=(as_mof, unlicensed, linked)))}
    assert got["Model architecture"].status == "invalid"  # compared as written, as MOT does
    assert got["Training code"].status == "unlicensed" and not got["Training code"].license_unknown
    alone = {s.component.name: s for s in component_states(Provenance("m", LOCAL, "local", references=(linked,)))}
    assert alone["Training code"].status == "unlicensed" and alone["Training code"].license_unknown


def test_spdx_expressions_of_collected_licenses() -> None:
    def arch(raw: str) -> str:
        ref = Reference("https://x/y", "model-architecture", LOCAL, (resolve(raw, LOCAL),))
        prov = Provenance("m", LOCAL, "local", references=(ref,))
        return {s.component.name: s.status for s in component_states(prov)}["Model architecture"]

    assert arch("MIT OR Apache-2.0") == "open"
    assert arch("MIT AND CC-BY-NC-4.0") == "invalid"
    assert arch("Apache-2.0 WITH LLVM-exception") == "open"
    # a MOT declaration is compared as written: an expression is no license id
    assert states({"Model architecture": "MIT OR Apache-2.0"})["Model architecture"] == "invalid"


def test_unknown_is_not_unmet() -> None:
    unknowns = (Unknown("model", "datasets", "the card names none"),)
    prov = Provenance("m", LOCAL, "hub", unknowns=unknowns)
    by_title = {f.title: f for f in assess(prov).findings}
    assert by_title["Datasets"].status == "unknown"
    assert by_title["Inference code"].status == "unmet"
    unread = prov.with_changes(unknowns=(Unknown("model", "card", "README.md could not be fetched (gated)"),))
    by_title = {f.title: f for f in assess(unread).findings}
    assert by_title["Training code"].status == by_title["Inference code"].status == "unknown"
    assert classify(prov).mof_class == classify(unread).mof_class == 0  # an unknown never counts as open


def test_model_license_unknown_or_absent() -> None:
    absent = collected("mit").with_changes(licenses=())
    assert {f.title: f.status for f in assess(absent).findings}["Model parameters (Final)"] == "unmet"
    unknown = absent.with_changes(unknowns=(Unknown("model", "license", "no license in the card"),))
    assert {f.title: f.status for f in assess(unknown).findings}["Model parameters (Final)"] == "unknown"


def test_a_local_copy_without_weights_leaves_them_unknown_and_every_reason_names_its_component(
        tmp_path: Path) -> None:
    from aibom.collect.local import collect_folder
    from aibom.collect.options import CollectOptions

    root = tmp_path / "copy"
    root.mkdir()
    (root / "README.md").write_text("---\nlicense: apache-2.0\n---\n# acme-7b\n\nA model card only.\n")
    found = {f.title: f for f in assess(collect_folder(root, CollectOptions())).findings}
    weights = found["Model parameters (Final)"]
    assert weights.status == "unknown" and "not in this copy of the model" in weights.reason
    assert found["Training code"].status == "unmet"  # the card, read whole, links none
    assert all(f.reason.startswith((f.title, "Could not tell whether the " + f.title, "The Research paper"))
               for f in found.values())
