"""Changes of the model card (metrics, fields, references) and of openness verdicts."""

from __future__ import annotations

import re

from aibom.diff.changes import Change, Severity, _change, _fact, _matched, _revision, shorten
from aibom.identity import COMMIT_ID
from aibom.model import (
    STATUS_ORDER,
    STATUSES,
    Assessment,
    Metric,
    Provenance,
    Reference,
)


def _metric_key(m: Metric) -> str:
    return " / ".join(x for x in (m.task, m.dataset, m.split, m.type) if x)


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
        summary_new = dict(a_new.pairs())
        for key, value in a_old.pairs():
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
    commit = re.compile(rf"{re.escape(rev)}[0-9a-f]*") if rev and COMMIT_ID.fullmatch(rev) else None
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
