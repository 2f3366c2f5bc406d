"""compare() on hand-built Provenance pairs: one mutation at a time, each reported once."""

from __future__ import annotations

from dataclasses import replace

from aibom.diff import GROUPS, KINDS, Change, Changes, compare
from aibom.identity import hf_purl
from aibom.model import (
    Assessment,
    BaseModel,
    CardFacts,
    Consideration,
    Dataset,
    Evidence,
    Fact,
    FileEntry,
    Finding,
    License,
    Metric,
    Provenance,
    Reference,
    WeightInfo,
)

EV = Evidence("local", "README.md#front-matter", "declared")
SHA_A = "a" * 64
SHA_B = "b" * 64


def lic(spdx: str, category: str, ev: Evidence = EV) -> License:
    return License(raw=spdx.lower(), evidence=ev, spdx=spdx, category=category)


def weights_file(path: str, sha: str = SHA_A, size: int = 1000, fmt: str = "safetensors",
                 params: tuple[tuple[str, int], ...] = (("F32", 250),)) -> FileEntry:
    info = WeightInfo(fmt, Evidence("local", f"{path}#header", "computed"), parameters=params)
    return FileEntry(path, size, sha, "weights", Evidence("local", path, "computed"), info)


def base_prov(ev: Evidence = EV) -> Provenance:
    return Provenance(
        name="tiny-llama-ft",
        identity=ev,
        source="local",
        repo_id="acme/tiny-llama-ft",
        revision="1111111",
        purl=hf_purl("acme/tiny-llama-ft", "1111111"),
        files=(
            FileEntry("README.md", 500, "c" * 64, "doc", ev),
            FileEntry("config.json", 200, "d" * 64, "config", ev),
            weights_file("model.safetensors"),
        ),
        licenses=(lic("Apache-2.0", "permissive", ev),),
        datasets=(
            Dataset("acme/instructions", ev, licenses=(lic("CC-BY-4.0", "open-data-permissive", ev),)),
            Dataset("wikitext", ev),
        ),
        base_models=(BaseModel("TinyLlama/TinyLlama-1.1B", "fine-tune", ev),),
        card=CardFacts(
            task=Fact("text-generation", ev),
            model_architecture=Fact("LlamaForCausalLM", ev),
            metrics=(Metric("accuracy", "0.71", ev, dataset="hellaswag", split="validation",
                            task="text-generation"),),
            considerations=(Consideration("limitations", "May hallucinate.", ev),),
        ),
        assessments=(Assessment("core", (
            Finding("open-weights", "Open weights", "met", "weights public under Apache-2.0"),
            Finding("open-data", "Open data", "partial", "one dataset has no license"),
        )),),
    )


def only(changes: Changes, kind: str) -> Change:
    found = [c for c in changes.changes if c.kind == kind]
    assert len(found) == 1, found
    return found[0]


def test_identical_provenance_has_no_changes() -> None:
    changes = compare(base_prov(), base_prov())
    assert changes.changes == ()
    assert changes.max_severity is None
    assert changes.count_by_kind() == ()


def test_evidence_and_bom_details_are_ignored() -> None:
    other = Evidence("aibom-bom", "bom.json#/components/0", "computed", quote="x")
    assert compare(base_prov(), base_prov(other)).changes == ()


def test_license_becoming_non_commercial_is_high() -> None:
    new = base_prov().with_changes(licenses=(lic("CC-BY-NC-4.0", "non-commercial"),))
    changes = compare(base_prov(), new)
    assert len(changes.changes) == 1
    c = only(changes, "license")
    assert (c.subject, c.old, c.new, c.severity) == ("model", "Apache-2.0", "CC-BY-NC-4.0", "high")
    assert c.message == "License became non-commercial (Apache-2.0 → CC-BY-NC-4.0)"
    assert "license" in c.groups and "any" in c.groups
    assert changes.max_severity == "high"


def test_license_becoming_less_restrictive_is_low_and_same_category_is_medium() -> None:
    nc = base_prov().with_changes(licenses=(lic("CC-BY-NC-4.0", "non-commercial"),))
    assert only(compare(nc, base_prov()), "license").severity == "low"
    mit = base_prov().with_changes(licenses=(lic("MIT", "permissive"),))
    c = only(compare(base_prov(), mit), "license")
    assert c.severity == "medium"
    assert "(Apache-2.0 → MIT)" in c.message


