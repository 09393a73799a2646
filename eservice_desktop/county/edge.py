"""The county server's front door: bounded, strict request bodies and a rate limit for the
unauthenticated routes, before any route handler or JSON parser sees a byte.

- Size: every route has a body limit; ``Content-Length`` above it is refused before parsing,
  a body that grows past it while streaming is refused at that moment (never held whole), and
  a gzip body is inflated incrementally up to the same limit (no zip bomb). What is left of a
  refused body is read and dropped (at most ``DRAIN_MAX`` bytes, ``DRAIN_S`` seconds) before
  the refusal goes out, so the client reads the refusal instead of a reset.
- Strict JSON (county/strict_json.py): a JSON body must be UTF-8 and standard JSON: ``NaN``,
  ``Infinity``, numbers that overflow to infinity, unpaired surrogates (``"\\ud800"``) and an
  object naming a key twice (``{"at": …, "at": …}``: which one counts differs from reader to
  reader) are refused with 400 at parse time, so no such value can reach a store or a
  response. Content-Type, Content-Encoding and Content-Length may each be named once (400
  else): named twice, this door read the last Content-Type and FastAPI the first. A body sent
  with both Content-Length and Transfer-Encoding is refused (400, the connection closed): the
  server read it by its chunks and kept the connection, a proxy before it may read the length.
- Time: a request body must keep flowing: each read waits at most ``client_timeout_s`` and the
  whole body at most four times that (408 after), so a client dripping bytes holds no
  connection for ever (the request head's own deadline is county/http_server.py's).
- Rate: ``POST /v1/enrol`` allows a few attempts per client address (:func:`client_key`: an
  IPv6 one by its /64) per minute (429 with ``Retry-After`` after); the per-office and
  per-account limits are applied by the handlers (they need the body), with :class:`Limits`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import threading
import time
import zlib
from collections import deque
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eservice_desktop.county.refusals import refusal_bytes
from eservice_desktop.county.strict_json import BadJSON, strict_loads
from eservice_desktop.storage.collection import collection_paused

log = logging.getLogger("eservice.county.rate")
_RATE_LINE = "rate limit reached for %s (%d in %g s): refused for %d s; further refusals in \
this window are not logged"

#: Largest request body, after inflation, for a push of MAX_PUSH_BATCH events.
MAX_BODY = 20 * 1024 * 1024
#: Body limits by route (method, path prefix); the first match wins, else DEFAULT_LIMIT.
LIMITS: tuple[tuple[str, str, int], ...] = (
    ("POST", "/v1/events", MAX_BODY),
    # MAX_PUSH_BATCH access records of at most ~1.2 KB each (a 200-character detail in CJK)
    ("POST", "/v1/access", 2 * 1024 * 1024),
    ("PUT", "/v1/attachments/", 256 * 1024 + 1024),
    ("POST", "/v1/enrol", 4 * 1024),
)
DEFAULT_LIMIT = 64 * 1024
#: A refused request's body is read and dropped, up to this size and for at most DRAIN_S
#: seconds, before the refusal is sent (see _drain); a larger declared body is not read.
DRAIN_MAX = 64 * 1024 * 1024
DRAIN_S = 5.0
#: Seconds a client may take to send its request head, or to send the next part of its body;
#: the whole body may take four times as long (the office's client gives a request 120 s).
CLIENT_TIMEOUT_S = 30.0
#: Enrolment attempts per client address per window.
ENROL_RATE = 10
ENROL_WINDOW_S = 60.0
#: Failed enrolment attempts naming one office per window (any address).
ENROL_OFFICE_RATE = 5
ENROL_OFFICE_WINDOW_S = 600.0
#: Operator password checks per client address, and failed ones per account, per window.
LOGIN_SOURCE_RATE = 30
LOGIN_ACCOUNT_RATE = 5
LOGIN_WINDOW_S = 300.0
#: Document-free look-ups per device per window (a counter asks a few per case).
LOOKUP_RATE = 30
LOOKUP_WINDOW_S = 60.0


#: The headers that say how to read a body, each at most once: named twice, the door read the
#: last Content-Type and FastAPI the first, so a JSON body passed the door unparsed and was
#: read by json.loads (a key named twice, NaN) behind it.
_BODY_HEADERS = frozenset((b"content-type", b"content-encoding", b"content-length"))


def limit_for(method: str, path: str) -> int:
    for m, prefix, limit in LIMITS:
        if method == m and path.startswith(prefix):
            return limit
    return DEFAULT_LIMIT


#: A JSON body from this size on is parsed and answered with the cyclic collector paused.
PAUSE_COLLECTION_AT = 64 * 1024

#: The scope key under which :class:`BoundedStrictBodies` leaves the JSON body it parsed: the
#: route reads it from there instead of parsing the same bytes again (county/asgi.py).
PARSED_BODY = "eservice.parsed_json_body"


class RateLimiter:
    """Sliding window per key; thread-safe (handlers and middleware run on several threads).

    ``allow`` counts every attempt (``refund`` gives back one that proved harmless: counted
    first, parallel attempts never pass the limit); ``retry_after`` + ``record`` count only
    the attempts the caller chooses (failed passwords), so an account's own successful logins
    never lock it. The first refusal of a key in a window is logged (a warning naming the
    key: the limit, the address, office or account; never a password), so county IT sees a
    password or enrolment-code guessing run in its log; the further refusals of that window
    are not, so the run cannot flood the log."""

    def __init__(self, rate: int, window_s: float) -> None:
        self.rate, self.window = rate, window_s
        self._hits: dict[str, deque[float]] = {}
        self._said: dict[str, float] = {}
        self._lock = threading.Lock()

    def _queue(self, key: str, t: float) -> deque[float]:
        if len(self._hits) > 10_000:  # forget idle clients; bounded memory
            self._hits = {k: q for k, q in self._hits.items() if q and q[-1] > t - self.window}
        q = self._hits.setdefault(key, deque())
        while q and q[0] <= t - self.window:
            q.popleft()
        return q

    def _wait(self, q: deque[float], t: float) -> int:
        """Whole seconds until the oldest attempt leaves the window (at least 1)."""
        return max(1, math.ceil(q[0] + self.window - t)) if len(q) >= self.rate else 0

    def _refused(self, key: str, t: float, wait: int) -> int:
        """``wait``, after logging the first refusal of ``key`` in a window."""
        with self._lock:
            said = self._said.get(key)
            first = bool(wait) and (said is None or said <= t - self.window)
            if first:
                if len(self._said) > 10_000:
                    self._said = {k: v for k, v in self._said.items() if v > t - self.window}
                self._said[key] = t
        if first:
            log.warning(_RATE_LINE, key, self.rate, self.window, wait)
        return wait

    def retry_after(self, key: str, now: float | None = None) -> int:
        """0 when ``key`` may try now, else the seconds to wait (the Retry-After value)."""
        t = time.monotonic() if now is None else now
        with self._lock:
            wait = self._wait(self._queue(key, t), t)
        return self._refused(key, t, wait)

    def record(self, key: str, now: float | None = None) -> None:
        t = time.monotonic() if now is None else now
        with self._lock:
            self._queue(key, t).append(t)

    def hit(self, key: str, now: float | None = None) -> int:
        """Counts an attempt when allowed; answers like :meth:`retry_after`."""
        t = time.monotonic() if now is None else now
        with self._lock:
            q = self._queue(key, t)
            wait = self._wait(q, t)
            if not wait:
                q.append(t)
        return self._refused(key, t, wait)

    def allow(self, key: str, now: float | None = None) -> bool:
        return self.hit(key, now) == 0

    def refund(self, key: str) -> None:
        with self._lock:
            if q := self._hits.get(key):
                q.pop()


def client_key(client: tuple[str, int] | None) -> str:
    """What a client is counted by (its connections, and every per-address rate limit): its
    IPv4 address, the /64 of an IPv6 one (the block one host is given, so it cannot take a
    new address for each try), an IPv4-mapped one as IPv4."""
    if client is None:
        return "?"
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return client[0]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass
class Limits:
    """The county's rate limits, one limiter per source and per account (see docs/protocol.md):

    - enrolment: every attempt per client address; failed attempts per office the device names;
    - operator password checks: every attempt per client address; failed ones per account;
    - document-free look-ups: every look-up per device."""

    enrol_source: RateLimiter = field(
        default_factory=lambda: RateLimiter(ENROL_RATE, ENROL_WINDOW_S)
    )
    enrol_office: RateLimiter = field(
        default_factory=lambda: RateLimiter(ENROL_OFFICE_RATE, ENROL_OFFICE_WINDOW_S)
    )
    login_source: RateLimiter = field(
        default_factory=lambda: RateLimiter(LOGIN_SOURCE_RATE, LOGIN_WINDOW_S)
    )
    login_account: RateLimiter = field(
        default_factory=lambda: RateLimiter(LOGIN_ACCOUNT_RATE, LOGIN_WINDOW_S)
    )
    lookup_device: RateLimiter = field(
        default_factory=lambda: RateLimiter(LOOKUP_RATE, LOOKUP_WINDOW_S)
    )


async def refuse(send: Send, status: int, code: str, extra: list[Any] | None = None) -> None:
    """Answers ``status`` with the refusal ``code`` (county/refusals.py: zh-TW and English)."""
    body = refusal_bytes(code)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BoundedStrictBodies:
    """ASGI middleware: limits, gzip inflation, strict JSON and the enrolment rate limit."""

    def __init__(
        self,
        app: ASGIApp,
        enrol_limiter: RateLimiter | None = None,
        client_timeout_s: float = CLIENT_TIMEOUT_S,
    ) -> None:
        self.app = app
        self.enrol_limiter = enrol_limiter or RateLimiter(ENROL_RATE, ENROL_WINDOW_S)
        self.client_timeout_s = client_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = dict(scope.get("headers") or [])
        limit = limit_for(method, path)
        declared = headers.get(b"content-length")
        refusal = self._refusal_before_body(scope, headers, limit)
        if refusal is not None:
            if declared is None or (declared.isdigit() and int(declared) <= DRAIN_MAX):
                await _drain(receive, DRAIN_MAX, self._drain_s)
            await refuse(send, *refusal)
            return
        gz = headers.get(b"content-encoding", b"").lower()
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gz == b"gzip" else None
        body = await _read_body(receive, send, limit, inflater, self.client_timeout_s)
        if body is None:
            return
        if inflater is not None or declared is None:
            new_headers = [
                (k, v)
                for k, v in scope["headers"]
                if k not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(body)).encode())]
            scope = dict(scope, headers=new_headers)
        ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if not body or not (ctype == b"application/json" or ctype.endswith(b"+json")):
            await self._pass_on(scope, receive, send, body)
            return
        # a large JSON body's objects (a push of a thousand events makes some 200,000) live
        # until it is answered: the cyclic collector waits from its parse to its answer
        # (storage/collection.py), not only while its handler runs
        with collection_paused() if len(body) >= PAUSE_COLLECTION_AT else nullcontext():
            try:
                scope[PARSED_BODY] = strict_loads(body)
            except BadJSON:
                await refuse(send, 400, "request.malformed_json")
                return
            try:
                await self._pass_on(scope, receive, send, body)
            finally:  # gone before the collector is back, not walked by its next collection
                del scope[PARSED_BODY]

    async def _pass_on(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        """The app, given the body read here (once; after it, whatever the client sends)."""
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @property
    def _drain_s(self) -> float:
        return min(DRAIN_S, self.client_timeout_s)

    def _refusal_before_body(
        self, scope: Scope, headers: dict[bytes, bytes], limit: int
    ) -> tuple[int, str, list[Any]] | None:
        """What is refused from the headers alone (the enrolment rate, a body header named
        twice, a declared length over the limit, an unknown encoding): the status, refusal
        code and extra headers."""
        if scope["method"] == "POST" and scope["path"] == "/v1/enrol":
            client = scope.get("client")
            wait = self.enrol_limiter.hit(f"enrol from {client_key(client)}")
            if wait:
                return 429, "enrol.too_many", [(b"retry-after", b"%d" % wait)]
        named = [k for k, _v in scope.get("headers") or () if k in _BODY_HEADERS]
        if len(named) != len(set(named)):
            return 400, "request.header_twice", []
        if b"transfer-encoding" in headers and b"content-length" in headers:
            # read by the chunks alone here, by its length at a proxy before the county: the
            # rest of the body is another request there (smuggling); refused, and closed
            return 400, "request.framing", []
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    return 413, "request.too_large", []
            except ValueError:
                return 400, "request.bad_length", []
        if headers.get(b"content-encoding", b"").lower() not in (b"", b"identity", b"gzip"):
            return 415, "request.encoding", []
        return None


async def _drain(receive: Receive, limit: int, timeout_s: float) -> None:
    """Reads and drops what is left of a refused request's body, up to ``limit`` bytes and
    ``timeout_s``, before the refusal is sent: the answer closes the connection, and a socket
    closed with a body unread in its buffer answers the client with a reset, which can reach
    it before it has read the refusal (a 413 read as "connection broken", a 429 to an
    enrolment attempt as "connection reset by peer"). It has to come first: once the answer
    is complete, uvicorn hands the application no more of the body."""
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            while size <= limit:
                msg = await receive()
                size += len(msg.get("body", b""))
                if msg["type"] != "http.request" or not msg.get("more_body", False):
                    return
    except TimeoutError:
        return


async def _read_body(
    receive: Receive, send: Send, limit: int, inflater: Any, timeout_s: float
) -> bytes | None:
    """The whole body, inflated, at most ``limit`` bytes, each part within ``timeout_s`` and
    all of it within four times that; None when the client went away or the answer (413, 408,
    400) was sent."""
    parts: list[bytes] = []
    size = 0
    more = True
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 4 * timeout_s
    refusal: tuple[int, str] | None = None
    try:
        while more and refusal is None:
            try:
                async with asyncio.timeout(min(timeout_s, deadline - loop.time())):
                    msg = await receive()
            except TimeoutError:
                await refuse(send, 408, "request.body_too_slow")
                return None
            if msg["type"] == "http.disconnect":
                return None
            chunk = msg.get("body", b"")
            more = msg.get("more_body", False)
            if inflater is not None:
                chunk = inflater.decompress(chunk, limit + 1 - size)
                if inflater.unconsumed_tail:
                    refusal = 413, "request.too_large"
            size += len(chunk)
            if size > limit:
                refusal = 413, "request.too_large"
            parts.append(chunk)
        if refusal is None and inflater is not None and not inflater.eof:
            raise zlib.error("truncated gzip body")
    except (zlib.error, OSError, EOFError):
        refusal = 400, "request.bad_gzip"
    if refusal is None:
        return b"".join(parts)
    if more:
        await _drain(receive, DRAIN_MAX, min(DRAIN_S, timeout_s))
    await refuse(send, *refusal)
    return None
