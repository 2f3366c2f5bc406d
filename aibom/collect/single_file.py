"""A lone ``.gguf`` or ``.onnx`` file as a model: one hashed file plus what its own header declares.

Identity comes from GGUF ``general.name`` / the ONNX graph name, else the file stem. GGUF also
declares licenses (``general.license``, ``.name``, ``.link``) and base models
(``general.base_model.N.*``, relation ``quantized`` when the file is quantized).
"""

from __future__ import annotations

import re
from pathlib import Path

from aibom.collect.options import CollectOptions
from aibom.collect.source import FolderSource
from aibom.collect.weights import inspect
from aibom.errors import InputError
from aibom.hashing import hash_files
from aibom.identity import hub_model_id, hub_purl
from aibom.licenses import resolve
from aibom.model import (
    BaseModel,
    CardFacts,
    Evidence,
    Fact,
    FileEntry,
    License,
    Provenance,
    Unknown,
    WeightInfo,
)

COLLECTOR = "file"


def collect_file(path: Path, options: CollectOptions) -> Provenance:
    """The provenance of one GGUF or ONNX file, hashed and header-inspected (tensors never loaded)."""
    rel = path.name
    hashed = hash_files([path], jobs=1, progress=options.progress)[path]
    info = inspect(FolderSource({rel: path}, COLLECTOR), rel)
    if info is None:
        raise InputError(f"{path} is not a .gguf or .onnx file")
    meta = dict(info.metadata)
    file_ev = Evidence(COLLECTOR, rel, "computed")
    entry = FileEntry(rel, hashed.size, hashed.sha256, "weights", file_ev, info)
    name, identity = _identity(path, info, meta)
    licenses = _licenses(rel, meta)
    unread = _why_unread(meta)
    unknowns = []
    if unread or not info.parameters:
        unknowns.append(Unknown("model", "parameters", f"{rel}: {unread or 'the header lists no tensors'}"))
    if info.format == "gguf" and not licenses:
        why = f"{rel}: {unread}" if unread else f"{rel} declares no general.license"
        unknowns.append(Unknown("model", "license", why))
    arch = meta.get("gguf.architecture")
    return Provenance(
        name=name,
        identity=identity,
        source="file",
        repo_id=options.repo_id,
        revision=options.revision,
        purl=hub_purl(options.repo_id, options.revision) if options.repo_id else None,
        description=meta.get("gguf.description"),
        author=meta.get("gguf.author") or meta.get("gguf.organization"),
        files=(entry,),
        licenses=licenses,
        base_models=_base_models(rel, meta),
        card=CardFacts(model_architecture=Fact(arch, Evidence(COLLECTOR, f"{rel}:general.architecture",
                                                              "declared")) if arch else None),
        parameters=Fact(info.parameter_count, info.evidence) if info.parameters else None,
        unknowns=tuple(unknowns),
    )


def _identity(path: Path, info: WeightInfo, meta: dict[str, str]) -> tuple[str, Evidence]:
    rel = path.name
    if meta.get("gguf.name"):
        return meta["gguf.name"], Evidence(COLLECTOR, f"{rel}:general.name", "declared")
    if meta.get("onnx.graph"):
        return meta["onnx.graph"], Evidence(COLLECTOR, f"{rel}:graph.name", "declared")
    return path.stem, Evidence(COLLECTOR, rel, "inferred")


def _licenses(rel: str, meta: dict[str, str]) -> tuple[License, ...]:
    raw, name, link = meta.get("gguf.license"), meta.get("gguf.license.name"), meta.get("gguf.license.link")
    if not (raw or name):
        return ()
    key = "general.license" if raw else "general.license.name"
    return (resolve(raw or name or "", Evidence(COLLECTOR, f"{rel}:{key}", "declared"), name=name, url=link),)


def _base_models(rel: str, meta: dict[str, str]) -> tuple[BaseModel, ...]:
    relation = "quantized" if meta.get("gguf.quantized") == "true" else "unknown"
    keys = (re.fullmatch(r"gguf\.base_model\.(\d+)\.\w+", k) for k in meta)
    indices = sorted({int(m.group(1)) for m in keys if m})
    found = []
    for i in indices:
        prefix = f"gguf.base_model.{i}."
        repo_url, org, name = (meta.get(prefix + k) for k in ("repo_url", "organization", "name"))
        hub = hub_model_id(repo_url or "")
        if hub:
            ident, key, purl = hub, "repo_url", hub_purl(hub)
        elif name:
            ident, key, purl = f"{org}/{name}" if org else name, "name", None
        elif repo_url:
            ident, key, purl = repo_url, "repo_url", None
        else:
            continue
        evidence = Evidence(COLLECTOR, f"{rel}:general.base_model.{i}.{key}", "declared")
        found.append(BaseModel(ident, relation, evidence, purl=purl))
    return tuple(found)


def _why_unread(meta: dict[str, str]) -> str:
    """Why the header was not read ("" when it was)."""
    error, skipped = meta.get("header.error"), meta.get("inspection.skipped")
    return f"header unreadable: {error}" if error else skipped or ""
