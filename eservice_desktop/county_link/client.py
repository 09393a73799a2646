"""HTTP client of the county protocol (requests): gzip both ways, bearer credential, pinned CA.

TLS is verified against the county CA file from settings *only* (requests uses that file as the
whole trust store, so a certificate from any other CA is refused: the CA is pinned). Plain
``http://`` is refused unless the host is a loopback address (development and tests).
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import json
import socket
import threading
import time
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter

from eservice_desktop.county_link.protocol import (
    PREFIX,
    AccessPushRequest,
    AccessPushResponse,
    AttachmentStart,
    AttachmentState,
    ChainGap,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    LookupRequest,
    OperatorsResponse,
    OperatorVerifyRequest,
    OperatorVerifyResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    StatusResponse,
    WireAccess,
    WireEvent,
)

M = TypeVar("M", bound=BaseModel)

GZIP_MIN = 1024


class SyncError(Exception):
    """A round failed; ``transient`` errors are retried with back-off. ``status`` is the HTTP
    status the county answered, when it answered. :meth:`message` is what a clerk reads."""

    transient = True

    def __init__(self, detail: str = "", status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status

    def message(self, lang: str = "zh_TW") -> str:
        return sync_error_message(self, lang)


class Offline(SyncError):
    """Could not reach the server (refused, reset, timeout)."""


class ServerError(SyncError):
    """The server answered 5xx or something unreadable."""


class AuthError(SyncError):
    """401/403: the device is not enrolled, or its credential was revoked."""

    transient = False


class ConfigError(SyncError):
    """The URL/TLS settings are unacceptable (plain http to a remote host, no pinned CA)."""

    transient = False


class RequestRefused(SyncError):
    """4xx other than auth: a bug or a version mismatch; retrying will not help."""

    transient = False


class WrongOffice(RequestRefused):
    """Enrolment: the code was issued for another office (the county did not use it)."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en, 409)
        self.message_zh, self.message_en = message_zh, message_en


class RateLimited(RequestRefused):
    """429: too many attempts; ``retry_after`` seconds (as the county said) to wait."""

    def __init__(self, retry_after: str, status: int = 429) -> None:
        super().__init__(f"too many attempts, retry after {retry_after or '?'} s", status)
        self.retry_after = int(retry_after) if retry_after.isdigit() else 60


class LookupRefused(RequestRefused):
    """A document-free look-up the county answered with a reason (no record, unknown kind, no
    consent, case of another office); ``code`` is the county's reason code."""

    def __init__(self, code: str, message_zh: str, message_en: str, status: int) -> None:
        super().__init__(message_en, status)
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


#: Why the county refused us, by HTTP status: (zh-TW, English).
_STATUS_REASONS: dict[int, tuple[str, str]] = {
    401: ("本機尚未登記", "device not enrolled"),
    403: ("本機憑證已被縣府撤銷", "device credential revoked"),
    404: ("縣府伺服器沒有這項服務", "not found on the county server"),
    409: ("縣府伺服器拒絕此要求", "refused by the county server"),
    413: ("資料太大", "too large"),
    429: ("縣府伺服器忙碌中", "county server busy"),
}

#: Transport failures (requests exception names): (zh-TW, English).
_OFFLINE_REASONS: dict[str, tuple[str, str]] = {
    "ConnectionError": ("連線被拒或網路中斷", "connection refused or network down"),
    "ConnectTimeout": ("連線逾時", "connection timed out"),
    "ReadTimeout": ("等候回應逾時", "no answer in time"),
    "Timeout": ("逾時", "timed out"),
}


def error_named(name: str) -> SyncError | None:
    """The error class a stored ``last_error`` names, as an instance to describe."""
    cls = {c.__name__: c for c in (Offline, ServerError, AuthError, ConfigError, RequestRefused)}
    found = cls.get(name)
    return found() if found is not None else None


