"""The tests' county servers (in this process, or a process of their own) go elsewhere when a
port named free by ``free_port`` was taken by another connection before the server started
(two test workers share the machine's ports), instead of leaving a test waiting for a server
that had logged a bind error and stopped."""

from __future__ import annotations

import contextlib
import errno
import socket
from collections.abc import Callable, Iterator

import requests
from sync_helpers import CountyServer


@contextlib.contextmanager
def _taken(port: int) -> Iterator[None]:
    """``port`` held by a listener until the block ends. Another worker may have taken it since
    ``free_port`` named it (the race these tests are about): then it is taken already, which is
    all the test needs."""
    with socket.socket() as taker:
        taker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # only a listener refuses
        try:
            taker.bind(("127.0.0.1", port))
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                raise
        else:
            taker.listen()
        yield


def test_a_port_taken_before_the_start_is_traded_and_a_restart_keeps_its_own(
    county_db: str, server_factory: Callable[[str], CountyServer]
) -> None:
    server = server_factory(county_db)
    named = server.port
    with _taken(named):
        server.start_in_thread()
        assert server.port != named
        assert requests.get(server.url + "/v1/health", timeout=5).ok
    moved = server.port
    server.stop()
    server.start_in_thread()
    assert server.port == moved and requests.get(server.url + "/v1/health", timeout=5).ok


def test_a_server_process_whose_port_was_taken_starts_on_another(
    sqlite_county_db: str, server_factory: Callable[[str], CountyServer]
) -> None:
    """The same for a server process: it exits on the bind error, and a first start tries
    another port (the listener that took the port is never taken for the county)."""
    server = server_factory(sqlite_county_db)
    named = server.port
    with _taken(named):
        server.start()
        assert server.port != named
        assert requests.get(server.url + "/v1/health", timeout=5).ok
