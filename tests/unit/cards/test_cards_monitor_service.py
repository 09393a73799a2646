"""The reader monitor says when the PC/SC service is down, or runs with no reader at all (the
identity panel said "尋找讀卡機…" for ever in both cases)."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from smartcard import scard as real

from eservice_desktop.devices import pcsc


def _fake_scard(service_up: bool) -> Any:
    constants = {n: getattr(real, n) for n in dir(real) if n.startswith("SCARD_")}

    def status_change(ctx: object, timeout: int, states: list[Any]) -> tuple[int, list[Any]]:
        time.sleep(min(timeout, 50) / 1000)
        return real.SCARD_E_TIMEOUT, [(name, state, []) for name, state, *_ in states]

    return SimpleNamespace(
        **constants,
        SCardEstablishContext=lambda scope: (
            (real.SCARD_S_SUCCESS, "ctx") if service_up else (real.SCARD_E_NO_SERVICE, None)
        ),
        SCardReleaseContext=lambda ctx: real.SCARD_S_SUCCESS,
        SCardCancel=lambda ctx: real.SCARD_S_SUCCESS,
        SCardListReaders=lambda ctx, groups: (real.SCARD_E_NO_READERS_AVAILABLE, []),
        SCardGetStatusChange=status_change,
        SCardGetErrorMessage=lambda hr: "fake",
    )


@pytest.mark.parametrize(
    ("service_up", "state", "detail"),
    [
        (False, pcsc.ReaderState.ERROR, "service_down"),
        (True, pcsc.ReaderState.NO_READER, ""),
    ],
)
def test_service_state_is_reported(
    monkeypatch: pytest.MonkeyPatch, service_up: bool, state: pcsc.ReaderState, detail: str
) -> None:
    monkeypatch.setattr(pcsc, "_scard", lambda: _fake_scard(service_up))
    seen: list[pcsc.ReaderStatus] = []
    got = threading.Event()

    def listen(status: pcsc.ReaderStatus) -> None:
        seen.append(status)
        got.set()

    monitor = pcsc.PcscMonitor(listen, poll_ms=20, retry_s=0.02).start()
    try:
        assert got.wait(3)
        time.sleep(0.1)  # a retry or a poll more: said once, not again
    finally:
        monitor.stop()
    assert [(s.reader, s.state, s.detail) for s in seen] == [(pcsc.SERVICE, state, detail)]
    assert monitor.statuses() == seen  # a panel opened later hears it too
