"""A model on the Hugging Face Hub: every fact pinned to the resolved commit, small files hashed here,
weight files as the Hub declares them (or downloaded with --verify-weights), weight headers by
ranged reads, datasets and base models looked up on the Hub."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from aibom import licenses
from aibom.budget import HUB_SMALL_FILE_CAP
from aibom.collect import local, weights
from aibom.collect.cards import RELATION_WORDS, front_matter_licenses, parse_dataset_card
from aibom.collect.hf_hub.answers import checked_model_info
from aibom.collect.hf_hub.client import Hub
from aibom.collect.hf_hub.ranges import HubSource
from aibom.collect.options import CollectOptions
from aibom.errors import EnvironmentFailure, InputError
from aibom.hashing import hash_files
from aibom.identity import hf_purl, hub_purl
from aibom.model import (
    PROP_ACCESS,
    PROP_HF_GATED,
    PROP_HF_PRIVATE,
    BaseModel,
    Dataset,
    Evidence,
    Fact,
    FileEntry,
    License,
    Property,
    Provenance,
    Reference,
    Relation,
    Unknown,
)

COLLECTOR = "hf-hub"




def collect_hub(repo_id: str, revision: str | None, options: CollectOptions) -> Provenance:
    """The provenance of Hub model `repo_id` at `revision` (default: main), pinned to its commit."""
    hub = Hub(options)
    info = hub.call(
        "reading the model info",
        f"{repo_id}@{revision}" if revision else repo_id,
        lambda: checked_model_info(hub.api.model_info(repo_id, revision=revision, files_metadata=True,
                                                       timeout=hub.timeout), hub.shown, repo_id, files=True),
    )
    sha = info.sha
    if not sha:
        raise EnvironmentFailure(
            f"the Hub at {hub.shown} gave no commit for {repo_id}",
            "HF_ENDPOINT may not point to a Hugging Face Hub",
        )
    where = f"{hub.shown}/api/models/{repo_id}/revision/{sha}"
    with tempfile.TemporaryDirectory(prefix="aibom-hub-") as tmp:
        source, files, unknowns = _files(hub, repo_id, sha, info.siblings or [], Path(tmp) / "model", where,
                                         options)
        prov = local.build_provenance(
            source,
            files,
            repo_id=repo_id,
            revision=sha,
            fallback_name=repo_id.split("/")[-1],
        )
        prov = prov.with_changes(unknowns=prov.unknowns + unknowns, listing="release",
                                 purl=hf_purl(repo_id, sha, repository_url=hub.endpoint))
        prov = _hub_facts(prov, info, Evidence(COLLECTOR, where, "declared"))
        prov = _datasets(hub, prov, Path(tmp) / "datasets")
    return _lineage(hub, prov, options.lineage_depth)


def _files(
    hub: Hub,
    repo_id: str,
    sha: str,
    siblings: list,
    root: Path,
    where: str,
    options: CollectOptions,
) -> tuple[HubSource, list[FileEntry], tuple[Unknown, ...]]:
    """File entries: small files downloaded and hashed, LFS files as the Hub declares them (or verified)
    with their headers read by range requests; and the source the rest of the collector reads."""
    for s in siblings:
        parts = PurePosixPath(s.rfilename).parts
        if (
            not parts
            or s.rfilename.startswith("/")
            or "\\" in s.rfilename
            or ".." in parts
            or ".git" in parts
        ):
            raise EnvironmentFailure(
                f"the Hub at {hub.shown} lists an unsafe file name for {repo_id}: {s.rfilename!r}",
                "HF_ENDPOINT may not point to a trustworthy Hub",
            )
    fetch = [
        s
        for s in siblings
        if (s.lfs is None and (s.size or 0) <= HUB_SMALL_FILE_CAP)
        or (s.lfs is not None and options.verify_weights)
    ]
    listed = {s.rfilename: (s.lfs.size if s.lfs is not None else s.size) for s in fetch}
    paths = {rel: hub.download(repo_id, rel, sha, root, limit=size if size else HUB_SMALL_FILE_CAP)
             for rel, size in listed.items()}
    hashed = hash_files(list(paths.values()), jobs=options.jobs, progress=options.progress)
    sizes = {s.rfilename: (s.lfs.size if s.lfs is not None else s.size) or 0 for s in siblings}
    source = HubSource(hub, repo_id, sha, sizes, paths, COLLECTOR)
    entries: list[FileEntry] = []
    unknowns: list[Unknown] = []
    for s in sorted(siblings, key=lambda s: s.rfilename):
        rel = s.rfilename
        role = local.file_role(rel)
        if rel in paths:
            h = hashed[paths[rel]]
            if s.lfs is not None and h.sha256 != s.lfs.sha256:
                raise InputError(
                    f"{repo_id}@{sha}: {rel} has SHA-256 {h.sha256} but the Hub declares {s.lfs.sha256}",
                    "the download is corrupt or the Hub's record is wrong",
                )
            entries.append(
                FileEntry(
                    rel,
                    h.size,
                    h.sha256,
                    role,
                    Evidence(COLLECTOR, rel, "computed"),
                    weights.inspect(source, rel),
                )
            )
        elif s.lfs is not None:
            entries.append(
                FileEntry(
                    rel,
                    s.lfs.size,
                    s.lfs.sha256,
                    role,
                    Evidence(COLLECTOR, f"{where}#siblings/{rel}/lfs", "declared"),
                    weights.inspect(source, rel),
                )
            )
        else:
            entries.append(
                FileEntry(rel, s.size, None, role, Evidence(COLLECTOR, f"{where}#siblings/{rel}", "declared"))
            )
            unknowns.append(
                Unknown(
                    "file",
                    "sha256",
                    f"not downloaded: {s.size} bytes is over the {HUB_SMALL_FILE_CAP}-byte cap for non-LFS files",
                    rel,
                )
            )
    return source, entries, tuple(unknowns)


def _tag_values(tags: list[str] | None, prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in tags or () if t.startswith(prefix)]


def _tag_licenses(tags: list[str] | None, evidence: Evidence) -> tuple[License, ...]:
    """The licenses the Hub's ``license:`` tags name (what it shows when a card declares none)."""
    return tuple(licenses.resolve(t, evidence) for t in _tag_values(tags, "license:"))


