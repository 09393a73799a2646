"""The imported working calendar's days, and the re-dating they still owe the stored cases.

A day the calendar now judges otherwise (a typhoon day, a newly published year) moves the due
date of every case whose count crosses it (``services.calendar.redate_cases``). The days were
stored in one transaction and the cases re-dated in another: a counter switched off or killed
in between (a large office's re-dating takes a while) kept the days but not the new dates, and
nothing did it afterwards, since the next import or pull of the same calendar changed no day
any more. The changed days are therefore kept with the days, in their transaction
(``sync_state`` ``calendar_redate``), and forgotten in the transaction that re-dates them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from eservice_desktop.storage import calendar_stamp
from eservice_desktop.storage.models import CalendarDayRow
from eservice_desktop.storage.models_sync import SyncStateRow

#: The ``sync_state`` row of the days whose cases are still to be re-dated (ISO dates, JSON).
PENDING = "calendar_redate"


def store_days(session: Session, days: Iterable[tuple[date, bool, str]], now: datetime) -> int:
    """Stores the days (inserted or replaced); the days whose day off or working day changed
    are added to the ones still to re-date cases by. Returns how many days were given."""
    n = 0
    changed: set[date] = set()
    for day, off, note in days:
        row = session.get(CalendarDayRow, day)
        if row is None:
            session.add(CalendarDayRow(day=day, day_off=off, note=note))
            changed.add(day)  # it may differ from the shipped calendar, or the weekend guess
        else:
            if row.day_off != off:
                changed.add(day)
            row.day_off, row.note = off, note
        n += 1
    if changed:
        _keep(session, pending_redate(session) | changed, now)
    calendar_stamp.mark(session, now)  # the other processes read the calendar again
    return n


def pending_redate(session: Session) -> set[date]:
    """The days whose cases are still to be re-dated."""
    row = session.get(SyncStateRow, PENDING)
    if row is None or not row.value:
        return set()
    return {date.fromisoformat(d) for d in json.loads(row.value)}


def clear_redate(session: Session) -> None:
    """Forgets the days to re-date by, in the transaction that re-dated their cases."""
    row = session.get(SyncStateRow, PENDING)
    if row is not None:
        session.delete(row)


def _keep(session: Session, days: set[date], now: datetime) -> None:
    value = json.dumps(sorted(d.isoformat() for d in days))
    row = session.get(SyncStateRow, PENDING)
    if row is None:
        session.add(SyncStateRow(name=PENDING, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
