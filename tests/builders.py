"""The one maker of weight files for the tests, the fixtures (fixtures/make_fixtures.py) and bench/.

safetensors is written by hand (its layout is three lines of spec: u64 little-endian header length,
JSON header space-padded to 8 bytes, tensor data). GGUF and ONNX files come from their own projects'
writers (the ``gguf`` and ``onnx`` packages, imported only when such a file is asked for), so a reader
that disagrees with the format's own tools fails here. Pickles are built without torch.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import struct
import sys
import types
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
Tensors = Mapping[str, tuple[str, Sequence[int]]]


# --- safetensors --------------------------------------------------------------------------------
def tensor_bytes(dtype: str, shape: Sequence[int]) -> int:
    n = DTYPE_BYTES[dtype]
    for dim in shape:
        n *= dim
    return n


def safetensors_header(tensors: Tensors, metadata: Mapping[str, str] | None = None, *,
                       compact: bool = True) -> tuple[bytes, int]:
    """The file's first bytes (length prefix + padded JSON header) and how many data bytes must follow.

    Tensors are laid out contiguously in the given order; ``compact=False`` writes the JSON with spaces.
    """
    header: dict[str, Any] = {"__metadata__": dict(metadata)} if metadata is not None else {}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = tensor_bytes(dtype, shape)
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header, separators=(",", ":") if compact else None).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw, offset


def safetensors_bytes(tensors: Tensors, metadata: Mapping[str, str] | None = None, *,
                      data: Mapping[str, bytes] | None = None) -> bytes:
    """``{"name": ("F32", (2, 3))}`` as a safetensors file; each tensor's bytes from `data`, else zeros."""
    head, size = safetensors_header(tensors, metadata)
    if data is None:
        return head + bytes(size)
    chunks = []
    for name, (dtype, shape) in tensors.items():
        raw = data[name]
        assert len(raw) == tensor_bytes(dtype, shape), f"{name}: {len(raw)} bytes for {dtype}{list(shape)}"
        chunks.append(raw)
    return head + b"".join(chunks)


def write_safetensors(path: Path, tensors: Tensors, metadata: Mapping[str, str] | None = None, *,
                      data: Mapping[str, bytes] | None = None) -> Path:
    path.write_bytes(safetensors_bytes(tensors, metadata, data=data))
    return path


def safetensors_claiming(header_length: int, rest: bytes) -> bytes:
    """A broken safetensors file: any header length claim followed by any bytes."""
    return struct.pack("<Q", header_length) + rest


def read_safetensors(path: Path) -> dict[str, tuple[str, list[int], bytes]]:
    """A safetensors file's tensors in data order: name -> (dtype, shape, bytes), read by hand."""
    blob = path.read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    return {name: (t["dtype"], t["shape"], data[t["data_offsets"][0]:t["data_offsets"][1]])
            for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])}


# --- the Hugging Face cache layout --------------------------------------------------------------
def git_blob_id(data: bytes) -> str:
    """The git object id of a blob, which the Hub reports as ``blobId`` and as the ETag of small files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def make_cache(
    cache: Path,
    repo_id: str,
    files: Mapping[str, bytes],
    commit: str,
    refs: tuple[str, ...] = ("main",),
) -> Path:
    """The layout huggingface_hub writes: blobs named by ETag (git blob id, or SHA-256 for LFS files),
    snapshot files as relative symlinks into ``../../blobs``, and ref files naming the commit."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    for rel, data in files.items():
        etag = hashlib.sha256(data).hexdigest() if rel.endswith(".safetensors") else git_blob_id(data)
        blob = repo / "blobs" / etag
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = repo / "snapshots" / commit / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    for ref in refs:
        (repo / "refs" / ref).parent.mkdir(parents=True, exist_ok=True)
        (repo / "refs" / ref).write_text(commit)
    return repo


# --- GGUF (gguf's own writer) -------------------------------------------------------------------
Q8_0 = 7  # LlamaFileType.MOSTLY_Q8_0 in the GGUF spec


def make_gguf(path: Path, *, name: str | None = "Tiny Llama", license_id: str | None = "apache-2.0",
              file_type: int | None = Q8_0, chat_template: str | None = None,
              base_models: tuple[dict[str, str], ...] = (), context_length: int | None = 4096,
              tokens: Sequence[str] | None = ("<s>", "</s>", "hello"),
              tensors: Mapping[str, Sequence[int]] | None = None) -> Path:
    """A real GGUF file from gguf.GGUFWriter; tensors (name -> shape, F32) default to 3×4 and 5."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), "llama")
    if name is not None:
        writer.add_name(name)
    if license_id:
        writer.add_license(license_id)
    if context_length is not None:
        writer.add_context_length(context_length)
    if file_type is not None:
        writer.add_file_type(file_type)
    if chat_template is not None:
        writer.add_chat_template(chat_template)
    if base_models:
        writer.add_base_model_count(len(base_models))
        for i, base in enumerate(base_models):
            for key, value in base.items():
                getattr(writer, f"add_base_model_{key}")(i, value)
    if tokens is not None:
        writer.add_token_list(list(tokens))
    for tensor, shape in (tensors or {"token_embd.weight": (3, 4), "output_norm.weight": (5,)}).items():
        writer.add_tensor(tensor, np.ones(tuple(shape), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


# --- ONNX (onnx's own writer) -------------------------------------------------------------------
def make_onnx(path: Path, *, external: bool = False, props: Mapping[str, str] | None = None,
              doc_string: str | None = None) -> Path:
    """A real ONNX model (MatMul + Add) with 2×3 and 3 initializers, optionally stored as external data."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.ones((2, 3), dtype=np.float32), "W")
    b = numpy_helper.from_array(np.ones(3, dtype=np.float32), "B")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["XW"]), helper.make_node("Add", ["XW", "B"], ["Y"])],
        "tiny-graph",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 3])],
        [w, b],
    )
    model = helper.make_model(graph, producer_name="aibom-tests", producer_version="1.0",
                              opset_imports=[helper.make_opsetid("", 17)])
    if doc_string is not None:
        model.doc_string = doc_string
    helper.set_model_props(model, dict(props) if props is not None else {"author": "tests", "license": "mit"})
    if external:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=path.name + ".data", size_threshold=0)
    else:
        onnx.save_model(model, str(path))
    return path


# --- pickles and torch zips (never loaded by aibom) ---------------------------------------------
class Payload:
    """Unpickling this would create `marker`; the tests assert it never appears."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def make_torch_zip(path: Path, pickled: bytes, *, code: bool = False) -> Path:
    """The layout torch.save writes: ``archive/data.pkl`` plus raw storages, in an uncompressed zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", pickled)
        zf.writestr("archive/data/0", bytes(16))
        zf.writestr("archive/version", "3\n")
        if code:
            zf.writestr("archive/code/__torch__.py", "def forward(self): ...\n")
    return path


def state_dict_pickle(protocol: int) -> bytes:
    """The imports a torch state dict pickles (rebuild callable, storage class), built without torch."""
    fake_torch, fake_utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
    rebuild = type("_rebuild_tensor_v2", (), {"__module__": "torch._utils"})
    storage = type("FloatStorage", (), {"__module__": "torch"})
    fake_utils._rebuild_tensor_v2 = rebuild  # type: ignore[attr-defined]
    fake_torch.FloatStorage = storage  # type: ignore[attr-defined]
    saved = {k: sys.modules.get(k) for k in ("torch", "torch._utils")}
    sys.modules.update({"torch": fake_torch, "torch._utils": fake_utils})
    try:
        return pickle.dumps(OrderedDict(w=(rebuild, storage, 1)), protocol=protocol)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
