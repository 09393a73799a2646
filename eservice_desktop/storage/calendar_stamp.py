"""Which version of the imported working calendar the database holds.

The counter window and the sync service are two processes over one database, and IT imports
a calendar with a command, a third: each holds the working calendar it read at start
(``App.reference``). A calendar stored by one of them was never seen by the others, so a
window left open counted every new case's due date without the year IT had just imported,
or the typhoon day the service had pulled. Every store of calendar days writes a new stamp
here, in its transaction; a process whose calendar was read under another stamp reads it
again (``App.refresh_calendar``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.storage.models_sync import SyncStateRow

#: The ``sync_state`` row of the stamp.
NAME = "calendar_stamp"


def mark(session: Session, now: datetime) -> None:
    """A new stamp: the calendar days changed in this transaction."""
    stamp = uuid.uuid4().hex
    row = session.get(SyncStateRow, NAME)
    if row is None:
        session.add(SyncStateRow(name=NAME, value=stamp, updated_at=now))
    else:
        row.value, row.updated_at = stamp, now


def read(session: Session) -> str:
    """The stamp of the calendar days stored ("" before any was stored)."""
    row = session.get(SyncStateRow, NAME)
    return "" if row is None else row.value
