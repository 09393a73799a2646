"""The signed receipts a push answers with, one per case it touched, signed on a thread of
their own while the push writes its rows.

Ed25519 signatures were about a sixth of the county's CPU per push (some 33 µs each, one per
touched case). cryptography's ``sign`` releases the interpreter lock, as SQLite does while it
steps: started once every case's state is final (after the batch and the cases the county
makes ready), the signatures run on the signer thread while the push's inserts and updates
run on the request's thread, which then signs what is left itself (:class:`Shared`) rather
than wait, and before its Python-only work (on a loaded machine, a thread that wants the lock
back while the other runs Python costs both a switch every few milliseconds). All of it
inside the push's transaction: a failed signature fails the push and its transaction, as when
it signed inline.
"""

from __future__ import annotations

import base64
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.county.keys import signing_key
from eservice_desktop.county.push_answer import Signed
from eservice_desktop.county_link.protocol import receipt_bytes_at, receipt_time
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


class Shared:
    """Messages signed by whichever thread takes each next one: the signer thread from the
    start, the request's thread too once it needs the answer, so it never sits waiting for
    work it can do itself (and what is left, when the machine had no core free for the
    signer, is signed as it was inline). Each message is taken once (``count``'s next is
    atomic under the interpreter lock); each signature lands in its own slot."""

    def __init__(self, sign: Callable[[bytes], bytes], messages: list[bytes]) -> None:
        self._sign = sign
        self._messages = messages
        self.signatures: list[bytes] = [b""] * len(messages)
        self._take = itertools.count().__next__

    def run(self) -> None:
        sign, messages, out, take, n = (
            self._sign,
            self._messages,
            self.signatures,
            self._take,
            len(self._messages),
        )
        while (i := take()) < n:
            out[i] = sign(messages[i])

    def cancel(self) -> None:
        """Takes every message not taken yet, so the signer stops after the one it signs."""
        take, n = self._take, len(self._messages)
        while take() < n:
            pass


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
        self._future: Future[None] | None = None
        if not self._ids:
            return
        self._key_id, key = signing_key(s, "receipt")
        at = receipt_time(now)  # every receipt of the push is signed at this one time
        messages = [
            receipt_bytes_at(c, st.case_number, st.office, st.event_count, at)
            for c, st in zip(self._ids, self._states, strict=True)
        ]
        self._shared = Shared(key.sign, messages)  # sign runs without the lock
        self._future = _signer().submit(self._shared.run)

    def cancel(self) -> None:
        """The push failed: nothing more is signed for it."""
        if self._future is not None:
            self._future.cancel()
            self._shared.cancel()

    def result(self) -> Signed:
        """The receipts, in case id order: this thread signs what the signer has not taken
        yet, then waits for the one it is signing; a signature that failed (on either thread)
        raises its error here."""
        if self._future is None:
            return Signed(self._now)
        try:
            self._shared.run()
        except BaseException:
            self.cancel()
            raise
        if not self._future.cancel():  # still queued behind another push's: not needed
            self._future.result()
        return Signed(
            self._now,
            self._ids,
            self._states,
            [base64.b64encode(sig).decode() for sig in self._shared.signatures],
            self._key_id,
        )
