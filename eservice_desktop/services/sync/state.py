"""Small named values of the sync link kept in the database (``sync_state``): the cursor, the
enrolment, the last success/attempt/error and the learned clock offset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Text, select, text, type_coerce
from sqlalchemy.orm import Session

from eservice_desktop.domain.events import Event
from eservice_desktop.storage import db, repo
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncStateRow

#: How ``json.dumps(..., ensure_ascii=False)`` writes a string.
_TEXT: Final = json.encoder.encode_basestring


def get_state(session: Session, name: str) -> str | None:
    row = session.get(SyncStateRow, name)
    return None if row is None else row.value


def set_state(session: Session, name: str, value: str, now: datetime) -> None:
    row = session.get(SyncStateRow, name)
    if row is None:
        session.add(SyncStateRow(name=name, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


@dataclass(frozen=True)
class Outgoing:
    """An outbox event as a push sends it: its id and the JSON text of the event as
    :meth:`Event.to_dict` writes it, put into the request body as it is (not parsed and
    written again; the county parses the body once). :meth:`event` parses it when the event
    itself is needed (a refusal to record, a batch to take apart)."""

    event_id: str
    wire: str
    #: Its place in the outbox (``events.seq``): a push reads the next batch after it while
    #: this one is still on its way (services/sync/push.py).
    seq: int

    def event(self) -> Event:
        return Event.from_dict(json.loads(self.wire))


#: The index every outbox query reads (migration 0019: origin, acked_at, office, device, seq),
#: named in each (``INDEXED BY``; the office database is SQLite only, ``Settings.db_url``):
#: the planner's choice follows the statistics of the day, and those of a database whose
#: events all wait (ANALYZE finds one origin and one acknowledgement in every row) made it
#: read the whole table for a count (37 s at 6.6 million events), as a batch could walk
#: ``seq`` through every event acknowledged long ago. Through this index a count reads the
#: waiting events' index entries only, and a batch is one range of it in ``seq`` order.
OUTBOX_INDEX: Final = "ix_events_outbox_counter"
#: The outbox: events of this device's database not acknowledged yet, through OUTBOX_INDEX.
_OUTBOX = f"FROM events INDEXED BY {OUTBOX_INDEX} WHERE origin = 'local' AND acked_at IS NULL"
_OWN = "office = :office AND device = :device"

#: The outbox, oldest first, each event written as its wire JSON by SQLite itself (one C
#: call per row instead of a row of Python values and ten string escapes per event): the
#: payload as stored (``json`` only drops the spaces), ``at`` as ``isoformat`` writes the
#: stored UTC time (no fraction when it is zero), ``prev`` and ``hash`` only when chained.
#: NULL for a row SQLite cannot write so, whose text :func:`_written_by_python` writes: a
#: payload that is not strict JSON (stored before today's rules: ``NaN``) or a time stored
#: in another form.
_OUTBOX_WIRE = text(
    """
    SELECT seq, event_id, CASE WHEN json_valid(payload) AND at GLOB :stored_at THEN json_object(
        'event_id', event_id, 'case_id', case_id, 'type', type, 'office', office,
        'device', device, 'clerk', clerk,
        'at', replace(iif(substr(at, 21) = '000000', substr(at, 1, 19), at), ' ', 'T')
            || '+00:00',
        'payload', json(payload)
    ) END AS head, hash IS NOT NULL AS chained, json_quote(prev), json_quote(hash)
    """
    f"{_OUTBOX} AND {_OWN} AND seq > :after ORDER BY seq LIMIT :limit"
)
#: How SQLAlchemy stores a time in SQLite (``DateTime``): UTC, microseconds always written.
_D = "[0-9]"
_STORED_AT: Final = f"{_D * 4}-{_D * 2}-{_D * 2} {_D * 2}:{_D * 2}:{_D * 2}.{_D * 6}"


def outgoing(session: Session, limit: int, after: int = 0) -> list[Outgoing]:
    """This device's events the county has not acknowledged yet, oldest first, as a push sends
    them (written by SQLite, see ``_OUTBOX_WIRE``; no ORM object or Python value per row: a
    push reads 1,000 a batch); ``after``: only those after that ``seq`` (the batch before
    them is on its way, not acknowledged yet). Only this device's own (``db.counter_of``):
    the county refuses a whole push holding one event of another counter."""
    params = {"stored_at": _STORED_AT, "limit": limit, "after": after, **_counter(session)}
    rows = session.execute(_OUTBOX_WIRE, params).all()
    odd = _written_by_python(session, [event_id for _, event_id, head, *_ in rows if head is None])
    return [
        Outgoing(
            event_id,
            odd[event_id] if head is None else _chained(head, chained, prev, hash_),
            seq,
        )
        for seq, event_id, head, chained, prev, hash_ in rows
    ]


def _chained(head: str, chained: int, prev: str, hash_: str) -> str:
    """The event's JSON with its chain link (``prev`` and ``hash`` as JSON) after the payload,
    where :meth:`Event.to_dict` puts them, when it has one."""
    return f'{head[:-1]},"prev":{prev},"hash":{hash_}}}' if chained else head


def _written_by_python(session: Session, event_ids: list[str]) -> dict[str, str]:
    """The wire text of the outbox events SQLite does not write (``_OUTBOX_WIRE``), by id:
    the payload's stored text as it is (a ``NaN`` in it makes the body JSON the county
    refuses whole, and the round takes the batch apart), ``at`` read as Python reads it."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(
            EventRow.event_id,
            EventRow.case_id,
            EventRow.type,
            EventRow.office,
            EventRow.device,
            EventRow.clerk,
            EventRow.at,
            type_coerce(EventRow.payload, Text),
            EventRow.prev,
            EventRow.hash,
        ).where(EventRow.event_id.in_(event_ids))
    )
    t = _TEXT
    out: dict[str, str] = {}
    for event_id, case_id, type_, office, device, clerk, at, payload, prev, hash_ in rows:
        chain = (
            f',"prev":{"null" if prev is None else t(prev)},"hash":{t(hash_)}'
            if hash_ is not None
            else ""
        )
        at_text = repo.aware(at).astimezone(UTC).isoformat()
        out[event_id] = (
            f'{{"event_id":{t(event_id)},"case_id":{t(case_id)},"type":{t(type_)},'
            f'"office":{t(office)},"device":{t(device)},"clerk":{t(clerk)},'
            f'"at":{t(at_text)},"payload":{payload}{chain}}}'
        )
    return out


