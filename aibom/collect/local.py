"""A model folder on disk: walk it safely, hash every file, read its card, config, licenses, index.

`build_provenance` is shared with the Hub, cache and single-file collectors, so every path gives the
same answer for the same files. The model's identity, in this order: the repo id (``--repo-id``, the
Hub or the cache); the GGUF header's ``general.name``; the card's first heading when it is a repo id
or a model-like name (`identity.heading_name`), verbatim; the card's ``model_name``; the folder or
file name. Never ``config.json:_name_or_path``, which is base-model evidence only.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from aibom import license_text, strict_json
from aibom.budget import CARD_LIMIT, CONFIG_LIMIT, INDEX_LIMIT, LICENSE_LIMIT
from aibom.collect import weights
from aibom.collect.cards import CardInfo, parse_model_card
from aibom.collect.header_facts import header_facts
from aibom.collect.lineage import lineage, model_identity, repack_relation
from aibom.collect.options import CollectOptions
from aibom.collect.source import FolderSource, Source
from aibom.collect.walk import start_hashing, walk
from aibom.errors import InputError
from aibom.hashing import HashRun
from aibom.identity import COMMIT, hub_purl, is_hub_reference
from aibom.model import (
    CARD_NAMES,
    PROP_ACCESS,
    PROP_DOWNLOAD_COMMIT,
    PROP_PARAMETERS_PREFIX,
    PROP_TORCH_DTYPE,
    PROP_WEIGHTS_SHARDS,
    PROP_WEIGHTS_TOTAL_SIZE,
    BaseModel,
    CardFacts,
    Evidence,
    Fact,
    FileEntry,
    FileRole,
    License,
    Property,
    Provenance,
    Reference,
    Unknown,
)

COLLECTOR = "local"
SKIPPED_DOWNLOADS = ".cache/huggingface/download"
SHA256 = re.compile(r"[0-9a-f]{64}")
HEX = re.compile(r"[0-9a-f]{7,40}")

_TOKENIZER_NAMES = re.compile(
    r"^(tokenizer(_config)?\.json|tokenizer\.model|special_tokens_map\.json|added_tokens\.json|vocab\.(txt|json)"
    r"|merges\.txt|spiece\.model|sentencepiece.*\.model|.*\.tiktoken|tekken\.json)$"
)
_LICENSE_NAMES = re.compile(r"^(licen[sc]e|copying|notice|use[_-]policy)([._-].*)?$")
_NOT_WEIGHTS = re.compile(r"^(training_args|optimizer|scheduler|rng_state.*)\.(bin|pt|pth)$")
_CODE_SUFFIXES = (".py", ".ipynb", ".sh", ".c", ".cc", ".cpp", ".cu", ".h", ".js", ".ts", ".rs", ".go", ".java")
_DOC_SUFFIXES = (".md", ".rst", ".txt", ".pdf", ".html")
_CONFIG_SUFFIXES = (".json", ".yaml", ".yml", ".toml", ".cfg", ".ini")
_INDEX_SUFFIXES = (".safetensors.index.json", ".bin.index.json")
def file_role(rel: str) -> FileRole:
    """What a file of a model repo is, from its relative POSIX path."""
    name = PurePosixPath(rel).name.lower()
    if _LICENSE_NAMES.match(name):
        return "license"
    if name.endswith(_INDEX_SUFFIXES):
        return "config"
    if name.endswith(weights.WEIGHT_SUFFIXES) and not _NOT_WEIGHTS.match(name):
        return "weights"
    if _TOKENIZER_NAMES.match(name):
        return "tokenizer"
    if name.endswith(_CODE_SUFFIXES):
        return "code"
    if name.startswith(("readme", "citation")) or name.endswith(_DOC_SUFFIXES):
        return "doc"
    if name.endswith(_CONFIG_SUFFIXES):
        return "config"
    return "other"


# -- collecting -----------------------------------------------------------------------------------


def describe_files(source: FolderSource, running: HashRun) -> list[FileEntry]:
    """Inspect the files of `source` while `running` hashes them, then describe each as a file
    entry, in path order."""
    rels = source.files()
    try:
        inspected = [weights.inspect(source, rel) for rel in rels]
        hashed = running.wait()
    except BaseException:
        running.cancel()
        raise
    return [
        FileEntry(rel, hashed[p].size, hashed[p].sha256, file_role(rel), Evidence(source.collector, rel, "computed"),
                  info)
        for rel, p, info in zip(rels, (source.paths[r] for r in rels), inspected, strict=True)
    ]


def collect_folder(path: Path, options: CollectOptions) -> Provenance:
    """Walk, hash, inspect and describe the model folder at `path`."""
    walked = walk(path)
    return collect_walked(path, options, walked, start_hashing(walked, options))


def collect_walked(path: Path, options: CollectOptions, walked: Sequence[tuple[str, Path]],
                   running: HashRun) -> Provenance:
    """`collect_folder` for a folder already walked whose files are being hashed."""
    source = FolderSource(dict(walked), COLLECTOR)
    files = describe_files(source, running)
    download = _download_record(path, files)
    prov = build_provenance(
        source,
        files,
        repo_id=options.repo_id,
        revision=options.revision or download.commit,
        fallback_name=path.resolve().name,
    )
    unknowns = list(download.unknowns)
    rev = (options.revision or "").lower()
    if download.commit and HEX.fullmatch(rev) and not download.commit.startswith(rev):
        reason = f"--revision {options.revision} but the files were downloaded at commit {download.commit}"
        unknowns.append(Unknown("model", "revision", reason))
    return prov.with_changes(properties=prov.properties + download.properties, unknowns=prov.unknowns + tuple(unknowns))


@dataclass(frozen=True)
class _Download:
    """What ``hf download --local-dir`` recorded about the files: the commit, and mismatches."""

    commit: str | None = None
    properties: tuple[Property, ...] = ()
    unknowns: tuple[Unknown, ...] = ()


def _download_record(root: Path, files: Sequence[FileEntry]) -> _Download:
    """The Hub commit the files were downloaded at, from the metadata ``hf download --local-dir``
    keeps in ``.cache/huggingface/download/<file>.metadata`` (commit, etag, timestamp); an LFS
    file whose SHA-256 is not the etag the Hub served has changed since."""
    meta_root = root / SKIPPED_DOWNLOADS
    real_root = root.resolve()
    if not meta_root.is_dir() or not meta_root.resolve().is_relative_to(real_root):
        return _Download()
    commits: dict[str, str] = {}
    changed: list[str] = []
    for f in files:
        meta = meta_root / f"{f.path}.metadata"
        if meta.is_symlink() or not meta.is_file() or not meta.resolve().is_relative_to(real_root):
            continue
        data, _ = FolderSource({f.path: meta}).read(f.path, 4096)
        lines = data.decode("utf-8", errors="replace").splitlines()
        commit = lines[0].strip().lower() if lines else ""
        if not COMMIT.fullmatch(commit):
            continue
        commits[f.path] = commit
        etag = lines[1].strip().strip('"').lower() if len(lines) > 1 else ""
        if SHA256.fullmatch(etag) and f.sha256 and etag != f.sha256:
            changed.append(f.path)
    if not commits:
        return _Download()
    evidence = Evidence(COLLECTOR, f"{SKIPPED_DOWNLOADS}/*.metadata", "computed")
    found = sorted(set(commits.values()))
    unknowns = [
        Unknown(
            "model",
            "weights",
            f"{p} has changed since it was downloaded from the Hub (its SHA-256 is not the one the Hub served)",
        )
        for p in changed
    ]
    if len(found) > 1:
        reason = f"the files were downloaded at {len(found)} different commits ({', '.join(c[:12] for c in found)})"
        unknowns.append(Unknown("model", "revision", reason))
    props = tuple(Property(PROP_DOWNLOAD_COMMIT, c, evidence) for c in found)
    return _Download(found[0] if len(found) == 1 else None, props, tuple(unknowns))


def build_provenance(
    source: Source,
    files: Sequence[FileEntry],
    *,
    repo_id: str | None,
    revision: str | None,
    fallback_name: str,
) -> Provenance:
    """Combine already-hashed `files` with what README.md, config.json, LICENSE* and shard indexes
    of `source` say. Only files listed in `files` are read."""
    present = {f.path: f for f in files}
    collector = source.collector
    unknowns: list[Unknown] = []
    card_rel, card = _card(source, present, collector, unknowns, repo_id)
    config = _config(source, present, collector, unknowns)
    header = header_facts(files, collector)

    name, identity = model_identity(card, card_rel, header, collector, repo_id, fallback_name)
    repack = repack_relation(card, present, repo_id or fallback_name)
    own = (repo_id, card.title, card.model_name) if repo_id is None else (repo_id,)
    bases = lineage(card.base_models or header.base_models, config.base, own, name, repack, present)

    lics = _licenses(card.licenses, source, present, collector, unknowns) or header.licenses
    props = [*config.properties, *_indexes(source, present, collector, unknowns)]
    if card.gated:
        props.append(Property(PROP_ACCESS, "gated", Evidence(collector, "README.md#front-matter", "declared")))
    parameters = _parameters(files, collector, props, unknowns)
    datasets = card.datasets  # one per id: the card parser deduplicates
    references = _hub_references(_placed(card.references, present), repo_id, revision, present, collector)

    if not lics:
        why = f"; {header.unread}" if header.unread else ""
        unknowns.append(Unknown("model", "license", f"no license in the card, a LICENSE file or a GGUF header{why}"))
    if not datasets:
        unknowns.append(Unknown("model", "datasets", "the card names no training datasets"))
    if parameters is None:
        why = header.unread or "no weight file header to count parameters from"
        unknowns.append(Unknown("model", "parameters", why))
    return Provenance(
        name=name,
        identity=identity,
        source=collector,
        repo_id=repo_id,
        revision=revision,
        purl=hub_purl(repo_id, revision) if repo_id else None,
        description=card.description or header.description,
        author=header.author,
        gated=card.gated,
        files=tuple(sorted(files, key=lambda f: f.path)),
        licenses=lics,
        datasets=datasets,
        base_models=bases,
        references=references,
        card=CardFacts(
            task=card.card.task,
            architecture_family=config.family,
            model_architecture=config.architecture or header.architecture,
            library=card.card.library,
            languages=card.card.languages,
            tags=card.card.tags,
            metrics=card.card.metrics,
            considerations=card.card.considerations,
        ),
        parameters=parameters,
        properties=tuple(props),
        unknowns=tuple(dict.fromkeys([*card.unknowns, *unknowns])),
    )


# -- the parts ------------------------------------------------------------------------------------


def card_file(paths: Iterable[str]) -> str | None:
    """The model card among `paths`: README.md, else MODEL_CARD.md or MODELCARD.md, any case."""
    top = sorted(p for p in paths if "/" not in p)
    return next((p for name in CARD_NAMES for p in top if p.lower() == name), None)


def _card(
    source: Source, present: dict[str, FileEntry], collector: str, unknowns: list[Unknown], repo_id: str | None
) -> tuple[str, CardInfo]:
    """The model card (README.md, else MODEL_CARD.md or MODELCARD.md) and its path. A card that is
    not UTF-8 is an InputError: guessing its encoding could put mangled license names and dataset
    ids into a BOM, and the Hub itself requires UTF-8."""
    rel = card_file(present)
    if rel is None:
        unknowns.append(Unknown("model", "card", "no README.md (or MODEL_CARD.md) model card"))
        return "README.md", CardInfo()
    data, truncated = source.read(rel, CARD_LIMIT)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(data, final=not truncated)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{rel} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "save the model card as UTF-8",
        ) from exc
    if truncated:
        unknowns.append(Unknown("model", "card", f"{rel} is larger than {CARD_LIMIT} bytes; only the start was read"))
    return rel, parse_model_card(text, collector=collector, location=rel, repo_id=repo_id)


@dataclass(frozen=True)
class _Config:
    """What config.json says: architecture, family, a base-model hint, dtype."""

    architecture: Fact[str] | None = None
    family: Fact[str] | None = None
    base: BaseModel | None = None
    properties: tuple[Property, ...] = field(default=())


def _config(source: Source, present: dict[str, FileEntry], collector: str, unknowns: list[Unknown]) -> _Config:
    if "config.json" not in present:
        return _Config()
    data, truncated = source.read("config.json", CONFIG_LIMIT)
    if truncated:
        unknowns.append(Unknown("model", "config", f"config.json is larger than {CONFIG_LIMIT} bytes; not read"))
        return _Config()
    try:
        config = strict_json.loads(data.decode("utf-8"))
    except ValueError as exc:  # not UTF-8, not JSON, NaN, a lone surrogate, an integer of 5,000 digits
        unknowns.append(Unknown("model", "config", f"config.json is not valid JSON ({exc})"))
        return _Config()
    if not isinstance(config, dict):
        unknowns.append(Unknown("model", "config", "config.json is not a JSON object"))
        return _Config()

    def evidence(key: str) -> Evidence:
        return Evidence(collector, f"config.json:{key}", "declared")

    def text(key: str) -> str | None:
        value = config.get(key)
        return value if isinstance(value, str) and value.strip() else None

    archs = config.get("architectures")
    archs_ok = isinstance(archs, list) and archs and all(isinstance(a, str) for a in archs)
    family, dtype, hint = text("model_type"), text("torch_dtype"), text("_name_or_path")
    base = None
    if hint is not None and is_hub_reference(hint):
        base = BaseModel(
            id=hint,
            relation="unknown",
            evidence=evidence("_name_or_path"),
            purl=hub_purl(hint),
        )
    return _Config(
        architecture=Fact(", ".join(archs), evidence("architectures")) if archs_ok else None,  # type: ignore[arg-type]
        family=Fact(family, evidence("model_type")) if family else None,
        base=base,
        properties=(Property(PROP_TORCH_DTYPE, dtype, evidence("torch_dtype")),) if dtype else (),
    )


def _licenses(
    card_licenses: tuple[License, ...],
    source: Source,
    present: dict[str, FileEntry],
    collector: str,
    unknowns: list[Unknown],
) -> tuple[License, ...]:
    """The card's licenses, then each top-level LICENSE/LICENCE/COPYING file recognised by its text."""
    out = list(card_licenses)
    for rel in sorted(present):
        if "/" in rel or not re.match(r"^(licen[sc]e|copying)", rel.lower()):
            continue
        data, _ = source.read(rel, LICENSE_LIMIT)
        found = license_text.from_text(data.decode("utf-8", errors="replace"), Evidence(collector, rel, "inferred"))
        if found is None:
            unknowns.append(Unknown("model", "license", f"{rel}: the text is not a license aibom recognises"))
        elif not any(lic.spdx and lic.spdx == found.spdx for lic in out):
            out.append(found)
    return tuple(out)


