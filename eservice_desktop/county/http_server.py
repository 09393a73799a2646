"""How the county server listens: uvicorn's HTTP/1.1 protocol with a deadline for the request
head. uvicorn waits for a first request's head (and for the next one's, once its bytes began)
as long as the client likes; a client sending half a head and nothing more (slow-loris) kept
its connection, and a few hundred of them took every file descriptor, so no office could
connect at all. Here a head not complete within ``client_timeout_s`` is answered 408 and the
connection closed; the body's own deadlines are county/edge.py's.

The same holds for answers: a client that asks for a large answer (a pull page) and never
reads it kept the answer in the server's memory and its connection open; once the send
buffer is full (uvicorn pauses writing) the client has ``client_timeout_s`` to read on, else
the connection is cut.

Connections never take the last file descriptors: the server's own work needs some (a new
database connection when the notification thread holds the pooled one, SQLite's temporary
files, the gateway's outbox). With held connections filling the table, an honest office's
push was accepted and then answered 500 because its database connection could not be opened.
A connection beyond ``soft limit - FD_RESERVE`` is answered 503 at once and closed; the
office's sync tries again at its next round.

Nor may one client take them all: a client address (an IPv6 one by its /64, the block one
host is given) holds at most a share of them (``PER_CLIENT_SHARE``); its connections beyond
that are answered 503 at once, while every other address still connects. A proxy the county
trusts for X-Forwarded-For (``--trusted-proxy``; none by default) is no one client and has no
share. A single host
holding half-sent heads, reconnecting as the deadline let them go, kept every office and the
web portal at 503 for as long as it went on.

With ``--tls-cert`` the TLS handshake has the same deadline (:class:`CountyHttpServer`): asyncio
gives a handshake 60 s, whatever ``client_timeout_s`` says, so a client that connected and sent
nothing held its connection twice as long as a half-sent head, before the deadline above
could start.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import resource
import socket
from collections import Counter
from collections.abc import Sequence
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from eservice_desktop.county.edge import CLIENT_TIMEOUT_S, client_key
from eservice_desktop.county.refusals import refusal_bytes
from eservice_desktop.county.security_headers import EVERY_ANSWER, NOT_A_PAGE_CSP


def _answer(status: bytes, code: str, *extra: bytes) -> bytes:
    """A refusal the protocol writes itself, before the app (and its headers middleware) is
    reached: the body and the headers of every other county answer, the connection closed."""
    body = refusal_bytes(code)
    head = [b"HTTP/1.1 " + status, b"content-type: application/json", *extra]
    head += [b"content-length: %d" % len(body), b"connection: close"]
    head += [
        k + b": " + v for k, v in (*EVERY_ANSWER, (b"content-security-policy", NOT_A_PAGE_CSP))
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


_408 = _answer(b"408 Request Timeout", "request.head_too_slow")
_503 = _answer(b"503 Service Unavailable", "server.busy", b"retry-after: 5")
#: What a request h11 cannot read gets (a request line, a header, a Content-Length such as -1
#: or +14, a chunk size): uvicorn's own answer was the plain text "Invalid HTTP request
#: received." without the refusal's words or the headers every county answer carries.
_400 = _answer(b"400 Bad Request", "request.malformed_http")

FD_RESERVE = 64
"""File descriptors kept for the server's own work, never given to client connections."""
PER_CLIENT_SHARE = 2
"""One client address may hold at most 1/PER_CLIENT_SHARE of the connections allowed (an
office network behind one address keeps room for all its counters)."""


