"""The push of a sync round: the outbox to the county in batches, oldest first, each batch's
answer applied (acknowledgements, conflicts, receipts) in one local transaction.

Pipelined, one request in flight: while the county works on batch k (the request runs on a
thread of its own, :class:`_Sender`), this thread applies the answer to batch k-1 and reads and
writes the body of batch k+1 (the outbox rows after batch k's last ``seq``: batch k is not
acknowledged yet). The office's work and the county's overlap instead of waiting for each
other. What stays as it was:

- batches reach the county one at a time and in order; batch k+1 is sent only once the answer
  to batch k has arrived and was not a refusal of the whole body;
- an answer is applied only once it has arrived, answers in order, each in its own
  transaction, so what was acknowledged stays so when a later request fails;
- on a body the county refused whole (400/422) or one that cannot be written as JSON, the
  pipeline stops and the serial path takes over (:func:`_push_serially`): that batch is
  taken apart and sent again, so a broken batch is never followed on the county by its
  successor; on any other error the round raises (the batch ahead is dropped unsent, and
  the next round reads it again);
- leaving the push (normally or on an error) waits for a request still under way, so no
  thread uses the client afterwards; the client's session is used by one thread at a time.

An answer that arrived but could not be applied here (the local write failed) is lost as a lost
reply is: the next round sends those events again and the county answers ``duplicate``. So is
an event the county's answer leaves out (this county answers every event): the next batch is
read after the batch sent, and the next round reads the outbox from its start again.

Leaving the push waits for the request under way, up to the client's deadline, also when the
round ends on an error or the process is closing: the request's thread is the only one that
may use the client while it runs (the pull's page-ahead thread is waited for the same way).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy.orm import Session

from eservice_desktop.county_link.client import ChainBehind, CountyClient, RequestRefused
from eservice_desktop.county_link.protocol import ChainGap, PushResponse, WireEvent, push_body
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.clock import base_now, learn_clock
from eservice_desktop.services.sync.conflicts import record_conflict
from eservice_desktop.services.sync.one_ahead import OneAhead
from eservice_desktop.services.sync.receipts import store_receipts
from eservice_desktop.services.sync.rewound import requeue_after, resent_through
from eservice_desktop.services.sync.state import Outgoing, outgoing, pending_count
from eservice_desktop.storage import repo
from eservice_desktop.storage.collection import collection_paused

if TYPE_CHECKING:  # the round's result, which the push counts into (round.py imports this)
    from eservice_desktop.services.sync.round import Progress, RoundResult


class CountyCannotRead(Exception):
    """The county refused whole a body of events each of which this build's wire model
    takes: the county is older than this counter (an event type it does not know yet). The
    events wait in the outbox for its upgrade; ``refused`` is its answer, ``event`` the one
    event it refused alone (None while a batch of several is being cut down to it)."""

    def __init__(self, refused: RequestRefused, event: Event | None) -> None:
        super().__init__(str(refused))
        self.refused, self.event = refused, event


@dataclass
class _Tally:
    """Progress of one push: events acknowledged and the outbox size at its start."""

    progress: Progress | None
    done: int = 0
    total: int = 0

    def sending(self, n: int) -> None:
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done + n))

    def acked(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))


@dataclass(frozen=True)
class _Answer:
    """The county's answer to a batch and when it was asked and answered (device clock)."""

    response: PushResponse
    asked: datetime
    answered: datetime


class _Sender(OneAhead[_Answer]):
    """The request of one batch at a time, on a thread (``one_ahead.py``): :meth:`send` starts
    it, :meth:`take` waits for its answer (raising what the request raised)."""

    def __init__(self, app: App, client: CountyClient, answer_behind: bool, through: int) -> None:
        super().__init__("sync-push")
        self.app, self.client, self.answer_behind = app, client, answer_behind
        self.through = through  # rewound.resent_through

    def send(self, body: bytes, told: str) -> None:
        """Starts the request of ``body`` (one at a time: the last one's answer taken);
        ``told``: :func:`_told`."""
        self.start(lambda: self._post(body, told))

    def _post(self, body: bytes, told: str) -> _Answer:
        asked = base_now(self.app)
        with collection_paused():  # the answer parses into a few thousand objects
            response = self.client.push_encoded(
                body, answer_behind=self.answer_behind, acknowledged_through=told
            )
        return _Answer(response, asked, base_now(self.app))


def _told(batch: list[Outgoing], through: int) -> str:
    """The last event of ``batch`` the county acknowledged before it was restored from an
    older backup (put back in the outbox: ``rewound.resent_through``), or ""."""
    told = [o.event_id for o in batch if o.seq <= through]
    return told[-1] if told else ""


