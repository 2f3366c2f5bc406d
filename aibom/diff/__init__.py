"""What changed between two versions of a model: `compare(old, new) -> Changes`. Pure, no I/O.

Things are matched by identity, never by bom-ref: the model by purl without version (else repo id,
else name), files by path, datasets by id (Hub ids case-insensitively), base models by id, metrics
by (task, dataset, split, type), openness findings by (profile, requirement). Serial numbers,
timestamps, tool metadata and evidence are not compared.

Severity of each kind of change (H = high, M = medium, L = low, I = info):

    identity         M  the two sides are different models (purl / repo id / name)
    revision         I  revision or version changed
    license          H  category more restrictive (permissive -> non-commercial, -> use-restricted)
                     M  same category but another license; either category unknown; no longer stated
                     L  category less restrictive; a license now stated where none was
    dataset-license     as license, for a dataset present on both sides
    weight-format    H  a weight format that runs code when loaded (pickle) appeared
                     M  any other change of weight formats;  I  the code-running format went away
    weight-risk      H  a weight file (changed or added) has a new risk;  I  a risk went away
    base-model       H  base model swapped;  M  added, removed, relation changed;  L  its revision changed
    dataset-added    M
    dataset-removed  M
    parameters       M  parameter count or dtypes changed
    access           M  the model became gated;  I  it is no longer gated
    file-added       M  weights or code file;  L  config or tokenizer file;  I  any other file
    file-removed        as file-added
    file-changed        as file-added (SHA-256 or size differ; the more severe role when it changed)
    model-card       M  task or architecture;  L  metric, library, languages;  I  considerations
    openness         H  a requirement went met -> unmet;  M  any other worsening;  I  improvement, summary
    reference        L  an external reference added or removed (links to the model's own commit and
                        to its datasets are not compared here)

Each change also names the `--fail-on` groups it belongs to (`GROUPS`): license, weights, datasets,
lineage, openness, card, files; every change belongs to `any`.
"""

from aibom.diff.changes import GROUPS, KINDS, SEVERITIES, Change, Changes, Side, shorten
from aibom.diff.compare import compare

__all__ = ["GROUPS", "KINDS", "SEVERITIES", "Change", "Changes", "Side", "compare", "shorten"]