def _indexes(source: Source, present: dict[str, FileEntry], collector: str, unknowns: list[Unknown]) -> list[Property]:
    """Sharded checkpoints: every shard an index lists must be present; its total_size is kept."""
    props: list[Property] = []
    for rel in sorted(p for p in present if p.endswith(_INDEX_SUFFIXES)):
        data, truncated = source.read(rel, INDEX_LIMIT)
        try:
            index = None if truncated else strict_json.loads(data.decode("utf-8"))
        except ValueError:
            index = None
        weight_map = index.get("weight_map") if isinstance(index, dict) else None
        if not isinstance(weight_map, dict):
            unknowns.append(Unknown("model", "weights", f"{rel} is not a readable shard index"))
            continue
        folder = PurePosixPath(rel).parent
        shards = sorted(
            {str(folder / s) if str(folder) != "." else s for s in weight_map.values() if isinstance(s, str)}
        )
        missing = [s for s in shards if s not in present]
        if missing:
            named = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            unknowns.append(
                Unknown("model", "weights", f"{rel} lists shards that are not among the model's files: {named}")
            )
        meta = index.get("metadata") if isinstance(index, dict) else None
        total = meta.get("total_size") if isinstance(meta, dict) else None
        evidence = Evidence(collector, f"{rel}:metadata.total_size", "declared")
        if isinstance(total, int | float) and not isinstance(total, bool):
            props.append(Property(PROP_WEIGHTS_TOTAL_SIZE, str(int(total)), evidence))
        props.append(Property(PROP_WEIGHTS_SHARDS, str(len(shards)), Evidence(collector, rel, "computed")))
    return props


