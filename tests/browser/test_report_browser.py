"""The HTML report rendered in headless Chromium: the rendered DOM holds the verdict, the scorecard,
the lineage graph and the file table; the screenshot is not blank and shows them; loading it from a
local server requests nothing but the page itself."""

from __future__ import annotations

import subprocess
import sys
import threading
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CHROMIUM, FIXTURES, run_main
from PIL import Image

TINY = FIXTURES / "models" / "tiny-llama-ft"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={cwd / 'profile'}", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


class _Text(HTMLParser):
    """The text of each section of a DOM, and the SVG node classes."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.current: str | None = None
        self.node_classes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self.current = values.get("id")
            self.sections[self.current or ""] = ""
        if tag == "g" and (values.get("class") or "").startswith("node-"):
            self.node_classes.append(values["class"] or "")

    def handle_data(self, data: str) -> None:
        if self.current:
            self.sections[self.current] += data


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Image.Image]:
    work = tmp_path_factory.mktemp("report")
    html = work / "report.html"
    code = subprocess.run([sys.executable, "-m", "aibom", "report", str(TINY), "-o", str(html)], capture_output=True,
                          text=True, timeout=120).returncode
    assert code == 0
    dom = chromium("--dump-dom", html.as_uri(), cwd=work)
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = work / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,2600", html.as_uri(), cwd=work)
    return html, dom.stdout, Image.open(shot).convert("RGB")


def test_the_rendered_dom_holds_every_section(rendered) -> None:
    _, dom, _ = rendered
    parsed = _Text()
    parsed.feed(dom)
    text = parsed.sections
    assert "Undetermined" in text["verdict"] and "permissive-license" in text["scorecard"]
    assert "README.md, line 67" in text["scorecard"]
    assert "Keep the copyright notice" in text["license"]
    assert {"node-model", "node-base", "node-dataset"} <= set(parsed.node_classes)
    assert "TinyLlama/TinyLlama-1.1B-Chat-v1.0" in text["lineage"]
    assert "model.safetensors" in text["files"] and "a837040f9b8d5fa3ba1c39cca44ad0a008e9385842eb25ab77e66643e77153eb" \
        in text["files"]


def test_the_screenshot_shows_the_scorecard_and_the_graph(rendered) -> None:
    _, _, image = rendered
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # not blank
    seen = {rgb for _, rgb in colours}
    assert (0x11, 0x63, 0x29) in seen  # a "met" badge of the scorecard
    assert (0xDD, 0xF4, 0xFF) in seen  # the model's node in the lineage graph
    assert (0xDA, 0xFB, 0xE1) in seen  # a dataset's node


def test_loading_the_report_requests_nothing_but_the_page(rendered, tmp_path: Path) -> None:
    html, _, _ = rendered
    (tmp_path / "report.html").write_bytes(html.read_bytes())
    asked: list[str] = []

    class Logged(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Logged, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/report.html"
        done = chromium("--dump-dom", url, cwd=tmp_path)
    finally:
        server.shutdown()
    assert done.returncode == 0 and "Scorecard" in done.stdout
    assert asked == ["/report.html"]


def test_report_exits_0_whatever_the_verdict_and_fail_on_works(monkeypatch, capsys, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, _ = run_main(monkeypatch, capsys, "report", str(TINY), "-o", str(out))
    assert code == 0 and out.read_text().startswith("<!DOCTYPE html>")
    code, _, err = run_main(monkeypatch, capsys, "report", str(TINY), "--fail-on", "unknown", "-o", str(out))
    assert code == 1 and "open-code" in err and out.stat().st_size > 0