def _hub_facts(prov: Provenance, info: object, ev: Evidence) -> Provenance:
    """Add what the Hub says beyond the files: gating, tags (licenses, datasets, papers), parameters."""
    tags: list[str] = list(getattr(info, "tags", None) or [])
    gated = getattr(info, "gated", None)
    private = getattr(info, "private", None)
    props = [Property(PROP_HF_PRIVATE, str(bool(private)).lower(), ev)]
    if gated is not None:
        props.append(Property(PROP_ACCESS, "gated" if gated else "open", ev))
        props.append(Property(PROP_HF_GATED, str(gated).lower(), ev))
    library = getattr(info, "library_name", None)
    task = getattr(info, "pipeline_tag", None)
    card = prov.card
    if library and card.library is None:
        card = replace(card, library=Fact(library, ev))
    if task and card.task is None:
        card = replace(card, task=Fact(task, ev))
    lics = prov.licenses
    if not lics:
        lics = _tag_licenses(tags, replace(ev, location=f"{ev.location}#tags"))
    known = {d.id.lower() for d in prov.datasets}
    datasets = prov.datasets + tuple(
        Dataset(d, replace(ev, location=f"{ev.location}#tags/dataset:{d}"))
        for d in dict.fromkeys(_tag_values(tags, "dataset:"))
        if d.lower() not in known
    )
    refs = prov.references + tuple(
        Reference(f"https://arxiv.org/abs/{a}", "research-paper", replace(ev, location=f"{ev.location}#tags"))
        for a in dict.fromkeys(_tag_values(tags, "arxiv:"))
        if not any(a in r.url for r in prov.references)
    )
    parameters = prov.parameters
    st = getattr(info, "safetensors", None)
    gguf = getattr(info, "gguf", None)
    if parameters is None and st is not None and st.total:
        parameters = Fact(int(st.total), replace(ev, location=f"{ev.location}#safetensors.total"))
    elif parameters is None and isinstance(gguf, dict) and isinstance(gguf.get("total"), int):
        parameters = Fact(gguf["total"], replace(ev, location=f"{ev.location}#gguf.total"))
    filled = {"license": bool(lics), "datasets": bool(datasets), "parameters": parameters is not None}
    unknowns = tuple(u for u in prov.unknowns if not (u.subject == "model" and filled.get(u.field)))
    return prov.with_changes(
        unknowns=unknowns,
        author=prov.author or getattr(info, "author", None),
        gated=bool(gated) if gated is not None else prov.gated,
        card=card,
        licenses=lics,
        datasets=datasets,
        references=refs,
        parameters=parameters,
        base_models=_base_models(prov.base_models, tags, ev),
        properties=prov.properties + tuple(props),
    )


def _base_models(bases: tuple[BaseModel, ...], tags: list[str], ev: Evidence) -> tuple[BaseModel, ...]:
    """Base models from the card, completed by the Hub's ``base_model:[relation:]ID`` tags."""
    relation_of: dict[str, Relation] = {}
    plain: list[str] = []
    for value in _tag_values(tags, "base_model:"):
        kind, _, rest = value.partition(":")
        if rest and kind in RELATION_WORDS:
            relation_of[rest] = RELATION_WORDS[kind]
        elif not rest or "/" in kind:
            plain.append(value)
    out = [
        replace(b, relation=relation_of[b.id]) if b.relation == "unknown" and b.id in relation_of else b
        for b in bases
    ]
    known = {b.id for b in bases}
    for base in dict.fromkeys([*plain, *relation_of]):
        if base not in known:
            out.append(
                BaseModel(
                    base,
                    relation_of.get(base, "unknown"),
                    replace(ev, location=f"{ev.location}#tags/base_model:{base}"),
                )
            )
            known.add(base)
    return tuple(out)