def _parameters(
    files: Sequence[FileEntry], collector: str, props: list[Property], unknowns: list[Unknown]
) -> Fact[int] | None:
    """Parameters summed over every safetensors header (per dtype as properties); without any, the
    count of a lone other weight file (GGUF, ONNX). Several GGUF quantizations of one model are
    not summed: that would count the model several times. A sum that leaves out a safetensors file
    whose header was rejected is said to be partial."""
    counted = [f for f in files if f.weights is not None and f.weights.parameters]
    headers = [f for f in counted if f.weights.format == "safetensors"]  # type: ignore[union-attr]
    if not headers and len(counted) == 1:
        headers = counted
    if not headers:
        return None
    if headers[0].weights.format == "safetensors":  # type: ignore[union-attr]
        unknowns.extend(
            Unknown("model", "parameters", f"{f.path}: header rejected, count is partial")
            for f in files
            if f.weights is not None
            and f.weights.format == "safetensors"
            and any(r.startswith("malformed-header") for r in f.weights.risks)
        )
    per_dtype: dict[str, int] = {}
    for f in headers:
        for dtype, n in f.weights.parameters:  # type: ignore[union-attr]
            per_dtype[dtype] = per_dtype.get(dtype, 0) + n
    where = headers[0].path if len(headers) == 1 else f"{len(headers)} safetensors headers"
    evidence = Evidence(collector, f"{where}#header" if len(headers) == 1 else where, "computed")
    props.extend(
        Property(f"{PROP_PARAMETERS_PREFIX}{dtype}", str(n), evidence) for dtype, n in sorted(per_dtype.items())
    )
    return Fact(sum(per_dtype.values()), evidence)


