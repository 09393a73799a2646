"""A queue list left open past midnight with nothing written rolls over to the new day's list:
the page arms a timer for the next midnight by the application's clock (the injected clock
here, never the wall clock) and reads its list again once the office's day has turned."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factories
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_day import MARGIN_MS, MAX_WAIT_MS, wait_ms
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.services import cases, payments
from eservice_desktop.services.queue_rows import load_queue

EVENING = datetime(2026, 3, 10, 15, 55, tzinfo=UTC)  # 23:55 on the 10th in Taipei


def _open(qtbot: QtBot, ctx: GuiContext) -> QueuePage:
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.loaded and not ctx.tasks.pending, timeout=5000)
    return page


def test_the_wait_ends_just_past_the_offices_midnight_and_is_capped() -> None:
    assert wait_ms(datetime(2026, 3, 10, 15, 59, 59, tzinfo=UTC)) == 1000 + MARGIN_MS
    assert wait_ms(datetime(2026, 3, 10, 15, 55, tzinfo=UTC)) == 5 * 60_000 + MARGIN_MS
    # 08:00 in Taipei: looked at again after the cap, not in sixteen hours
    assert wait_ms(datetime(2026, 3, 10, 0, 0, tzinfo=UTC)) == MAX_WAIT_MS
    # midnight in UTC is 08:00 in Taipei: the office's midnight counts, not the machine's
    assert wait_ms(datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)) == MAX_WAIT_MS


def test_a_list_left_open_past_midnight_rolls_over_without_a_write(
    qtbot: QtBot, ctx: GuiContext, clock
) -> None:
    clock.set(EVENING)
    late = factories.new_case(ctx.app)
    page = _open(qtbot, ctx)
    assert [i.case_number for i in page.model.items()] == [late]
    assert page.model.as_of == date(2026, 3, 10)
    timer = page.day_watch.timer
    assert timer.isActive()
    assert timer.interval() == 5 * 60_000 + MARGIN_MS  # at midnight by the app's clock
    qtbot.waitUntil(lambda: page.counts().get("today") == 1, timeout=5000)

    # a minute before midnight: the timer runs early (capped wait, clock moved): no reload
    clock.set(datetime(2026, 3, 10, 15, 59, tzinfo=UTC))
    assert page.day_watch.check() is False
    assert page.model.as_of == date(2026, 3, 10)
    assert timer.interval() == 60_000 + MARGIN_MS

    clock.set(datetime(2026, 3, 10, 16, 0, 1, tzinfo=UTC))  # 00:00:01 on the 11th
    assert page.day_watch.check() is True  # what the timer calls; nothing was written
    qtbot.waitUntil(lambda: page.model.as_of == date(2026, 3, 11), timeout=5000)
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=5000)
    assert page.model.items() == load_queue(ctx.app, "today", "zh_TW") == []
    qtbot.waitUntil(lambda: page.counts().get("today") == 0, timeout=5000)
    assert timer.isActive()


def test_the_armed_timer_itself_rolls_the_list_over(qtbot: QtBot, ctx: GuiContext, clock) -> None:
    """The timer, not a call by hand: armed at 23:59:59.7 by the injected clock it fires after
    about 0.8 s of real time, by when the clock says the 11th."""
    clock.set(datetime(2026, 3, 10, 15, 59, 59, 700_000, tzinfo=UTC))
    factories.new_case(ctx.app)
    page = _open(qtbot, ctx)
    assert len(page.model.items()) == 1
    page.day_watch.schedule()  # armed again from now (the page's start took real time)
    assert page.day_watch.timer.interval() <= 300 + MARGIN_MS
    clock.set(datetime(2026, 3, 10, 16, 0, 0, 100_000, tzinfo=UTC))
    qtbot.waitUntil(lambda: page.model.as_of == date(2026, 3, 11), timeout=5000)
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=5000)
    assert page.model.items() == []


def test_a_search_shown_at_midnight_is_run_again_for_the_new_day(
    qtbot: QtBot, ctx: GuiContext, clock
) -> None:
    """Days left count from the day a list was read: a search result shown over midnight is
    read again too (it stays the same search)."""
    clock.set(EVENING)
    wang = factories.new_case(ctx.app)
    page = _open(qtbot, ctx)
    page.search_box.setText("王小")
    page.search_now()
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=5000)
    assert [i.case_number for i in page.model.items()] == [wang]
    clock.set(datetime(2026, 3, 10, 16, 0, 1, tzinfo=UTC))
    assert page.day_watch.check() is True
    qtbot.waitUntil(lambda: page.model.as_of == date(2026, 3, 11), timeout=5000)
    assert page.search_box.text() == "王小"
    assert [i.case_number for i in page.model.items()] == [wang]


def test_a_list_left_open_past_closing_shows_todays_due_cases_overdue(
    qtbot: QtBot, ctx: GuiContext, clock
) -> None:
    """A case due today and still open after the counters close can no longer be closed on
    time: the list shown rolls at the next look after 17:00 (no write, no midnight)."""
    clock.set(datetime(2026, 3, 10, 1, 0, tzinfo=UTC))  # 09:00 in Taipei
    number = factories.new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", cases.show_case(ctx.app, number).balance)
    clock.set(datetime(2026, 3, 10, 8, 50, tzinfo=UTC))  # 16:50
    page = _open(qtbot, ctx)
    assert [(i.case_number, i.deadline) for i in page.model.items()] == [(number, "due_soon")]
    assert page.day_watch.check() is False

    clock.set(datetime(2026, 3, 10, 9, 1, tzinfo=UTC))  # 17:01
    assert page.day_watch.check() is True
    qtbot.waitUntil(lambda: page.model.judged_on == date(2026, 3, 11), timeout=5000)
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=5000)
    assert page.model.as_of == date(2026, 3, 10)  # still today's list
    assert [(i.case_number, i.deadline) for i in page.model.items()] == [(number, "overdue")]
    qtbot.waitUntil(lambda: page.counts().get("overdue") == 1, timeout=5000)
    assert page.day_watch.check() is False  # read after closing: nothing more to roll
