"""What weight headers declare about the model itself: GGUF ``general.name``, ``general.license``
(``.name``, ``.link``), ``general.base_model.N.*``, description, author and architecture.

The same facts whether the GGUF is given alone or sits in a folder or a Hub repo: `build_provenance`
reads them from every collected weight file and uses them where the card says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aibom.identity import hub_model_id, hub_purl
from aibom.licenses import resolve
from aibom.model import BaseModel, Evidence, Fact, FileEntry, License


@dataclass(frozen=True)
class HeaderFacts:
    """The model facts the first GGUF header declaring them holds (sorted by path)."""

    name: Fact[str] | None = None
    licenses: tuple[License, ...] = ()
    base_models: tuple[BaseModel, ...] = ()
    description: str | None = None
    author: str | None = None
    architecture: Fact[str] | None = None
    unread: str = ""
    """Which weight header could not be read and why ("" when every one was)."""


def header_facts(files: Sequence[FileEntry], collector: str) -> HeaderFacts:
    """The model facts declared by the GGUF headers among `files`; several quantizations of one
    model repeat them, so the first file (by path) that declares a fact gives it."""
    weights = [f for f in sorted(files, key=lambda f: f.path) if f.weights is not None]
    every = [(f.path, dict(f.weights.metadata)) for f in weights]  # type: ignore[union-attr]
    metas = [(f.path, m) for f, (_, m) in zip(weights, every, strict=True) if f.weights.format == "gguf"]  # type: ignore[union-attr]
    name = next((Fact(m["gguf.name"], Evidence(collector, f"{rel}:general.name", "declared"))
                 for rel, m in metas if m.get("gguf.name")), None)
    arch = next((Fact(m["gguf.architecture"], Evidence(collector, f"{rel}:general.architecture", "declared"))
                 for rel, m in metas if m.get("gguf.architecture")), None)
    licenses = next((lics for rel, m in metas if (lics := _licenses(rel, m, collector))), ())
    bases = next((b for rel, m in metas if (b := _base_models(rel, m, collector))), ())
    return HeaderFacts(
        name=name,
        licenses=licenses,
        base_models=bases,
        description=next((m["gguf.description"] for _, m in metas if m.get("gguf.description")), None),
        author=next((m.get("gguf.author") or m["gguf.organization"] for _, m in metas
                     if m.get("gguf.author") or m.get("gguf.organization")), None),
        architecture=arch,
        unread=next((f"{rel}: {why}" for rel, m in every if (why := _why_unread(m))), ""),
    )


def _licenses(rel: str, meta: dict[str, str], collector: str) -> tuple[License, ...]:
    raw, name, link = meta.get("gguf.license"), meta.get("gguf.license.name"), meta.get("gguf.license.link")
    if not (raw or name):
        return ()
    key = "general.license" if raw else "general.license.name"
    return (resolve(raw or name or "", Evidence(collector, f"{rel}:{key}", "declared"), name=name, url=link),)


def _base_models(rel: str, meta: dict[str, str], collector: str) -> tuple[BaseModel, ...]:
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
        evidence = Evidence(collector, f"{rel}:general.base_model.{i}.{key}", "declared")
        found.append(BaseModel(ident, relation, evidence, purl=purl))
    return tuple(found)


def _why_unread(meta: dict[str, str]) -> str:
    error, skipped = meta.get("header.error"), meta.get("inspection.skipped")
    return f"header unreadable: {error}" if error else skipped or ""
