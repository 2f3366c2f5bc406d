"""What changed between two versions of a model: `compare(old, new) -> Changes`. Pure, no I/O.

Things are matched by identity, never by bom-ref: the model by purl without version (else repo id,
else name), files by path, datasets by id (Hub ids case-insensitively), base models by id, metrics
by (task, dataset, split, type), openness findings by (profile, requirement). Serial numbers,
timestamps, tool metadata and evidence are not compared.

Severity of each kind of change (H = high, M = medium, L = low, I = info):

    identity         M  the two sides are different models (purl / repo id / name)
    revision         I  revision or version changed
    license          H  category more restrictive (permissive -> non-commercial, -> use-restricted)
                     M  same category but another license; either category unknown; no longer stated
                     L  category less restrictive; a license now stated where none was
    dataset-license     as license, for a dataset present on both sides
    weight-format    H  a weight format that runs code when loaded (pickle) appeared
                     M  any other change of weight formats;  I  the code-running format went away
    weight-risk      H  a weight file (changed or added) has a new risk;  I  a risk went away
    base-model       H  base model swapped;  M  added, removed, relation changed;  L  its revision changed
    dataset-added    M
    dataset-removed  M
    parameters       M  parameter count or dtypes changed
    access           M  the model became gated;  I  it is no longer gated
    file-added       M  weights or code file;  L  config or tokenizer file;  I  any other file
    file-removed        as file-added
    file-changed        as file-added (SHA-256 or size differ; the more severe role when it changed)
    model-card       M  task or architecture;  L  metric, library, languages;  I  considerations
    openness         H  a requirement went met -> unmet;  M  any other worsening;  I  improvement, summary
    reference        L  an external reference added or removed (links to the model's own commit and
                        to its datasets are not compared here)

Each change also names the `--fail-on` groups it belongs to (`GROUPS`): license, weights, datasets,
lineage, openness, card, files; every change belongs to `any`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from aibom.identity import id_key, purl_base
from aibom.licenses import category_label, restrictiveness
from aibom.model import (
    STATUS_ORDER,
    STATUSES,
    Assessment,
    BaseModel,
    Dataset,
    FileEntry,
    License,
    Metric,
    Provenance,
    Reference,
    Unknown,
)

T = TypeVar("T")
Severity = Literal["high", "medium", "low", "info"]

SEVERITIES: tuple[str, ...] = ("high", "medium", "low", "info")
"""Most severe first."""

KINDS: tuple[str, ...] = (
    "identity",
    "revision",
    "license",
    "dataset-license",
    "weight-format",
    "weight-risk",
    "base-model",
    "dataset-added",
    "dataset-removed",
    "parameters",
    "access",
    "file-added",
    "file-removed",
    "file-changed",
    "model-card",
    "openness",
    "reference",
)
"""Every kind of change, in report order."""

GROUPS: tuple[str, ...] = ("license", "weights", "datasets", "lineage", "openness", "card", "files", "any")
"""What `--fail-on` accepts."""

_KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("lineage",),
    "revision": (),
    "license": ("license",),
    "dataset-license": ("license", "datasets"),
    "weight-format": ("weights",),
    "weight-risk": ("weights",),
    "base-model": ("lineage",),
    "dataset-added": ("datasets",),
    "dataset-removed": ("datasets",),
    "parameters": ("weights",),
    "access": ("openness",),
    "file-added": ("files",),
    "file-removed": ("files",),
    "file-changed": ("files",),
    "model-card": ("card",),
    "openness": ("openness",),
    "reference": (),
}

CODE_RUNNING_FORMATS = frozenset({"pickle"})
"""Weight formats whose loading can execute code."""

_SUFFIX_FORMATS: tuple[tuple[str, str], ...] = (  # when a BOM records no header inspection of the file
    (".safetensors", "safetensors"),
    (".gguf", "gguf"),
    (".onnx", "onnx"),
    (".bin", "pickle"),
    (".pt", "pickle"),
    (".pth", "pickle"),
    (".ckpt", "pickle"),
    (".pkl", "pickle"),
    (".h5", "hdf5"),
    (".msgpack", "flax-msgpack"),
)
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_FILE_SEVERITY: dict[str, Severity] = {
    "weights": "medium", "code": "medium", "config": "low", "tokenizer": "low",
}


@dataclass(frozen=True)
class Change:
    """One difference: what kind, about what, old and new values, how serious, in one line."""

    kind: str
    subject: str
    old: str | None
    new: str | None
    severity: Severity
    message: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Side:
    """Which model one side of the diff is, and what could not be read about it."""

    name: str
    revision: str | None
    purl: str | None
    repo_id: str | None
    source: str
    unknowns: tuple[Unknown, ...] = ()


@dataclass(frozen=True)
class Changes:
    """The result of `compare`: both sides and the changes in stable order."""

    old: Side
    new: Side
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()
    """What could not be compared (one side does not list it at all: unknown, not removed)."""

    def count_by_kind(self) -> tuple[tuple[str, int], ...]:
        return tuple((k, n) for k in KINDS if (n := sum(c.kind == k for c in self.changes)))

    def count_by_severity(self) -> tuple[tuple[str, int], ...]:
        return tuple((s, sum(c.severity == s for c in self.changes)) for s in SEVERITIES)

    @property
    def max_severity(self) -> str | None:
        return next((s for s, n in self.count_by_severity() if n), None)

    def in_group(self, group: str) -> tuple[Change, ...]:
        """The changes a `--fail-on GROUP` gate would stop on (a group of `GROUPS` or a kind of `KINDS`)."""
        return tuple(c for c in self.changes if group in c.groups or group == c.kind)


def compare(old: Provenance, new: Provenance) -> Changes:
    """Every difference between `old` and `new` that matters to someone adopting the new version.

    A side that lists no files at all (a BOM from a tool that does not record them) leaves the files
    unknown: they are not compared, and a note says so.
    """
    notes = tuple(f"files not compared: the {label} side lists none"
                  for label, prov, other in (("old", old, new), ("new", new, old)) if other.files and not prov.files)
    files = () if notes else (old.files, new.files)
    found = [
        *_identity(old, new),
        *_licenses("license", "model", "License", old.licenses, new.licenses),
        *(_weights(*files) if files else ()),
        *_base_models(old.base_models, new.base_models),
        *_datasets(old.datasets, new.datasets),
        *_parameters(old, new),
        *_access(old.gated, new.gated),
        *(_files(*files) if files else ()),
        *_card(old, new),
        *_openness(old.assessments, new.assessments),
        *_references(old, new),
    ]
    found.sort(key=lambda c: (KINDS.index(c.kind), c.subject, c.message))
    return Changes(_side(old), _side(new), tuple(found), notes)


def _side(prov: Provenance) -> Side:
    return Side(prov.name, _revision(prov), prov.purl, prov.repo_id, prov.source, prov.unknowns)


def _change(kind: str, subject: str, old: object, new: object, severity: Severity, message: str) -> Change:
    return Change(kind, subject, _text(old), _text(new), severity, message, (*_KIND_GROUPS[kind], "any"))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _revision(prov: Provenance) -> str | None:
    """The revision, else the version in the purl."""
    if prov.revision:
        return prov.revision
    if not prov.purl or "@" not in prov.purl:
        return None
    return re.split(r"[?#]", prov.purl.rsplit("@", 1)[1])[0] or None


def _identity(old: Provenance, new: Provenance) -> list[Change]:
    if old.purl and new.purl:
        before, after = purl_base(old.purl), purl_base(new.purl)
    elif old.repo_id and new.repo_id:
        before, after = old.repo_id.casefold(), new.repo_id.casefold()
    else:
        before, after = old.name.casefold(), new.name.casefold()
    found = []
    if before != after:
        label_old, label_new = old.repo_id or old.name, new.repo_id or new.name
        found.append(_change("identity", "model", label_old, label_new, "medium",
                             f"Comparing different models ({label_old} → {label_new})"))
    rev_old, rev_new = _revision(old), _revision(new)
    if rev_old != rev_new:
        found.append(_change("revision", "model", rev_old, rev_new, "info",
                             f"Revision changed ({rev_old or 'none'} → {rev_new or 'none'})"))
    return found


def _license_key(lic: License) -> str:
    return lic.spdx or lic.name or lic.raw


def _license_text(licenses: Iterable[License]) -> str | None:
    keys = sorted({_license_key(lic) for lic in licenses})
    return " AND ".join(keys) if keys else None


def _category(licenses: tuple[License, ...]) -> str:
    """The most restrictive known category of a set of licenses; unknown if any is unknown."""
    categories = {lic.category for lic in licenses}
    if not categories or "unknown" in categories:
        return "unknown"
    return max(categories, key=restrictiveness)


def _licenses(kind: str, subject: str, what: str,
              old: tuple[License, ...], new: tuple[License, ...]) -> list[Change]:
    """At most one change: the license set of `subject` and the shift of its category."""
    before, after = _license_text(old), _license_text(new)
    if before == after:
        return []
    if after is None:
        return [_change(kind, subject, before, None, "medium", f"{what} no longer stated (was {before})")]
    if before is None:
        label = category_label(_category(new))
        return [_change(kind, subject, None, after, "low", f"{what} now stated: {after} ({label})")]
    cat_old, cat_new = _category(old), _category(new)
    values = f"({before} → {after})"
    severity: Severity
    if cat_old == "unknown" or cat_new == "unknown":
        severity = "medium"
        message = f"{what} changed {values}; category {category_label(cat_old)} → {category_label(cat_new)}"
    elif cat_old == cat_new:
        severity = "medium"
        message = f"{what} changed, still {category_label(cat_new)} {values}"
    else:
        severity = "high" if restrictiveness(cat_new) > restrictiveness(cat_old) else "low"
        message = f"{what} became {category_label(cat_new)} {values}"
    return [_change(kind, subject, before, after, severity, message)]


def _weight_format(entry: FileEntry) -> str:
    if entry.weights is not None:
        fmt = entry.weights.format.lower()
        return "pickle" if "pickle" in fmt or fmt in ("pytorch", "torch") else fmt
    name = entry.path.lower()
    return next((fmt for suffix, fmt in _SUFFIX_FORMATS if name.endswith(suffix)), "unknown")


def _weights(old: tuple[FileEntry, ...], new: tuple[FileEntry, ...]) -> list[Change]:
    found = []
    fmt_old = sorted({_weight_format(f) for f in old if f.role == "weights"})
    fmt_new = sorted({_weight_format(f) for f in new if f.role == "weights"})
    if fmt_old and fmt_new and fmt_old != fmt_new:
        before, after = ", ".join(fmt_old), ", ".join(fmt_new)
        risky = sorted((set(fmt_new) - set(fmt_old)) & CODE_RUNNING_FORMATS)
        message = f"Weights moved from {before} to {after}"
        severity: Severity
        if risky:
            severity, message = "high", f"{message} ({', '.join(risky)} can run code when loaded)"
        elif (set(fmt_old) - set(fmt_new)) & CODE_RUNNING_FORMATS:
            severity, message = "info", f"{message} (no code-running format left)"
        else:
            severity = "medium"
        found.append(_change("weight-format", "weights", before, after, severity, message))
    risks_old = {f.path: set(f.weights.risks) for f in old if f.weights is not None}
    for entry in new:
        if entry.weights is None:
            continue
        path, risks, before = entry.path, set(entry.weights.risks), risks_old.get(entry.path, set())
        found += [_change("weight-risk", path, None, r, "high", f"{path}: new risk: {r}")
                  for r in sorted(risks - before)]
        found += [_change("weight-risk", path, r, None, "info", f"{path}: risk gone: {r}")
                  for r in sorted(before - risks)]
    return found


def _matched(old: Iterable[T], new: Iterable[T], key: Callable[[T], str]) -> tuple[
        list[T], list[T], list[tuple[T, T]]]:
    """Items only in old, only in new, and pairs present in both, each in key order."""
    before = {key(x): x for x in old}
    after = {key(x): x for x in new}
    return ([before[k] for k in sorted(before.keys() - after.keys())],
            [after[k] for k in sorted(after.keys() - before.keys())],
            [(before[k], after[k]) for k in sorted(before.keys() & after.keys())])


def _base_models(old: tuple[BaseModel, ...], new: tuple[BaseModel, ...]) -> list[Change]:
    removed, added, both = _matched(old, new, lambda b: id_key(b.id))
    found = []
    if len(removed) == 1 and len(added) == 1:
        b_old, b_new = removed[0], added[0]
        found.append(_change("base-model", b_new.id, b_old.id, b_new.id, "high",
                             f"Base model swapped ({b_old.id} → {b_new.id}, {b_new.relation})"))
        both.append((b_old, b_new))
    else:
        for b in removed:
            found.append(_change("base-model", b.id, b.id, None, "medium", f"Base model removed: {b.id}"))
        for b in added:
            found.append(_change("base-model", b.id, None, b.id, "medium",
                                 f"Base model added: {b.id} ({b.relation})"))
    for b_old, b_new in both:
        if b_old.relation != b_new.relation:
            found.append(_change("base-model", b_new.id, b_old.relation, b_new.relation, "medium",
                                 f"Base model {b_new.id}: relation {b_old.relation} → {b_new.relation}"))
        if b_old.revision and b_new.revision and b_old.revision != b_new.revision:
            found.append(_change("base-model", b_new.id, b_old.revision, b_new.revision, "low",
                                 f"Base model {b_new.id}: revision {b_old.revision} → {b_new.revision}"))
        if b_old.licenses and b_new.licenses:
            found += _licenses("license", f"base model {b_new.id}", f"Base model {b_new.id} license",
                               b_old.licenses, b_new.licenses)
    return found


def _datasets(old: tuple[Dataset, ...], new: tuple[Dataset, ...]) -> list[Change]:
    removed, added, both = _matched(old, new, lambda d: id_key(d.id))
    found = []
    for d in removed:
        found.append(_change("dataset-removed", d.id, d.id, None, "medium", f"Dataset removed: {d.id}"))
    for d in added:
        lic = _license_text(d.licenses)
        note = f" ({lic}, {category_label(_category(d.licenses))})" if lic else ""
        found.append(_change("dataset-added", d.id, None, d.id, "medium", f"Dataset added: {d.id}{note}"))
    for d_old, d_new in both:
        found += _licenses("dataset-license", d_new.id, f"Dataset {d_new.id} license", d_old.licenses,
                           d_new.licenses)
    return found


def _dtypes(prov: Provenance) -> tuple[int | None, str | None]:
    counts: dict[str, int] = {}
    for entry in prov.weight_files:
        for dtype, n in entry.weights.parameters if entry.weights else ():
            counts[dtype] = counts.get(dtype, 0) + n
    total = prov.parameters.value if prov.parameters is not None else (sum(counts.values()) or None)
    return total, ", ".join(sorted(counts)) or None


def _parameters(old: Provenance, new: Provenance) -> list[Change]:
    (n_old, d_old), (n_new, d_new) = _dtypes(old), _dtypes(new)
    found = []
    if n_old is not None and n_new is not None and n_old != n_new:
        found.append(_change("parameters", "count", n_old, n_new, "medium",
                             f"Parameter count changed ({n_old:,} → {n_new:,})"))
    if d_old and d_new and d_old != d_new:
        found.append(_change("parameters", "dtype", d_old, d_new, "medium",
                             f"Weight dtypes changed ({d_old} → {d_new})"))
    return found


def _access(old: bool | None, new: bool | None) -> list[Change]:
    if old is None or new is None or old == new:
        return []
    if new:
        return [_change("access", "gated", "open", "gated", "medium", "Model became gated")]
    return [_change("access", "gated", "gated", "open", "info", "Model is no longer gated")]


def _file_change(kind: str, entries: tuple[FileEntry, ...], old: object, new: object, detail: str) -> Change:
    """A file-* change; weight and code files are called out, weight files join the `weights` group."""
    roles = sorted({f.role for f in entries})
    severity = min((_FILE_SEVERITY.get(r, "info") for r in roles), key=SEVERITIES.index)
    path = entries[-1].path
    called_out = " / ".join(r for r in roles if r in ("weights", "code"))
    label = f"{called_out.capitalize()} file {path}" if called_out else f"File {path}"
    change = _change(kind, path, old, new, severity, f"{label} {detail}")
    return replace(change, groups=("files", "weights", "any")) if "weights" in roles else change


def _files(old: tuple[FileEntry, ...], new: tuple[FileEntry, ...]) -> list[Change]:
    removed, added, both = _matched(old, new, lambda f: f.path)
    found = [_file_change("file-removed", (f,), f.sha256, None, "removed") for f in removed]
    found += [_file_change("file-added", (f,), None, f.sha256, "added") for f in added]
    for f_old, f_new in both:
        parts = []
        if f_old.sha256 and f_new.sha256 and f_old.sha256 != f_new.sha256:
            parts.append(f"sha256 {f_old.sha256[:12]}… → {f_new.sha256[:12]}…")
        if f_old.size is not None and f_new.size is not None and f_old.size != f_new.size:
            parts.append(f"size {f_old.size:,} → {f_new.size:,} bytes")
        if parts:
            sha = parts[0].startswith("sha256")
            values = (f_old.sha256, f_new.sha256) if sha else (f_old.size, f_new.size)
            detail = f"changed: {', '.join(parts)}"
            found.append(_file_change("file-changed", (f_old, f_new), *values, detail))
    return found


def _fact(fact: object) -> str | None:
    return None if fact is None else str(fact.value)


def _metric_key(m: Metric) -> str:
    return " / ".join(x for x in (m.task, m.dataset, m.split, m.type) if x)


def shorten(text: str, limit: int = 120) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _card(old: Provenance, new: Provenance) -> list[Change]:
    found = []
    fields: tuple[tuple[str, str, Severity], ...] = (
        ("task", "task", "medium"),
        ("architecture_family", "architecture family", "medium"),
        ("model_architecture", "architecture", "medium"),
        ("library", "library", "low"),
    )
    for attr, label, severity in fields:
        before, after = _fact(getattr(old.card, attr)), _fact(getattr(new.card, attr))
        if before != after:
            found.append(_change("model-card", label, before, after, severity,
                                 f"Model card {label} changed ({before or 'none'} → {after or 'none'})"))
    langs_old, langs_new = ", ".join(sorted(old.card.languages)), ", ".join(sorted(new.card.languages))
    if langs_old != langs_new:
        found.append(_change("model-card", "languages", langs_old or None, langs_new or None, "low",
                             f"Model card languages changed ({langs_old or 'none'} → {langs_new or 'none'})"))
    removed, added, both = _matched(old.card.metrics, new.card.metrics, _metric_key)
    for m in removed:
        found.append(_change("model-card", f"metric {_metric_key(m)}", m.value, None, "low",
                             f"Metric {_metric_key(m)} removed (was {m.value})"))
    for m in added:
        found.append(_change("model-card", f"metric {_metric_key(m)}", None, m.value, "low",
                             f"Metric {_metric_key(m)} added ({m.value})"))
    for m_old, m_new in both:
        if m_old.value != m_new.value:
            key = _metric_key(m_new)
            found.append(_change("model-card", f"metric {key}", m_old.value, m_new.value, "low",
                                 f"Metric {key} changed ({m_old.value} → {m_new.value})"))
    kinds = sorted({c.kind for c in (*old.card.considerations, *new.card.considerations)})
    for kind in kinds:
        before = "\n".join(c.text for c in old.card.considerations if c.kind == kind) or None
        after = "\n".join(c.text for c in new.card.considerations if c.kind == kind) or None
        if before != after:
            verb = "removed" if after is None else "added" if before is None else "changed"
            found.append(_change("model-card", f"considerations {kind}", before and shorten(before),
                                 after and shorten(after), "info", f"Model card {kind} {verb}"))
    return found


def _openness(old: tuple[Assessment, ...], new: tuple[Assessment, ...]) -> list[Change]:
    after_by_profile = {a.profile: a for a in new}
    found = []
    for a_old in old:
        a_new = after_by_profile.get(a_old.profile)
        if a_new is None:
            continue
        new_findings = {f.requirement: f for f in a_new.findings}
        for f_old in a_old.findings:
            f_new = new_findings.get(f_old.requirement)
            if f_new is None or f_new.status == f_old.status:
                continue
            before, after = f_old.status, f_new.status
            # the scorer's own order (unmet < partial < unknown < met): partial fails --fail-on unmet
            worse = _status_rank(after) < _status_rank(before)
            severity: Severity = "info"
            if worse:
                severity = "high" if (before, after) == ("met", "unmet") else "medium"
            reason = f": {f_new.reason}" if f_new.reason and worse else ""
            found.append(_change("openness", f"{a_old.profile} {f_old.requirement}", before, after, severity,
                                 f"{a_old.profile}: {f_new.title} {before} → {after}{reason}"))
        summary_new = dict(a_new.summary)
        for key, value in a_old.summary:
            after = summary_new.get(key)
            if key in STATUSES or key.startswith("blockers.") or after is None or after == value:
                continue  # counts per status and lists of blockers repeat the findings above
            found.append(_change("openness", f"{a_old.profile} {key}", value, after, "info",
                                 f"{a_old.profile}: {key} {shorten(value, 60)} → {shorten(after, 60)}"))
    return found


def _reference_keys(prov: Provenance) -> list[tuple[str, Reference]]:
    """References keyed by purpose and URL with the model's own revision masked (a release links to
    its own commit or branch); links to the model's datasets are left to the dataset changes."""
    dataset_urls = {d.url for d in prov.datasets if d.url}
    rev = _revision(prov)
    commit = re.compile(rf"{re.escape(rev)}[0-9a-f]*") if rev and _COMMIT.fullmatch(rev) else None
    own = re.compile(rf"^(https://huggingface\.co/{re.escape(prov.repo_id)}/(?:blob|tree|resolve|commit)/)[^/]+",
                     re.IGNORECASE) if prov.repo_id else None
    keyed = []
    for r in prov.references:
        if r.url in dataset_urls:
            continue
        url = own.sub(lambda m: f"{m.group(1).casefold()}<revision>", r.url) if own else r.url
        keyed.append((f"{r.purpose} {commit.sub('<revision>', url) if commit else url}", r))
    return keyed


def _references(old: Provenance, new: Provenance) -> list[Change]:
    removed, added, _ = _matched(_reference_keys(old), _reference_keys(new), lambda kv: kv[0])
    found = [_change("reference", r.purpose, r.url, None, "low", f"{r.purpose} reference removed: {r.url}")
             for _, r in removed]
    found += [_change("reference", r.purpose, None, r.url, "low", f"{r.purpose} reference added: {r.url}")
              for _, r in added]
    return found


def _status_rank(status: str) -> int:
    """Lower is worse, in the order the scorer ranks statuses; an unrecognised status counts as unknown."""
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else STATUS_ORDER.index("unknown")
