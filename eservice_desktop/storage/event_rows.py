"""The ``events`` rows of an ingest batch (services/ingest.py) as driver tuples: one
``executemany`` for the whole batch instead of an ORM object or a Core parameter dict per
event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from eservice_desktop.domain.events import ENVELOPE, Event
from eservice_desktop.storage import fast_values
from eservice_desktop.storage.bulk_rows import insert_tuples
from eservice_desktop.storage.models import EventRow

_EVENTS = cast(Table, EventRow.__table__)


#: The ``events`` columns a batch writes, in the order of :class:`EventRows`' tuples.
COLUMNS = (
    *ENVELOPE,
    "recorded_at",
    "payload",
    "origin",
    "acked_at",
    "prev",
    "hash",
)


def _same(value: Any) -> Any:
    return value


class EventRows:
    """The ``events`` rows of one batch as parameter tuples (``bulk_rows.insert_tuples``: one
    driver ``executemany`` on SQLite, each value converted as a Core insert would, by
    storage/fast_values.py).

    A local event's payload is stored there as the JSON text its chain hash was taken over
    (``payload_json``, from :func:`domain.chain.link_encoded`): the payload is encoded once."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        dialect = session.connection().dialect
        self.at = fast_values.converter(_EVENTS.c.at, dialect) or _same
        self.json = fast_values.converter(_EVENTS.c.payload, dialect) or _same
        #: The driver takes JSON text (SQLite): an encoded payload is stored as it is.
        self.text = dialect.name == "sqlite"
        self.now = self.at(now)

    def __call__(
        self, e: Event, origin: str, acked: bool, payload_json: str | None = None
    ) -> tuple[Any, ...]:
        return (
            e.event_id,
            e.case_id,
            e.type,
            e.office,
            e.device,
            e.clerk,
            self.at(e.at.astimezone(UTC)),
            self.now,
            payload_json if payload_json is not None and self.text else self.json(e.payload),
            origin,
            self.now if acked else None,
            e.prev,
            e.hash,
        )

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        insert_tuples(self.session, _EVENTS, COLUMNS, rows)
