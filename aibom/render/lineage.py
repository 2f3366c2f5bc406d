"""The lineage graph of a model as an inline SVG: its base models (and theirs, as the Hub lists them)
above it, its datasets below, and the model that generated each synthetic dataset under that. Laid
out here in rows; drawn by the report template, which escapes every label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aibom.model import Provenance
from aibom.wording import clip

NodeKind = Literal["model", "base", "dataset", "synthetic", "generator"]
WIDTH, HEIGHT, GAP, ROW = 230, 46, 24, 110
"""Node size, space between nodes, distance between rows (pixels)."""


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    """The whole name (the tooltip); `label` is it cut to fit the box."""
    label: str
    detail: str
    kind: NodeKind
    x: int
    y: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def _licenses(names: list[str]) -> str:
    return ", ".join(dict.fromkeys(names)) or "license unknown"


def layout(prov: Provenance) -> Graph:
    """Rows, top to bottom: base models, the model, datasets, generators of synthetic datasets."""
    bases = [("base:" + b.id, b.id, f"{b.relation if b.relation != 'unknown' else 'ancestor'} · "
              f"{_licenses([x.spdx or x.name or x.raw for x in b.licenses])}", "base") for b in prov.base_models]
    model = [("model", prov.name, _licenses([x.spdx or x.name or x.raw for x in prov.licenses]), "model")]
    data = [("data:" + d.id, d.name or d.id, ("synthetic · " if d.generator else f"{d.usage} · ")
             + _licenses([x.spdx or x.name or x.raw for x in d.licenses]), "synthetic" if d.generator else "dataset")
            for d in prov.datasets]
    generators = list(dict.fromkeys(d.generator for d in prov.datasets if d.generator))
    gens = [("gen:" + g, g, "generated synthetic data", "generator") for g in generators]
    rows = [r for r in (bases, model, data, gens) if r]
    widest = max(len(r) for r in rows)
    width = widest * (WIDTH + GAP) + GAP
    nodes = []
    for depth, row in enumerate(rows):
        left = (width - (len(row) * (WIDTH + GAP) - GAP)) // 2
        for i, (nid, label, detail, kind) in enumerate(row):
            nodes.append(Node(nid, label, clip(label, 30), clip(detail, 38), kind,  # type: ignore[arg-type]
                              left + i * (WIDTH + GAP), GAP + depth * ROW))
    edges = [Edge(nid, "model", "base of") for nid, *_ in bases]
    edges += [Edge(nid, "model", "trained on") for nid, *_ in data]
    edges += [Edge("gen:" + d.generator, "data:" + d.id, "generated") for d in prov.datasets if d.generator]
    return Graph(tuple(nodes), tuple(edges), width, GAP + (len(rows) - 1) * ROW + HEIGHT + GAP)


def path(graph: Graph, edge: Edge) -> tuple[int, int, int, int]:
    """Where an edge runs: from the facing side of its source to that of its target."""
    a, b = graph.node(edge.source), graph.node(edge.target)
    x1, x2 = a.x + WIDTH // 2, b.x + WIDTH // 2
    if a.y < b.y:
        return x1, a.y + HEIGHT, x2, b.y
    return x1, a.y, x2, b.y + HEIGHT
