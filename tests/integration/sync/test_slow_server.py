"""Issue 11: a server that sends one byte every few seconds ends a request and a round in a
clean "offline" and a back-off, never a hang (a per-read timeout alone never fires)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sync_helpers import new_case

from eservice_desktop.county_link import client as client_mod
from eservice_desktop.county_link.client import CountyClient, Offline
from eservice_desktop.county_link.worker import SyncLoop
from eservice_desktop.services import sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import round as sync_round_module


class Dripper:
    """Accepts connections, reads the request, then drips a valid-looking answer byte by byte."""

    def __init__(self, every_s: float, headers_first: bool) -> None:
        self.every = every_s
        self.headers_first = headers_first
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.stop = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            head = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n"
            )
            if self.headers_first:
                conn.sendall(head)
                head = b""
            for byte in head + b"{" + b" " * 99_999:
                if self.stop.wait(self.every):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.fixture(params=[False, True], ids=["slow-headers", "slow-body"])
def dripper(request: pytest.FixtureRequest) -> Iterator[Dripper]:
    d = Dripper(0.5, headers_first=request.param)
    yield d
    d.close()


def test_a_dripping_server_ends_in_offline_within_the_deadline(dripper: Dripper) -> None:
    c = CountyClient(dripper.url, credential="x", deadline_s=2.0)
    t0 = time.monotonic()
    with pytest.raises(Offline):
        c.pull("")
    assert time.monotonic() - t0 < 5
    c.close()


def test_a_round_has_an_overall_deadline(
    dripper: Dripper, office: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with a generous per-request limit, the round as a whole ends; the loop backs off."""
    monkeypatch.setattr(sync_round_module, "ROUND_DEADLINE_S", 2.0)
    app = office(url=dripper.url)
    new_case(app)
    with app.reading() as s:
        waiting = sync.pending_count(s)  # the intake and its fee assessment
    assert waiting >= 1
    c = CountyClient(dripper.url, credential="x", deadline_s=60.0)
    loop = SyncLoop(lambda: sync.sync_round(app, c), interval=1.0)
    t0 = time.monotonic()
    delay = loop.run_once()
    assert time.monotonic() - t0 < 5
    assert delay > 0  # a back-off, not an immediate retry
    with app.reading() as s:
        assert sync.pending_count(s) == waiting  # nothing lost, nothing half-sent
    c.close()
    assert client_mod.ROUND_DEADLINE_S == 600.0
