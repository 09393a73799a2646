"""PC/SC: one monitor thread for every reader, a thread per card read, a state machine per reader.

The monitor blocks in ``SCardGetStatusChange`` on all readers plus the PnP pseudo-reader, so it
wakes for reader plugged/unplugged and card inserted/removed; when the PC/SC service goes away
(pcscd restarting, the Windows smart-card service stopped) it re-establishes its context and
carries on. Cards are told apart by their answer to SELECT, never by reader index or ATR: an
unrelated token (YubiKey, bank card) answers "file not found" and is left alone.

Every change of a reader becomes a :class:`ReaderStatus` handed to a listener callback *on the
monitor's or a read's thread*, one change at a time; the GUI re-emits it through a Qt signal
(queued to the UI thread). A status carries a generation number per insertion so that the
result of a read that finishes after the card was pulled can never resurrect data on screen.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from eservice_desktop.devices import nhi
from eservice_desktop.devices.apdu import ApduError

log = logging.getLogger("eservice.card")

PNP_READER = "\\\\?PnP?\\Notification"
#: How long a card has to answer its read (a real one takes well under a second): then its
#: reader is said in error, ``no_answer`` (:meth:`PcscMonitor._card_in`, pcsc_snapshot.py).
READ_S = 10.0
#: The status that speaks for the PC/SC service itself, not for a reader: ERROR
#: ``service_down`` while the service is unavailable, NO_READER while it runs (with or without
#: readers). Without it a counter with no reader, or no service, said "looking for readers"
#: for ever.
SERVICE = ""


class ReaderState(StrEnum):
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    READING = "reading"
    SHOWN = "shown"
    UNREADABLE = "unreadable"
    ERROR = "error"


@dataclass(frozen=True)
class ReaderStatus:
    """What one reader holds right now. ``record`` is set only in SHOWN."""

    reader: str
    state: ReaderState
    generation: int = 0
    card: str = ""  # "nhi" | "other" | ""
    detail: str = ""  # machine code: not_nhi, bad_record, removed, comm, service_down
    atr: str = ""
    record: nhi.NhiRecord | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "reader": self.reader,
            "state": str(self.state),
            "card": self.card,
            "detail": self.detail,
            "atr": self.atr,
            "nhi": self.record.to_json() if self.record else None,
        }


class ReaderMachine:
    """The per-reader state machine; pure, so every transition is testable without a reader.

    no_reader → no_card (reader appears) → reading (card in) → shown | unreadable | error;
    any → no_card (card out, data dropped); any → no_reader (reader gone).
    Results for an older generation (card pulled meanwhile) are ignored."""

    def __init__(self, reader: str) -> None:
        self.status = ReaderStatus(reader, ReaderState.NO_READER)

    def _set(self, **changes: Any) -> ReaderStatus:
        self.status = replace(self.status, **changes)
        return self.status

    def reader_added(self) -> ReaderStatus:
        return self._set(state=ReaderState.NO_CARD, card="", detail="", atr="", record=None)

    def reader_removed(self) -> ReaderStatus:
        return self._set(state=ReaderState.NO_READER, card="", detail="", atr="", record=None)

    def card_inserted(self, atr: str) -> ReaderStatus:
        return self._set(
            state=ReaderState.READING,
            generation=self.status.generation + 1,
            card="",
            detail="",
            atr=atr,
            record=None,
        )

    def card_removed(self) -> ReaderStatus:
        return self._set(state=ReaderState.NO_CARD, card="", detail="", atr="", record=None)

    def service_down(self) -> ReaderStatus:
        return self._set(state=ReaderState.ERROR, card="", detail="service_down", record=None)

    def read_done(self, generation: int, record: nhi.NhiRecord) -> ReaderStatus | None:
        if generation != self.status.generation or self.status.state != ReaderState.READING:
            return None
        return self._set(state=ReaderState.SHOWN, card="nhi", detail="", record=record)

    def read_failed(
        self, generation: int, state: ReaderState, card: str, detail: str
    ) -> ReaderStatus | None:
        if generation != self.status.generation or self.status.state != ReaderState.READING:
            return None
        return self._set(state=state, card=card, detail=detail, record=None)


def _scard() -> Any:
    from smartcard import scard

    return scard


class CardConnection:
    """One PC/SC connection; ``transmit`` is what apdu.exchange drives."""

    def __init__(self, context: Any, reader: str) -> None:
        s = _scard()
        self._s = s
        hr, self._card, self._protocol = s.SCardConnect(
            context, reader, s.SCARD_SHARE_SHARED, s.SCARD_PROTOCOL_T0 | s.SCARD_PROTOCOL_T1
        )
        if hr != s.SCARD_S_SUCCESS:
            raise ApduError(f"connect failed: {s.SCardGetErrorMessage(hr)}")
        # Shared mode lets the MOICA middleware and other programs use the same reader; a
        # transaction keeps our SELECT ... READ sequence from interleaving with theirs.
        hr = s.SCardBeginTransaction(self._card)
        if hr != s.SCARD_S_SUCCESS:
            s.SCardDisconnect(self._card, s.SCARD_LEAVE_CARD)
            raise ApduError(f"cannot lock the card: {s.SCardGetErrorMessage(hr)}")

    def transmit(self, apdu: bytes) -> bytes:
        hr, resp = self._s.SCardTransmit(self._card, self._protocol, list(apdu))
        if hr != self._s.SCARD_S_SUCCESS:
            raise ApduError(f"transmit failed: {self._s.SCardGetErrorMessage(hr)}")
        return bytes(resp)

    def close(self) -> None:
        self._s.SCardEndTransaction(self._card, self._s.SCARD_LEAVE_CARD)
        self._s.SCardDisconnect(self._card, self._s.SCARD_LEAVE_CARD)


def classify_read(context: Any, reader: str) -> tuple[ReaderState, str, str, nhi.NhiRecord | None]:
    """Connects, tries the NHI application, disconnects: (state, card kind, detail, record)."""
    try:
        conn = CardConnection(context, reader)
    except ApduError:
        return ReaderState.ERROR, "", "comm", None
    try:
        record = nhi.read(conn.transmit)
        return ReaderState.SHOWN, "nhi", "", record
    except nhi.NotNhiCard:
        return ReaderState.UNREADABLE, "other", "not_nhi", None
    except nhi.NhiFormatError:
        return ReaderState.UNREADABLE, "nhi", "bad_record", None
    except ApduError:
        return ReaderState.ERROR, "", "comm", None
    finally:
        conn.close()


Listener = Callable[[ReaderStatus], None]


class PcscMonitor:
    """Watches all readers on a daemon thread until :meth:`stop`."""

    def __init__(
        self, listener: Listener, poll_ms: int = 200, retry_s: float = 1.0, read_s: float = READ_S
    ) -> None:
        self.listener = listener
        self.poll_ms = poll_ms
        self.retry_s = retry_s
        self.read_s = read_s
        self.machines: dict[str, ReaderMachine] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: Any = None
        self._service: ReaderStatus | None = None
        #: The machines change on the monitor and on the reads' threads: one at a time, each
        #: change emitted before the next.
        self._lock = threading.RLock()

    def start(self) -> PcscMonitor:
        self._thread = threading.Thread(target=self._run, name="pcsc-monitor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        ctx = self._context
        if ctx is not None:
            # The context may already be gone with the service.
            with contextlib.suppress(Exception):
                _scard().SCardCancel(ctx)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def statuses(self) -> list[ReaderStatus]:
        service = [self._service] if self._service is not None else []
        return service + [m.status for m in list(self.machines.values())]

    def _service_is(self, state: ReaderState, detail: str = "") -> None:
        """Reports the PC/SC service's own state (:data:`SERVICE`) when it changes."""
        status = ReaderStatus(SERVICE, state, detail=detail)
        if status != self._service:
            self._service = status
            self._emit(status)

    def _change(self, change: Callable[[], ReaderStatus | None]) -> ReaderStatus | None:
        """Makes a machine's change and tells it, before any other change is made."""
        with self._lock:
            status = change()
            self._emit(status)
            return status

    def _emit(self, status: ReaderStatus | None) -> None:
        if status is None:
            return
        try:
            self.listener(status)
        except Exception:
            log.exception("reader listener failed")

    def _run(self) -> None:
        s = _scard()
        down_reported = False
        while not self._stop.is_set():
            hr, ctx = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
            if hr != s.SCARD_S_SUCCESS:
                if not down_reported:
                    log.warning("PC/SC service unavailable: %s", s.SCardGetErrorMessage(hr))
                    for m in self.machines.values():
                        self._change(m.service_down)
                    self._service_is(ReaderState.ERROR, "service_down")
                    down_reported = True
                self._stop.wait(self.retry_s)
                continue
            down_reported = False
            self._context = ctx
            try:
                self._watch(ctx)
            finally:
                self._context = None
                s.SCardReleaseContext(ctx)
            if not self._stop.is_set():
                for m in self.machines.values():
                    self._change(m.service_down)
                self._service_is(ReaderState.ERROR, "service_down")
                down_reported = True
                self._stop.wait(self.retry_s)

    def _list_readers(self, ctx: Any) -> list[str] | None:
        s = _scard()
        hr, readers = s.SCardListReaders(ctx, [])
        if hr == s.SCARD_S_SUCCESS:
            return list(readers)
        if hr == s.SCARD_E_NO_READERS_AVAILABLE:
            return []
        return None

    def _sync_readers(self, readers: list[str]) -> None:
        for name in readers:
            if name not in self.machines:
                self.machines[name] = ReaderMachine(name)
                self._change(self.machines[name].reader_added)
            elif self.machines[name].status.state == ReaderState.NO_READER:
                self._change(self.machines[name].reader_added)
        for name, m in self.machines.items():
            if name not in readers and m.status.state != ReaderState.NO_READER:
                self._change(m.reader_removed)

    def _watch(self, ctx: Any) -> None:
        """Returns when the context is no longer usable (service gone) or on stop. A reader
        back from the service gone is said empty only once seen empty: a card kept in it was
        said gone for a moment (the window locked "card left" for the operator's)."""
        s = _scard()
        present: dict[str, bool] = {}
        while not self._stop.is_set():
            readers = self._list_readers(ctx)
            if readers is None:
                return
            self._service_is(ReaderState.NO_READER)
            self._sync_readers(readers)
            present = {r: present.get(r, False) for r in readers}
            states: list[Any] = [(r, s.SCARD_STATE_UNAWARE) for r in readers]
            states.append((PNP_READER, s.SCARD_STATE_UNAWARE))
            hr, states = s.SCardGetStatusChange(ctx, 0, states)
            while not self._stop.is_set():
                if hr not in (s.SCARD_S_SUCCESS, s.SCARD_E_TIMEOUT):
                    if hr in (s.SCARD_E_CANCELLED,):
                        return
                    if hr in (s.SCARD_E_UNKNOWN_READER, s.SCARD_E_READER_UNAVAILABLE):
                        break  # re-list readers
                    return
                reader_set_changed = False
                for name, event_state, atr in states:
                    if name == PNP_READER:
                        if hr == s.SCARD_S_SUCCESS and event_state & s.SCARD_STATE_CHANGED:
                            reader_set_changed = True
                        continue
                    if event_state & (s.SCARD_STATE_UNKNOWN | s.SCARD_STATE_UNAVAILABLE):
                        reader_set_changed = True
                        continue
                    is_present = bool(event_state & s.SCARD_STATE_PRESENT) and not bool(
                        event_state & s.SCARD_STATE_MUTE
                    )
                    if is_present and not present.get(name):
                        present[name] = True
                        self._card_in(name, bytes(atr).hex().upper())
                    elif not is_present and present.get(name):
                        present[name] = False
                        self._change(self.machines[name].card_removed)
                    elif not is_present and self.machines[name].status.detail == "service_down":
                        self._change(self.machines[name].reader_added)
                if reader_set_changed:
                    break
                states = [(n, st & ~s.SCARD_STATE_CHANGED, a) for n, st, a in states]
                hr, states = s.SCardGetStatusChange(ctx, self.poll_ms, states)

    def _card_in(self, reader: str, atr: str) -> None:
        """Reads the card on a thread of its own: a card slow to answer (or never) held the
        monitor, and every other reader with it (the operator's card pulled from
        ``lock_card_reader`` locked nothing, another reader's card was not seen) until then.
        A card still unread after ``read_s`` is said in error (``no_answer``: 請重新插卡): the
        panel read 讀卡中… for as long as it stayed in; taking it out ends the read."""
        m = self.machines[reader]
        with self._lock:
            status = m.card_inserted(atr)
            self._emit(status)
        threading.Thread(
            target=self._read, args=(m, status.generation), name="pcsc-read", daemon=True
        ).start()
        generation = status.generation
        late = threading.Timer(
            self.read_s,
            lambda: self._change(
                lambda: m.read_failed(generation, ReaderState.ERROR, "", "no_answer")
            ),
        )
        late.daemon = True
        late.start()

    def _read(self, m: ReaderMachine, generation: int) -> None:
        """One card's read, on a PC/SC context of its own; a result for a card pulled meanwhile
        is dropped (generation), a read failed as the card left is left to the monitor."""
        s = _scard()
        hr, ctx = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
        if hr != s.SCARD_S_SUCCESS:
            return  # the service went away: the monitor says so
        try:
            reader = m.status.reader
            state, card, detail, record = classify_read(ctx, reader)
            if state == ReaderState.ERROR and not _card_still_present(ctx, reader):
                return
        finally:
            s.SCardReleaseContext(ctx)
        if record is not None:
            self._change(lambda: m.read_done(generation, record))
        else:
            self._change(lambda: m.read_failed(generation, state, card, detail))


def _card_still_present(ctx: Any, reader: str) -> bool:
    s = _scard()
    hr, states = s.SCardGetStatusChange(ctx, 0, [(reader, s.SCARD_STATE_UNAWARE)])
    if hr != s.SCARD_S_SUCCESS:
        return False
    return bool(states[0][1] & s.SCARD_STATE_PRESENT)


def snapshot(read_cards: bool = True) -> list[ReaderStatus]:
    """One look at every reader (for ``card status`` / ``card read``): devices/pcsc_snapshot.py,
    each card's read bounded there."""
    from eservice_desktop.devices import pcsc_snapshot

    return pcsc_snapshot.snapshot(read_cards)
