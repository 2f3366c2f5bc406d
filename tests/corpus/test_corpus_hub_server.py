"""The local Hub answers the real huggingface_hub client the way the Hub does (shapes, headers, errors).

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

import json

from conftest import REAL
from huggingface_hub import HfApi
from test_hub_server import BERT, WEIGHTS

CARD = (REAL / "modelcards" / "google-bert__bert-base-uncased" / "README.md").read_bytes()




def _bert(hub, **kw) -> str:
    return hub.add_model(
        BERT,
        {"README.md": CARD, "config.json": b'{"model_type": "bert"}\n', "model.safetensors": WEIGHTS},
        **kw,
    )


def test_sibling_fields_match_a_real_hub_answer(hub) -> None:
    """The one real ModelInfo excerpt (snake_case, from an app) has the fields our server fills."""
    real = json.loads(
        (
            REAL / "api" / "TheBloke__Llama-2-13B-chat-GGUF" / "hf_hub_model_info.files_metadata.excerpt.json"
        ).read_text()
    )["data"]
    _bert(hub)
    info = HfApi(endpoint=hub.url).model_info(BERT, files_metadata=True)
    real_lfs = next(s for s in real["siblings"] if s["lfs"])
    ours = next(s for s in info.siblings if s.lfs)
    assert set(real_lfs) == {"rfilename", "size", "blob_id", "lfs"}
    assert set(real_lfs["lfs"]) == set(vars(ours.lfs)) == {"size", "sha256", "pointer_size"}
    assert all(getattr(ours, k) is not None for k in real_lfs)
    for key in ("sha", "private", "gated", "library_name", "tags", "pipeline_tag", "siblings", "author"):
        assert key in real and hasattr(info, key)
    assert len(real["sha"]) == len(info.sha) == 40