def sync_error_message(error: BaseException, lang: str = "zh_TW") -> str:
    """A failed round as a clerk reads it, in the clerk's language: never an exception name.

    e.g. "Cannot reach the county server (HTTP 401: device not enrolled)"."""
    en = lang.lower().startswith("en")

    def say(zh: str, english: str) -> str:
        return english if en else zh

    status = getattr(error, "status", None)
    if isinstance(error, (AuthError, ServerError, RequestRefused)) and status is not None:
        if status >= 500:
            reason = ("縣府伺服器發生錯誤", "county server error")
        else:
            reason = _STATUS_REASONS.get(status, ("縣府伺服器拒絕此要求", "request refused"))
        return say(
            f"無法與縣府伺服器同步（HTTP {status}：{reason[0]}）",
            f"Cannot reach the county server (HTTP {status}: {reason[1]})",
        )
    if isinstance(error, AuthError):
        return say(
            "無法與縣府伺服器同步（本機未登記或憑證已撤銷）",
            "Cannot reach the county server (device not enrolled or credential revoked)",
        )
    if isinstance(error, ServerError):
        return say(
            "無法與縣府伺服器同步（回應無法辨識）",
            "Cannot reach the county server (unreadable answer)",
        )
    if isinstance(error, Offline):
        reason = _OFFLINE_REASONS.get(str(error), ("網路無法連線", "network unreachable"))
        return say(
            f"無法連線縣府伺服器（{reason[0]}）", f"Cannot reach the county server ({reason[1]})"
        )
    if isinstance(error, ConfigError):
        return say(
            "同步設定不正確（縣府網址或憑證），請洽資訊人員",
            "The sync settings are wrong (county URL or certificate); call IT",
        )
    if isinstance(error, RequestRefused):
        return say("縣府伺服器拒絕此要求", "The county server refused the request")
    return say("同步發生錯誤，請洽資訊人員", "Sync failed; call IT")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, ca_file: str) -> None:
    parts = urlsplit(url)
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


