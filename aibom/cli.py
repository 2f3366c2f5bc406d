"""The `aibom` command: parse, call, write. No logic of its own."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aibom import __version__, api, identity
from aibom.collect.options import CollectOptions
from aibom.emit import SPEC_VERSIONS
from aibom.errors import AibomError, EnvironmentFailure, InputError, PolicyFailure
from aibom.identity import CREDENTIALS, check_endpoint
from aibom.output import write_text

if TYPE_CHECKING:
    from aibom.model import Assessment, Provenance
    from aibom.render.sarif import Root
from datetime import UTC

from aibom.score import PROFILES, SCORE_PROFILES

FORMATS = ("text", "json", "markdown", "sarif")


def write_output(text: str, output: Path | None) -> None:
    """Write to stdout, or atomically to `output`."""
    if output is None or str(output) == "-":
        if sys.stdout is None:  # started with stdout closed (>&-): the BOM has nowhere to go
            raise EnvironmentFailure("standard output is closed", "write to a file with -o FILE")
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_text(output, text)


def _options(**kwargs: object) -> CollectOptions:
    return CollectOptions(progress=sys.stderr.isatty(), **kwargs)  # type: ignore[arg-type]


def _repo_id(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not identity.is_repo_id(value):
        raise click.BadParameter(f"{value!r} is not a Hugging Face repo id ORG/NAME")
    return value


def _revision(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not identity.REVISION.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a commit, branch or tag name")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "AIBOM"})
@click.version_option(__version__, prog_name="aibom")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """What a machine-learning model is made of, and whether it is really open."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("target")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the BOM here (default: stdout).")
@click.option("--spec-version", type=click.Choice(SPEC_VERSIONS), default="1.6", show_default=True)
@click.option("--format", "bom_format", type=click.Choice(("cyclonedx", "spdx3")), default="cyclonedx",
              show_default=True, help="CycloneDX JSON, or SPDX 3.0.1 JSON-LD (AI and Dataset profiles).")
@click.option("--repo-id", callback=_repo_id, help="The Hub identity of a local folder (ORG/NAME).")
@click.option("--revision", callback=_revision, help="The revision (commit, branch or tag) of the model.")
@click.option("--reproducible", is_flag=True, help="Byte-identical output for identical input.")
@click.option("--score", "score_profile", type=click.Choice(PROFILES), help="Embed an openness assessment.")
@click.option("--allow-copyleft", is_flag=True, help="Count copyleft licenses as permissive when scoring.")
@click.option("--declarations", type=click.Path(path_type=Path), help="A declarations file (aibom.yaml).")
@click.option("--cache", "cache_dir", is_flag=False, flag_value="", default=None,
              help="Read the model from the Hugging Face cache (optionally its folder), no network.")
@click.option("--verify-weights", is_flag=True, help="Download Hub weight files and check their SHA-256.")
@click.option("--lineage-depth", type=click.IntRange(0, 10), default=1, show_default=True)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), help="Files hashed at once (default: one per core).")
def generate(target: str, output: Path | None, spec_version: str, bom_format: str, repo_id: str | None,
             revision: str | None,
             reproducible: bool, score_profile: str | None, allow_copyleft: bool, declarations: Path | None,
             cache_dir: str | None, verify_weights: bool, lineage_depth: int, jobs: int | None) -> None:
    """Write an AI-BOM (CycloneDX, or SPDX 3 with --format spdx3) for TARGET: a model folder, a
    .gguf/.onnx file or a Hub repo id."""
    options = _options(repo_id=repo_id, revision=revision, declarations=declarations, jobs=jobs,
                       verify_weights=verify_weights, lineage_depth=lineage_depth,
                       use_cache=cache_dir is not None, cache_dir=Path(cache_dir) if cache_dir else None)
    bom = api.generate(target, options, spec_version=spec_version, reproducible=reproducible, score=score_profile,
                       allow_copyleft=allow_copyleft, format=bom_format)  # type: ignore[arg-type]
    write_output(bom.text, output)


