"""The reviewer's report: one self-contained HTML file (no script, no external style, font or image;
a Content-Security-Policy that forbids fetching anything) a compliance reviewer reads top to bottom
and prints to PDF. Built with Jinja2's autoescaping from a score report document and the Provenance.
Pure: the time of writing is an argument."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined

from aibom import __version__
from aibom.license_duties import duties
from aibom.licenses import category_label, terms
from aibom.model import Provenance
from aibom.render import lineage
from aibom.render.markup import place
from aibom.wording import human_size


def _template(name: str) -> str:
    return (files("aibom.render") / "templates" / name).read_text(encoding="utf-8")


ENV = Environment(loader=FunctionLoader(_template), autoescape=True, undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True)


def where(location: str) -> str:
    """An evidence location as a reviewer reads it: ``README.md#L12`` is ``README.md, line 12``."""
    path, fragment, line = place(location)
    if fragment.startswith("L") and line:
        return f"{path}, line {line}"
    return location.replace("#front-matter", ", front matter") or "(no location)"


ENV.filters["where"] = where
ENV.filters["size"] = lambda n: "—" if n is None else human_size(n)


def render(prov: Provenance, report: dict[str, Any], *, generated: str) -> str:
    """The report HTML for `prov` scored as `report` (aibom.score.report.build), written at `generated`."""
    licenses = [{"license": lic, "category": category_label(lic.category),
                 "restrictions": [t for t in terms(lic) if t.kind not in ("attribution", "naming")],
                 "duties": duties(lic)} for lic in prov.licenses]
    graph = lineage.layout(prov)
    risks = [(f.path, r) for f in prov.files if f.weights for r in f.weights.risks]
    return ENV.get_template("report.html.j2").render(
        prov=prov, report=report, licenses=licenses, graph=graph, edge_path=lambda e: lineage.path(graph, e),
        node_width=lineage.WIDTH, node_height=lineage.HEIGHT, risks=risks, generated=generated,
        version=__version__, clusters=list(dict.fromkeys(r.get("cluster", "") for r in report["requirements"])),
    )