def push_all(
    app: App,
    client: CountyClient,
    result: RoundResult,
    *,
    size: int,
    progress: Progress | None = None,
) -> None:
    """Pushes the outbox in batches of ``size``, pipelined (module docstring); falls back to
    the serial path for the rest of the push when a batch is refused whole. A county that
    holds this device's chain only up to an earlier link (restored from an older backup:
    ``ChainBehind``) has what came after that link sent again, once (services/sync/
    rewound.py); a chain the county still finds broken then is its conflict, as before."""
    try:
        _push_all(app, client, result, size, progress, answer_behind=True)
    except ChainBehind as behind:
        requeue_after(app, behind.head)
        _push_all(app, client, result, size, progress, answer_behind=False)


def _push_all(
    app: App,
    client: CountyClient,
    result: RoundResult,
    size: int,
    progress: Progress | None,
    *,
    answer_behind: bool,
) -> None:
    tally = _Tally(progress)
    with app.reading() as s:
        through = resent_through(s)
    with _Sender(app, client, answer_behind, through) as sender:
        refused = _pipelined(app, sender, result, size, tally)
    if refused is not None:
        _push_serially(app, client, result, tally, refused, size=size, answer_behind=answer_behind)


def _pipelined(
    app: App, sender: _Sender, result: RoundResult, size: int, tally: _Tally
) -> list[Outgoing] | None:
    """The pipelined loop; the batch to take apart when one cannot be sent whole (the batch
    before it applied), None when the outbox is through."""
    batch = _read(app, size, 0, tally)
    body = _body(batch)
    answered: tuple[list[Outgoing], _Answer] | None = None
    while batch:
        # the collector waits until the batch's objects are gone (storage/collection.py):
        # its rows, its body and the county's answer, some 30,000 objects that a full
        # collection would walk with the whole heap behind them
        with collection_paused():
            if body is not None:
                tally.sending(len(batch))
                sender.send(body, _told(batch, sender.through))
            if answered is not None:  # while the county works on this batch
                _apply(app, *answered, result, tally)
                answered = None
            if body is None:
                return batch
            ahead = _read(app, size, batch[-1].seq, tally) if len(batch) == size else []
            ahead_body = _body(ahead)  # written while the county works, too
            try:
                answered = (batch, sender.take())
            except RequestRefused as e:
                if e.status not in (400, 422):
                    raise
                return batch
            batch, body = ahead, ahead_body
    if answered is not None:
        with collection_paused():
            _apply(app, *answered, result, tally)
    return None


def _read(app: App, size: int, after: int, tally: _Tally) -> list[Outgoing]:
    """The next batch of the outbox after ``seq`` ``after``; the first read of a push with
    progress also counts the outbox, for the total shown."""
    with app.reading() as s:
        batch = outgoing(s, size, after)
        if tally.progress is not None and not tally.total and batch:
            tally.total = pending_count(s)
    return batch


def _body(batch: list[Outgoing]) -> bytes | None:
    """The request body, each event as the outbox wrote it (``state.outgoing``; the county
    checks it); None when UTF-8 cannot carry its text (a lone surrogate)."""
    try:
        return ('{"events":[' + ",".join(o.wire for o in batch) + "]}").encode()
    except ValueError:
        return None


def _apply(
    app: App, batch: list[Outgoing], answer: _Answer, result: RoundResult, tally: _Tally
) -> None:
    """The answer to ``batch`` applied in one local transaction, the county's clock learned."""
    result.clock_offset_s = learn_clock(
        app, answer.asked, answer.answered, answer.response.server_time
    )
    with app.transaction() as s:
        _apply_push(app, s, batch, answer.response, result)
    tally.acked(len(batch))


