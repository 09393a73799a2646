"""Working calendar administration: import a DGPA year, compute a deadline on request; and the
office day (Taipei time) that deadlines, queues and reports count from."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from eservice_desktop.domain.calendar import parse_dgpa_csv
from eservice_desktop.domain.deadline import due_date
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.values import printable
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo


def today(app: App) -> date:
    """The office's calendar day now (Taipei), whatever the machine's time zone."""
    return app.now().astimezone(TAIPEI).date()


def import_calendar(app: App, path: Path) -> dict[str, object]:
    require(app, Action.CALENDAR)
    text = _read_calendar(path)
    days = parse_dgpa_csv(text)
    with app.transaction() as s:
        n = repo.store_calendar_days(s, ((d, off, note) for d, (off, note) in days.items()))
    app.reload_calendar()
    years = sorted({d.year for d in days})
    return {"days": n, "years": years, "days_off": sum(1 for off, _ in days.values() if off)}


#: A DGPA calendar is some 20 KB a year: a file past this is no calendar (/dev/zero never ends).
MAX_CALENDAR_BYTES = 2 * 1024 * 1024


def _read_calendar(path: Path) -> str:
    """The file's text: UTF-8, else Big5 (the DGPA's older files), read no further than
    MAX_CALENDAR_BYTES."""
    name = printable(path.name, 80)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CALENDAR_BYTES + 1)
    except OSError as e:
        raise DomainError(
            "calendar.read", f"無法讀取行事曆檔案：{name}", f"Cannot read {name}", "file"
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
