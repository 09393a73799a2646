"""HTTP connections whose sockets a watchdog can cut: a per-read timeout alone lets a server (or
a mirror, a proxy) drip one byte every few seconds for ever, so a request with a deadline notes
the sockets its connections open and shuts them when the deadline passes. Used by the county
link (``county_link.transport``) and the revocation lists' downloads (``devices.crl``), two
adapters that import nothing of each other."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from requests.adapters import HTTPAdapter


class WatchedSockets:
    """The sockets some connections opened, to cut at once."""

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


def watched_adapter(sockets: WatchedSockets) -> HTTPAdapter:
    """A requests adapter (mount it for http:// and https://) whose connections note their
    sockets in ``sockets``."""
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
