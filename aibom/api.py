"""The library: what the CLI, the fleet engines and a Python user call.

    from aibom import api
    bom = api.generate("fixtures/models/tiny-llama-ft", reproducible=True, score="core")
    print(bom.provenance.name, bom.assessment and bom.assessment.findings[0].status)
    open("model.cdx.json", "w").write(bom.text)
    changes = api.compare(api.load("old.cdx.json"), bom.provenance, profile="core")
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from aibom.collect.options import CollectOptions
from aibom.errors import AibomError, InputError
from aibom.model import Assessment, Provenance

if TYPE_CHECKING:
    from aibom.diff import Changes


@dataclass(frozen=True)
class Bom:
    """One generated BOM: the provenance it describes, its assessment (when scored) and its text,
    already strictly validated."""

    provenance: Provenance
    text: str
    assessment: Assessment | None = None


def bom_time(reproducible: bool) -> tuple[datetime | None, bool]:
    """The BOM timestamp and whether output must be reproducible (SOURCE_DATE_EPOCH implies it and
    gives the time; --reproducible alone omits every time-based value, as the CycloneDX taxonomy's
    ``cdx:reproducible`` asks)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC), True
        except (ValueError, OverflowError, OSError) as exc:
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    if reproducible:
        return None, True
    return datetime.now(tz=UTC).replace(microsecond=0), False


def collect(target: str, options: CollectOptions | None = None) -> Provenance:
    """The provenance of TARGET: a model folder, a .gguf/.onnx file, a declarations or MOT .yaml, or
    a Hub repo id ``ORG/NAME[@REV]``."""
    from aibom.collect.dispatch import collect as dispatch

    return dispatch(target, options or CollectOptions())


def assess(prov: Provenance, profile: str = "core", *, allow_copyleft: bool = False,
           document: dict[str, Any] | None = None, location: str = "bom.json") -> Assessment:
    """Score `prov` against an openness profile (core, mof, osaid), or judge the G7 minimum elements
    (g7) from a CycloneDX `document`: the BOM read from `location`, else the one aibom writes for `prov`."""
    if profile == "g7":
        from aibom.score import g7

        if document is None:
            document = json.loads(emit(prov))
        return g7.assess(document, location)
    from aibom.score.profiles import evaluate

    return evaluate(prov, profile, allow_copyleft=allow_copyleft)


def cyclonedx_document(target: str) -> dict[str, Any] | None:
    """The CycloneDX JSON of BOM file `target` as written (what the G7 profile judges), or None when
    `target` is not a CycloneDX BOM (a model, or an SPDX 3 document: judged by its CycloneDX form)."""
    if not is_bom(target) or target == "-":
        return None
    from aibom import strict_json
    from aibom.collect.textfiles import read_document

    doc = strict_json.loads(read_document(target))
    return doc if isinstance(doc, dict) and doc.get("bomFormat") == "CycloneDX" else None


BomFormat = Literal["cyclonedx", "spdx3"]


def emit(prov: Provenance, *, spec_version: str = "1.6", reproducible: bool = False,
         format: BomFormat = "cyclonedx") -> str:
    """The CycloneDX JSON (or SPDX 3.0.1 JSON-LD) of `prov`, validated (CycloneDX: strict schema and
    references; SPDX 3: JSON schema and SHACL); an invalid BOM is an error, never returned."""
    from uuid import uuid4

    timestamp, repro = bom_time(reproducible)
    if format == "spdx3":
        from aibom.emit.spdx3 import to_jsonld
        from aibom.emit.spdx3_validate import problems as spdx_problems

        text = to_jsonld(prov, timestamp=timestamp)
        found = spdx_problems(text)
    else:
        from aibom.emit.cyclonedx import to_json
        from aibom.emit.validate import problems

        text = to_json(prov, spec_version=spec_version, timestamp=timestamp,
                       serial=None if repro else f"urn:uuid:{uuid4()}", reproducible=repro)
        found = problems(text)
    if found:
        raise AibomError("aibom produced an invalid BOM; nothing was written:\n  " + "\n  ".join(found),
                         "this is a bug in aibom; please report it with --debug output")
    return text


def generate(target: str, options: CollectOptions | None = None, *, spec_version: str = "1.6",
             reproducible: bool = False, score: str | None = None, allow_copyleft: bool = False,
             format: BomFormat = "cyclonedx") -> Bom:
    """Collect TARGET, optionally embed an openness assessment, and emit its validated BOM."""
    bom_time(reproducible)  # a bad SOURCE_DATE_EPOCH is refused before any file is hashed
    prov = collect(target, options)
    assessment = None
    if score:
        assessment = assess(prov, score, allow_copyleft=allow_copyleft)
        prov = prov.with_changes(assessments=(assessment,))
    return Bom(prov, emit(prov, spec_version=spec_version, reproducible=reproducible, format=format), assessment)


def is_bom(target: str) -> bool:
    """Whether `target` names a saved BOM: a ``*.json`` file, or ``-`` (standard input)."""
    return target == "-" or target.lower().endswith(".json")


def load(target: str, options: CollectOptions | None = None) -> Provenance:
    """A saved BOM (``*.json``, plus the user's declarations if any) read back into the model, or any
    other target collected afresh: what `score` and `diff` take."""
    options = options or CollectOptions()
    if not is_bom(target):
        return collect(target, options)
    from pathlib import Path

    from aibom.collect import declarations as decl
    from aibom.collect.textfiles import STDIN, read_document

    if target != STDIN and not Path(target).exists():
        raise InputError(f"{target}: no such BOM file")
    text = read_document(target)
    prov = read_bom(text)
    if options.declarations is not None:
        prov = decl.apply(prov, decl.load(options.declarations)).without_self_ancestry()
    return prov


def read_bom(text: str) -> Provenance:
    """A CycloneDX BOM or an SPDX 3 document (JSON-LD in an SPDX 3.0 context) read back into the model."""
    from aibom.emit.reader import from_json
    from aibom.emit.spdx3_reader import from_jsonld, looks_spdx3

    if looks_spdx3(text):
        return from_jsonld(text)
    return from_json(text)


def convert(text: str, to: BomFormat, *, spec_version: str = "1.6", reproducible: bool = False) -> str:
    """A BOM (CycloneDX or SPDX 3) in the other format, through the same Provenance; validated."""
    return emit(read_bom(text), spec_version=spec_version, reproducible=reproducible, format=to)


def compare(old: Provenance, new: Provenance, *, profile: str | None = None) -> Changes:
    """What changed from `old` to `new`. With `profile`, both sides are scored afresh first (an
    assessment a BOM embeds for that profile is replaced), so openness changes are compared too."""
    from aibom.diff import compare as diff

    if profile:
        old, new = (_rescored(p, profile) for p in (old, new))
    return diff(old, new)


def _rescored(prov: Provenance, profile: str) -> Provenance:
    fresh = assess(prov, profile)
    return prov.with_changes(assessments=(*(a for a in prov.assessments if a.profile != fresh.profile), fresh))
