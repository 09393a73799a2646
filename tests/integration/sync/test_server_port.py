"""The tests' county servers (in this process, or a process of their own) go elsewhere when a
port named free by ``free_port`` was taken by another connection before the server started
(two test workers share the machine's ports), instead of leaving a test waiting for a server
that had logged a bind error and stopped."""

from __future__ import annotations

import socket
from collections.abc import Callable

import requests
from sync_helpers import CountyServer


def test_a_port_taken_before_the_start_is_traded_and_a_restart_keeps_its_own(
    county_db: str, server_factory: Callable[[str], CountyServer]
) -> None:
    server = server_factory(county_db)
    named = server.port
    with socket.socket() as taker:
        taker.bind(("127.0.0.1", named))
        taker.listen()
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
    with socket.socket() as taker:
        taker.bind(("127.0.0.1", named))
        taker.listen()
        server.start()
        assert server.port != named
        assert requests.get(server.url + "/v1/health", timeout=5).ok
