"""The suffixes, bounds and error every weight reader shares."""

from __future__ import annotations

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


SAFETENSORS_MAX_HEADER = 25_000_000


"""The cap huggingface_hub applies to a safetensors JSON header (the Rust library allows 100 MB, but a
100 MB header parses into about 1.4 GB of Python objects; real ones are a few MB at most)."""


GGUF_MAX_TENSORS = 1_000_000


GGUF_MAX_KV = 100_000


GGUF_MAX_STRING = 16 * 1024 * 1024


GGUF_MAX_ARRAY = 16_000_000


GGUF_KEPT_ARRAY = 256


"""String arrays up to this length (tags, languages) are kept; longer ones (tokens, merges) skipped."""




PICKLE_MAX_BYTES = 64 * 1024 * 1024
PICKLE_ZIP_TOTAL = 128 * 1024 * 1024
"""Inflated bytes read over all ``.pkl`` members of one zip: a deflate or bzip2 bomb stops here."""
GGUF_KEPT_STRING = 64 * 1024
"""A GGUF string value longer than this is skipped, not kept (only the chat template may be longer,
up to its own cap): 16 MB strings under many keys would otherwise all stay in memory."""


PICKLE_MAX_OPCODES = 2_000_000


PICKLE_MAX_STREAMS = 8


"""Legacy ``torch.save`` files are several pickles in a row (magic, protocol, sys info, model, keys)."""


ZIP_MAX_MEMBERS = 100_000


METADATA_MAX_VALUE = 4096


CHAT_TEMPLATE_MAX = 32 * 1024


class Malformed(ValueError):
    """A header that cannot be trusted; becomes the risk ``malformed-header: <message>``."""


class NotRead(Exception):
    """A header the source could not give within its bounds (a remote read budget); becomes
    ``inspection.skipped: <message>``, not a risk: nothing is known to be wrong with the file."""


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _short(value: str) -> str:
    return value if len(value) <= METADATA_MAX_VALUE else value[:METADATA_MAX_VALUE] + "…"