@cli.command()
@click.argument("boms", metavar="BOM...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="json: {bom, valid, problems} on standard output (a list of them for several BOMs).")
def validate(boms: tuple[str, ...], fmt: str) -> None:
    """Check each BOM (a file, or - for standard input) against the strict CycloneDX schema of its version
    and for dangling references (SPDX 3: its JSON schema and SHACL model)."""
    import json

    from aibom.collect.textfiles import read_document

    results, bad = [], []
    for bom in boms:
        text = read_document(bom)
        found = _problems(text)
        name = "<stdin>" if bom == "-" else bom
        results.append({"bom": name, "valid": not found, "problems": found})
        if fmt == "text":
            for line in found:
                click.echo(f"{name}: {line}", err=True)
            if not found:
                click.echo(f"{name}: valid")
        if found:
            bad.append(f"{name} is not a valid {_kind(text)} ({len(found)} problem(s))")
    if fmt == "json":
        click.echo(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    if bad:
        raise InputError("; ".join(bad))


@cli.command("license-guard")
@click.argument("boms", metavar="BOM...", nargs=-1, required=True)
def license_guard(boms: tuple[str, ...]) -> None:
    """Exit 1 when a BOM about to be committed states a more restrictive license than the same file
    at HEAD (the pre-commit hook `aibom-license-guard`); a BOM new to the repository passes."""
    import subprocess
    import tempfile

    downgrades = []
    for bom in boms:
        path = Path(bom)
        committed = subprocess.run(["git", "-C", str(path.parent or "."), "show", f"HEAD:./{path.name}"],
                                   capture_output=True, timeout=60)
        if committed.returncode != 0:  # not in HEAD: nothing to compare against
            continue
        with tempfile.TemporaryDirectory(prefix="aibom-guard-") as tmp:
            old = Path(tmp) / "HEAD.json"
            old.write_bytes(committed.stdout)
            changes = api.compare(api.load(str(old)), api.load(bom))
        downgrades += [f"{bom}: {c.message}" for c in changes.in_group("license")
                       if c.severity == "high" or c.new is None]
    for line in downgrades:
        click.echo(line, err=True)
    if downgrades:
        raise PolicyFailure(f"{len(downgrades)} license downgrade(s) against the committed BOM")


@cli.command()
@click.argument("bom")
@click.option("--to", "to", type=click.Choice(("spdx3", "cyclonedx")), required=True,
              help="The format to write: SPDX 3.0.1 JSON-LD or CycloneDX JSON.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the BOM here (default: stdout).")
@click.option("--spec-version", type=click.Choice(SPEC_VERSIONS), default="1.6", show_default=True,
              help="The CycloneDX version, with --to cyclonedx.")
@click.option("--reproducible", is_flag=True, help="Byte-identical output for identical input.")
def convert(bom: str, to: str, output: Path | None, spec_version: str, reproducible: bool) -> None:
    """Convert BOM (CycloneDX or SPDX 3; - for standard input) to the other format, through the same
    provenance, validated before it is written."""
    from aibom.collect.textfiles import read_document

    write_output(api.convert(read_document(bom), to, spec_version=spec_version,  # type: ignore[arg-type]
                             reproducible=reproducible), output)


def _kind(text: str) -> str:
    from aibom.emit.spdx3_reader import looks_spdx3

    return "SPDX 3.0.1 document" if looks_spdx3(text) else "CycloneDX BOM"


def _problems(text: str) -> list[str]:
    """The problems of a CycloneDX BOM, or of an SPDX 3.0.1 document (JSON-LD in SPDX 3.0.1's context)."""
    if _kind(text).startswith("SPDX"):
        from aibom.emit.spdx3_validate import problems as spdx_problems

        return spdx_problems(text)
    from aibom.emit.validate import problems

    return problems(text)


def _fail_on_groups(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from aibom.diff import GROUPS, KINDS

    groups = tuple(dict.fromkeys(g.strip() for v in value for g in v.split(",") if g.strip()))
    unknown = [g for g in groups if g not in GROUPS and g not in KINDS]
    if unknown:
        raise click.BadParameter(f"unknown kind {', '.join(unknown)} (choose from {', '.join(GROUPS)}, "
                                 "or a change kind such as weight-format)")
    return groups


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--fail-on", callback=_fail_on_groups, metavar="KIND[,KIND...]", multiple=True,
              help="Exit 1 when a change of these kinds exists: license, weights, datasets, lineage, "
                   "openness, card, files, any, or a change kind (weight-format, dataset-removed, ...).")
@click.option("--profile", type=click.Choice(PROFILES), help="Score both sides and compare openness.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the diff here (default stdout).")
def diff(old: str, new: str, fmt: str, fail_on: tuple[str, ...], profile: str | None,
         output: Path | None) -> None:
    """What changed from OLD to NEW: each a BOM .json file, a model folder or a Hub repo id."""
    from aibom.render.diff import render

    before, after = api.load(old, _options()), api.load(new, _options())
    changes = api.compare(before, after, profile=profile)
    if fmt == "sarif":
        from aibom.render.sarif import diff_log

        write_output(diff_log(changes, _sarif_root(new, after)), output)
    else:
        write_output(render(changes, fmt), output)
    hits = sorted({c.kind for group in fail_on for c in changes.in_group(group)})
    if hits:
        raise PolicyFailure(f"changes under --fail-on {','.join(fail_on)}: {', '.join(hits)}")


@cli.command()
@click.argument("target")
@click.option("--profile", type=click.Choice(SCORE_PROFILES), default="core", show_default=True,
              help="An openness profile, or g7: the G7 minimum elements the BOM holds.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(("unmet", "unknown")),
              help="Exit 1 when a requirement is unmet or partial (unmet), or also unknown (unknown).")
@click.option("--allow-copyleft", is_flag=True, help="Count copyleft licenses as permissive.")
@click.option("--declarations", type=click.Path(path_type=Path), help="A declarations file (aibom.yaml).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report here.")
def score(target: str, profile: str, fmt: str, fail_on: str | None, allow_copyleft: bool,
          declarations: Path | None, output: Path | None) -> None:
    """How open TARGET is: a model folder, .gguf/.onnx file, declarations or MOT .yaml, repo id, or BOM .json.

    A BOM is re-scored from the facts it holds; an assessment embedded in it is only compared.
    """
    from aibom.render.score import RENDERERS
    from aibom.score import report

    prov, assessment = _assessed(target, profile, allow_copyleft, declarations)
    notes = report.embedded_notes(prov.assessments, assessment) if api.is_bom(target) else ()
    notes += tuple(f"the BOM: {u.reason}" for u in prov.unknowns if u.subject == "bom" and "bom-ref" in u.reason)
    document = report.build(prov, assessment, allow_copyleft=allow_copyleft, notes=notes)
    if fmt == "sarif":
        from aibom.render.sarif import score_log

        risks = [(f.path, r) for f in prov.files if f.weights for r in f.weights.risks]
        write_output(score_log(document, risks, _sarif_root(target, prov), fail_on=fail_on), output)
    else:
        write_output(RENDERERS[fmt](document), output)
    failing = report.failing(assessment, fail_on)
    if failing:
        raise PolicyFailure(f"requirements not met under --fail-on {fail_on}: {', '.join(failing)}")


@cli.command("report")
@click.argument("target")
@click.option("--profile", type=click.Choice(SCORE_PROFILES), default="core", show_default=True)
@click.option("--fail-on", type=click.Choice(("unmet", "unknown")), help="Exit 1 as score does (after writing).")
@click.option("--allow-copyleft", is_flag=True, help="Count copyleft licenses as permissive.")
@click.option("--declarations", type=click.Path(path_type=Path), help="A declarations file (aibom.yaml).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the HTML here (default stdout).")
def report_command(target: str, profile: str, fail_on: str | None, allow_copyleft: bool,
                   declarations: Path | None, output: Path | None) -> None:
    """A self-contained HTML report of TARGET (a model or a BOM .json) for a reviewer to read and print."""
    from datetime import datetime

    from aibom.render.html import render
    from aibom.score import report

    prov, assessment = _assessed(target, profile, allow_copyleft, declarations)
    built = report.build(prov, assessment, allow_copyleft=allow_copyleft)
    when, _ = api.bom_time(False)
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    write_output(render(prov, built, generated=stamp), output)
    failing = report.failing(assessment, fail_on)
    if failing:
        raise PolicyFailure(f"requirements not met under --fail-on {fail_on}: {', '.join(failing)}")


@cli.command()
@click.argument("targets", nargs=-1)
@click.option("--cache", "cache_dir", is_flag=False, flag_value="", default=None,
              help="Scan every repo and snapshot of the Hugging Face cache (optionally its folder).")
@click.option("--from-file", "lists", type=click.Path(path_type=Path), multiple=True,
              help="A file of targets, one a line (# comments).")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), required=True,
              help="OUTDIR: boms/, inventory.jsonl and summary.md are written here.")