def _push_serially(
    app: App,
    client: CountyClient,
    result: RoundResult,
    tally: _Tally,
    refused: list[Outgoing],
    *,
    size: int,
    answer_behind: bool,
) -> None:
    """The serial path, each batch read, sent and applied before the next is read: first
    ``refused`` (a batch the county refused whole) taken apart, then the rest of the outbox,
    each batch sent whole and taken apart when refused."""
    batch, whole, cut = refused, False, False
    while batch:
        with collection_paused():
            tally.sending(len(batch))
            asked = base_now(app)
            try:
                sent = _send_batch(
                    app, client, batch, result, whole=whole, answer_behind=answer_behind
                )
            except CountyCannotRead:
                if len(batch) == 1:
                    raise
                # what comes before the event it cannot read goes now, half by half
                batch, whole, cut = batch[: len(batch) // 2], False, True
                continue
            if sent is not None:
                good, response = sent
                _apply(app, good, _Answer(response, asked, base_now(app)), result, tally)
        if sent is not None and len(batch) < size and not cut:
            return
        batch, whole, cut = _read(app, size, 0, tally), True, False


def _send_batch(
    app: App,
    client: CountyClient,
    batch: list[Outgoing],
    result: RoundResult,
    *,
    whole: bool,
    answer_behind: bool,
) -> tuple[list[Outgoing], PushResponse] | None:
    """Sends one batch; the events sent and the county's answer (None: nothing to send).

    The body is written once, each event as the outbox wrote it from its stored row
    (``state.outgoing``: the payload's stored JSON, not parsed), and sent as it is: the
    county checks it (the wire model, then the counters' value rules of each event, a refusal
    answered as a conflict), so the office does not check it a second time. Only a body the
    county refused as a whole (422, or 400: not even JSON, an event stored before today's wire
    rules; ``whole`` False: it did already) is taken apart, each event checked against the
    wire model (:func:`_set_aside_invalid`), and the rest sent again."""
    body = _body(batch) if whole else None
    with app.reading() as s:
        through = resent_through(s)
    if body is not None:
        try:
            told = _told(batch, through)
            return batch, client.push_encoded(
                body, answer_behind=answer_behind, acknowledged_through=told
            )
        except RequestRefused as e:
            if e.status not in (400, 422):
                raise
    by_id = {o.event_id: o for o in batch}
    good, wire, gaps = _set_aside_invalid(app, [o.event() for o in batch], result)
    if not good and not gaps:
        return None
    body = push_body(
        [w.model_dump(mode="json") for w in wire], [g.model_dump(mode="json") for g in gaps]
    )
    try:
        sent = [by_id[e.event_id] for e in good]
        return sent, client.push_encoded(
            body, answer_behind=answer_behind, acknowledged_through=_told(sent, through)
        )
    except RequestRefused as e:
        if e.status not in (400, 422) or not good:
            raise
        raise CountyCannotRead(e, good[0] if len(good) == 1 else None) from e


def _set_aside_invalid(
    app: App, batch: list[Event], result: RoundResult
) -> tuple[list[Event], list[WireEvent], list[ChainGap]]:
    """An event stored before today's wire rules that the wire would refuse becomes a local
    conflict (visible to IT) instead of blocking the whole outbox; the rest is pushed, with
    the chain links of the events set aside (so the county's chain of this device goes on).
    Returns the events to push, the same as wire events (each validated once), and the gaps."""
    good: list[Event] = []
    wire: list[WireEvent] = []
    bad: list[tuple[Event, DomainError]] = []
    gaps: list[ChainGap] = []
    for e in batch:
        if e.prev and e.hash:
            try:
                gap = ChainGap(event_id=e.event_id, prev=e.prev, hash=e.hash, position=len(good))
            except ValidationError:
                gap = None
        else:
            gap = None
        try:
            w = WireEvent.of(e)
        except ValidationError:
            bad.append((e, _wire_refusal()))
            if gap is not None:
                gaps.append(gap)
        else:
            good.append(e)
            wire.append(w)
    if bad:
        with app.transaction() as s:
            now = app.now()
            for e, why in bad:
                result.conflicts += 1
                record_conflict(
                    app,
                    s,
                    e,
                    conflict_id=str(uuid.uuid4()),
                    code=why.code,
                    zh=why.message_zh,
                    en=why.message_en,
                    now=now,
                )
            repo.mark_acked(s, [e.event_id for e, _ in bad], now)
    return good, wire, gaps


def _wire_refusal() -> DomainError:
    return DomainError("event.invalid", "事件內容無法傳送", "The event cannot be sent as it is")


def _apply_push(
    app: App, s: Session, batch: list[Outgoing], resp: PushResponse, result: RoundResult
) -> None:
    """The county's answer to ``batch`` written here: each event it answered for acknowledged
    and counted, a refusal kept as a conflict, the newest receipt of each case kept."""
    by_id = {e.event_id: e for e in batch}
    now = app.now()
    acked: list[str] = []
    for r in resp.results:
        e = by_id.get(r.event_id)
        if e is None:
            continue
        acked.append(r.event_id)
        if r.status == "accepted":
            result.pushed += 1
        elif r.status == "duplicate":
            result.duplicates += 1
        else:
            result.conflicts += 1
            record_conflict(
                app,
                s,
                e.event(),
                conflict_id=r.conflict_id or str(uuid.uuid4()),
                code=r.reason_code or "",
                zh=r.reason_zh or "",
                en=r.reason_en or "",
                now=now,
            )
    repo.mark_acked(s, acked, now)
    store_receipts(s, resp.receipts, now)
