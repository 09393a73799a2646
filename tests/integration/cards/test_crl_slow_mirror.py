"""A CRL mirror (or the office's proxy) answering a byte at a time: the download ends by its
deadline, where each read within its 60 s timeout kept it going for days, holding one of the
window's three I/O threads per scheduled check until printing and the pickup desk's county
look-ups queued behind them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from eservice_desktop.devices import crl as crlmod


class _Dripper:
    """Answers any request with a list of ``size`` bytes sent a byte every ``every`` s."""

    def __init__(self, size: int, every: float) -> None:
        self.size, self.every = size, every
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/moica.crl"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\n"
                    + f"Content-Length: {self.size}\r\n\r\n".encode()
                )
                for _ in range(self.size):
                    if self.stop.wait(self.every):
                        return
                    conn.sendall(b"0")
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def dripper() -> Iterator[_Dripper]:
    d = _Dripper(size=400, every=0.1)
    yield d
    d.close()


def test_a_dripping_crl_mirror_is_cut_off_by_the_deadline(
    dripper: _Dripper, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crlmod, "DOWNLOAD_DEADLINE_S", 1.5, raising=False)
    t0 = time.monotonic()
    with pytest.raises(crlmod.CrlRejected) as e:
        crlmod.download(dripper.url, timeout=5.0)
    assert time.monotonic() - t0 < 10
    assert e.value.code == "too_slow"
