"""On its due day a case can be closed on time until the counters close (17:00); after that it
cannot (``domain.deadline.closed_on_time``), so from the closing the queue, its counts, its rows
and the case detail show it overdue, not from midnight; and a case due tomorrow has one working
day left, not two."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factories

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.queue_rows import queue_chunk, queue_item

DUE = date(2026, 3, 10)  # a Tuesday: a transcript received and paid at 09:00 is due that day


def _due_today(app: App, clock: object) -> str:
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    number = factories.new_case(app)
    payments.record_payment(app, number, "cash", cases.show_case(app, number).balance)
    assert cases.show_case(app, number).due == DUE.isoformat()
    return number


def _at(clock: object, hour: int, minute: int) -> None:
    clock.set(datetime(2026, 3, 10, hour, minute, tzinfo=TAIPEI).astimezone(UTC))  # type: ignore[attr-defined]


def _lists(app: App, number: str) -> tuple[bool, bool]:
    due_soon = [r.case_number for r in cases.queue(app, "due_soon", limit=100)]
    overdue = [r.case_number for r in cases.queue(app, "overdue", limit=100)]
    return number in due_soon, number in overdue


def test_before_closing_the_due_day_is_still_usable(app: App, clock: object) -> None:
    number = _due_today(app, clock)
    _at(clock, 16, 59)
    assert _lists(app, number) == (True, False)
    view = cases.show_case(app, number)
    assert (view.deadline_status, view.working_days_left) == ("due_soon", 1)
    chunk = queue_chunk(app, "due_soon", "zh_TW")
    assert chunk.as_of == chunk.judged_on == DUE
    assert chunk.items[0].deadline == "due_soon"


def test_after_closing_a_case_due_today_is_overdue(app: App, clock: object) -> None:
    number = _due_today(app, clock)
    _at(clock, 17, 1)
    assert _lists(app, number) == (False, True)
    counts = cases.queue_counts(app)
    assert (counts["overdue"], counts["due_soon"]) == (1, 0)
    assert cases.queue_total(app, "overdue") == 1
    assert cases.show_case(app, number).deadline_status == "overdue"
    chunk = queue_chunk(app, "overdue", "en")
    assert (chunk.as_of, chunk.judged_on) == (DUE, date(2026, 3, 11))
    assert [i.deadline for i in chunk.items] == ["overdue"]
    # today's list is still today's: it was received today
    today = queue_chunk(app, "today", "zh_TW")
    assert [i.case_number for i in today.items] == [number]
    member = queue_item(app, "overdue", "zh_TW", number)
    assert member.item is not None and member.judged_on == date(2026, 3, 11)


def test_after_closing_a_case_due_tomorrow_has_one_day_left(app: App, clock: object) -> None:
    """Received after hours, a transcript's one working day is tomorrow: tomorrow is all that
    is left of it (the evening is not a working day's time)."""
    _at(clock, 17, 30)
    number = factories.new_case(app)
    payments.record_payment(app, number, "cash", cases.show_case(app, number).balance)
    view = cases.show_case(app, number)
    assert view.due == "2026-03-11"
    assert (view.deadline_status, view.working_days_left) == ("due_soon", 1)
    assert [i.days_left for i in queue_chunk(app, "due_soon", "zh_TW").items] == [1]


def test_the_on_time_report_agrees_with_the_queue_at_the_closing(app: App, clock: object) -> None:
    """The on-time report's overdue list judges as the queue does (one rule,
    ``domain.deadline.deadline_day_of_period``): the queue had the case overdue from 17:00 while
    the report, for a period running to today, listed it on time until midnight."""
    from eservice_desktop.domain import supervisor as sv
    from eservice_desktop.services import supervisor_reports

    number = _due_today(app, clock)
    month = (date(2026, 3, 1), date(2026, 3, 31))
    for hour, minute, overdue in ((16, 59, False), (17, 1, True)):
        _at(clock, hour, minute)
        report = supervisor_reports.on_time(app, *month)
        listed = [str(row[0]) for row in report.table(sv.T_OVERDUE).rows]
        assert _lists(app, number)[1] is overdue
        assert (report.totals["overdue"], number in listed) == (int(overdue), overdue)
    # and its working days overdue are the case detail's, judged from the same day
    (row,) = report.table(sv.T_OVERDUE).rows
    assert row[4] == -cases.show_case(app, number).working_days_left
