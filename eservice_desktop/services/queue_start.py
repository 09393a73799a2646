"""The signed-in window's first list before the core is open: today's queue, read once over a
read-only raw SQLCipher connection.

Why: a signed-in start (demo mode) opens on the queue, and the core (SQLAlchemy, the models, the
repository, the services) takes about half a second of CPU to load: more than twice a bare
window's whole start. So the window shows this list first and the core opens on the database
writer right after (``gui/launcher.py``), as the login screen's start already does; every later
read and every write goes through the core and its services (the one door of writes).

What is read here is what ``services.case_queues.queue_page(app, "today")`` reads: the same
condition and the same order, the rowid ending it (``TODAY_SQL``), each row made into the same
:class:`QueueRow` (``services.case_queues._queue_row``) and labelled by the same
:class:`Labels` with the shipped catalogue the core opens with, the working calendar built as
the core builds it (shipped years, then the imported days) and the office day. A test compares
both answers row for row, at midnight and with equal receipt times too.

It never decides for the core: whenever the database is not what the core would open at once
(no file yet, a plain one to encrypt, a schema older or newer than this build, no key or the
wrong one, an operator not allowed to see cases), :func:`first_today` answers None and the
window waits for the core instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.deadline import deadline_day, is_provisional
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action, Operator
from eservice_desktop.domain.payment_wait import since_day
from eservice_desktop.services.queue_items import QUEUE_CHUNK, Chunk, Labels, QueueRow
from eservice_desktop.services.shipped import shipped_calendar_days
from eservice_desktop.storage import cipher, dbkey
from eservice_desktop.storage.revision import HEAD_REVISION

#: ``case_queues._queue_select(app, "today", ...)``: this office's cases received on the office
#: day, newest first, equal receipt times by rowid (the ``ix_cases_office_received`` index).
TODAY_SQL = (
    "SELECT case_id, case_number, service_code, applicant_name, applicant_id, status,"
    " received_at, due_date, fees_due, paid, channel,"
    " json_extract(state, '$.reservation_at'), cases.rowid,"
    " json_extract(state, '$.supplement_by'), json_extract(state, '$.payment_since')"
    " FROM cases WHERE office = ? AND received_day = ?"
    " ORDER BY received_at DESC, cases.rowid DESC LIMIT ? OFFSET 0"
)
#: The county's clock offset in seconds (``services/sync/clock.py``, ``clock_guard.OFFSET``).
SELECT_OFFSET = "SELECT value FROM sync_state WHERE name = 'clock_offset_s'"


def first_today(
    settings: Settings,
    catalogue: Catalogue,
    operator: Operator | None,
    lang: str,
    *,
    now: datetime | None = None,
    limit: int = QUEUE_CHUNK,
    handed: dict[str, Any] | None = None,
) -> Chunk | None:
    """The first ``limit`` rows of today's queue as ``queue_rows.queue_chunk(app, "today",
    lang)`` gives them, or None when only the core should read (see the module doc).

    ``now``: the PC's clock (tests fix it); the county's offset is added as the core adds it.
    ``handed``: filled with what the core's opening, which follows on the same database writer,
    would read again (``open_app``'s ``key`` and ``calendar``), once the key opened a database
    of this build's schema and the calendar was built from it."""
    if operator is None or not operator.can(Action.VIEW_CASE):
        return None
    opened = _connect(settings)
    if opened is None:
        return None
    conn, key = opened
    try:
        if [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")] != [
            HEAD_REVISION
        ]:
            return None
        # one reading: the day and the deadlines' day agree
        moment = (now or datetime.now(UTC)) + _county_offset(conn)
        calendar = _calendar(conn)
        if handed is not None:
            handed.update(key=key, calendar=calendar)
        day = moment.astimezone(TAIPEI).date()
        found = conn.execute(
            TODAY_SQL, (settings.office_code, day.isoformat(), limit + 1)
        ).fetchall()
    except cipher.DatabaseError:
        return None
    finally:
        conn.close()
    rows = [_row(r, calendar) for r in found[:limit]]
    judged = _judged_on(catalogue, settings, moment)
    zh = lang.lower().startswith("zh")
    allowed = settings.payment_due_days
    labels = Labels(catalogue, calendar, day, zh, judged, payment_due_days=allowed)
    return Chunk(labels.items(rows), len(found) > limit, as_of=day, judged_on=judged)


def _county_offset(conn: Any) -> timedelta:
    """The county's clock offset the last sync round stored, which the core's clock adds to
    the PC's (``services/sync/clock.py``): without it, on a PC 8 hours ahead a window opened
    in demo mode (signed in at once) after 16:00 showed tomorrow's list, empty, until the
    queue's day watch read it again up to 10 minutes later; on one 8 hours behind, before
    08:00, yesterday's."""
    row = conn.execute(SELECT_OFFSET).fetchone()
    try:
        return timedelta(seconds=float(row[0])) if row else timedelta(0)
    except (TypeError, ValueError):  # unreadable: the PC's clock alone
        return timedelta(0)


def _judged_on(catalogue: Catalogue, settings: Settings, now: datetime) -> date | None:
    """The day deadlines are judged from (``services.calendar.judged_on``), or None (today)
    for an office the catalogue does not name, which the core then refuses."""
    try:
        return deadline_day(now, catalogue.office(settings.office_code).hours)
    except DomainError:
        return None


def _connect(settings: Settings) -> tuple[Any, bytes] | None:
    """A read-only keyed connection and its key, or None when the core has something to do
    first."""
    path = settings.db_path
    if not path.exists() or cipher.is_plain(path):
        return None  # a new database, or a plain one the core encrypts in place
    try:
        key = dbkey.read_key(settings)
    except dbkey.KeyUnavailable:
        return None
    if key is None:
        return None
    try:
        return cipher.connect(path, key, read_only=True), key
    except (cipher.WrongKey, cipher.DatabaseError):
        return None


def _calendar(conn: Any) -> WorkingCalendar:
    """As ``App.reload_calendar``: the shipped years, then the imported days over them."""
    days = shipped_calendar_days()
    for day, off, note in conn.execute("SELECT day, day_off, note FROM calendar_days"):
        days[date.fromisoformat(day)] = (bool(off), note)
    return WorkingCalendar.from_dgpa(days)


def _utc(text: str) -> datetime:
    """A stored time (UTC, written without its zone) as an aware datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _row(r: Any, calendar: WorkingCalendar) -> QueueRow:
    """As ``case_queues._queue_row`` makes it from the ORM row."""
    received = _utc(r[6])
    due = date.fromisoformat(r[7]) if r[7] else None
    reservation = str(r[11] or "")
    return QueueRow(
        case_id=r[0],
        case_number=r[1],
        service_code=r[2],
        applicant_name=r[3],
        applicant_id_masked=mask_id(r[4]),
        status=r[5],
        received_at=received,
        due=due,
        fees_due=r[8],
        paid=r[9],
        provisional=is_provisional(received.astimezone(TAIPEI).date(), due, calendar),
        channel=str(r[10] or "counter"),
        reservation_at=datetime.fromisoformat(reservation) if reservation else None,
        row_id=int(r[12]),
        supply_by=date.fromisoformat(r[13]) if r[13] else None,
        payment_since=since_day(str(r[14] or "")),
    )