def _placed(refs: tuple[Reference, ...], present: dict[str, FileEntry]) -> tuple[Reference, ...]:
    """The card's references to files of the model (a training script it names) with the path the
    file has among `present`: a name the card writes without its folder is found when exactly one
    file has it. A named file that is not there keeps its name, for the scorer to report."""
    out = []
    for ref in refs:
        if ref.url and "://" not in ref.url and ref.url not in present:
            found = [p for p in present if p.endswith(f"/{ref.url}")]
            ref = replace(ref, url=found[0]) if len(found) == 1 else ref
        out.append(ref)
    return tuple(out)


def _hub_references(
    refs: tuple[Reference, ...],
    repo_id: str | None,
    revision: str | None,
    present: dict[str, FileEntry],
    collector: str,
) -> tuple[Reference, ...]:
    """The card's links, plus the Hub page and card when the model's Hub identity is known."""
    if not repo_id:
        return refs
    ev = Evidence(collector, "repo-id", "declared")
    out = [Reference(f"https://huggingface.co/{repo_id}", "website", ev)]
    card = card_file(present)
    if card:
        out.append(Reference(f"https://huggingface.co/{repo_id}/blob/{revision or 'main'}/{card}", "model-card", ev))
    return (*out, *(r for r in refs if r.url not in {o.url for o in out}))