@click.option("-j", "--jobs", type=click.IntRange(1, 1024), help="Models described at once (default: one per core).")
@click.option("--engine", type=click.Choice(("local", "ray")), default="local", show_default=True)
@click.option("--ray-address", help="The Ray cluster to run on (default: a local Ray for this run).")
@click.option("--spec-version", type=click.Choice(SPEC_VERSIONS), default="1.6", show_default=True)
@click.option("--score", "score_profile", type=click.Choice(PROFILES), help="Score every model.")
@click.option("--fail-on", type=click.Choice(("unmet", "unknown")), help="Exit 1 when a model fails the policy.")
@click.option("--resume", is_flag=True, help="Skip models whose BOM in OUTDIR is up to date.")
@click.option("--reproducible", is_flag=True, help="Byte-identical BOMs for identical input.")
@click.option("--lineage-depth", type=click.IntRange(0, 10), default=1, show_default=True)
def scan(targets: tuple[str, ...], cache_dir: str | None, lists: tuple[Path, ...], outdir: Path, jobs: int | None,
         engine: str, ray_address: str | None, spec_version: str, score_profile: str | None, fail_on: str | None,
         resume: bool, reproducible: bool, lineage_depth: int) -> None:
    """Describe every model of a fleet: TARGETs (folders, files, repo ids; a folder with no model of its
    own is a tree to search), the cache, and list files. One failing model is a row, not a stop."""
    from aibom.collect.hf_cache import cache_dir as hub_cache
    from aibom.fleet import engine as fleet
    from aibom.fleet import sources
    from aibom.fleet.progress import Progress

    if fail_on and not score_profile:
        raise InputError("--fail-on needs --score PROFILE")
    api.bom_time(reproducible)  # a bad SOURCE_DATE_EPOCH is refused once, not for every model
    groups = []
    for spec in targets:
        path = Path(spec)
        groups.append(sources.from_tree(path) if path.is_dir() and not sources.is_model_folder(path)
                      else [sources.from_spec(spec)])
    if cache_dir is not None:
        groups.append(sources.from_cache(hub_cache(CollectOptions(cache_dir=Path(cache_dir) if cache_dir else None))))
    groups += [sources.from_list(p) for p in lists]
    found = sources.union(*groups)
    if not found:
        raise InputError("nothing to scan", "name targets, a folder tree, --cache or --from-file")
    settings = fleet.Settings(spec_version=spec_version, reproducible=reproducible, score=score_profile,
                              fail_on=fail_on, lineage_depth=lineage_depth)
    progress = Progress(len(found))
    try:
        rows = fleet.scan(found, outdir, settings, jobs=jobs or os.cpu_count() or 1, engine=engine,  # type: ignore[arg-type]
                          ray_address=ray_address, resume=resume, on_row=progress.advance)
    finally:
        progress.close()
    failed = sum(1 for r in rows if r["error"])
    click.echo(f"aibom: scanned {len(rows)} models into {outdir} ({failed} failed)", err=True)
    worst = max(r["exit_code"] for r in rows)
    if worst:
        bad = sum(1 for r in rows if r["exit_code"])
        error = PolicyFailure if worst == 1 else EnvironmentFailure if worst == 3 else InputError
        raise error(f"{bad} of {len(rows)} models exited non-zero; see {outdir / 'inventory.jsonl'}")


