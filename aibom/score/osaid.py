"""The OSI Open Source AI Definition 1.0 as requirements: data information, code, parameters.

OSAID 1.0 asks for the preferred form to modify the system: sufficiently detailed information about
the training data (all of it, including data that cannot be shared: provenance, how it was obtained
and selected, and where public or third-party data can be obtained); the complete code used to
process data and train, under OSI-approved licenses; and the parameters under OSI-approved terms.
Unlike the core profile it does not require the data itself to be open, nor the weights ungated,
and copyleft is fine (it is OSI-approved).
"""

from __future__ import annotations

from aibom.model import Dataset, Provenance
from aibom.score.requirements import (
    TRAINING_CODE_PURPOSES,
    Requirement,
    Verdict,
    absence,
    cite,
    code_verdict,
    derived_from,
    is_open_license,
    listing,
    place,
    training_datasets,
    unread,
    weights_verdict,
)
from aibom.wording import clip, count

DATA_DOCUMENTS = ("data-card", "technical-report", "research-paper")
OSD_TERMS = "OSI-approved or OSD-conformant terms (e.g. Apache-2.0, MIT; not RAIL, community or non-commercial)"


def documented(d: Dataset) -> bool:
    """A dataset someone could find or rebuild: a URL, a declared (Hub) id, or at least a description."""
    return bool(d.url or d.description or d.evidence.method != "inferred")


def data_information(prov: Provenance) -> Verdict:
    """Every training dataset is disclosed with where to get it, or described if it cannot be shared."""
    fix = (
        "Describe all training data (provenance, selection, processing) in a data card and list every "
        "dataset with where to obtain it, or a description if it cannot be shared, in aibom.yaml."
    )
    datasets = training_datasets(prov)
    # a dataset's paper or card documents training data too: every reference counts here
    documents = [r for r in prov.references if r.purpose in DATA_DOCUMENTS]
    doc_ev = tuple(cite(r.evidence, f"{r.purpose}: {place(r)}") for r in documents)
    described = [c for c in prov.card.considerations if c.kind == "training-data"]
    if not datasets:
        lost = unread(prov)
        if lost:
            return Verdict("unknown", f"The training data could not be read ({lost}).", fix, doc_ev)
        # what speaks of the data without naming a dataset: the card's training-data passage, a data
        # card, a technical report (a general paper is not known to describe the data)
        about = [r for r in documents if r.purpose != "research-paper" or r.subject == "dataset"]
        if described or about:
            where = listing([*(c.evidence.location for c in described), *(place(r) for r in about)])
            return Verdict(
                "partial",
                f"The training data is described ({where}), but no dataset is named with where to obtain it.",
                fix,
                tuple(cite(c.evidence, clip(c.text)) for c in described) + doc_ev,
            )
        return Verdict(
            "unmet",
            "No information about the training data is given.",
            fix,
            absence(prov, "training dataset", "datasets") + doc_ev,
        )
    located = [d for d in datasets if documented(d)]
    ev = tuple(cite(d.evidence, f"dataset {d.id}" + (f" at {d.url}" if d.url else "")) for d in datasets) + doc_ev
    bases = derived_from(prov)
    if len(located) < len(datasets):
        vague = listing(d.id for d in datasets if d not in located)
        return Verdict(
            "partial",
            f"{len(located)} of {len(datasets)} training datasets can be located; not located or described: {vague}.",
            fix,
            ev,
        )
    one = len(datasets) == 1
    listed = f"{count(len(datasets), 'listed training dataset')} {'is' if one else 'are'}"
    if bases:
        return Verdict(
            "partial",
            f"The {listed} disclosed, but not the training data of the base model ({', '.join(bases)}).",
            "Point to the base model's data information, or describe its training data.",
            ev,
        )
    where = "where to obtain it" if one else "where to obtain them"
    return Verdict("met", f"The {listed} disclosed with {where}.", evidence=ev)


def code(prov: Provenance) -> Verdict:
    """The training code and the data-processing code under OSI-approved licenses (training code alone: partial)."""
    training = code_verdict(prov, TRAINING_CODE_PURPOSES, "training code")
    if training.status != "met":
        return training
    processing = code_verdict(prov, ("data-preprocessing-code",), "data-processing code")
    if processing.status == "met":
        return Verdict(
            "met", f"{training.reason} {processing.reason}", evidence=training.evidence + processing.evidence
        )
    return Verdict(
        "partial",
        f"{training.reason} {processing.reason}",
        processing.fix,
        training.evidence + processing.evidence,
    )


def parameters(prov: Provenance) -> Verdict:
    """The weights, available under OSI-approved or OSD-conformant terms (a gate alone does not fail this)."""
    return weights_verdict(prov, test=is_open_license, terms=OSD_TERMS, require_ungated=False)


def osaid() -> tuple[Requirement, ...]:
    """The three OSAID 1.0 requirements, in the definition's order."""
    return (
        Requirement(
            "data-information",
            "Data information",
            "Sufficiently detailed information about all training data to build a substantially "
            "equivalent system: every dataset disclosed with its provenance and where to obtain it; "
            "data that cannot be shared is described.",
            data_information,
        ),
        Requirement(
            "code",
            "Code",
            "The complete source code used to process data and train the model, under OSI-approved licenses.",
            code,
        ),
        Requirement(
            "parameters",
            "Parameters",
            "The model parameters (weights) are available under OSI-approved terms.",
            parameters,
        ),
    )
