"""The Model Openness Framework's vocabulary, shared by the MOT reader (collect) and the MOF profile
(score): its 17 components (package data copied from the Model Openness Tool's settings, MIT license:
data/MOT-LICENSE.txt) and the reference purposes that stand for them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

MOT_COLLECTOR = "mot"
"""The collector name of facts read from a MOT file (evidence only: how a fact is judged is in its type)."""
CLASS_LABELS = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}
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


def requirement_id(component: Component) -> str:
    """The requirement id of a component: ``mof-`` and its name in lower-case words joined by dashes."""
    words = "".join(ch if ch.isalnum() else " " for ch in component.name.lower()).split()
    return "mof-" + "-".join(words)


def level_requirements(mof_class: int) -> tuple[str, ...]:
    """The requirement ids a model must meet for MOF class `mof_class` (1 is the highest): every
    required component of that class or a lower one."""
    return tuple(requirement_id(c) for c in components() if c.required and c.mof_class >= mof_class)


@dataclass(frozen=True)
class MofResult:
    """The MOF class reached (0 = unclassified), progress per class in percent, blockers per class
    (``Component(missing|unlicensed|invalid)`` in MOF component order) and the components counted
    open under a license not meant for their content type."""

    mof_class: int
    progress: tuple[tuple[int, float], ...]
    blockers: tuple[tuple[int, tuple[str, ...]], ...]
    not_type_appropriate: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return CLASS_LABELS[self.mof_class]

    def to_pairs(self) -> tuple[tuple[str, str], ...]:
        """The result as name/value pairs, the form a BOM's attestation summary carries."""
        pairs = [("mof-class", str(self.mof_class)), ("mof-label", self.label)]
        pairs += [(f"progress.{c}", str(p)) for c, p in self.progress]
        pairs += [(f"blockers.{c}", ";".join(b)) for c, b in self.blockers]
        if self.not_type_appropriate:
            pairs.append(("not-type-appropriate", ";".join(self.not_type_appropriate)))
        return tuple(pairs)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> MofResult | None:
        """The result `to_pairs` wrote; None when the pairs hold none."""
        named = dict(pairs)
        if not named.get("mof-class", "").isdigit() or int(named["mof-class"]) not in CLASS_LABELS:
            return None
        classes = (1, 2, 3)
        try:
            progress = tuple((c, float(named.get(f"progress.{c}", "0"))) for c in classes)
        except ValueError:
            return None
        return cls(
            int(named["mof-class"]),
            progress,
            tuple((c, tuple(b for b in named.get(f"blockers.{c}", "").split(";") if b)) for c in classes),
            tuple(n for n in named.get("not-type-appropriate", "").split(";") if n),
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON shape: ``{"class", "progress": {"1": pct, ...}, "blockers": {"1": [...], ...}}``."""
        return {
            "class": self.mof_class,
            "progress": {str(c): p for c, p in self.progress},
            "blockers": {str(c): list(b) for c, b in self.blockers},
        }


MOF_PAIRS = re.compile(r"^(mof-class|mof-label|progress\.\d|blockers\.\d|not-type-appropriate)$")
"""The pair names `MofResult.to_pairs` writes."""


def data_file(name: str) -> str:
    """One of the MOF data files shipped in ``aibom/data``."""
    return resources.files("aibom").joinpath("data", name).read_text(encoding="utf-8")


def class_numeral(mof_class: int) -> str:
    """The Roman numeral the MOF names a class by (I, II, III)."""
    return {1: "I", 2: "II", 3: "III"}.get(mof_class, str(mof_class))
