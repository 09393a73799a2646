"""Event store and case projection over SQLAlchemy sessions.

Use cases call these inside their one transaction; nothing here commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payment_wait
from eservice_desktop.domain.case import CaseState, project
from eservice_desktop.domain.events import ENVELOPE, Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.refused_events import UNDONE_WHEN_REFUSED
from eservice_desktop.storage import case_stats, search
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.bulk_rows import driver_value, insert_rows, insert_tuples
from eservice_desktop.storage.models import (
    CalendarDayRow,
    CaseRow,
    ChainHeadRow,
    CounterRow,
    EventRow,
)

#: Re-exported: the multi-row inserts (storage.bulk_rows). Only these need listing; what this
#: module defines is importable as ever.
__all__ = ["driver_value", "insert_rows", "insert_tuples"]


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def row_to_event(row: EventRow | Row[Any]) -> Event:
    """The domain event a stored row holds: an ORM ``EventRow`` or a row of the ``events``
    columns selected by name (a bulk fold reads columns, not ORM objects)."""
    return Event(
        event_id=row.event_id,
        case_id=row.case_id,
        type=row.type,
        office=row.office,
        device=row.device,
        clerk=row.clerk,
        at=aware(row.at),
        payload=dict(row.payload),
        prev=row.prev,
        hash=row.hash,
    )


def events_for(session: Session, case_id: str) -> list[Event]:
    rows = session.scalars(
        select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)
    )
    return [row_to_event(r) for r in rows]


def refused_of(session: Session, case_ids: Iterable[str]) -> set[str]:
    """The voids and refunds of these cases the county refused (their streams'
    ``case.conflict_recorded`` notes, ``domain.case_fold.refused_ids``): a fold of the streams
    skips them, as :func:`load_state`'s ``project`` does."""
    notes = session.scalars(
        select(EventRow.payload).where(
            among(EventRow.case_id, list(case_ids)), EventRow.type == ev.CONFLICT_RECORDED
        )
    )
    return {str(p.get("event_id", "")) for p in notes if p.get("event_type") in UNDONE_WHEN_REFUSED}


#: The ``events`` columns a stream is folded from, in the order of :class:`Event`'s fields.
_STREAM_COLUMNS = (*ENVELOPE, "payload", "prev", "hash")


def events_of(session: Session, case_ids: Iterable[str]) -> Iterator[Event]:
    """The events of these cases from one statement, each case's in its stream's order (the
    cases interleaved): for folding many cases at once. Columns, not ORM objects."""
    events = cast(Table, EventRow.__table__)
    rows = session.execute(
        select(*(events.c[n] for n in _STREAM_COLUMNS))
        .where(among(events.c.case_id, case_ids))
        .order_by(events.c.seq)
    )
    return (row_to_event(r) for r in rows)


def load_state(session: Session, case_id: str) -> CaseState | None:
    evs = events_for(session, case_id)
    return project(evs) if evs else None


def has_event(session: Session, event_id: str) -> bool:
    return session.scalar(select(EventRow.seq).where(EventRow.event_id == event_id)) is not None


def insert_event(session: Session, event: Event, now: datetime, origin: str = "local") -> None:
    session.add(
        EventRow(
            event_id=event.event_id,
            case_id=event.case_id,
            type=event.type,
            office=event.office,
            device=event.device,
            clerk=event.clerk,
            at=event.at.astimezone(UTC),
            recorded_at=now.astimezone(UTC),
            payload=event.payload,
            origin=origin,
            acked_at=None,
            prev=event.prev,
            hash=event.hash,
        )
    )


@dataclass
class ChainHead:
    """The last link of one device's chain while a transaction extends it."""

    hash: str
    event_id: str
    case_id: str
    length: int
    moved: bool = False


_HEADS = cast(Table, ChainHeadRow.__table__)


#: Built once: a single ingest runs these for every event.
_HEAD_READ = select(
    ChainHeadRow.hash, ChainHeadRow.event_id, ChainHeadRow.case_id, ChainHeadRow.length
).where(ChainHeadRow.office == bindparam("o"), ChainHeadRow.device == bindparam("d"))
_HEAD_WRITE = sqlite_insert(_HEADS)
_HEAD_WRITE = _HEAD_WRITE.on_conflict_do_update(
    index_elements=["office", "device"],
    set_={
        "hash": _HEAD_WRITE.excluded.hash,
        "event_id": _HEAD_WRITE.excluded.event_id,
        "case_id": _HEAD_WRITE.excluded.case_id,
        "length": _HEAD_WRITE.excluded.length,
    },
)


