"""What a fleet scan covers: the models of a Hugging Face cache, a folder tree, a list file and the
command line, as one de-duplicated list of targets with stable, readable BOM names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aibom.errors import InputError, from_os_error
from aibom.model import CARD_NAMES, WEIGHT_SUFFIXES

TargetKind = Literal["folder", "file", "repo", "cache"]
SINGLE_FILES = (".gguf", ".onnx")
MAX_LIST_LINES = 1_000_000
MAX_TREE_DEPTH = 32


@dataclass(frozen=True)
class Target:
    """One model to describe. `spec` is what `aibom generate` takes; `cache_dir` is set for a cache
    snapshot; `main` marks the snapshot the cache's ``refs/main`` points to."""

    kind: TargetKind
    spec: str
    name: str
    cache_dir: str | None = None
    revision: str | None = None
    main: bool = False

    @property
    def key(self) -> str:
        """The same model reached twice has one key (a folder by its real path, a repo by id@rev)."""
        if self.kind in ("folder", "file"):
            return f"path:{os.path.realpath(self.spec)}"
        return f"repo:{self.spec}"


def _readable(path: str) -> str:
    return path.strip("/").replace("/", "__") or "model"


def repo_name(repo_id: str, revision: str | None) -> str:
    """``ORG__NAME@REV12`` (the first 12 characters of the revision), or ``ORG__NAME``."""
    base = repo_id.replace("/", "__")
    return f"{base}@{revision[:12]}" if revision else base


def is_model_folder(path: Path) -> bool:
    """A folder holding a card, a ``config.json`` or a weight file."""
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return any(n.lower() in CARD_NAMES or n == "config.json" or n.endswith(WEIGHT_SUFFIXES) for n in names)


def from_tree(root: Path) -> list[Target]:
    """Every model folder under `root` that is not inside another model folder (symlinks not followed)."""
    found: list[Target] = []

    def visit(folder: Path, depth: int) -> None:
        if is_model_folder(folder):
            rel = folder.relative_to(root).as_posix()
            found.append(Target("folder", str(folder), _readable(rel if rel != "." else root.resolve().name)))
            return
        if depth >= MAX_TREE_DEPTH:
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                visit(Path(entry.path), depth + 1)

    visit(root, 0)
    return found


def from_cache(root: Path) -> list[Target]:
    """One target per snapshot of every model repo in a Hugging Face hub cache."""
    from aibom.collect.hf_cache import snapshots

    if not root.is_dir():
        raise InputError(f"{root} is not a Hugging Face cache folder")
    targets = []
    for repo in sorted(root.glob("models--*")):
        parts = repo.name.split("--")[1:]
        if not repo.is_dir() or not parts or not all(parts):
            continue
        repo_id = "/".join(parts)
        try:
            main = (repo / "refs" / "main").read_bytes()[:64].decode("ascii", "replace").strip()
        except OSError:
            main = ""
        for commit in snapshots(repo):
            targets.append(Target("cache", f"{repo_id}@{commit}", repo_name(repo_id, commit), str(root),
                                  commit, main=commit == main))
    return targets


def from_spec(spec: str, base: Path | None = None) -> Target:
    """A target as the command line or a list file names it: a folder, a file, or ``ORG/NAME[@REV]``."""
    path = Path(spec) if base is None or Path(spec).is_absolute() else base / spec
    if path.is_dir():
        return Target("folder", str(path), _readable(_shown(path)))
    if path.is_file():
        return Target("file", str(path), _readable(_shown(path)))
    repo, _, rev = spec.partition("@")
    return Target("repo", spec, repo_name(repo, rev or None), revision=rev or None)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def from_list(path: Path) -> list[Target]:
    """Targets from a file, one a line; ``#`` starts a comment; relative paths are from the file's folder."""
    try:
        with path.open(encoding="utf-8") as fh:
            lines = [line for _, line in zip(range(MAX_LIST_LINES), fh, strict=False)]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    except OSError as exc:
        raise from_os_error(exc, f"cannot read {path}") from exc
    specs = [line.split("#", 1)[0].strip() for line in lines]
    return [from_spec(s, path.parent) for s in specs if s]


def union(*groups: list[Target]) -> list[Target]:
    """Every target once, in the order first named; BOM names made unique with a numeric suffix."""
    seen: dict[str, Target] = {}
    for group in groups:
        for target in group:
            seen.setdefault(target.key, target)
    names: dict[str, int] = {}
    out = []
    for target in seen.values():
        n = names.get(target.name, 0)
        names[target.name] = n + 1
        out.append(target if n == 0 else Target(target.kind, target.spec, f"{target.name}~{n + 1}",
                                                target.cache_dir, target.revision, target.main))
    return out
