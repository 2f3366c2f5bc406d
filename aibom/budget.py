"""The resource budget: every bound aibom puts on untrusted input, in one place.

Each reader enforces its own bound where the bytes are read (only it knows what a byte means), but
the numbers live here, so the README's table (`TABLE`, checked by a test) and the code cannot
disagree. The budget as a whole: a run stays under 300 MB of memory, and no input can make it wait
without end. Sizes are bytes unless named otherwise."""

from __future__ import annotations

MIB = 1024 * 1024

# ---- documents and files read whole
DOCUMENT_LIMIT = 32 * MIB
"""A BOM: parsed, a JSON document takes several times its size in memory (a BOM of 50,000 files is
about 30 MB)."""
DECLARATIONS_MAX_BYTES = 16 * MIB
MOT_MAX_BYTES = 4 * MIB
CARD_LIMIT = 1 * MIB
"""Bytes of a model card read; the rest of a larger card is ignored (and said so)."""
MAX_CARD_CHARS = 1 * MIB
"""Characters of card text the section and prose patterns run over."""
HEADING_CHARS = 300
"""Heading text longer than this is cut before it is cleaned: no reviewer reads such a heading, and
link patterns over a run of brackets grow with the square of its length."""
CONFIG_LIMIT = 4 * MIB
LICENSE_LIMIT = 256 * 1024
INDEX_LIMIT = 16 * MIB
"""A shard index (``*.safetensors.index.json``): a weight map of 100,000 tensors is about 8 MB."""
WALK_MAX_DEPTH = 64
"""Folders nested in a model folder."""

# ---- weight headers
SAFETENSORS_MAX_HEADER = 25_000_000
"""The cap huggingface_hub applies to a safetensors JSON header (the Rust library allows 100 MB, but a
100 MB header parses into about 1.4 GB of Python objects; real ones are a few MB at most)."""
SAFETENSORS_MAX_DIMS = 64
"""Dimensions a tensor shape may have (real ones have a handful; 100,000 made counting quadratic)."""
GGUF_MAX_TENSORS = 1_000_000
GGUF_MAX_KV = 100_000
GGUF_MAX_STRING = 16 * MIB
GGUF_MAX_ARRAY = 16_000_000
GGUF_KEPT_ARRAY = 256
"""String arrays up to this length (tags, languages) are kept; longer ones (tokens, merges) skipped."""
GGUF_KEPT_STRING = 64 * 1024
"""A GGUF string value longer than this is skipped, not kept (only the chat template may be longer,
up to its own cap): 16 MB strings under many keys would otherwise all stay in memory."""
ONNX_MAX_FIELDS = 2_000_000
"""Protobuf fields visited per file: real models have a few per initializer."""
ONNX_MAX_DIMS = 64
ONNX_MAX_STRING = 1 * MIB
"""A name, producer, doc string or metadata value larger than this is not a header a person wrote."""
PICKLE_MAX_BYTES = 64 * MIB
PICKLE_ZIP_TOTAL = 128 * MIB
"""Inflated bytes read over all ``.pkl`` members of one zip: a deflate or bzip2 bomb stops here."""
PICKLE_MAX_OPCODES = 2_000_000
PICKLE_MAX_STREAMS = 8
"""Legacy ``torch.save`` files are several pickles in a row (magic, protocol, sys info, model, keys)."""
PICKLE_STACK_MAX = 1_000_000
"""Stack and memo entries followed: what a crafted pickle may push beyond that is not modelled."""
PICKLE_MAX_NAME = 1024
"""Longest string the pickle model keeps as a possible module or attribute name; a longer one is kept
as 'a long string' (an import of it is unresolved), so memo and stack hold no large copies."""
PICKLE_MAX_IMPORTS = 10_000
"""Distinct imports recorded per pickle; past them the scan stops (and says so)."""
ZIP_MAX_MEMBERS = 100_000
METADATA_MAX_VALUE = 4096
CHAT_TEMPLATE_MAX = 32 * 1024
"""Characters of a chat template emitted (the whole template is still scanned)."""

