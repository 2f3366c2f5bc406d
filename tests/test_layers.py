"""The layer rules of DESIGN §2, checked on the import graph (function-level imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import aibom

ROOT = Path(aibom.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph() -> dict[str, set[str]]:
    """Module -> the aibom modules it imports (a ``from pkg import name`` of a submodule counts as it)."""
    modules = {module_name(p): p for p in ROOT.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("aibom")}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("aibom"):
                subs = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
                found |= subs or {node.module}
        edges[name] = {m for m in found if m in modules and m != name}
    return edges


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or module.endswith(("collect", "emit", "score", "diff", "render")) else ""


FORBIDDEN = {
    "emit": {"collect", "score", "diff", "render", "fleet"},
    "score": {"collect", "emit", "diff", "render", "fleet"},
    "diff": {"collect", "emit", "score", "render", "fleet"},
    "render": {"collect", "emit", "fleet"},
    "collect": {"emit", "score", "diff", "render", "fleet"},
}


def test_no_arrow_against_the_layers() -> None:
    wrong = sorted(
        (src, dst) for src, dsts in graph().items() for dst in dsts
        if layer(dst) in FORBIDDEN.get(layer(src), set())
    )
    assert wrong == []


def test_no_circle_of_modules() -> None:
    edges = graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt):], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert circles == []


def test_the_graph_sees_the_known_arrows() -> None:
    """The checks above would pass on an empty graph: the graph must hold arrows we know exist."""
    edges = graph()
    assert "aibom.collect.source" in edges["aibom.collect.local"]
    assert "aibom.model" in edges["aibom.score.mof"]
    assert "aibom.emit.cyclonedx" in edges["aibom.api"]  # a function-level import
