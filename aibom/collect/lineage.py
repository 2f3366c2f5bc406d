"""Who a collected model is and what it descends from: the identity precedence (see `aibom.collect.local`),
when a repack is a quantization, and when a declared base model is the model itself.

Pure functions over what the card, the weight headers and the file list say.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from aibom.collect.cards import CardInfo
from aibom.collect.header_facts import HeaderFacts
from aibom.identity import heading_name, names_same_model
from aibom.model import BaseModel, Evidence, FileEntry, Relation

REPACK = re.compile(r"(?:^|[-_./ ])(?:gguf|gptq|awq|exl2|mlx)(?:$|[-_./ ])", re.I)
"""A repo, folder or tag naming a quantized repack format."""


def model_identity(card: CardInfo, card_rel: str, header: HeaderFacts, collector: str, repo_id: str | None,
              fallback: str) -> tuple[str, Evidence]:
    """The model's name by the precedence in the module docstring."""
    if repo_id:
        return repo_id, Evidence(collector, "repo-id", "declared")
    if header.name:
        return header.name.value, header.name.evidence
    named = heading_name(card.title) if card.title else None
    if named:
        return named, Evidence(collector, f"{card_rel}#title", "inferred", card.title or "")
    if card.model_name:
        return card.model_name, Evidence(collector, f"{card_rel}#front-matter:model_name", "declared")
    return fallback, Evidence(collector, "folder name", "inferred", fallback)


def repack_relation(card: CardInfo, present: dict[str, FileEntry], name: str) -> Relation | None:
    """What a repack is to its base: ``quantized``, or ``unknown`` for GGUF files that are all F16/F32
    (a format conversion, for which the vocabulary has no word: never called a fine-tune); None when
    nothing says repack. GGUF files decide when present; else a ``quantized_by``, or a repo/folder
    name or tag naming a repack format (``…-GGUF``, ``…-AWQ``), as a card-only copy shows it."""
    ggufs = [f for p, f in present.items() if p.lower().endswith(".gguf")]
    if ggufs:
        quantized = any(f.weights is None or dict(f.weights.metadata).get("gguf.quantized") != "false" for f in ggufs)
        return "quantized" if quantized else "unknown"
    if card.quantized_by or REPACK.search(name) or any(REPACK.fullmatch(t) for t in card.card.tags):
        return "quantized"
    return None


def is_own(base: BaseModel, own: tuple[str | None, ...], name: str) -> bool:
    """`base` names the model itself: its Hub id, or (without one) a name the card gives itself,
    under any owner. A folder's name is not the card's word: a folder ``Llama-2-7b-chat-hf`` holding
    a quantization of ``meta-llama/Llama-2-7b-chat-hf`` keeps its pedigree. The config's
    ``_name_or_path`` hint is also the model itself when it is the model's name."""
    if names_same_model(own[:1], base.id, base.purl):
        return True
    tail = base.id.lower().rsplit("/", 1)[-1]
    named = {n.lower().rsplit("/", 1)[-1] for n in own[1:] if n}
    from_config = base.evidence.location.startswith("config.json")
    return tail in named or (from_config and tail == name.lower().rsplit("/", 1)[-1])


def lineage(
    declared: tuple[BaseModel, ...],
    hint: BaseModel | None,
    own: tuple[str | None, ...],
    name: str,
    repack: Relation | None,
    present: dict[str, FileEntry],
) -> tuple[BaseModel, ...]:
    """Card base models (relations the Hub's way when the card gives none), then the config hint if
    it names another model. A model is never its own ancestor."""
    bases = [b for b in declared if not is_own(b, own, name)]
    card_declared = [b for b in bases if b.evidence.method == "declared"]
    relation: Relation
    if any(PurePosixPath(p).name == "adapter_config.json" for p in present):
        relation = "adapter"
    elif repack:
        relation = repack
    elif len(card_declared) > 1:
        relation = "merge"
    else:
        relation = "fine-tune"
    bases = [
        replace(b, relation=relation) if b.relation == "unknown" and "#front-matter" in b.evidence.location else b
        for b in bases
    ]
    if (
        hint is not None
        and not is_own(hint, own, name)
        and hint.id.lower() not in {b.id.lower() for b in bases}
    ):
        bases.append(hint)
    return tuple(bases)