class _Sockets:
    """The sockets this client's connections opened, so a watchdog can cut a request that
    outlives its deadline (a per-read timeout alone lets a server drip one byte every few
    seconds forever)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []

    def add(self, sock: socket.socket) -> None:
        with self.lock:
            self.open = [s for s in self.open if s.fileno() != -1]
            self.open.append(sock)

    def cut(self) -> None:
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self.open = []


def _adapter(sockets: _Sockets) -> HTTPAdapter:
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Conn(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.add(self.sock)

    class TLSConn(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.add(self.sock)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Conn

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = TLSConn

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TLSPool}
            self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)

    return Adapter()


class CountyClient:
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
        self._sockets = _Sockets()
        self.http = requests.Session()
        adapter = _adapter(self._sockets)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        #: gzip both ways, except to a county on this machine: over loopback compressing costs
        #: more CPU than the bytes it saves (benchmarks/bench_sync.py measures both)
        self.compress = not is_loopback(urlsplit(base_url).hostname or "")
        self.http.headers["Accept-Encoding"] = "gzip" if self.compress else "identity"
        self.http.headers["User-Agent"] = "eservice-desktop-sync/1"
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
        now = time.monotonic()
        ends = now + self.deadline_s
        if self.round_ends is not None:
            if now >= self.round_ends:
                raise Offline("the sync round ran out of time")
            ends = min(ends, self.round_ends)
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            self._sockets.cut()

        watchdog = threading.Timer(max(0.0, ends - now), cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            r = self.http.request(
                method,
                self.base + path,
                data=data,
                params=params,
                headers=headers,
                timeout=(self.timeout[0], min(self.timeout[1], max(0.1, ends - now))),
                stream=True,
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
                raise Offline("the county answered too slowly")
        except requests.exceptions.SSLError as e:
            if expired.is_set():
                raise Offline("the county answered too slowly") from e
            raise ConfigError(f"TLS verification failed: {type(e).__name__}") from e
        except requests.RequestException as e:
            raise Offline(
                "the county answered too slowly" if expired.is_set() else type(e).__name__
            ) from e
        finally:
            watchdog.cancel()
        if r.status_code in (401, 403):
            raise AuthError(f"{r.status_code} from county", r.status_code)
        if r.status_code >= 500:
            raise ServerError(f"{r.status_code} from county", r.status_code)
        return r

    def _json(self, r: requests.Response, model: type[M]) -> M:
        if r.status_code >= 400:
            raise RequestRefused(f"{r.status_code}: {r.text[:200]}", r.status_code)
        try:
            return model.model_validate_json(r.content)
        except ValidationError as e:
            raise ServerError("unreadable answer from county") from e

    def health(self) -> dict[str, Any]:
        r = self._send("GET", "/health")
        return dict(r.json())

    def enrol(self, code: str, device: str, label: str = "", office: str = "") -> EnrolResponse:
        """Trades the code for a credential; the county refuses (409, :class:`WrongOffice`) a
        code issued for another office than ``office`` without using it."""
        req = EnrolRequest(code=code, device=device, label=label, office=office)
        r = self._send("POST", "/enrol", body=req.model_dump(mode="json"))
        if r.status_code == 409:
            try:
                body = ErrorBody.model_validate_json(r.content)
            except ValidationError:
                body = None
            if body is not None and body.code == "enrol.office_mismatch":
                raise WrongOffice(body.message_zh, body.message_en)
        if r.status_code == 429:
            raise RateLimited(r.headers.get("Retry-After", ""), 429)
        return self._json(r, EnrolResponse)

    def operators(self, since: str) -> OperatorsResponse:
        """This office's operators changed since version ``since`` (argon2id hashes)."""
        return self._json(
            self._send("GET", "/operators", params={"since": since}), OperatorsResponse
        )

    def verify_operator(self, account: str, password: str) -> OperatorVerifyResponse:
        """Checks an operator's password at the county (rate-limited there)."""
        body = OperatorVerifyRequest(account=account, password=password).model_dump()
        r = self._send("POST", "/operators/verify", body=body)
        if r.status_code == 429:
            raise RateLimited(r.headers.get("Retry-After", ""), 429)
        return self._json(r, OperatorVerifyResponse)

    def demo_enrol_code(self, office: str, device: str | None = None) -> str:
        params = {"office": office} if device is None else {"office": office, "device": device}
        r = self._send("POST", "/demo/enrol-code", params=params)
        if r.status_code != 200:
            raise RequestRefused("the county server is not in demo mode")
        return str(r.json()["code"])

    def status(self) -> StatusResponse:
        return self._json(self._send("GET", "/status"), StatusResponse)

    def push(self, events: list[WireEvent], gaps: list[ChainGap] | None = None) -> PushResponse:
        request = PushRequest(events=events, gaps=gaps or [])
        # no gaps key unless there are gaps: a county from before the chain still takes it
        body = request.model_dump(mode="json", exclude=None if gaps else {"gaps"})
        return self._json(self._send("POST", "/events", body=body), PushResponse)

    def push_encoded(self, body: bytes) -> PushResponse:
        """A push whose body the caller encoded (``protocol.push_body``): sent as it is, no
        model built and dumped first (the county checks it; a 422 raises RequestRefused)."""
        return self._json(self._send("POST", "/events", encoded=body), PushResponse)

    def push_access(self, records: list[WireAccess]) -> AccessPushResponse:
        body = AccessPushRequest(records=records).model_dump(mode="json")
        return self._json(self._send("POST", "/access", body=body), AccessPushResponse)

    def pull(
        self, since: str, limit: int = 500, include_own: bool = False, count: bool = False
    ) -> PullResponse:
        """A page of the office's changes after ``since``; ``count`` asks the county how many
        remain after it (``PullResponse.remaining``; None from a county before it)."""
        params: dict[str, Any] = {"since": since, "limit": limit}
        if include_own:
            params["include_own"] = "true"
        if count:
            params["count"] = "true"
        r = self._send("GET", "/changes", params=params)
        return self._json(r, PullResponse)

    def case(self, case_id: str) -> dict[str, Any] | None:
        r = self._send("GET", f"/cases/{case_id}")
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            raise RequestRefused(str(r.status_code), r.status_code)
        return dict(r.json())

    def lookup(self, req: LookupRequest) -> dict[str, Any]:
        """``POST /v1/lookups``: the county's signed result (verified by the caller);
        :class:`LookupRefused` with the county's reason, :class:`RateLimited` on 429."""
        r = self._send("POST", "/lookups", body=req.model_dump(mode="json"))
        if r.status_code == 429:
            raise RateLimited(r.headers.get("Retry-After", ""), 429)
        if r.status_code >= 400:
            try:
                body = ErrorBody.model_validate_json(r.content)
            except ValidationError:
                raise RequestRefused(f"{r.status_code}", r.status_code) from None
            raise LookupRefused(body.code, body.message_zh, body.message_en, r.status_code)
        try:
            data = r.json()
        except ValueError:
            raise ServerError("unreadable answer from county") from None
        if not isinstance(data, dict):
            raise ServerError("unreadable answer from county")
        return data

    def attachment_start(self, sha256: str, start: AttachmentStart) -> AttachmentState:
        r = self._send("POST", f"/attachments/{sha256}", body=start.model_dump(mode="json"))
        return self._json(r, AttachmentState)

    def attachment_chunk(self, sha256: str, offset: int, data: bytes) -> AttachmentState:
        r = self._send("PUT", f"/attachments/{sha256}/chunks/{offset}", raw=data)
        return self._json(r, AttachmentState)