def test_license_gone_is_medium_and_duplicate_statements_count_once() -> None:
    c = only(compare(base_prov(), base_prov().with_changes(licenses=())), "license")
    assert (c.old, c.new, c.severity) == ("Apache-2.0", None, "medium")
    from_file = lic("Apache-2.0", "permissive", Evidence("local", "LICENSE", "inferred"))
    twice = base_prov().with_changes(licenses=(lic("Apache-2.0", "permissive"), from_file))
    assert compare(base_prov(), twice).changes == ()


def test_dataset_removed_and_added_and_case_insensitive_ids() -> None:
    old = base_prov()
    ds_upper = replace(old.datasets[0], id="ACME/Instructions")
    assert compare(old, old.with_changes(datasets=(ds_upper, old.datasets[1]))).changes == ()
    removed = compare(old, old.with_changes(datasets=old.datasets[:1]))
    c = only(removed, "dataset-removed")
    assert (c.subject, c.old, c.new, c.severity) == ("wikitext", "wikitext", None, "medium")
    assert "datasets" in c.groups
    added = compare(old.with_changes(datasets=old.datasets[:1]), old)
    assert only(added, "dataset-added").subject == "wikitext"


def test_dataset_license_change() -> None:
    old = base_prov()
    nc = replace(old.datasets[0], licenses=(lic("CC-BY-NC-4.0", "non-commercial"),))
    c = only(compare(old, old.with_changes(datasets=(nc, old.datasets[1]))), "dataset-license")
    assert (c.subject, c.old, c.new, c.severity) == ("acme/instructions", "CC-BY-4.0", "CC-BY-NC-4.0", "high")
    assert set(c.groups) >= {"license", "datasets"}


def test_base_model_swapped_is_one_high_change() -> None:
    old = base_prov()
    new = old.with_changes(base_models=(BaseModel("meta-llama/Llama-3.2-1B", "fine-tune", EV),))
    changes = compare(old, new)
    assert len(changes.changes) == 1
    c = only(changes, "base-model")
    assert (c.old, c.new, c.severity) == ("TinyLlama/TinyLlama-1.1B", "meta-llama/Llama-3.2-1B", "high")
    assert "lineage" in c.groups


def test_base_model_relation_change_and_case() -> None:
    old = base_prov()
    same = old.with_changes(base_models=(BaseModel("tinyllama/tinyllama-1.1b", "fine-tune", EV),))
    assert compare(old, same).changes == ()
    adapter = old.with_changes(base_models=(BaseModel("TinyLlama/TinyLlama-1.1B", "adapter", EV),))
    c = only(compare(old, adapter), "base-model")
    assert (c.old, c.new, c.severity) == ("fine-tune", "adapter", "medium")


def test_weight_byte_flipped_is_a_weights_file_change() -> None:
    old = base_prov()
    new = old.with_changes(files=(*old.files[:2], weights_file("model.safetensors", sha=SHA_B)))
    changes = compare(old, new)
    assert len(changes.changes) == 1
    c = only(changes, "file-changed")
    assert (c.subject, c.old, c.new, c.severity) == ("model.safetensors", SHA_A, SHA_B, "medium")
    assert c.message.startswith("Weights file model.safetensors changed")
    assert set(c.groups) == {"files", "weights", "any"}


def test_doc_file_change_is_info_and_not_a_weights_change() -> None:
    old = base_prov()
    readme = replace(old.files[0], sha256="e" * 64, size=501)
    c = only(compare(old, old.with_changes(files=(readme, *old.files[1:]))), "file-changed")
    assert c.severity == "info"
    assert "weights" not in c.groups
    assert "size 500 → 501 bytes" in c.message


def test_shard_added_is_a_weights_file_added_with_parameter_change() -> None:
    old = base_prov()
    shard = weights_file("model-00002-of-00002.safetensors", sha=SHA_B)
    changes = compare(old, old.with_changes(files=(*old.files, shard)))
    c = only(changes, "file-added")
    assert (c.subject, c.old, c.new) == ("model-00002-of-00002.safetensors", None, SHA_B)
    assert c.severity == "medium"
    assert "weights" in c.groups
    p = only(changes, "parameters")
    assert (p.subject, p.old, p.new) == ("count", "250", "500")
    assert [x.kind for x in changes.changes] == ["parameters", "file-added"]


def test_safetensors_replaced_by_pickle_is_a_high_risk_format_change() -> None:
    old = base_prov()
    pickle = FileEntry("pytorch_model.bin", 1200, SHA_B, "weights", EV)
    changes = compare(old, old.with_changes(files=(*old.files[:2], pickle)))
    fmt = only(changes, "weight-format")
    assert (fmt.old, fmt.new, fmt.severity) == ("safetensors", "pickle", "high")
    assert "can run code" in fmt.message
    assert only(changes, "file-removed").subject == "model.safetensors"
    assert only(changes, "file-added").subject == "pytorch_model.bin"
    back = only(compare(old.with_changes(files=(*old.files[:2], pickle)), old), "weight-format")
    assert back.severity == "info"


