"""A hostile or broken Hub: every answer bounded in size and time, every malformed answer one clear
line and exit 3 (an environment failure: the Hub aibom was pointed at is at fault, not the input)."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SHA = "a" * 40
Answer = tuple[int, dict[str, str], Iterator[bytes]]


class Scripted:
    """A Hub that answers every request with what `answer(path)` gives: status, headers, and the body
    as pieces (a piece of b"" is a one-second pause)."""

    def __init__(self, answer: Callable[[str], Answer]) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.paths.append(self.path)
                status, headers, body = answer(self.path)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    for piece in body:
                        if piece:
                            self.wfile.write(piece)
                            self.wfile.flush()
                        else:
                            time.sleep(1)
                except OSError:  # aibom hung up: what a bounded client does
                    pass

        self.paths: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run(server_url: str, *extra: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """aibom generate against the Hub at `server_url`: the result, seconds taken, peak RSS in MB."""
    # VmHWM, not ru_maxrss: Linux carries the forking parent's peak (pytest's) into the child's ru_maxrss
    code = ("import runpy, sys; sys.argv = ['aibom', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('aibom', run_name='__main__')\n"
            "finally:\n    peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
            "    print('RSS', peak.split()[1], file=sys.stderr)")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, "generate", "hf://org/name", *extra], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "HF_ENDPOINT": server_url, "AIBOM_HTTP_BACKOFF": "0", **env})
    rss = next((int(line.split()[1]) // 1024 for line in done.stderr.splitlines() if line.startswith("RSS ")), 0)
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    return done, time.monotonic() - start, rss


def json_answer(doc: object, **headers: str) -> Answer:
    body = json.dumps(doc).encode()
    return 200, {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}, iter([body])


def info(**fields: object) -> dict[str, object]:
    return {"id": "org/name", "sha": SHA, "siblings": [{"rfilename": "README.md", "size": 5}], **fields}


def lfs(sha256: str, size: int) -> dict[str, object]:
    return {"sha256": sha256, "size": size, "pointerSize": 130}


@pytest.fixture
def scripted() -> Iterator[Callable[[Callable[[str], Answer]], Scripted]]:
    servers: list[Scripted] = []

    def start(answer: Callable[[str], Answer]) -> Scripted:
        servers.append(Scripted(answer))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def test_a_hub_that_stalls_after_the_request_is_exit_3_within_one_timeout() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:  # take every connection, read the request, never answer
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        done, took, _ = run(f"http://127.0.0.1:{server.getsockname()[1]}", AIBOM_HTTP_TIMEOUT="1")
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert done.returncode == 3 and "timed out" in done.stderr and "AIBOM_HTTP_TIMEOUT" in done.stderr
    assert took < 10 and len(held) == 1  # one try of one second: a stalled Hub stalls again


def test_a_gzip_bomb_stops_at_the_answer_cap_in_bounded_memory(scripted) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    pieces = [packer.compress(b'{"id": "org/name", "sha": "' + b"a" * 40 + b'", "pad": "')]
    pieces += [packer.compress(b" " * (1 << 20)) for _ in range(600)]  # 600 MiB inflated
    bomb = b"".join([*pieces, packer.compress(b'"}'), packer.flush()])
    assert len(bomb) < 1 << 20
    hub = scripted(lambda path: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                       "Content-Length": str(len(bomb))}, iter([bomb])))
    done, took, rss = run(hub.url)
    assert done.returncode == 3 and "sent more than the 16777216 bytes" in done.stderr, done.stderr
    assert rss < 300 and took < 20, (rss, took)  # 600 MiB inflated would be far above


def test_a_hub_that_trickles_its_answer_is_stopped_by_the_floor_rate(scripted) -> None:
    def trickle(path: str) -> Answer:
        return 200, {"Content-Type": "application/json"}, iter([b"{", b"", b" ", b"", b" ", b"", b" ", b"", b"}"] * 20)

    hub = scripted(trickle)
    done, took, _ = run(hub.url, AIBOM_HTTP_TIMEOUT="2")
    assert done.returncode == 3 and "bytes/s" in done.stderr, done.stderr
    assert took < 12


def test_the_deadline_bounds_an_answer_that_keeps_the_floor(scripted) -> None:
    def steady(path: str) -> Answer:
        return 200, {"Content-Type": "application/json"}, iter([b"[" + b" " * 100_000, b""] * 100)

    done, took, _ = run(scripted(steady).url, AIBOM_HTTP_DEADLINE="2")
    assert done.returncode == 3 and "took over 2 s" in done.stderr and "AIBOM_HTTP_DEADLINE" in done.stderr
    assert took < 10


def test_a_huge_retry_after_ends_the_call_at_once_and_says_so(scripted) -> None:
    hub = scripted(lambda path: (429, {"Retry-After": "86400", "Content-Length": "0"}, iter([])))
    done, took, _ = run(hub.url)
    assert done.returncode == 3 and "asks to wait 86400 s" in done.stderr and "15 s" in done.stderr
    assert took < 10 and len(hub.paths) == 1


def test_retries_never_wait_past_the_budget(scripted) -> None:
    hub = scripted(lambda path: (503, {"Retry-After": "6", "Content-Length": "0"}, iter([])))
    done, took, _ = run(hub.url)
    assert done.returncode == 3 and "answered 503" in done.stderr
    assert len(hub.paths) == 3 and 12 <= took < 25  # waited 6 + 6, then the third 6 s is over the 15 s


@pytest.mark.parametrize("body", [
    b'{"id": "org/name", "sha": "' + b"a" * 40,  # truncated
    b"[1, 2, 3]",
    b'{"id": "org/name", "sha": "' + b"a" * 40 + b'", "siblings": "README.md"}',
    b'{"id": "org/name", "sha": "' + b"a" * 40 + b'", "size": ' + b"9" * 5000 + b"}",
    b"\xff\xfe not json",
], ids=["truncated", "a-list", "siblings-a-string", "5000-digits", "not-utf8"])
def test_an_unreadable_model_info_is_exit_3(scripted, body: bytes) -> None:
    hub = scripted(lambda path: (200, {"Content-Type": "application/json", "Content-Length": str(len(body))},
                                 iter([body])))
    done, _, _ = run(hub.url)
    assert done.returncode == 3 and "Hub" in done.stderr, done.stderr


@pytest.mark.parametrize(("fields", "said"), [
    ({"sha": ["a" * 40]}, "commit sha"),
    ({"sha": "main"}, "commit sha"),
    ({"tags": [1, 2]}, "tag list"),
    ({"library_name": {"x": 1}}, "library_name"),
    ({"siblings": [{"rfilename": "READ\nME.md"}]}, "file name"),
    ({"siblings": [{"rfilename": "a\x00b"}]}, "file name"),
    ({"siblings": [{"rfilename": 7}]}, "file name"),
    ({"siblings": [{"rfilename": "w.bin", "size": "big"}]}, "size of w.bin"),
    ({"siblings": [{"rfilename": "w.bin", "size": 2**62, "lfs": lfs("b" * 64, 2**62)}]},
     "size of w.bin"),
    ({"siblings": [{"rfilename": "w.bin", "size": 5, "lfs": lfs("nope", 5)}]}, "LFS sha256"),
    ({"gated": [True]}, "gated flag"),
], ids=lambda v: str(v)[:40])
def test_a_model_info_with_a_wrong_field_names_the_field(scripted, fields: dict, said: str) -> None:
    hub = scripted(lambda path: json_answer(info(**fields)))
    done, _, _ = run(hub.url)
    assert done.returncode == 3 and f"malformed {said}" in done.stderr, done.stderr


def test_an_encoding_aibom_did_not_ask_for_is_refused(scripted) -> None:
    hub = scripted(lambda path: (200, {"Content-Encoding": "br", "Content-Length": "4"}, iter([b"\x00" * 4])))
    done, _, _ = run(hub.url)
    assert done.returncode == 3 and "'br' encoding" in done.stderr


def test_a_small_gzip_answer_is_read(scripted) -> None:
    """The bounds must not refuse an honest compressed answer: the Hub's CDN compresses JSON."""
    readme = b"---\nlicense: mit\n---\n# name\n"

    def answer(path: str) -> Answer:
        if path.startswith("/api/"):
            body = gzip.compress(json.dumps(info(siblings=[{"rfilename": "README.md", "size": len(readme)}]))
                                 .encode())
            return 200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                         "Content-Length": str(len(body))}, iter([body])
        return 200, {"Content-Length": str(len(readme)), "X-Repo-Commit": SHA}, iter([readme])

    done, _, rss = run(scripted(answer).url, "--reproducible")
    assert done.returncode == 0, done.stderr
    assert '"MIT"' in done.stdout and rss < 300


