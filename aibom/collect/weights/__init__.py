"""Header-only inspection of weight files: never loads tensors, never unpickles, never runs code.

One module per format (`safetensors`, `gguf`, `onnx`, `pickle`), the chat-template rules, the shared
bounds (`limits`) and the dispatcher (`header.inspect`).

Every read is bounded. A header that cannot be trusted gives a `WeightInfo` with the risk
``malformed-header: <why>`` and no parameters (the file is still hashed and listed: an unknown with
evidence, not a crash); only an unreadable file raises. Every format is read in a plain install:
GGUF headers are streamed with GGUF's own type tables (token lists skipped, never built), ONNX
protobufs are streamed field by field (tensor data seeked over); pickles are only walked with
``pickletools.genops``.

`WeightInfo.parameters` holds ``(dtype, count)`` pairs (safetensors dtype, GGML tensor type, ONNX
data type). `WeightInfo.metadata` keys, stable and emitted as properties:

- every format: ``header.error`` (why the header was rejected), ``inspection.skipped`` (why it
  was not read: a size over the cap, a format aibom does not parse);
- safetensors: ``safetensors.header_bytes``, ``safetensors.tensors``, ``safetensors.dtypes``
  (comma-separated), ``safetensors.metadata.<key>`` (each ``__metadata__`` entry);
- GGUF: ``gguf.version``, ``gguf.tensors``, ``gguf.architecture``, ``gguf.name``, ``gguf.license``,
  ``gguf.context_length``, ``gguf.file_type`` (the number), ``gguf.quantization`` (``Q4_K_M``,
  ``F16``, ...), ``gguf.quantized`` (``true``/``false``), ``gguf.base_model.count``,
  ``gguf.base_model.<n>.<field>`` (name, organization, repo_url, version, url, ...), plus any other
  short ``general.*`` string as ``gguf.<key without general.>``;
- chat template (GGUF ``tokenizer.chat_template``): ``chat_template.sha256``,
  ``chat_template.length``, ``chat_template`` (the text, when at most 32 KiB);
- ONNX: ``onnx.ir_version``, ``onnx.producer``, ``onnx.producer_version``, ``onnx.domain``,
  ``onnx.model_version``, ``onnx.doc_string``, ``onnx.opset`` (``ai.onnx=17,com.microsoft=1``), ``onnx.graph``,
  ``onnx.initializers``, ``onnx.external_data`` (initializers stored outside the file),
  ``onnx.metadata.<key>`` (each ``metadata_props`` entry);
- pickle: ``pickle.container`` (``raw`` or ``zip``), ``pickle.imports`` (``module.name``, comma-
  separated), ``pickle.scan`` (``complete`` or why it stopped).

Risks: ``malformed-header: <why>``, ``pickle-executable-on-load``, ``pickle-dangerous-import:
<module.name>`` (outside the allowlist of tensor-rebuilding callables), ``pickle-unresolved-import``
(a STACK_GLOBAL whose names the stack model cannot tell: computed, or a stack no unpickler could
run), ``pickle-scan-incomplete`` (the scan stopped: what follows may import anything),
``torchscript-code``, ``chat-template-code: <constructs>``.

Pickles are found by content as well as by name: ``.pickle``, ``.joblib``, ``.dill``, NumPy object
arrays (``.npy``, each array of an ``.npz``), and any file whose first bytes are a pickle's or a zip
holding ``.pkl`` members. STACK_GLOBAL's names come from a model of the unpickler's stack and memo
(POP, POP_MARK, DUP, MEMOIZE, PUT/GET, every opcode's stack effect), never from the last two strings.
"""

from aibom.collect.weights.chat_template import chat_template_code
from aibom.collect.weights.header import inspect
from aibom.collect.weights.limits import WEIGHT_SUFFIXES

__all__ = ["WEIGHT_SUFFIXES", "chat_template_code", "inspect"]
