"""Every byte the Hub sends, bounded: a size cap on the decoded body, a compressed body inflated in
small pieces (a gzip bomb stops at the cap, never in memory), and a floor rate and deadline so a
server that trickles its answer cannot hold aibom for ever. huggingface_hub's client reads any
body whole and decodes it at once; this transport sits under it, so no call can escape the bounds."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

import httpx2

from aibom.budget import HUB_FLOOR_RATE, HUB_RESPONSE_CAP
from aibom.errors import EnvironmentFailure
from aibom.identity import without_credentials

CAP = "aibom.cap"
"""Request extension: the body size allowed for this request (a weight download's listed size)."""

DEADLINE = "aibom.deadline"
"""Request extension: seconds the whole response may take, or None (only the floor rate applies)."""

PIECE = 64 * 1024
"""Largest piece a compressed body is inflated into at a time."""

DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BoundedTransport(httpx2.BaseTransport):
    """An HTTP transport whose responses never exceed their cap, their deadline or the floor rate."""

    def __init__(self, inner: httpx2.BaseTransport, timeout: float, deadline: float) -> None:
        self.inner = inner
        self.timeout = timeout
        self.deadline = deadline

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.headers["accept-encoding"] = ", ".join(DECODERS)
        started = time.monotonic()
        response = self.inner.handle_request(request)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        shown = without_credentials(str(request.url.copy_with(query=None)))
        if encoding not in (*DECODERS, "identity", ""):
            response.close()
            raise EnvironmentFailure(f"the Hub answered {shown} in the {encoding!r} encoding, which aibom "
                                     f"did not ask for", "HF_ENDPOINT may not point to a Hugging Face Hub")
        ext = request.extensions
        body = _Body(response.stream, shown, DECODERS.get(encoding), int(ext.get(CAP, HUB_RESPONSE_CAP)),
                     started, ext.get(DEADLINE, self.deadline), self.timeout)
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length") or encoding in ("identity", "")]
        return httpx2.Response(response.status_code, headers=headers, stream=body,
                               extensions=response.extensions, request=request)

    def close(self) -> None:
        self.inner.close()


class _Body(httpx2.SyncByteStream):
    """A response body read through the bounds (decoded here when compressed)."""

    def __init__(self, raw: httpx2.SyncByteStream, shown: str, wbits: int | None, cap: int, started: float,
                 deadline: float | None, timeout: float) -> None:
        self.raw, self.shown, self.cap, self.started = raw, shown, cap, started
        self.deadline, self.timeout = deadline, timeout
        self.inflate = zlib.decompressobj(wbits) if wbits is not None else None
        self.count = 0
        self.body_started = time.monotonic()
        """The floor rate counts from the first byte: waiting for the headers is the timeout's part."""

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.raw:
            if self.inflate is None:
                yield self._checked(chunk)
                continue
            data = chunk
            while data:
                try:
                    piece = self.inflate.decompress(data, PIECE)
                except zlib.error as exc:
                    raise EnvironmentFailure(f"the Hub's compressed answer to {self.shown} is corrupt ({exc})") \
                        from None
                data = self.inflate.unconsumed_tail
                if piece:
                    yield self._checked(piece)

    def _checked(self, piece: bytes) -> bytes:
        self.count += len(piece)
        if self.count > self.cap:
            raise EnvironmentFailure(
                f"the Hub sent more than the {self.cap} bytes aibom expects for {self.shown} (the size the "
                f"Hub lists for the file, else {HUB_RESPONSE_CAP} bytes)",
                "HF_ENDPOINT may not point to a trustworthy Hub")
        now = time.monotonic()
        if self.deadline is not None and now - self.started > self.deadline:
            raise EnvironmentFailure(
                f"the Hub took over {self.deadline:g} s to answer {self.shown} (AIBOM_HTTP_DEADLINE sets it)")
        elapsed = now - self.body_started
        if elapsed > self.timeout and self.count < HUB_FLOOR_RATE * elapsed:
            raise EnvironmentFailure(
                f"the Hub sends its answer to {self.shown} at {self.count / elapsed:.0f} bytes/s, under the "
                f"{HUB_FLOOR_RATE} bytes/s aibom waits for", "check the network connection and HF_ENDPOINT")
        return piece

    def close(self) -> None:
        self.raw.close()
