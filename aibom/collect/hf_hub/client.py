"""The Hub as aibom talks to it: huggingface_hub's client with retries, a bounded backoff honouring
Retry-After, downloads into a folder, and every failure translated into aibom's errors."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx2
from huggingface_hub import HfApi, constants, get_session, get_token, hf_hub_url, set_client_factory
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

from aibom import __version__
from aibom.budget import HUB_ATTEMPTS, HUB_DEADLINE, HUB_RESPONSE_CAP, HUB_TIMEOUT, HUB_WAIT_BUDGET
from aibom.collect.hf_hub.transport import CAP, DEADLINE, BoundedTransport
from aibom.collect.options import CollectOptions
from aibom.errors import AibomError, EnvironmentFailure, InputError
from aibom.identity import check_endpoint, without_credentials

T = TypeVar("T")


BACKOFF_ENV = "AIBOM_HTTP_BACKOFF"
"""Seconds before the first retry (doubling each time); tests lower it."""
TIMEOUT_ENV = "AIBOM_HTTP_TIMEOUT"
DEADLINE_ENV = "AIBOM_HTTP_DEADLINE"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def _seconds(name: str, default: float, low: float, high: float) -> float:
    """Environment variable `name` as seconds from `low` to `high`, else an InputError."""
    raw = os.environ.get(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not low <= value <= high:
        raise InputError(f"{name}={raw!r} is not a number of seconds from {low:g} to {high:g}")
    return value


def _timeout() -> float:
    return _seconds(TIMEOUT_ENV, HUB_TIMEOUT, 0.001, 600)


def _bounded_client() -> httpx2.Client:
    """huggingface_hub's client with every transport (direct, and any proxy the environment names)
    wrapped in `BoundedTransport`: timeouts, a body cap, a floor rate and a deadline."""
    from huggingface_hub.utils._http import default_client_factory

    timeout = _timeout()
    deadline = _seconds(DEADLINE_ENV, HUB_DEADLINE, 0.001, 86400)
    client = default_client_factory()
    client.timeout = httpx2.Timeout(timeout)
    # httpx keeps the proxy transports it builds from HTTP(S)_PROXY apart from the direct one
    client._transport = BoundedTransport(client._transport, timeout, deadline)
    client._mounts = {pattern: None if t is None else BoundedTransport(t, timeout, deadline)
                      for pattern, t in client._mounts.items()}
    return client


def _backoff() -> float:
    return _seconds(BACKOFF_ENV, 1, 0, HUB_WAIT_BUDGET)


def endpoint() -> str:
    """The Hub endpoint: ``HF_ENDPOINT`` read now (mirrors, tests), else the public Hub."""
    return check_endpoint(os.environ.get("HF_ENDPOINT"))


class Hub:
    """One Hub connection: endpoint, token, retries and error wording for every call aibom makes."""

    def __init__(self, options: CollectOptions) -> None:
        self.endpoint = endpoint()
        self.timeout = _timeout()
        """Seconds per connect or silence: passed to every call (huggingface_hub passes None, for ever)."""
        set_client_factory(_bounded_client)
        if "HF_HUB_DISABLE_TELEMETRY" not in os.environ:  # the library's users get the CLI's default too
            constants.HF_HUB_DISABLE_TELEMETRY = True
        self.shown = without_credentials(self.endpoint)
        """The endpoint as every message and every evidence location names it: never with a password."""
        self.token = options.token or get_token()
        if self.token and not (self.token.isascii() and self.token.isprintable() and " " not in self.token):
            at = next(i for i, c in enumerate(self.token) if not (c.isascii() and c.isprintable()) or c == " ")
            raise InputError(f"the Hugging Face token holds a character no token has (at position {at + 1})",
                             "set HF_TOKEN again by hand: a pasted token may carry a typographic quote or a space")
        self.progress = options.progress
        self.api = HfApi(
            endpoint=self.endpoint,
            token=self.token or False,
            library_name="aibom",
            library_version=__version__,
        )

    def call(self, what: str, repo: str, fn: Callable[[], T]) -> T:
        """Run one Hub request, retried with exponential backoff on 408/429/5xx within the wait
        budget; a timeout is final; every failure, and an answer aibom cannot read, becomes aibom's."""
        delay = _backoff()
        waited = 0.0
        for attempt in range(1, HUB_ATTEMPTS + 1):
            try:
                return fn()
            except HfHubHTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status not in RETRY_STATUSES or isinstance(exc, RepositoryNotFoundError):
                    raise self.translate(exc, what, repo) from None
                asked = exc.response.headers.get("Retry-After", "").strip() if exc.response is not None else ""
                wait = float(asked) if asked.isdigit() and len(asked) < 10 else 0.0
                told = f"{status} to {what} {attempt} times in a row (aibom waited {waited:.0f} s in all"
                if wait > HUB_WAIT_BUDGET - waited:
                    raise EnvironmentFailure(
                        f"the Hub at {self.shown} answered {told}; it asks to wait {asked} s more, over the "
                        f"{HUB_WAIT_BUDGET:g} s aibom waits for one request)",
                        "the Hub is rate-limiting or unavailable; try again later") from None
                if attempt == HUB_ATTEMPTS:
                    raise EnvironmentFailure(f"the Hub at {self.shown} answered {told})",
                                             "the Hub is rate-limiting or unavailable; try again later") from None
            except httpx2.TimeoutException:
                raise EnvironmentFailure(
                    f"the Hub at {self.shown} timed out on {what} (no answer within {_timeout():g} s; "
                    f"{TIMEOUT_ENV} sets it)", "check the network connection, proxy and HF_ENDPOINT") from None
            except Exception as exc:
                raise self.translate(exc, what, repo) from None
            pause = min(max(wait, delay * 2 ** (attempt - 1)), HUB_WAIT_BUDGET - waited)
            time.sleep(pause)
            waited += pause
        raise AssertionError("unreachable: the last attempt returns or raises")

    def translate(self, exc: BaseException, what: str, repo: str) -> AibomError:
        """The user-facing error for an exception of huggingface_hub (never quoting the token)."""
        if isinstance(exc, GatedRepoError):
            if self.token:
                return InputError(
                    f"{repo} is gated and your token has no access to it",
                    "accept the model's terms on the Hub with the account of HF_TOKEN",
                )
            return InputError(
                f"{repo} is gated: a Hugging Face token is needed to read its files",
                "set HF_TOKEN to a token of an account that accepted the model's terms",
            )
        if isinstance(exc, RevisionNotFoundError):
            return InputError(
                f"{repo}: no such revision on {self.shown} ({what})", "check the branch, tag or commit"
            )
        if isinstance(exc, RemoteEntryNotFoundError):
            return InputError(f"{repo}: {what}: file not found at that revision")
        if isinstance(exc, RepositoryNotFoundError):
            hint = (
                "check the name; your token may not have access to it"
                if self.token
                else "check the name; if the repo is private, a token is needed: set HF_TOKEN"
            )
            return InputError(f"{repo}: repository not found on {self.shown}", hint)
        if isinstance(exc, HfHubHTTPError):
            status = exc.response.status_code if exc.response is not None else None
            if status in (401, 403):
                return InputError(
                    f"the Hub refused {what} for {repo} ({status})",
                    "check that HF_TOKEN is valid and can read this repo",
                )
            return EnvironmentFailure(f"the Hub at {self.shown} answered {status} to {what}")
        if isinstance(exc, OfflineModeIsEnabled):
            return EnvironmentFailure(
                f"cannot reach the Hub for {what}: HF_HUB_OFFLINE is set",
                "read the model from the cache with --cache, or unset HF_HUB_OFFLINE",
            )
        if isinstance(exc, LocalEntryNotFoundError):
            cause = exc.__cause__
            if isinstance(cause, HfHubHTTPError | OfflineModeIsEnabled):
                return self.translate(cause, what, repo)
            return EnvironmentFailure(
                f"cannot reach the Hub at {self.shown} for {what}",
                "check the network connection, proxy and HF_ENDPOINT",
            )
        if isinstance(exc, HFValidationError):
            return InputError(f"{repo} is not a valid Hugging Face repo id")
        if isinstance(exc, httpx2.HTTPError):
            return EnvironmentFailure(
                f"cannot reach the Hub at {self.shown} for {what}",
                "check the network connection, proxy and HF_ENDPOINT",
            )
        if isinstance(exc, AibomError):
            return exc
        if isinstance(exc, OSError):
            return EnvironmentFailure(f"{what} failed: {exc.strerror or type(exc).__name__}")
        if isinstance(exc, ValueError | TypeError | KeyError | AttributeError | IndexError | RecursionError):
            # huggingface_hub builds its answer objects trusting the JSON's shape
            return EnvironmentFailure(
                f"the Hub at {self.shown} gave an answer to {what} that aibom cannot read ({type(exc).__name__})",
                "HF_ENDPOINT may not point to a Hugging Face Hub")
        raise exc

    def download(self, repo: str, filename: str, sha: str, folder: Path, repo_type: str = "model",
                 limit: int = HUB_RESPONSE_CAP) -> Path:
        """One file of `repo` at commit `sha` into `folder`, streamed, never more than `limit` bytes
        (the size the Hub lists for it): a Hub that serves more than it lists, or a decompression
        bomb, is an environment failure before the disk fills. Retried as every call is."""
        what = f"downloading {filename}"
        url = hf_hub_url(repo, filename, repo_type=repo_type, revision=sha, endpoint=self.endpoint)
        headers = build_hf_headers(token=self.token or False, library_name="aibom", library_version=__version__)
        path = folder / filename
        path.parent.mkdir(parents=True, exist_ok=True)

        def fetch() -> Path:
            # a weight download (--verify-weights) may take long: the floor rate bounds it, not the deadline
            bounds = {CAP: limit, **({DEADLINE: None} if limit > HUB_RESPONSE_CAP else {})}
            with get_session().stream("GET", url, headers=headers, timeout=self.timeout, extensions=bounds) as r:
                if r.status_code >= 400:
                    r.read()
                    hf_raise_for_status(r)
                with path.open("wb") as fh:  # the transport stops the body at `limit`
                    for chunk in r.iter_bytes():
                        fh.write(chunk)
            return path

        return self.call(what, repo, fetch)
