"""What a diff reports: each change's kind, subject, old and new values and severity, and the vocabularies."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from aibom.model import Provenance, Unknown
from aibom.wording import clip

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


def _change(kind: str, subject: str, old: object, new: object, severity: Severity, message: str) -> Change:
    return Change(kind, subject, _text(old), _text(new), severity, message, (*_KIND_GROUPS[kind], "any"))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _matched(old: Iterable[T], new: Iterable[T], key: Callable[[T], str]) -> tuple[
        list[T], list[T], list[tuple[T, T]]]:
    """Items only in old, only in new, and pairs present in both, each in key order."""
    before = {key(x): x for x in old}
    after = {key(x): x for x in new}
    return ([before[k] for k in sorted(before.keys() - after.keys())],
            [after[k] for k in sorted(after.keys() - before.keys())],
            [(before[k], after[k]) for k in sorted(before.keys() & after.keys())])


def _fact(fact: object) -> str | None:
    return None if fact is None else str(fact.value)


def shorten(text: str, limit: int = 120) -> str:
    """`text` on one line, cut at a word to `limit` characters with an ellipsis."""
    return clip(text, limit)


def _revision(prov: Provenance) -> str | None:
    """The revision, else the version in the purl."""
    if prov.revision:
        return prov.revision
    if not prov.purl or "@" not in prov.purl:
        return None
    return re.split(r"[?#]", prov.purl.rsplit("@", 1)[1])[0] or None