def outbox(session: Session, limit: int) -> list[Event]:
    """:func:`outgoing` as events."""
    return [o.event() for o in outgoing(session, limit)]


def _counter(session: Session) -> dict[str, str]:
    office, device = db.counter_of(session)
    return {"office": office, "device": device}


_PENDING = text(f"SELECT count(*) {_OUTBOX} AND {_OWN}")
_STRAY = text(f"SELECT count(*) {_OUTBOX} AND NOT ({_OWN})")
_HAS_PENDING = text(f"SELECT 1 {_OUTBOX} AND {_OWN} LIMIT 1")
_BOTH = text(f"SELECT count(*), coalesce(sum({_OWN}), 0) {_OUTBOX}")


def pending_count(session: Session) -> int:
    """This counter's events waiting for the county (what a push sends)."""
    return int(session.scalar(_PENDING, _counter(session)) or 0)


def stray_count(session: Session) -> int:
    """Events waiting in the outbox under another counter's number: a database written as two
    counters (``--device``, before the database knew its counter) holds them. This counter
    cannot push them (the county takes a device's events from that device only), so they
    wait apart instead of stopping its own push for good."""
    return int(session.scalar(_STRAY, _counter(session)) or 0)


def waiting_counts(session: Session) -> tuple[int, int]:
    """:func:`pending_count` and :func:`stray_count` in one read of the outbox."""
    row = session.execute(_BOTH, _counter(session)).one()
    waiting, own = int(row[0] or 0), int(row[1] or 0)
    return own, waiting - own


def has_pending(session: Session) -> bool:
    """Cheap check the service polls between rounds (one index entry): this counter's own
    only (events of another counter never leave, and would start a round after every round)."""
    return session.scalar(_HAS_PENDING, _counter(session)) is not None