# ---- the Hub
HUB_TIMEOUT = 15.0
"""Seconds the Hub may take to connect, or stay silent while answering (``AIBOM_HTTP_TIMEOUT``).
huggingface_hub's own client waits for ever: a server that stalls after the request hung aibom.
A timeout is not retried: a server that stalled once stalls again."""
HUB_DEADLINE = 120.0
"""Seconds one Hub answer may take from request to last byte (``AIBOM_HTTP_DEADLINE``); a weight
download for ``--verify-weights`` is bound by the floor rate instead."""
HUB_FLOOR_RATE = 16 * 1024
"""Bytes per second an answer must average once it is older than the timeout: a server that trickles
one byte at a time is an environment failure, not a wait."""
HUB_RESPONSE_CAP = 16 * MIB
"""Decoded bytes of one Hub answer (model info, a card): a gzip bomb stops here, inflated in 64 KiB
pieces. A model's info for 10,000 files is about 3 MB."""
HUB_ATTEMPTS = 4
"""Tries per Hub call when it answers 408/429/5xx."""
HUB_WAIT_BUDGET = 15.0
"""Seconds aibom waits in all between the tries of one call, whatever the backoff or Retry-After
says; a Retry-After beyond what is left ends the call at once, saying how long the Hub asked for."""
HUB_SMALL_FILE_CAP = 10 * MIB
"""Non-LFS files up to this size are downloaded and hashed; larger ones keep the Hub's size only."""
HUB_RANGE_BLOCK = 256 * 1024
"""Bytes fetched per range request at least: most safetensors and GGUF headers fit in one or two."""
HUB_REMOTE_BUDGET = 64 * MIB
"""Bytes of one remote file a reader may pull: the largest header a reader accepts (a pickle's
``data.pkl``), never the tensors."""


def _size(n: float) -> str:
    for unit, scale in (("MiB", MIB), ("KiB", 1024)):
        if n >= scale and n % scale == 0:
            return f"{n // scale:,.0f} {unit}"
    return f"{n:,.0f} bytes"


TABLE: tuple[tuple[str, str], ...] = (
    ("a BOM, declarations or MOT file",
     f"{_size(DOCUMENT_LIMIT)} (declarations {_size(DECLARATIONS_MAX_BYTES)}, MOT {_size(MOT_MAX_BYTES)}), "
     "regular files only (a FIFO or `/dev/zero` is exit 2 at once; standard input is read up to the cap)"),
    ("JSON anywhere (BOM, config, shard index, safetensors header)",
     "`NaN`/`Infinity`, lone UTF-16 surrogates, integers past 4,300 digits and deep nesting are one clear "
     "error (`aibom/strict_json.py`)"),
    ("YAML (cards, declarations)", "no aliases, dates kept as text"),
    ("a card", f"{_size(CARD_LIMIT)}; every pattern linear (comments stripped in one pass, headings read "
     f"without backtracking, heading text {HEADING_CHARS} characters)"),
    ("config, shard index, LICENSE",
     f"{_size(CONFIG_LIMIT)}, {_size(INDEX_LIMIT)}, {_size(LICENSE_LIMIT)}; folders {WALK_MAX_DEPTH} deep"),
    ("safetensors header", f"{SAFETENSORS_MAX_HEADER:,} bytes; a shape of at most {SAFETENSORS_MAX_DIMS} "
     "dimensions and 2**64 elements"),
    ("GGUF", f"{GGUF_MAX_TENSORS:,} tensors, {GGUF_MAX_KV:,} keys, string values kept up to "
     f"{_size(GGUF_KEPT_STRING)} (the chat template up to {_size(GGUF_MAX_STRING)}, "
     f"{_size(CHAT_TEMPLATE_MAX)} of it emitted)"),
    ("ONNX", f"streamed: at most {ONNX_MAX_FIELDS:,} protobuf fields, {ONNX_MAX_DIMS} dimensions per tensor, "
     f"{_size(ONNX_MAX_STRING)} per string"),
    ("pickles", f"{_size(PICKLE_MAX_BYTES)} per pickle, {_size(PICKLE_ZIP_TOTAL)} inflated over a zip's "
     f"pickles, {PICKLE_MAX_OPCODES:,} opcodes, {PICKLE_STACK_MAX:,} stack/memo entries, names of "
     f"{PICKLE_MAX_NAME:,} characters, {PICKLE_MAX_IMPORTS:,} imports"),
    ("the Hub", f"{HUB_TIMEOUT:g} s to connect or between bytes (not retried), {HUB_DEADLINE:g} s per "
     f"answer, at least {_size(HUB_FLOOR_RATE)}/s; an answer at most {_size(HUB_RESPONSE_CAP)} decoded; "
     f"{HUB_ATTEMPTS} tries on 408/429/5xx with at most {HUB_WAIT_BUDGET:g} s of waiting in all; a "
     f"downloaded file never more than the size the Hub lists; weight headers read in "
     f"{_size(HUB_RANGE_BLOCK)} ranges, at most {_size(HUB_REMOTE_BUDGET)} per file"),
)
"""The README's "Bounds on untrusted input" table, row by row (input, bound)."""