def test_new_weight_risk_is_high() -> None:
    old = base_prov()
    info = old.files[2].weights
    assert info is not None
    risky = replace(old.files[2], weights=replace(info, risks=("header declares executable code",)))
    c = only(compare(old, old.with_changes(files=(*old.files[:2], risky))), "weight-risk")
    assert (c.severity, c.new) == ("high", "header declares executable code")


def test_risks_of_an_added_file_are_new_and_of_a_removed_file_are_not_reported() -> None:
    old = base_prov()
    info = WeightInfo("pickle", EV, risks=("pickle-executable-on-load",))
    pickled = FileEntry("pytorch_model.bin", 70, SHA_B, "weights", EV, info)
    added = compare(old, old.with_changes(files=(*old.files, pickled)))
    c = only(added, "weight-risk")
    assert (c.subject, c.old, c.severity) == ("pytorch_model.bin", None, "high")
    assert c.new == "pickle-executable-on-load"
    removed = compare(old.with_changes(files=(*old.files, pickled)), old)
    assert [x.kind for x in removed.changes] == ["weight-format", "file-removed"]


def test_dtype_change() -> None:
    old = base_prov()
    half = weights_file("model.safetensors", params=(("BF16", 250),))
    c = only(compare(old, old.with_changes(files=(*old.files[:2], half))), "parameters")
    assert (c.subject, c.old, c.new, c.severity) == ("dtype", "F32", "BF16", "medium")


def test_metrics_task_and_considerations() -> None:
    old = base_prov()
    card = replace(
        old.card,
        task=Fact("text2text-generation", EV),
        metrics=(replace(old.card.metrics[0], value="0.74"),),
        considerations=(Consideration("limitations", "May hallucinate facts.", EV),),
    )
    changes = compare(old, old.with_changes(card=card))
    by_subject = {c.subject: c for c in changes.changes}
    assert len(changes.changes) == 3
    metric = by_subject["metric text-generation / hellaswag / validation / accuracy"]
    assert (metric.old, metric.new, metric.severity) == ("0.71", "0.74", "low")
    assert (by_subject["task"].old, by_subject["task"].new) == ("text-generation", "text2text-generation")
    assert by_subject["task"].severity == "medium"
    assert by_subject["considerations limitations"].severity == "info"


def test_openness_regression() -> None:
    old = base_prov()
    worse = Assessment("core", (
        Finding("open-weights", "Open weights", "unmet", "license is non-commercial"),
        Finding("open-data", "Open data", "met", "all datasets open"),
    ))
    changes = compare(old, old.with_changes(assessments=(worse,)))
    statuses = {c.subject: (c.old, c.new, c.severity) for c in changes.changes}
    assert statuses == {
        "core open-weights": ("met", "unmet", "high"),
        "core open-data": ("partial", "met", "info"),
    }
    other_profile = old.with_changes(assessments=(replace(worse, profile="mof"),))
    assert compare(old, other_profile).changes == ()


def test_openness_ranks_statuses_as_the_scorer_does() -> None:
    """unknown → partial is a regression (partial fails --fail-on unmet); partial → unknown is not."""
    def assessed(status: str) -> Assessment:
        return Assessment("core", (Finding("open-data", "Open data", status, "r"),))

    def severity(before: str, after: str) -> str:
        old = base_prov().with_changes(assessments=(assessed(before),))
        (change,) = compare(old, old.with_changes(assessments=(assessed(after),))).changes
        return change.severity

    assert severity("unknown", "partial") == "medium"
    assert severity("partial", "unknown") == "info"
    assert severity("unknown", "unmet") == "medium"
    assert severity("unmet", "partial") == "info"


def test_openness_summary_reports_the_verdict_not_the_counts() -> None:
    old = base_prov()
    before = replace(old.assessments[0], summary=(("met", "1"), ("partial", "1"), ("verdict", "Partly open"),
                                                  ("blockers.1", "Datasets(missing)")))
    after = replace(before, summary=(("met", "2"), ("partial", "0"), ("verdict", "Open"), ("blockers.1", "")))
    changes = compare(old.with_changes(assessments=(before,)), old.with_changes(assessments=(after,)))
    c = only(changes, "openness")
    assert (c.subject, c.old, c.new, c.severity) == ("core verdict", "Partly open", "Open", "info")


