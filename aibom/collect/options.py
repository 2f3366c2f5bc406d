"""What the user asked a collection to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CollectOptions:
    """Options shared by every collector; each reads the ones it needs."""

    repo_id: str | None = None
    revision: str | None = None
    jobs: int | None = None
    progress: bool = False
    verify_weights: bool = False
    lineage_depth: int = 1
    cache_dir: Path | None = None
    use_cache: bool = False
    declarations: Path | None = None
    token: str | None = None
