"""One look at every reader, for ``card status`` and ``card read`` (no monitor thread).

Each card present is read on a thread of its own, on a PC/SC context of its own, waited for
:data:`READ_S` at most: a card or reader that never answers (SCardTransmit waiting on it) held
the command for good, and Ctrl+C with it (Python takes the signal only once the call returns),
so IT's ``card status`` at a counter with a mute card in a reader never came back. Such a
reader is said as an error, ``no_answer``, and the other readers are still listed.
"""

from __future__ import annotations

import threading
from typing import Any

from eservice_desktop.devices import nhi
from eservice_desktop.devices.apdu import ApduError
from eservice_desktop.devices.pcsc import (
    READ_S,
    ReaderMachine,
    ReaderState,
    ReaderStatus,
    _scard,
    classify_read,
)

Read = tuple[ReaderState, str, str, nhi.NhiRecord | None]


def snapshot(read_cards: bool = True, timeout: float | None = None) -> list[ReaderStatus]:
    """Every reader and what it holds (its NHI data read when ``read_cards``)."""
    s = _scard()
    hr, ctx = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
    if hr != s.SCARD_S_SUCCESS:
        raise ApduError(f"PC/SC service unavailable: {s.SCardGetErrorMessage(hr)}")
    try:
        hr, readers = s.SCardListReaders(ctx, [])
        if hr == s.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hr != s.SCARD_S_SUCCESS:
            raise ApduError(f"cannot list readers: {s.SCardGetErrorMessage(hr)}")
        hr, states = s.SCardGetStatusChange(ctx, 0, [(r, s.SCARD_STATE_UNAWARE) for r in readers])
        out: list[ReaderStatus] = []
        for name, event_state, atr in states:
            m = ReaderMachine(name)
            m.reader_added()
            if not event_state & s.SCARD_STATE_PRESENT or event_state & s.SCARD_STATE_MUTE:
                out.append(m.status)
                continue
            st = m.card_inserted(bytes(atr).hex().upper())
            if read_cards:
                state, card, detail, record = _bounded_read(
                    name, READ_S if timeout is None else timeout
                )
                if record is not None:
                    m.read_done(st.generation, record)
                else:
                    m.read_failed(st.generation, state, card, detail)
            out.append(m.status)
        return out
    finally:
        s.SCardReleaseContext(ctx)


def _bounded_read(reader: str, timeout: float) -> Read:
    """:func:`classify_read` of ``reader`` on a thread and context of its own; ``no_answer``
    when it takes longer than ``timeout`` (the thread is left to the card: it ends when the
    card answers or leaves, and holds no exit)."""
    done = threading.Event()
    box: dict[str, Read] = {}

    def run() -> None:
        s: Any = _scard()
        hr, ctx = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
        try:
            if hr != s.SCARD_S_SUCCESS:
                box["read"] = (ReaderState.ERROR, "", "comm", None)
                return
            try:
                box["read"] = classify_read(ctx, reader)
            finally:
                s.SCardReleaseContext(ctx)
        finally:
            done.set()

    threading.Thread(target=run, name="pcsc-read", daemon=True).start()
    if not done.wait(timeout) or "read" not in box:
        return ReaderState.ERROR, "", "no_answer", None
    return box["read"]
