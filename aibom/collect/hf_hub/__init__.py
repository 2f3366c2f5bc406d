"""Collect a model from the Hugging Face Hub, pinned to the commit the revision resolves to.

One ``model_info(files_metadata=True)`` gives the commit, the files with sizes and LFS SHA-256, the
card data and the Hub's tags. Small non-LFS files are downloaded at that commit and hashed here; LFS
weight files keep the SHA-256 the Hub declares (``--verify-weights`` downloads and checks them) and
their headers are read with range requests (`ranges.HubSource`). That source goes through the same
``build_provenance`` as a local folder, so the Hub, cache and folder paths give the same answer; Hub
facts (gating, tags, datasets' licenses, base models' identities) are added on top.

`client` talks to the Hub; `ranges` reads its files; `collect` turns its answers into a Provenance.
"""

from aibom.collect.hf_hub.collect import collect_hub

__all__ = ["collect_hub"]