def _assessed(target: str, profile: str, allow_copyleft: bool,
              declarations: Path | None) -> tuple[Provenance, Assessment]:
    """TARGET loaded and judged by `profile`; the G7 profile judges a CycloneDX BOM file as written."""
    prov = api.load(target, _options(declarations=declarations))
    document = api.cyclonedx_document(target) if profile == "g7" and declarations is None else None
    return prov, api.assess(prov, profile, allow_copyleft=allow_copyleft, document=document,
                            location=Path(target).name if api.is_bom(target) else "bom.json")


def _sarif_root(target: str, prov: Provenance) -> Root:
    """Where SARIF paths resolve: the BOM file given, else the model folder (or its Hub page)."""
    from aibom.render.sarif import Root

    files = frozenset(f.path for f in prov.files)
    if api.is_bom(target):
        return Root(files, bom=Path(target).name if target != "-" else "bom.json")
    if prov.repo_id and prov.revision and not Path(target).exists():
        from aibom.collect.hf_hub.client import endpoint

        return Root(files, f"{endpoint()}/{prov.repo_id}/blob/{prov.revision}/")
    folder = Path(target).resolve()
    folder = folder if folder.is_dir() else folder.parent
    here = Path.cwd().resolve()
    inside = folder == here or here in folder.parents
    return Root(files, folder.as_uri(), source_root=here.as_uri().rstrip("/") + "/" if inside else None)


