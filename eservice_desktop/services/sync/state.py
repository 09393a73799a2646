"""Small named values of the sync link kept in the database (``sync_state``): the cursor, the
enrolment, the last success/attempt/error and the learned clock offset."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain.events import Event
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncStateRow


def get_state(session: Session, name: str) -> str | None:
    row = session.get(SyncStateRow, name)
    return None if row is None else row.value


def set_state(session: Session, name: str, value: str, now: datetime) -> None:
    row = session.get(SyncStateRow, name)
    if row is None:
        session.add(SyncStateRow(name=name, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


#: The columns an outbox event is made of (no ORM object per row: a push reads 1,000 a batch).
_OUTBOX_COLUMNS = (
    EventRow.event_id,
    EventRow.case_id,
    EventRow.type,
    EventRow.office,
    EventRow.device,
    EventRow.clerk,
    EventRow.at,
    EventRow.payload,
    EventRow.prev,
    EventRow.hash,
)


def outbox(session: Session, limit: int) -> list[Event]:
    """This device's events the county has not acknowledged yet, oldest first."""
    rows = session.execute(
        select(*_OUTBOX_COLUMNS)
        .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
        .order_by(EventRow.seq)
        .limit(limit)
    )
    aware = repo._aware
    return [
        Event(event_id, case_id, type_, office, device, clerk, aware(at), payload, prev, hash_)
        for event_id, case_id, type_, office, device, clerk, at, payload, prev, hash_ in rows
    ]


def pending_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(EventRow)
            .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
        )
        or 0
    )


def has_pending(session: Session) -> bool:
    """Cheap (index-only) check the service polls between rounds."""
    return (
        session.scalar(
            select(EventRow.seq)
            .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
            .limit(1)
        )
        is not None
    )
