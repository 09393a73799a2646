"""The county link's transport (requests): gzip both ways, bearer credential, pinned CA.

TLS is verified against the county CA file from settings *only* (requests uses that file as the
whole trust store, so a certificate from any other CA is refused: the CA is pinned). Plain
``http://`` is refused unless the host is a loopback address (development and tests).
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import os
import re
import threading
import time
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError

from eservice_desktop.county_link import url_form
from eservice_desktop.county_link.build import user_agent
from eservice_desktop.county_link.errors import (
    AuthError,
    ConfigError,
    DeviceRevoked,
    Offline,
    RequestRefused,
    ServerError,
    retry_after_s,
)
from eservice_desktop.county_link.protocol import PREFIX, ErrorBody
from eservice_desktop.county_link.transport_failures import (
    ROUND_OVER,
    SLOW,
    offline_name,
    tls_failure,
)
from eservice_desktop.watched_sockets import WatchedSockets, watched_adapter

M = TypeVar("M", bound=BaseModel)

GZIP_MIN = 1024
#: What of a county's words a clerk never sees: control and bidi-override characters.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


#: One label of a host name (letters, digits, hyphens; underscores as Windows networks name
#: hosts), at most 63 characters.
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def is_host_name(host: str) -> bool:
    """An IP address, or a DNS name (IDNA allowed) of at most 253 characters in labels of at
    most 63: any other (``a b``, a label of 5000 characters) was written by ``setup`` and then
    made name resolution raise UnicodeError, a traceback in doctor and in every sync round."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    try:
        name = host.encode("idna").decode("ascii").removesuffix(".")
    except UnicodeError:
        return False
    return 0 < len(name) <= 253 and all(_LABEL.fullmatch(label) for label in name.split("."))


def port_fault(url: str) -> bool:
    """The URL's port is none a server listens on: out of range or not a number (``:99999``,
    which ``urlsplit`` only raises for when the port is read: doctor ended in a traceback), or
    0 (taken before, and doctor then tried port 80 while sync failed on every round)."""
    try:
        return urlsplit(url).port == 0
    except ValueError:  # "http://[::1", "http://host:99999"
        return True


def check_url(url: str, ca_file: str) -> None:
    """A URL sync can reach the county at, or the ConfigError saying what to change."""
    url_form.check_spaces(url)
    url_form.check_port(url)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not is_host_name(parts.hostname or ""):
            raise ConfigError("malformed county URL")
        url_form.check_parts(url)
    if parts.scheme == "http":
        if not is_loopback(parts.hostname or ""):
            raise ConfigError("plain http is only allowed to a loopback address; use https")
    elif parts.scheme == "https":
        if not ca_file:
            raise ConfigError("https needs the county CA certificate (settings county_ca_file)")
    else:
        raise ConfigError(f"unsupported URL scheme {parts.scheme!r}")


#: Overall limits: one request (connect, headers and the whole body) and one sync round.
REQUEST_DEADLINE_S = 120.0
ROUND_DEADLINE_S = 600.0
#: The largest answer the client reads (a pull page of MAX_PULL_PAGE changes fits easily).
MAX_RESPONSE = 64 * 1024 * 1024


