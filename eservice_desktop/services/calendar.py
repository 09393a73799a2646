"""Working calendar administration: import a DGPA year, compute a deadline on request; and the
office day (Taipei time) that deadlines, queues and reports count from."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from eservice_desktop.domain.calendar import WorkingCalendar, parse_dgpa_csv
from eservice_desktop.domain.deadline import deadline_day, due_date
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.text_values import os_reason
from eservice_desktop.domain.values import printable
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import compute_due, compute_on_time
from eservice_desktop.services.input_files import read_regular
from eservice_desktop.services.operators import require
from eservice_desktop.storage import calendar_store, repo
from eservice_desktop.storage.models import CaseRow


def today(app: App) -> date:
    """The office's calendar day now (Taipei), whatever the machine's time zone."""
    return app.now().astimezone(TAIPEI).date()


def judged_on(app: App, now: datetime | None = None) -> date:
    """The office day the queue and the case detail judge deadlines from
    (:func:`domain.deadline.deadline_day`): tomorrow once today's counters have closed."""
    return deadline_day(now or app.now(), app.hours)


def import_calendar(app: App, path: Path) -> dict[str, object]:
    require(app, Action.CALENDAR)
    text = _read_calendar(path)
    days = parse_dgpa_csv(text)
    with app.transaction() as s:
        n = calendar_store.store_days(
            s, ((d, off, note) for d, (off, note) in days.items()), app.now()
        )
    before = app.calendar
    app.reload_calendar()
    redate_cases(app, before)
    years = sorted({d.year for d in days})
    return {"days": n, "years": years, "days_off": sum(1 for off, _ in days.values() if off)}


def redate_cases(app: App, before: WorkingCalendar) -> int:
    """Recomputes the due date and the on-time verdict (``cases.due_date``,
    ``cases.closed_on_time``) of every case whose count crosses a day that ``app.calendar``
    now judges otherwise than ``before`` did; returns how many due dates moved.

    A case's row is written with the calendar of its last event: a typhoon day recorded
    afterwards (imported, or pulled from the county) would otherwise leave an open case due
    on the day the office was closed, shown overdue in the queue and the on-time report, and a
    case closed the day after counted late. Only cases received by a changed day and due on or
    after it can move (a paused case has no date yet: it gets one when the wait ends)."""
    changed = before.changed_days(app.calendar)
    if not changed and not redate_pending(app):
        return 0
    done = 0
    with app.transaction() as s:
        # and the days an import or a pull stored before a re-dating that never ran
        changed |= calendar_store.pending_redate(s)
        calendar_store.clear_redate(s)
        if not changed:
            return 0
        rows = s.execute(
            select(CaseRow.case_id, CaseRow.received_day, CaseRow.due_date).where(
                CaseRow.received_day <= max(changed), CaseRow.due_date >= min(changed)
            )
        ).all()
        for case_id, received, due in rows:
            if not WorkingCalendar.crosses(changed, received, due):
                continue
            state = repo.load_state(s, case_id)
            if state is None:
                continue
            new_due = compute_due(app, state)
            repo.upsert_projection(
                s, state, new_due, app.now(), compute_on_time(app, state, new_due)
            )
            done += new_due != due
    return done


def redate_pending(app: App) -> bool:
    """Days stored with the calendar still owe their cases a re-dating: the counter stopped
    (a power cut, the program killed) between storing them and re-dating
    (``storage/calendar_store.py``). The sync round asks at every round."""
    with app.reading() as s:
        return bool(calendar_store.pending_redate(s))


#: A DGPA calendar is some 20 KB a year: a file past this is no calendar (/dev/zero never ends).
MAX_CALENDAR_BYTES = 2 * 1024 * 1024


def _read_calendar(path: Path) -> str:
    """The file's text: UTF-8, else Big5 (the DGPA's older files), read no further than
    MAX_CALENDAR_BYTES."""
    name = printable(path.name, 80)
    try:
        data = read_regular(path, MAX_CALENDAR_BYTES + 1)  # a pipe or a device is refused
    except OSError as e:
        zh, en = os_reason(e)  # a folder and a mistyped name both said only "cannot read"
        raise DomainError(
            "calendar.read",
            f"無法讀取行事曆檔案：{name}：{zh}",
            f"Cannot read {name}: {en}",
            "file",
        ) from e
    if len(data) > MAX_CALENDAR_BYTES:
        raise DomainError(
            "calendar.size",
            f"行事曆檔案 {name} 過大（上限 {MAX_CALENDAR_BYTES // 1048576} MB）",
            f"The calendar file {name} is too large (limit {MAX_CALENDAR_BYTES // 1048576} MB)",
            "file",
        )
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise DomainError(
        "calendar.encoding",
        f"行事曆檔案 {name} 不是 UTF-8 或 Big5 文字",
        f"The calendar file {name} is neither UTF-8 nor Big5 text",
        "file",
    )


def compute_deadline(
    app: App,
    received: datetime,
    working_days: int,
    pauses: list[tuple[datetime, datetime]],
) -> date | None:
    if working_days < 0:
        raise DomainError(
            "deadline.days",
            "處理時限不可為負數",
            "Working days must not be negative",
            "working_days",
        )
    return due_date(received, working_days, app.calendar, app.hours, pauses)
