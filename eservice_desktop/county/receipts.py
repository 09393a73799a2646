"""The signed receipts a push answers with, one per case it touched, signed on a thread of
their own while the push writes its rows.

Ed25519 signatures were about a quarter of the county's CPU per push (some 33 µs each, one per
touched case). cryptography's ``sign`` releases the interpreter lock, as SQLite does while it
steps and commits: started once every case's state is final (after the batch and the cases
the county makes ready), the signatures run while the push's inserts and updates run on the
request's thread, which waits for them only to build its answer, still inside the push's
transaction: a failed signature fails the push and its transaction, as when it signed inline.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from eservice_desktop.county.keys import signing_key
from eservice_desktop.county_link.protocol import CountyReceipt, receipt_bytes_at, receipt_time
from eservice_desktop.domain.case import CaseState

#: the signer thread, once made, by the process it runs in
_pool: dict[int, ThreadPoolExecutor] = {}
_pool_lock = threading.Lock()


def _signer() -> ThreadPoolExecutor:
    """The process's signer thread, made when first needed: a process forked from one that
    signed has the thread's executor but not its thread, and makes its own."""
    pid = os.getpid()
    with _pool_lock:
        pool = _pool.get(pid)
        if pool is None:
            _pool.clear()
            pool = _pool[pid] = ThreadPoolExecutor(1, thread_name_prefix="county-receipts")
        return pool


def sign_all(key: Ed25519PrivateKey, messages: list[bytes]) -> list[bytes]:
    """Each message's signature, in order. Only the calls to ``sign`` (which run without the
    interpreter lock): the thread takes the lock back once per message, briefly."""
    sign = key.sign
    return [sign(m) for m in messages]


class Receipts:
    """The receipts of the cases ``touched`` in their final ``states``, their signatures
    started on the signer thread; :meth:`result` waits for them and builds the receipts
    (byte-identical to signing each one in turn: Ed25519 signatures are deterministic)."""

    def __init__(
        self,
        s: Session,
        states: Mapping[str, CaseState],
        touched: Iterable[str],
        now: datetime,
    ) -> None:
        self._ids = sorted(c for c in touched if c in states)
        self._states = [states[c] for c in self._ids]  # final: read here, not when joined
        self._now = now
        self._future: Future[list[bytes]] | None = None
        if not self._ids:
            return
        self._key_id, key = signing_key(s, "receipt")
        at = receipt_time(now)  # every receipt of the push is signed at this one time
        messages = [
            receipt_bytes_at(c, st.case_number, st.office, st.event_count, at)
            for c, st in zip(self._ids, self._states, strict=True)
        ]
        self._future = _signer().submit(sign_all, key, messages)

    def result(self) -> list[CountyReceipt]:
        """The receipts, in case id order; a signature that failed raises its error here."""
        if self._future is None:
            return []
        signatures = self._future.result()
        now, key_id = self._now, self._key_id
        return [
            CountyReceipt(
                case_id=case_id,
                case_number=st.case_number,
                office=st.office,
                events_accepted=st.event_count,
                county_time=now,
                key_id=key_id,
                signature=base64.b64encode(sig).decode(),
            )
            for case_id, st, sig in zip(self._ids, self._states, signatures, strict=True)
        ]