class CountyTransport:
    """One county link: its session (pinned CA, bearer credential, gzip), each request's
    deadline and the round's, and the answer read as a model. The routes are
    :class:`~eservice_desktop.county_link.client.CountyClient`'s methods."""

    def __init__(
        self,
        base_url: str,
        credential: str | None = None,
        ca_file: str = "",
        timeout: tuple[float, float] = (5.0, 60.0),
        deadline_s: float = REQUEST_DEADLINE_S,
    ) -> None:
        check_url(base_url, ca_file)
        self.base = base_url.rstrip("/") + PREFIX
        self.timeout = timeout
        self.deadline_s = deadline_s
        #: monotonic time by which the current round must end (None: no round running)
        self.round_ends: float | None = None
        self._sockets = WatchedSockets()
        self.http = requests.Session()
        adapter = watched_adapter(self._sockets)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        #: gzip both ways, except to a county on this machine: over loopback compressing costs
        #: more CPU than the bytes it saves (benchmarks/bench_sync.py measures both)
        self.compress = not is_loopback(urlsplit(base_url).hostname or "")
        self.http.headers["Accept-Encoding"] = "gzip" if self.compress else "identity"
        self.http.headers["User-Agent"] = user_agent()  # the county keeps the build
        self.http.verify = ca_file if ca_file else True
        self.http.trust_env = False  # never route the county link through an ambient proxy
        if credential:
            self.http.headers["Authorization"] = f"Bearer {credential}"

    def close(self) -> None:
        self.http.close()

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        params: dict[str, Any] | None = None,
        encoded: bytes | None = None,
    ) -> requests.Response:
        """One request (:meth:`_exchange`): 401/403 and 5xx are raised as their errors; other
        answers are the caller's to read."""
        r = self._exchange(method, path, body=body, raw=raw, params=params, encoded=encoded)
        if 300 <= r.status_code < 400 or r.status_code == 407:
            # no county route redirects or asks for a proxy's sign-in: the network answered
            raise RequestRefused(f"{r.status_code} from the network", r.status_code)
        if r.status_code in (401, 403):
            words = _words(r)
            if words is not None and words[0] == "enrol.device_revoked":
                raise DeviceRevoked(words[1], words[2])  # the way on, in the county's words
            if words is None and _foreign(r):  # another site's page: no credential of ours
                raise refusal(r)
            raise AuthError(f"{r.status_code} from county", r.status_code)
        if r.status_code >= 500:
            words = _words(r)
            error = ServerError(f"{r.status_code} from county", r.status_code, words)
            error.retry_after = retry_after_s(r.headers.get("Retry-After"))
            error.foreign = words is None and _foreign(r)
            raise error
        return r

    def probe(self, path: str) -> requests.Response:
        """``GET path`` as sync would send it (no ambient proxy, the pinned CA, the request's
        deadline), its answer whatever the status: doctor's look at ``/health``. Asked with
        requests' defaults, a county answering a byte a second held doctor six minutes (a
        per-read timeout never fires) and an ambient proxy sync does not use answered it."""
        return self._exchange("GET", path)

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        params: dict[str, Any] | None = None,
        encoded: bytes | None = None,
    ) -> requests.Response:
        """One request within its own deadline and the round's: a watchdog cuts the sockets
        when it passes (a county that trickles bytes cannot hold the round)."""
        data, headers = self._payload(body, raw, encoded)
        now = time.monotonic()
        ends = self._ends(now)
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            self._sockets.cut()

        ca = self.http.verify  # a CA file gone since: not requests' OSError naming no file
        if isinstance(ca, str) and not (os.path.isfile(ca) and os.access(ca, os.R_OK)):
            raise ConfigError("county CA file missing or unreadable")
        watchdog = threading.Timer(max(0.0, ends - now), cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            read_s = min(self.timeout[1], max(0.1, ends - now))
            r = self._request(
                method,
                path,
                data=data,
                params=params,
                headers=headers,
                read_s=read_s,
                expired=expired,
            )
        except requests.exceptions.SSLError as e:
            if _cut_off(expired, ends):
                raise Offline(SLOW) from e
            raise tls_failure(e) from e
        except requests.RequestException as e:
            raise Offline(SLOW if _cut_off(expired, ends) else offline_name(e)) from e
        finally:
            watchdog.cancel()
        return r

    def _payload(
        self, body: Any, raw: bytes | None, encoded: bytes | None
    ) -> tuple[bytes | None, dict[str, str]]:
        """The bytes to send and their headers: JSON (``body``, or ``encoded`` as the caller
        encoded it), gzip-compressed when the link compresses and it pays; or raw bytes."""
        headers: dict[str, str] = {}
        data: bytes | None = raw
        if body is not None or encoded is not None:
            data = (
                encoded
                if encoded is not None
                else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            )
            headers["Content-Type"] = "application/json"
            if self.compress and len(data) >= GZIP_MIN:
                data = gzip.compress(data, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
        elif raw is not None:
            headers["Content-Type"] = "application/octet-stream"
        return data, headers

    def _ends(self, now: float) -> float:
        """When a request starting ``now`` must end: its own deadline, or the round's when that
        comes first (Offline when the round's time is up already)."""
        ends = now + self.deadline_s
        if self.round_ends is not None:
            if now >= self.round_ends:
                raise Offline(ROUND_OVER)
            ends = min(ends, self.round_ends)
        return ends

    def _request(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        read_s: float,
        expired: threading.Event,
    ) -> requests.Response:
        """The request, its answer read in chunks up to MAX_RESPONSE; Offline when the
        watchdog cut it (``expired``)."""
        r = self.http.request(
            method,
            self.base + path,
            data=data,
            params=params,
            headers=headers,
            timeout=(self.timeout[0], read_s),
            stream=True,
            # never followed: a captive portal's or a proxy's redirect took a push, its body
            # resent on a 307, to a sign-in page past the URL and TLS checks of check_url
            allow_redirects=False,
        )
        try:
            body = bytearray()
            for chunk in r.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_RESPONSE:
                    raise ServerError("answer from county too large")
                if expired.is_set():
                    break
            r._content = bytes(body)
        finally:
            r.close()
        if expired.is_set():
            raise Offline(SLOW)
        return r

    def _json(self, r: requests.Response, model: type[M]) -> M:
        if r.status_code >= 400:
            raise refusal(r)
        try:
            return model.model_validate_json(r.content)
        except ValidationError as e:
            if r.headers.get("Content-Type", "").lower().startswith("text/html"):
                raise ServerError("a web page, not the county's answer") from e
            raise ServerError("unreadable answer from county") from e


def refusal(r: requests.Response) -> RequestRefused:
    """A 4xx answer as the error the caller raises, with the county's reason when it gave one
    (and the wait a 429 asked for)."""
    words = _words(r)
    error = RequestRefused(f"{r.status_code}: {r.text[:200]}", r.status_code, words)
    error.retry_after = retry_after_s(r.headers.get("Retry-After"))
    error.foreign = words is None and _foreign(r)
    return error


def _foreign(r: requests.Response) -> bool:
    """An answer without the county's words that no county gives: a web page (another site, a
    proxy's page), or 501/505 (a server that does not know the county's requests). A gateway's
    502/503/504 and a 429 stand before a county that may be down or busy: the URL is right."""
    status = r.status_code
    if status in (429, 502, 503, 504):
        return False
    page = r.headers.get("Content-Type", "").lower().startswith("text/html")
    return page or status in (501, 505)


def _words(r: requests.Response) -> tuple[str, str, str] | None:
    """The county's reason for a refusal (``{code, message_zh, message_en}``), so the clerk
    reads it in the clerk's language; None from a county that gave none (before it)."""
    try:
        body = ErrorBody.model_validate_json(r.content)
    except ValidationError:
        return None
    cut = _UNPRINTABLE.sub("", body.message_zh)[:200], _UNPRINTABLE.sub("", body.message_en)[:200]
    return body.code[:64], *cut


def _cut_off(expired: threading.Event, ends: float) -> bool:
    """The deadline ended the request: the watchdog cut it, or the read's timeout (held to the
    deadline) fired first. On a busy PC the watchdog's thread came late and a county cut off
    by the deadline was said as 等候回應逾時 / "no answer in time"."""
    return expired.is_set() or time.monotonic() >= ends
