"""The Model Openness Framework's vocabulary, shared by the MOT reader (collect) and the MOF profile
(score): its 17 components (package data copied from the Model Openness Tool's settings, MIT license:
data/MOT-LICENSE.txt) and the reference purposes that stand for them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

MOT_COLLECTOR = "mot"
"""The collector name of facts read from a MOT file; their licenses are judged exactly as written."""
PURPOSE_COMPONENTS: dict[str, str] = {
    "data-preprocessing-code": "Data preprocessing code",
    "model-architecture": "Model architecture",
    "intermediate-checkpoints": "Model parameters (Intermediate)",
    "training-code": "Training code",
    "inference-code": "Inference code",
    "evaluation-code": "Evaluation code",
    "evaluation-data": "Evaluation data",
    "evaluation-results": "Evaluation results",
    "supporting-libraries": "Supporting libraries and tools",
    "model-card": "Model card",
    "data-card": "Data card",
    "technical-report": "Technical report",
    "research-paper": "Research paper",
    "sample-outputs": "Sample model outputs",
}
"""Reference purposes that are MOF components by themselves (untagged references)."""

COMPONENT_PURPOSES: dict[str, str] = {
    **{name: purpose for purpose, name in PURPOSE_COMPONENTS.items()},
    "Model parameters (Final)": "distribution",
    "Model metadata": "other",
}
"""The reference purpose each non-dataset component is recorded under (tagged with its name)."""

@dataclass(frozen=True)
class Component:
    """One MOF component: its content type (code, data, document), class and whether it is required."""

    name: str
    content_type: str
    mof_class: int
    required: bool
    description: str


@cache
def components() -> tuple[Component, ...]:
    """The 17 MOF components in MOT's order (package data copied from MOT's settings)."""
    doc = json.loads(data_file("mof-components.json"))
    return tuple(
        Component(c["name"], c["content_type"], c["class"], c["required"], c["description"])
        for c in doc["components"]
    )


def data_file(name: str) -> str:
    """One of the MOF data files shipped in ``aibom/data``."""
    return resources.files("aibom").joinpath("data", name).read_text(encoding="utf-8")


def class_numeral(mof_class: int) -> str:
    """The Roman numeral the MOF names a class by (I, II, III)."""
    return {1: "I", 2: "II", 3: "III"}.get(mof_class, str(mof_class))