def connections_allowed() -> int:
    """How many client connections may be open together: the soft descriptor limit now (IT
    or systemd may have changed it since the start) less the reserve."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1 << 30
    return max(1, soft - FD_RESERVE)


class HeadDeadlineProtocol(H11Protocol):
    """H11Protocol whose wait for a request head, and for the client to read a full send
    buffer, ends after :attr:`head_timeout_s`, and which turns a connection away (503) when
    it would eat into the descriptor reserve."""

    head_timeout_s: float = CLIENT_TIMEOUT_S
    _head_timer: asyncio.TimerHandle | None = None
    _write_timer: asyncio.TimerHandle | None = None

    _held_as: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        allowed = connections_allowed()
        held = _held_by_client(self.server_state)
        key = client_key(self.client)
        shared = not _trusted_proxy(self.config, self.client)
        if len(self.connections) > allowed or (
            shared and held[key] >= max(1, allowed // PER_CLIENT_SHARE)
        ):
            transport.write(_503)
            transport.close()
            return
        if shared:
            held[key] += 1
            self._held_as = key
        self._watch_head()

    def handle_events(self) -> None:
        super().handle_events()
        self._watch_head()

    def send_400_response(self, msg: str) -> None:
        """h11 could not read the request: :data:`_400`, then the connection is closed (as
        uvicorn closes it; ``msg`` is uvicorn's English sentence, logged by it already)."""
        self.transport.write(_400)
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._held_as is not None:
            held = _held_by_client(self.server_state)
            held[self._held_as] -= 1
            if held[self._held_as] <= 0:
                del held[self._held_as]
            self._held_as = None
        self._stop_head_timer()
        self._stop_write_timer()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The send buffer is full: the client must read on within the deadline."""
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.head_timeout_s, self._read_late)

    def resume_writing(self) -> None:
        self._stop_write_timer()
        super().resume_writing()

    def _stop_write_timer(self) -> None:
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _read_late(self) -> None:
        self._write_timer = None
        self.transport.abort()  # close() would wait for the buffer the client never reads

    def _watch_head(self) -> None:
        """Armed while the client owes a request head (from the moment that wait began), off
        once the head is in (a request being read or answered)."""
        if self.conn.their_state is h11.IDLE:
            if self.timeout_keep_alive_task is not None:
                return  # idle after an answer: the keep-alive timeout closes it (no 408)
            if self._head_timer is None and not self.transport.is_closing():
                self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_late)
        else:
            self._stop_head_timer()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.write(_408)
            self.transport.close()


def _trusted_proxy(config: Any, client: tuple[str, int] | None) -> bool:
    """Whether the connection comes from a proxy trusted for X-Forwarded-For
    (``forwarded_allow_ips``: :func:`server_config`'s ``trusted_proxies``): every client
    behind it comes through its connections, so they are not one client's share (each one's
    own address is counted by the rate limits, from the header)."""
    trusted = getattr(config, "forwarded_allow_ips", None) or ()
    if isinstance(trusted, str):
        trusted = trusted.split(",")
    names = {str(t).strip() for t in trusted}
    if "*" in names or (client is not None and client[0] in names):
        return True
    try:
        address = ipaddress.ip_address(client[0]) if client else None
    except ValueError:
        return False
    for name in names:  # an entry may name a network (10.0.0.0/8), as uvicorn reads it
        with contextlib.suppress(ValueError):
            if address is not None and address in ipaddress.ip_network(name, strict=False):
                return True
    return False


def _held_by_client(state: Any) -> Counter[str]:
    """The open connections per client key, kept beside uvicorn's set of connections (the
    server's state every protocol instance shares)."""
    held: Counter[str] | None = getattr(state, "eservice_held_by_client", None)
    if held is None:
        held = state.eservice_held_by_client = Counter()
    return held


def protocol_with_deadline(client_timeout_s: float) -> type[HeadDeadlineProtocol]:
    """The protocol class uvicorn makes per connection, with this head deadline."""
    return type("HeadDeadline", (HeadDeadlineProtocol,), {"head_timeout_s": client_timeout_s})


def server_config(
    app: Any,
    host: str,
    port: int,
    *,
    client_timeout_s: float = CLIENT_TIMEOUT_S,
    trusted_proxies: Sequence[str] = (),
    **options: Any,
) -> uvicorn.Config:
    """uvicorn's configuration for ``app`` with the slow-client deadlines; ``options`` are
    uvicorn's own (TLS files, log level ...).

    ``X-Forwarded-For`` is read only from ``trusted_proxies`` (addresses or networks: the
    county's own reverse proxies), none by default. uvicorn's default trusted loopback (or
    its ``FORWARDED_ALLOW_IPS``): any process on the county's host, or behind a proxy on it
    that passes the header through, named any address it liked, and every per-address
    limit and the address the county audits counted that one."""
    options.setdefault("log_level", "warning")
    options.setdefault("log_config", None)  # its records go to the caller's (redacting) handler
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_with_deadline(client_timeout_s),
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies),
        **options,
    )


class CountyHttpServer(uvicorn.Server):
    """uvicorn's server whose TLS handshake ends, like a request head, after the client
    deadline (uvicorn passes no handshake timeout to asyncio's ``create_server``)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        protocol = self.config.http
        if self.config.ssl is None or not isinstance(protocol, type):
            await super().startup(sockets)
            return
        deadline = getattr(protocol, "head_timeout_s", CLIENT_TIMEOUT_S)
        loop = asyncio.get_running_loop()
        create = loop.create_server
        loop.create_server = functools.partial(create, ssl_handshake_timeout=deadline)  # type: ignore[method-assign]
        try:
            await super().startup(sockets)
        finally:
            del loop.create_server