def chained_devices(session: Session) -> list[tuple[str, str]]:
    """The (office, device) pairs that recorded events in this database (their chains)."""
    rows = session.execute(select(ChainHeadRow.office, ChainHeadRow.device))
    return [(office, device) for office, device in rows]


def chain_heads(
    session: Session, devices: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], ChainHead]:
    """The chain heads of these (office, device) pairs that have one (plain SQL: no ORM flush,
    so a single ingest pays one indexed read and one upsert for its link)."""
    out: dict[tuple[str, str], ChainHead] = {}
    conn = session.connection()
    for office, device in set(devices):
        row = conn.execute(_HEAD_READ, {"o": office, "d": device}).first()
        if row is not None:
            out[(office, device)] = ChainHead(row[0], row[1], row[2], row[3])
    return out


def advance_head(heads: dict[tuple[str, str], ChainHead], event: Event, count: int = 1) -> None:
    """Moves the device's chain head onto ``event`` (already linked), in memory: ``count``
    events longer (``event`` the last of them)."""
    assert event.hash is not None
    key = (event.office, event.device)
    head = heads.get(key)
    if head is None:
        heads[key] = ChainHead(event.hash, event.event_id, event.case_id, count, moved=True)
    else:
        head.hash, head.event_id, head.case_id = event.hash, event.event_id, event.case_id
        head.length += count
        head.moved = True


def save_heads(session: Session, heads: dict[tuple[str, str], ChainHead]) -> None:
    """Writes the heads that moved (one upsert each, in the caller's transaction)."""
    moved = [
        {
            "office": office,
            "device": device,
            "hash": h.hash,
            "event_id": h.event_id,
            "case_id": h.case_id,
            "length": h.length,
        }
        for (office, device), h in heads.items()
        if h.moved
    ]
    if not moved:
        return
    session.connection().execute(_HEAD_WRITE, moved)


def state_summary(state: CaseState) -> dict[str, Any]:
    """The few projection fields the queue shows without folding events again."""
    return {
        "phone": state.phone,
        "copies": state.copies,
        "pickup_method": state.pickup_method,
        "supplement_reason": state.supplement_reason,
        # the day an awaited supplement is due back (ISO, "" for none): the queue marks it passed
        "supplement_by": state.supplement_by if state.supplement_since else "",
        # when an assessed fee began to wait for payment (ISO UTC, "" for none): the queue
        # marks a fee unpaid too long (domain.payment_wait)
        "payment_since": payment_wait.since_text(state),
        "rejection_reason": state.rejection_reason,
        "pickup_number": state.pickup_number,
        "open_conflicts": sorted(state.open_conflicts),
        "event_count": state.event_count,
        # web and kiosk cases: the online queue (services.cases.online_queue) lists those
        # awaiting 收件, with the citizen's reservation
        "awaiting_acceptance": state.awaiting_acceptance,
        "reservation_at": state.reservation_at,
    }


def projection_values(
    state: CaseState, due: date | None, now: datetime, on_time: bool | None = None
) -> dict[str, Any]:
    """The ``cases`` row of a state. ``updated_at`` is the case's last event time (``now``
    only for a state without one), so the row is the same whenever it is rebuilt.
    ``on_time`` is :func:`domain.deadline.closed_on_time` of a finished case (the caller
    knows the office hours), None otherwise."""
    return {
        "case_number": state.case_number,
        "service_code": state.service_code,
        "office": state.office,
        "applicant_id": state.applicant_id,
        "applicant_name": state.applicant_name,
        "applicant_kind": state.applicant_kind,
        "status": state.status,
        "received_at": state.received_at.astimezone(UTC),
        "received_day": state.received_at.astimezone(TAIPEI).date(),
        "due_date": due,
        "closed_at": state.closed_at,
        "fees_due": state.fees_due,
        "paid": state.paid,
        "pickup_office": state.pickup_office,
        "updated_at": (state.last_event_at or now).astimezone(UTC),
        "state": state_summary(state),
        "channel": state.channel,
        "consent": bool(state.consent_kinds),
        "closed_on_time": on_time,
        "holder": state.last_clerk,
        "lookup_kinds": case_stats.lookups_text(state.lookup_kinds),
    }