def _datasets(hub: Hub, prov: Provenance, folder: Path) -> Provenance:
    """Each named dataset, completed from its Hub info and card: license, URL, gating, revision."""
    out: list[Dataset] = []
    unknowns: list[Unknown] = []
    for ds in prov.datasets:
        try:
            info = hub.call(f"reading dataset {ds.id}", ds.id,
                            lambda ds=ds: checked_model_info(hub.api.dataset_info(ds.id, timeout=hub.timeout),
                                                            hub.shown, ds.id, files=True))
        except InputError:
            out.append(ds)
            unknowns.append(
                Unknown(
                    "dataset",
                    "license",
                    f"the Hub at {hub.shown} does not know dataset {ds.id} (or it is private)",
                    ds.id,
                )
            )
            continue
        found = _dataset_from_hub(hub, ds, info, folder)
        if not found.licenses:
            unknowns.append(Unknown("dataset", "license", "its Hub card declares no license", ds.id))
        out.append(found)
    return prov.with_changes(datasets=tuple(out), unknowns=prov.unknowns + tuple(unknowns))


def _dataset_from_hub(hub: Hub, ds: Dataset, info: object, folder: Path) -> Dataset:
    """A dataset completed from ``dataset_info`` and its README card at the same commit."""
    sha = getattr(info, "sha", None)
    url = f"{hub.shown}/datasets/{ds.id}"
    where = f"{hub.shown}/api/datasets/{ds.id}" + (f"/revision/{sha}" if sha else "")
    gated = getattr(info, "gated", None)
    has_card = any(s.rfilename == "README.md" for s in getattr(info, "siblings", None) or [])
    lics: tuple[License, ...] = ()
    name, description = ds.name, ds.description
    if has_card and sha:
        try:
            path = hub.download(ds.id, "README.md", sha, folder / ds.id, repo_type="dataset")
            card = parse_dataset_card(
                path.read_text(encoding="utf-8", errors="replace"),
                collector=COLLECTOR,
                location=f"{url}/blob/{sha}/README.md",
            )
            title = card.title.removeprefix("Dataset Card for ").strip() if card.title else None
            lics, name, description = (
                card.licenses,
                name or card.model_name or title,
                description or card.description,
            )
        except InputError:  # gated card without a token: the API's cardData and tags still carry the license
            pass
    if not lics:
        lics = _tag_licenses(getattr(info, "tags", None), Evidence(COLLECTOR, f"{where}#tags", "declared"))
    return replace(
        ds,
        url=ds.url or url,
        licenses=lics,
        gated=bool(gated) if gated is not None else None,
        revision=sha,
        name=name,
        description=description,
    )


def _lineage(hub: Hub, prov: Provenance, depth: int) -> Provenance:
    """Follow base models `depth` levels: identity (purl at their commit) and license; no cycles."""
    seen = {prov.repo_id}
    bases = list(prov.base_models)
    unknowns: list[Unknown] = []
    frontier = list(range(len(bases)))
    for _ in range(depth):
        nxt: list[int] = []
        for i in frontier:
            base = bases[i]
            if base.id in seen:
                continue
            seen.add(base.id)
            try:
                info = hub.call(
                    f"reading base model {base.id}", base.id,
                    lambda base=base: checked_model_info(hub.api.model_info(base.id, timeout=hub.timeout), hub.shown,
                                                         base.id, files=False),
                )
            except InputError:
                unknowns.append(
                    Unknown(
                        "base-model",
                        "license",
                        f"the Hub at {hub.shown} does not know {base.id} (or it is private)",
                        base.id,
                    )
                )
                continue
            sha = getattr(info, "sha", None)
            where = f"{hub.shown}/api/models/{base.id}" + (f"/revision/{sha}" if sha else "")
            ev = Evidence(COLLECTOR, f"{where}#cardData", "declared")
            cd = getattr(info, "card_data", None)
            lics = base.licenses or (front_matter_licenses(cd.to_dict(), ev) if cd is not None else ())
            if not lics:
                lics = _tag_licenses(getattr(info, "tags", None), replace(ev, location=f"{where}#tags"))
            if not lics:
                unknowns.append(
                    Unknown("base-model", "license", "its Hub card declares no license", base.id)
                )
            bases[i] = replace(
                base,
                purl=hub_purl(base.id, sha) if sha else base.purl,
                revision=sha or base.revision,
                licenses=lics,
            )
            known = {b.id for b in bases}
            for parent in _base_models(
                (), list(getattr(info, "tags", None) or []), replace(ev, location=where)
            ):
                if parent.id not in known and parent.id not in seen:
                    bases.append(parent)
                    nxt.append(len(bases) - 1)
        frontier = nxt
    return prov.with_changes(base_models=tuple(bases), unknowns=prov.unknowns + tuple(unknowns))
