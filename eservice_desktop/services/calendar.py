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
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo


def today(app: App) -> date:
    """The office's calendar day now (Taipei), whatever the machine's time zone."""
    return app.now().astimezone(TAIPEI).date()


def import_calendar(app: App, path: Path) -> dict[str, object]:
    require(app, Action.CALENDAR)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp950")
    except OSError as e:
        raise DomainError(
            "calendar.read", f"無法讀取行事曆檔案：{path.name}", f"Cannot read {path.name}", "file"
        ) from e
    days = parse_dgpa_csv(text)
    with app.transaction() as s:
        n = repo.store_calendar_days(s, ((d, off, note) for d, (off, note) in days.items()))
    app.reload_calendar()
    years = sorted({d.year for d in days})
    return {"days": n, "years": years, "days_off": sum(1 for off, _ in days.values() if off)}


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
