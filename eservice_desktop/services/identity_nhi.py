"""The NHI card at the counter: *read*, never proof of identity. Its data fills the intake
form as "read from NHI card"; ``CardWatch`` follows the readers for the form. Re-exported by
``services.identity``.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable

from eservice_desktop.devices import pcsc
from eservice_desktop.devices.apdu import ApduError
from eservice_desktop.domain.errors import DomainError

log = logging.getLogger("eservice.identity")

ReaderState = pcsc.ReaderState
ReaderStatus = pcsc.ReaderStatus

#: Called with each reader's new status.
Listener = Callable[[pcsc.ReaderStatus], None]


class CardWatch:
    """One reader monitor per process, shared by every window or panel that subscribes.

    Listeners are called on the monitor's threads; one that raises RuntimeError (a Qt object
    already deleted) is dropped. A new subscriber first receives the current status of every
    reader, so a panel opened while a card is in the reader shows it.
    """

    _shared: CardWatch | None = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._listeners: dict[int, Listener] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._monitor: pcsc.PcscMonitor | None = None

    @classmethod
    def shared(cls) -> CardWatch:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = CardWatch()
            return cls._shared

    def subscribe(self, listener: Listener) -> int:
        token = next(self._ids)
        with self._lock:
            self._listeners[token] = listener
            if self._monitor is None:
                self._monitor = pcsc.PcscMonitor(self._dispatch).start()
                current: list[pcsc.ReaderStatus] = []
            else:
                current = list(self._monitor.statuses())
        for st in current:
            self._call(token, listener, st)
        return token

    def unsubscribe(self, token: int) -> None:
        with self._lock:
            self._listeners.pop(token, None)

    def statuses(self) -> list[pcsc.ReaderStatus]:
        with self._lock:
            return list(self._monitor.statuses()) if self._monitor else []

    def _call(self, token: int, listener: Listener, st: pcsc.ReaderStatus) -> None:
        try:
            listener(st)
        except RuntimeError:
            self.unsubscribe(token)

    def _dispatch(self, st: pcsc.ReaderStatus) -> None:
        with self._lock:
            listeners = list(self._listeners.items())
        for token, listener in listeners:
            self._call(token, listener, st)


def card_status(read_cards: bool = True) -> list[pcsc.ReaderStatus]:
    """Every reader and what is in it (NHI data read when ``read_cards``)."""
    try:
        return pcsc.snapshot(read_cards=read_cards)
    except ApduError as e:
        raise DomainError(
            "card.service",
            "讀卡機服務無法使用（智慧卡服務未啟動？）",
            "The smart-card service is unavailable (is the PC/SC service running?)",
        ) from e


def read_nhi(except_reader: str = "") -> pcsc.ReaderStatus:
    """The first reader holding a readable NHI card; ``except_reader`` (the operator's own card,
    ``settings.lock_card_reader``) is never read as an applicant's."""
    statuses = [st for st in card_status() if not except_reader or st.reader != except_reader]
    for st in statuses:
        if st.record is not None:
            return st
    if not statuses:
        raise DomainError("card.no_reader", "未偵測到讀卡機", "No card reader found")
    if any(st.card == "nhi" for st in statuses):
        raise DomainError(
            "card.unreadable", "健保卡資料無法讀取，請重新插卡", "The NHI card could not be read"
        )
    raise DomainError("card.no_nhi", "讀卡機中沒有健保卡", "No NHI card in any reader")
