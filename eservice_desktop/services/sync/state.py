"""Small named values of the sync link kept in the database (``sync_state``): the cursor, the
enrolment, the last success/attempt/error and the learned clock offset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from eservice_desktop.domain.events import Event
from eservice_desktop.storage import repo
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
    """An outbox event as a push sends it: its envelope, and its payload as the JSON text the
    database holds, put into the request body as it is (not parsed and written again; the
    county parses the body once). :meth:`event` parses it when the event itself is needed (a
    refusal to record, a batch to take apart)."""

    event_id: str
    case_id: str
    type: str
    office: str
    device: str
    clerk: str
    at: datetime
    payload_json: str
    prev: str | None
    hash: str | None

    def wire_json(self) -> str:
        """The event as :meth:`Event.to_dict` writes it, as JSON text."""
        t = _TEXT
        prev = "null" if self.prev is None else t(self.prev)
        chain = f',"prev":{prev},"hash":{t(self.hash)}' if self.hash is not None else ""
        return (
            f'{{"event_id":{t(self.event_id)},"case_id":{t(self.case_id)},"type":{t(self.type)},'
            f'"office":{t(self.office)},"device":{t(self.device)},"clerk":{t(self.clerk)},'
            f'"at":{t(self.at.astimezone(UTC).isoformat())},"payload":{self.payload_json}{chain}}}'
        )

    def event(self) -> Event:
        payload = json.loads(self.payload_json)
        return Event(
            self.event_id,
            self.case_id,
            self.type,
            self.office,
            self.device,
            self.clerk,
            self.at,
            dict(payload or {}),
            self.prev,
            self.hash,
        )


def outgoing(session: Session, limit: int) -> list[Outgoing]:
    """This device's events the county has not acknowledged yet, oldest first, as a push sends
    them (the payload as stored JSON text; no ORM object per row: a push reads 1,000 a batch)."""
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
        )
        .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
        .order_by(EventRow.seq)
        .limit(limit)
    )
    aware = repo._aware
    return [
        Outgoing(event_id, case_id, type_, office, device, clerk, aware(at), payload, prev, hash_)
        for event_id, case_id, type_, office, device, clerk, at, payload, prev, hash_ in rows
    ]


def outbox(session: Session, limit: int) -> list[Event]:
    """:func:`outgoing` as events."""
    return [o.event() for o in outgoing(session, limit)]


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
