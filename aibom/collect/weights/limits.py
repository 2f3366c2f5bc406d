"""The suffixes, bounds and error every weight reader shares."""

from __future__ import annotations

from aibom.budget import METADATA_MAX_VALUE
from aibom.model import WEIGHT_SUFFIXES

__all__ = ["WEIGHT_SUFFIXES"]


PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".dill")


NUMPY_SUFFIXES = (".npy", ".npz")
"""NumPy arrays: an object array (dtype ``O``) is a pickle after the array header."""


TEXT_SUFFIXES = (
    ".json", ".md", ".txt", ".py", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".jinja", ".html", ".csv", ".tsv",
    ".model", ".tiktoken", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ipynb", ".sh", ".rst", ".pdf",
)
"""Files never sniffed for a pickle (any other file is: a pickle under another name is still one)."""


UNPARSED_FORMATS = {".h5": "hdf5", ".msgpack": "flax-msgpack"}


def _word(name: str) -> str:
    """`name` not inside a longer word (underscores do not join words: ``__mro__`` contains ``mro``)."""
    return rf"(?<![A-Za-z0-9]){name}(?![A-Za-z0-9])"




























class Malformed(ValueError):
    """A header that cannot be trusted; becomes the risk ``malformed-header: <message>``."""


class NotRead(Exception):
    """A header the source could not give within its bounds (a remote read budget); becomes
    ``inspection.skipped: <message>``, not a risk: nothing is known to be wrong with the file."""


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _short(value: str) -> str:
    return value if len(value) <= METADATA_MAX_VALUE else value[:METADATA_MAX_VALUE] + "…"
