"""A working calendar another process stored is the one a write of this process counts with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from factories import new_case
from sqlalchemy import text

from eservice_desktop.services import calendar, cases, payments
from eservice_desktop.services.core import App


def test_a_case_written_right_after_another_process_imported_a_typhoon_day_counts_it(
    app: App, make_app: Callable[..., App], tmp_path: Path
) -> None:
    """IT's ``calendar import`` (another process) stored a typhoon day (Tue 2026-03-10) and
    re-dated the cases stored; the window, which reads the calendar again at its next sync
    round or look (seconds later), took a case in meanwhile with the calendar it held: due
    that very day, shown overdue the next morning, and never re-dated, since the import's
    re-dating had run before. The write now counts with the calendar the database holds."""
    it = make_app(app.settings)  # the same data directory: another process
    csv = tmp_path / "typhoon.csv"
    csv.write_text("西元日期,星期,是否放假,備註\n20260310,二,2,颱風停止上班\n", encoding="utf-8")
    calendar.import_calendar(it, csv)
    number = new_case(app)  # 2026-03-10 10:00 Taipei, a 1-day limit, before any refresh
    payments.record_payment(app, number, "cash", 15, tendered=15)  # the count starts
    view = cases.show_case(app, number)
    assert view.due == "2026-03-11" and view.deadline_status != "overdue"
    with app.reading() as s:
        due = s.execute(text("SELECT due_date FROM cases")).scalar_one()
    assert str(due) == "2026-03-11"  # the date the queue and the on-time report read
    assert not app.calendar.is_working_day(date(2026, 3, 10))