def test_gated_and_revision_and_identity() -> None:
    old = base_prov()
    new = old.with_changes(gated=True, revision="2222222", purl=hf_purl("acme/tiny-llama-ft", "2222222"))
    changes = compare(old.with_changes(gated=False), new)
    assert [(c.kind, c.severity) for c in changes.changes] == [("revision", "info"), ("access", "medium")]
    other = old.with_changes(repo_id="acme/other", purl=hf_purl("acme/other", "1111111"))
    c = only(compare(old, other), "identity")
    assert (c.old, c.new) == ("acme/tiny-llama-ft", "acme/other")


def test_every_change_is_in_any_and_known_groups_and_order_is_stable() -> None:
    old = base_prov()
    new = old.with_changes(
        licenses=(lic("CC-BY-NC-4.0", "non-commercial"),),
        datasets=old.datasets[:1],
        files=(old.files[1], FileEntry("pytorch_model.bin", 9, SHA_B, "weights", EV)),
        revision="2222222",
    )
    changes = compare(old, new)
    assert all("any" in c.groups and set(c.groups) <= set(GROUPS) for c in changes.changes)
    order = [(KINDS.index(c.kind), c.subject) for c in changes.changes]
    assert order == sorted(order)
    def shuffled(p):
        return p.with_changes(files=p.files[::-1], datasets=p.datasets[::-1], references=p.references[::-1])

    assert compare(shuffled(old), shuffled(new)) == changes  # input order does not matter
    assert changes.in_group("license")[0].kind == "license"
    assert {c.kind for c in changes.in_group("weights")} == {"weight-format", "file-added", "file-removed"}



def test_references_ignore_links_to_own_revision_and_to_datasets() -> None:
    def with_refs(rev: str, *refs: tuple[str, str]) -> Provenance:
        datasets = (Dataset("acme/instructions", EV, url="https://huggingface.co/datasets/acme/instructions"),)
        return base_prov().with_changes(
            revision=rev, purl=hf_purl("acme/tiny-llama-ft", rev), datasets=datasets,
            references=tuple(Reference(url, purpose, EV) for purpose, url in refs))

    old = with_refs("1111111aaaa",
                    ("repository", "https://huggingface.co/acme/tiny-llama-ft/commit/1111111aaaa2222"),
                    ("distribution", "https://huggingface.co/datasets/acme/instructions"),
                    ("model-card", "https://huggingface.co/acme/tiny-llama-ft/blob/main/README.md"),
                    ("training-code", "https://github.com/acme/train"))
    new = with_refs("3333333bbbb",
                    ("repository", "https://huggingface.co/acme/tiny-llama-ft/commit/3333333bbbb4444"),
                    ("model-card", "https://huggingface.co/ACME/tiny-llama-ft/blob/3333333bbbb4444/README.md"),
                    ("research-paper", "https://arxiv.org/abs/2401.00001"))
    changes = compare(old, new)
    refs = [(c.subject, c.old, c.new, c.severity) for c in changes.changes if c.kind == "reference"]
    assert refs == [("research-paper", None, "https://arxiv.org/abs/2401.00001", "low"),
                    ("training-code", "https://github.com/acme/train", None, "low")]
    assert [c.kind for c in changes.changes] == ["revision", "reference", "reference"]


def test_a_side_without_files_leaves_files_unknown_not_removed() -> None:
    old = base_prov()
    changes = compare(old, old.with_changes(files=()))
    assert changes.changes == ()
    assert changes.notes == ("files not compared: the new side lists none",)
    assert compare(old.with_changes(files=()), old).notes == ("files not compared: the old side lists none",)
    assert compare(old.with_changes(files=()), old.with_changes(files=())).notes == ()


def test_base_model_license_shift_is_a_license_change() -> None:
    old = base_prov()
    base = old.base_models[0]
    before = old.with_changes(base_models=(replace(base, licenses=(lic("Apache-2.0", "permissive"),)),))
    community = License("llama3", EV, spdx="LicenseRef-llama3", name="Llama 3 Community License",
                        category="proprietary-community")
    after = old.with_changes(base_models=(replace(base, licenses=(community,)),))
    c = only(compare(before, after), "license")
    assert (c.subject, c.old, c.new, c.severity) == ("base model TinyLlama/TinyLlama-1.1B", "Apache-2.0",
                                                     "LicenseRef-llama3", "high")
    assert c.message.startswith("Base model TinyLlama/TinyLlama-1.1B license became community license")
    unknown_now = old.with_changes(base_models=(base,))
    assert compare(before, unknown_now).changes == ()  # not looked up this time: unknown, not removed