def _indexed(state: CaseState) -> tuple[str, str, str]:
    return (state.case_number, state.applicant_id, state.applicant_name)


def index_existing(session: Session, row: CaseRow, state: CaseState) -> dict[str, Any]:
    """Keeps the search index of a case that has a projection row (storage/search.py);
    returns the extra column values for the row (a search key when it had none)."""
    if row.search_key is None:
        key = search.free_key(session, state.received_at)
        search.index_case(session, key, _indexed(state))
        return {"search_key": key}
    before = (row.case_number, row.applicant_id, row.applicant_name)
    search.index_case(session, row.search_key, _indexed(state), old=before)
    return {}


def new_search_keys(session: Session, received: Sequence[datetime]) -> list[int]:
    """Free search keys for a batch of new cases (rows not written yet), in order: one query
    for the keys already used in the batch's range, then the same rule as
    :func:`search.free_key` (a tie moves up by one) applied in memory."""
    bases = [search.base_key(r) for r in received]
    if not bases:
        return []
    lo, hi = min(bases), max(bases) + len(bases)
    taken = set(
        session.scalars(select(CaseRow.search_key).where(CaseRow.search_key.between(lo, hi)))
    )
    out: list[int] = []
    for base in bases:
        key = base
        while key in taken or (key > hi and _key_used(session, key)):
            key += 1
        taken.add(key)
        out.append(key)
    return out


def _key_used(session: Session, key: int) -> bool:
    return session.scalar(select(CaseRow.case_id).where(CaseRow.search_key == key)) is not None


def upsert_projection(
    session: Session,
    state: CaseState,
    due: date | None,
    now: datetime,
    on_time: bool | None = None,
) -> None:
    """Writes the ``cases`` row of a state, its search index entry and the report counts it
    moves (storage/case_stats.py), in the caller's transaction."""
    values = projection_values(state, due, now, on_time)
    row = session.get(CaseRow, state.case_id)
    moves: Counter[case_stats.Key] = Counter()
    if row is None:
        values["search_key"] = search.free_key(session, state.received_at)
        search.index_case(session, values["search_key"], _indexed(state))
        session.add(CaseRow(case_id=state.case_id, **values))
        case_stats.moved(moves, None, case_stats.key_of(values))
    else:
        before = case_stats.key_of({c: getattr(row, c) for c in case_stats.KEY_COLUMNS})
        case_stats.moved(moves, before, case_stats.key_of(values))
        values.update(index_existing(session, row, state))
        for k, v in values.items():
            setattr(row, k, v)
    case_stats.write(session, moves)


def case_id_by_number(session: Session, case_number: str) -> str | None:
    return session.scalar(select(CaseRow.case_id).where(CaseRow.case_number == case_number))


def next_counter(session: Session, name: str, start: int = 1) -> int:
    """Allocates the next number of a counter inside the caller's write transaction."""
    row = session.get(CounterRow, name)
    if row is None:
        session.add(CounterRow(name=name, value=start))
        session.flush()
        return start
    row.value += 1
    session.flush()
    return row.value


def peek_counter(session: Session, name: str) -> int:
    row = session.get(CounterRow, name)
    return 0 if row is None else row.value


def search_cases(
    session: Session, text: str, limit: int = 50, offset: int = 0, after: int | None = None
) -> Sequence[Any]:
    """Cases matching ``text`` (substring of name, ID number or case sequence number; prefix
    of the case number: see storage/search.py), newest first; rows of
    ``search.LIST_COLUMNS``."""
    return search.rows_by_keys(session, search.search_keys(session, text, limit, offset, after))


def case_numbers_typed_short(session: Session, typed: str) -> list[str] | None:
    """The case numbers ``typed`` can be when it is a case number without its counter
    (``115-000002``, ``H01-115-000002``: ``search.case_numbers_of``), else None."""
    return search.case_numbers_of(session, typed)


def count_search(session: Session, text: str) -> int:
    return search.count_matches(session, text)


def calendar_days(session: Session) -> list[tuple[date, bool, str]]:
    return [(r.day, r.day_off, r.note) for r in session.scalars(select(CalendarDayRow))]


def count_cases(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(CaseRow)) or 0)


def mark_acked(session: Session, event_ids: Iterable[str], at: datetime) -> None:
    ids = list(event_ids)
    if ids:
        session.execute(update(EventRow).where(EventRow.event_id.in_(ids)).values(acked_at=at))
