"""A local Hugging Face Hub for tests: real HTTP on 127.0.0.1, answers in the shapes the Hub returns.

It serves, for any set of files (a real model card, a fixture folder, a few bytes), the endpoints the
``huggingface_hub`` client calls:

- ``GET /api/{models,datasets}/{id}[/revision/{rev}]`` — repo info with ``sha``, ``siblings`` (with
  ``blobs=true``: ``size``, ``blobId``, ``lfs.{sha256,size,pointerSize}``), ``cardData`` parsed from the
  README front matter, Hub-computed ``tags`` (``license:``, ``dataset:``, ``base_model:…``, ``arxiv:``),
  ``gated``, ``private``, ``library_name``, ``pipeline_tag``, ``safetensors.{parameters,total}``;
- ``HEAD``/``GET /[datasets/]{id}/resolve/{rev}/{path}`` — ``X-Repo-Commit`` and ``ETag`` (the git blob id);
  LFS files answer ``302`` to a second "CDN" server (another origin, as on the Hub) with ``X-Linked-Etag``
  (the SHA-256) and ``X-Linked-Size``; ``Range`` requests are honoured;
- errors as the Hub words them: ``404`` + ``X-Error-Code: RepoNotFound | RevisionNotFound | EntryNotFound``,
  ``401``/``403`` + ``GatedRepo``, ``401`` + ``RepoNotFound`` for a private repo without a token; and any
  status injected with :meth:`HubServer.fail` (``429``, ``503``, …).

Every request is logged (:attr:`HubServer.requests`) so tests can count them.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml
from builders import git_blob_id, safetensors_bytes

LFS_SUFFIXES = (
    ".safetensors",
    ".bin",
    ".gguf",
    ".onnx",
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".msgpack",
    ".pkl",
    ".model",
)
TIMESTAMP = "2024-05-02T10:20:30.000Z"
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The Git LFS pointer file that git stores in place of a large file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def tiny_safetensors(
    tensors: Mapping[str, tuple[str, tuple[int, ...]]],
    metadata: Mapping[str, str] | None = None,
) -> bytes:
    """A valid safetensors file of zero-filled tensors, in name order: ``{"name": ("F32", (2, 3))}``."""
    return safetensors_bytes(dict(sorted(tensors.items())), metadata or None)


def safetensors_parameters(data: bytes) -> dict[str, int]:
    """Parameter count per dtype of a safetensors file, as the Hub computes it for ``safetensors``."""
    (size,) = struct.unpack("<Q", data[:8])
    counts: dict[str, int] = {}
    for name, info in json.loads(data[8 : 8 + size]).items():
        if name == "__metadata__":
            continue
        n = 1
        for dim in info["shape"]:
            n *= dim
        counts[info["dtype"]] = counts.get(info["dtype"], 0) + n
    return counts


def front_matter(text: str) -> dict[str, Any]:
    """A card's YAML front matter, as the Hub exposes it in ``cardData`` (empty when absent/broken)."""
    m = re.match(r"\A\s*---\s*\n(.*?)\n---\s*(?:\n|\Z)", text, re.DOTALL)
    if not m:
        return {}
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def read_folder(root: Path) -> dict[str, bytes]:
    """Every regular file under `root` (``.git`` skipped) by relative POSIX path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@dataclass(frozen=True)
class HubFile:
    """One file of one commit, with the identifiers the Hub derives from it."""

    path: str
    data: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def pointer(self) -> bytes:
        return lfs_pointer(self.sha256, len(self.data))

    @property
    def blob_id(self) -> str:
        return git_blob_id(self.pointer if self.lfs else self.data)

    def sibling(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"rfilename": self.path, "size": len(self.data), "blobId": self.blob_id}
        if self.lfs:
            entry["lfs"] = {"sha256": self.sha256, "size": len(self.data), "pointerSize": len(self.pointer)}
        return entry


@dataclass
class HubRepo:
    """A model or dataset repo: commits by sha, refs (branches/tags) to commits, access settings."""

    repo_id: str
    kind: str
    commits: dict[str, dict[str, HubFile]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    gated: str | bool = False
    private: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def resolve(self, revision: str | None) -> str | None:
        rev = revision or "main"
        if rev in self.refs:
            return self.refs[rev]
        return rev if rev in self.commits else None

    def info(self, sha: str) -> dict[str, Any]:
        """The ``/api/{kind}s/{id}?blobs=true`` answer at commit `sha`."""
        files = self.commits[sha]
        readme = files.get("README.md")
        card = front_matter(readme.data.decode("utf-8", "replace")) if readme else {}
        org = self.repo_id.split("/")[0] if "/" in self.repo_id else None
        info: dict[str, Any] = {
            "_id": hashlib.sha1(self.repo_id.encode()).hexdigest()[:24],
            "id": self.repo_id,
            "author": org,
            "sha": sha,
            "lastModified": TIMESTAMP,
            "createdAt": TIMESTAMP,
            "private": self.private,
            "gated": self.gated,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": self._tags(card, files, readme),
            "cardData": card,
            "siblings": [files[p].sibling() for p in sorted(files)],
            "usedStorage": sum(len(f.data) for f in files.values()),
        }
        if self.kind == "model":
            info["modelId"] = self.repo_id
            info["library_name"] = card.get("library_name") or (
                "transformers" if "config.json" in files else None
            )
            info["pipeline_tag"] = card.get("pipeline_tag")
            info["spaces"] = []
            config = files.get("config.json")
            if config:
                cfg = json.loads(config.data)
                info["config"] = {k: cfg[k] for k in ("architectures", "model_type") if k in cfg}
            params: dict[str, int] = {}
            for f in files.values():
                if f.path.endswith(".safetensors"):
                    for dtype, n in safetensors_parameters(f.data).items():
                        params[dtype] = params.get(dtype, 0) + n
            if params:
                info["safetensors"] = {"parameters": params, "total": sum(params.values())}
        else:
            info["description"] = None
        info.update(self.extra)
        return info

    def _tags(self, card: dict[str, Any], files: dict[str, HubFile], readme: HubFile | None) -> list[str]:
        """Tags the way the Hub computes them from the card and the files."""
        tags = _as_list(card.get("tags"))
        if self.kind == "model":
            library = card.get("library_name") or ("transformers" if "config.json" in files else None)
            tags += _as_list(library)
            if any(p.endswith(".safetensors") for p in files):
                tags.append("safetensors")
            if any(p.endswith(".gguf") for p in files):
                tags.append("gguf")
            tags += _as_list(card.get("pipeline_tag"))
            tags += _as_list(card.get("language"))
            tags += [f"dataset:{d}" for d in _as_list(card.get("datasets"))]
            relation = str(card.get("base_model_relation") or "finetune")
            for base in _as_list(card.get("base_model")):
                tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        else:
            tags += [f"task_categories:{t}" for t in _as_list(card.get("task_categories"))]
            tags += [f"language:{t}" for t in _as_list(card.get("language"))]
        if readme:
            tags += [
                f"arxiv:{a}" for a in sorted(set(_ARXIV.findall(readme.data.decode("utf-8", "replace"))))
            ]
        tags += [f"license:{lic}" for lic in _as_list(card.get("license"))]
        tags.append("region:us")
        return list(dict.fromkeys(tags))


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    method: str
    path: str
    query: str
    authorization: str | None
    status: int
    bytes: int = 0
    """Body bytes sent (0 for HEAD)."""


@dataclass
class _Fault:
    pattern: re.Pattern[str]
    status: int
    remaining: int | None
    method: str | None
    headers: dict[str, str]


class HubServer:
    """A Hub on 127.0.0.1 (ephemeral port) plus a CDN on another port for LFS blobs."""

    def __init__(self, tokens: tuple[str, ...] = ()) -> None:
        self.repos: dict[tuple[str, str], HubRepo] = {}
        self.tokens = set(tokens)
        self.requests: list[Request] = []
        self._faults: list[_Fault] = []
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._hub = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(cdn=False))
        self._cdn = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(cdn=True))
        # serve_forever's default 0.5 s poll made every stop() wait about a second for the two servers
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
            for s in (self._hub, self._cdn)
        ]

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._hub.server_address[1]}"

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self._cdn.server_address[1]}"

    def start(self) -> HubServer:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        for s in (self._hub, self._cdn):
            s.shutdown()
            s.server_close()

    # -- content ---------------------------------------------------------------------------------
    def add_repo(
        self,
        repo_id: str,
        files: Mapping[str, bytes] | Path,
        *,
        kind: str = "model",
        ref: str = "main",
        gated: str | bool = False,
        private: bool = False,
        **extra: Any,
    ) -> str:
        """Commit `files` (a mapping or a folder) to a repo, point `ref` at it; return the commit sha."""
        content = read_folder(files) if isinstance(files, Path) else dict(files)
        hub_files = {p: HubFile(p, d, p.endswith(LFS_SUFFIXES)) for p, d in content.items()}
        repo = self.repos.setdefault((kind, repo_id), HubRepo(repo_id, kind))
        parent = repo.refs.get(ref, "")
        tree = "".join(f"{p}\0{f.blob_id}\n" for p, f in sorted(hub_files.items()))
        sha = hashlib.sha1(f"{kind}/{repo_id}\n{parent}\n{tree}".encode()).hexdigest()
        repo.commits[sha] = hub_files
        repo.refs[ref] = sha
        repo.gated, repo.private = gated, private
        repo.extra.update(extra)
        for f in hub_files.values():
            if f.lfs:
                self._blobs[f.sha256] = f.data
        return sha

    def add_model(self, repo_id: str, files: Mapping[str, bytes] | Path, **kw: Any) -> str:
        return self.add_repo(repo_id, files, kind="model", **kw)

    def add_dataset(self, repo_id: str, files: Mapping[str, bytes] | Path, **kw: Any) -> str:
        return self.add_repo(repo_id, files, kind="dataset", **kw)

    def tamper_blob(self, sha256: str, data: bytes) -> None:
        """Make the CDN serve `data` for the LFS object the Hub declares as `sha256` (a corrupt mirror)."""
        self._blobs[sha256] = data

    def fail(
        self,
        pattern: str,
        status: int,
        *,
        times: int | None = None,
        method: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer `status` to requests whose path matches `pattern` (`times` times, or forever)."""
        self._faults.append(_Fault(re.compile(pattern), status, times, method, dict(headers or {})))

    # -- request log -----------------------------------------------------------------------------
    def count(self, pattern: str = "", method: str | None = None) -> int:
        """How many requests matched `pattern` (a regex searched in the path) and `method`."""
        rx = re.compile(pattern)
        return sum(1 for r in self.requests if rx.search(r.path) and (method is None or r.method == method))

    # -- HTTP ------------------------------------------------------------------------------------
    def _handler(self, *, cdn: bool) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server._serve(self, "GET", cdn)

            def do_HEAD(self) -> None:
                server._serve(self, "HEAD", cdn)

        return Handler

    def _serve(self, h: BaseHTTPRequestHandler, method: str, cdn: bool) -> None:
        split = urlsplit(h.path)
        path = unquote(split.path)
        auth = h.headers.get("authorization")
        status, headers, body = self._answer(
            method, split.path, split.query, auth, h.headers.get("range"), cdn
        )
        with self._lock:
            self.requests.append(Request(method, path, split.query, auth, status, len(body) if method == "GET" else 0))
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if method == "GET":
            h.wfile.write(body)

    def _answer(
        self,
        method: str,
        raw_path: str,
        query: str,
        auth: str | None,
        range_: str | None,
        cdn: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        path = unquote(raw_path)
        with self._lock:
            for fault in self._faults:
                if fault.pattern.search(path) and fault.method in (None, method) and fault.remaining != 0:
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return (
                        fault.status,
                        {"Content-Type": "application/json", **fault.headers},
                        json.dumps({"error": f"status {fault.status}"}).encode(),
                    )
        if cdn:
            blob = self._blobs.get(path.removeprefix("/blobs/"))
            if blob is None:
                return 404, {}, b"not found"
            return self._content(blob, range_, {"ETag": f'"{path.removeprefix("/blobs/")}"'})
        m = re.match(r"^/api/(models|datasets)/(.+?)(?:/revision/([^/]+))?/?$", raw_path)
        if m:
            return self._api(
                m.group(1)[:-1], unquote(m.group(2)), unquote(m.group(3)) if m.group(3) else None, auth, query
            )
        m = re.match(r"^/(datasets/)?(.+?)/resolve/([^/]+)/(.+)$", raw_path)
        if m:
            return self._resolve(
                "dataset" if m.group(1) else "model",
                unquote(m.group(2)),
                unquote(m.group(3)),
                unquote(m.group(4)),
                auth,
                range_,
            )
        return 404, {"Content-Type": "text/plain"}, b"Not Found"

    def _access(
        self, repo: HubRepo | None, auth: str | None, *, api: bool
    ) -> tuple[int, dict[str, str]] | None:
        token = auth.removeprefix("Bearer ").strip() if auth else None
        authorized = token is not None and token in self.tokens
        if repo is None or (repo.private and not authorized):
            return (401 if token is None else 404), {
                "X-Error-Code": "RepoNotFound",
                "X-Error-Message": "Repository not found",
            }
        if repo.gated and not api and not authorized:
            message = (
                f"Access to model {repo.repo_id} is restricted. You must have access to it and be "
                "authenticated to access it. Please log in."
            )
            return (401 if token is None else 403), {"X-Error-Code": "GatedRepo", "X-Error-Message": message}
        return None

    def _api(
        self,
        kind: str,
        repo_id: str,
        revision: str | None,
        auth: str | None,
        query: str,
    ) -> tuple[int, dict[str, str], bytes]:
        repo = self.repos.get((kind, repo_id))
        denied = self._access(repo, auth, api=True)
        if denied:
            return (
                denied[0],
                {"Content-Type": "application/json", **denied[1]},
                json.dumps({"error": denied[1]["X-Error-Message"]}).encode(),
            )
        assert repo is not None
        sha = repo.resolve(revision)
        if sha is None:
            message = f"Invalid rev id: {revision}"
            return (
                404,
                {
                    "Content-Type": "application/json",
                    "X-Error-Code": "RevisionNotFound",
                    "X-Error-Message": message,
                },
                json.dumps({"error": message}).encode(),
            )
        info = repo.info(sha)
        if "blobs" not in parse_qs(query):
            info["siblings"] = [{"rfilename": s["rfilename"]} for s in info["siblings"]]
        return 200, {"Content-Type": "application/json"}, json.dumps(info).encode()

    def _resolve(
        self, kind: str, repo_id: str, revision: str, filename: str, auth: str | None, range_: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        repo = self.repos.get((kind, repo_id))
        denied = self._access(repo, auth, api=False)
        if denied:
            return denied[0], denied[1], b""
        assert repo is not None
        sha = repo.resolve(revision)
        if sha is None:
            return 404, {"X-Error-Code": "RevisionNotFound", "X-Error-Message": "Invalid rev id"}, b""
        f = repo.commits[sha].get(filename)
        if f is None:
            return (
                404,
                {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found", "X-Repo-Commit": sha},
                b"",
            )
        common = {"X-Repo-Commit": sha, "ETag": f'"{f.blob_id}"', "Accept-Ranges": "bytes"}
        if f.lfs:
            return (
                302,
                {
                    **common,
                    "Location": f"{self.cdn_url}/blobs/{f.sha256}",
                    "X-Linked-Etag": f'"{f.sha256}"',
                    "X-Linked-Size": str(len(f.data)),
                },
                b"",
            )
        return self._content(f.data, range_, common)

    @staticmethod
    def _content(
        data: bytes, range_: str | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", range_ or "")
        if not m:
            return 200, {**headers, "Content-Type": "application/octet-stream"}, data
        start = int(m.group(1))
        end = min(int(m.group(2)) if m.group(2) else len(data) - 1, len(data) - 1)
        return 206, {**headers, "Content-Range": f"bytes {start}-{end}/{len(data)}"}, data[start : end + 1]


# -- repos built from the project's cards (tests/cards) --------------------------------------------
CARDS = Path(__file__).resolve().parent / "cards"
CONFIG = b'{"architectures": ["Olmo2ForCausalLM"], "model_type": "olmo2", "hidden_size": 64, "vocab_size": 128}\n'
GITATTRIBUTES = b"".join(f"*{suffix} filter=lfs diff=lfs merge=lfs -text\n".encode() for suffix in LFS_SUFFIXES)


def card(kind: str, repo_id: str) -> bytes:
    """The project's card of model/dataset `repo_id` (FileNotFoundError when the project has none)."""
    folder = CARDS / ("models" if kind == "model" else "datasets")
    return (folder / repo_id.replace("/", "__") / "README.md").read_bytes()


def model_files(
    repo_id: str,
    *,
    weights: bytes | None = None,
    extra: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """A small repo around the project's card of `repo_id`: a config, .gitattributes, tiny weights."""
    files = {
        "README.md": card("model", repo_id),
        "config.json": CONFIG,
        ".gitattributes": GITATTRIBUTES,
        "tokenizer_config.json": b'{"model_max_length": 512, "padding_side": "right"}\n',
        "model.safetensors": weights
        if weights is not None
        else tiny_safetensors(
            {"embed.weight": ("F32", (8, 4)), "head.bias": ("BF16", (4,))}, {"format": "pt"}
        ),
    }
    files.update(extra or {})
    return files


def write_folder(root: Path, files: Mapping[str, bytes]) -> Path:
    """Write `files` under `root` (the local-folder twin of a Hub repo)."""
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root