def main() -> None:
    """Entry point: run the group, turning errors into one clear line and an exit code."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("AIBOM_DEBUG", "") not in ("", "0")
    try:
        check_endpoint(os.environ.get("HF_ENDPOINT"))  # before anything imports huggingface_hub
        # no request aibom did not ask for: huggingface_hub's telemetry also fetches an agent registry
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aibom: aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except AibomError as exc:
        if debug:
            _print_traceback()
        label = "policy" if exc.exit_code == 1 else "error"
        click.echo(f"aibom: {label}: {_no_secrets(exc.message)}", err=True)
        if exc.hint:
            click.echo(f"aibom: hint: {_no_secrets(exc.hint)}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("aibom: interrupted", err=True)
        sys.exit(3)
    except Exception as exc:
        if debug:
            _print_traceback()
        click.echo(f"aibom: unexpected error: {type(exc).__name__}: {_no_secrets(str(exc))} "
                   "(a bug; rerun with --debug)", err=True)
        sys.exit(2)


def _no_secrets(text: str) -> str:
    """`text` with any URL's ``user:password@`` and the Hugging Face token masked: the last guard
    before a message is printed, whatever raised it."""
    text = CREDENTIALS.sub("***@", text)
    token = os.environ.get("HF_TOKEN", "")
    return text.replace(token, "***") if len(token) >= 8 else text


def _print_traceback() -> None:
    import traceback  # only --debug needs it

    traceback.print_exc()


def console() -> None:
    """The installed command (``aibom``, ``python -m aibom``): `main`, then the output flushed; a reader
    that went away (``| head``) is not an error of ours (Python's documented SIGPIPE advice)."""
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)