@pytest.mark.parametrize("endpoint", ["ht!tp://x", "http://[::1", "http://user:s3cret@[::1", "ftp://host", "http://h:0/"])
def test_a_malformed_hf_endpoint_is_exit_2_before_anything_is_printed(endpoint: str) -> None:
    """huggingface_hub parses HF_ENDPOINT when imported and prints its failure to stdout, which would
    corrupt a BOM written there: aibom checks the variable first, for every command."""
    done = subprocess.run([sys.executable, "-m", "aibom", "generate", "fixtures/models/tiny-llama-ft"],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "HF_ENDPOINT": endpoint})
    assert done.returncode == 2 and done.stdout == "" and "HF_ENDPOINT=" in done.stderr, done.stderr
    assert "s3cret" not in done.stderr and len(done.stderr.splitlines()) == 2


@pytest.mark.parametrize("token", ["hf_abc\u2019def", "hf_abc def", "hf_abc\u00a0def"])
def test_a_token_no_hub_would_issue_is_exit_2_and_never_printed(token: str) -> None:
    done, _, _ = run("http://127.0.0.1:9", HF_TOKEN=token)
    assert done.returncode == 2 and "token holds a character" in done.stderr
    assert token not in done.stderr and "abc" not in done.stderr


def test_aibom_asks_the_hub_only_what_it_needs(scripted) -> None:
    """huggingface_hub's telemetry fetches an agent registry from the endpoint; aibom turns it off
    unless the user set HF_HUB_DISABLE_TELEMETRY, so no request goes out that aibom did not make."""
    hub = scripted(lambda path: json_answer(info()) if path.startswith("/api/") else
                   (404, {"Content-Length": "0"}, iter([])))
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_TELEMETRY"}
    subprocess.run([sys.executable, "-m", "aibom", "generate", "hf://org/name"], capture_output=True, text=True,
                   timeout=120, env={**env, "HF_ENDPOINT": hub.url, "AIBOM_HTTP_BACKOFF": "0"})
    assert hub.paths and all(p.startswith(("/api/models/org/name", "/org/name/resolve/")) for p in hub.paths), \
        hub.paths
