"""The queue's filter (篩選目前清單) loads no more rows than the cases it leaves need: a filter
that matched nothing read the whole list, 500 rows at a time, before it said 篩選後 0 筆 (2,000
chunks over a queue of a million cases)."""

from __future__ import annotations

from typing import cast

import pytest
from gui_keys import open_long_queue
from PySide6.QtWidgets import QApplication

from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.services.queue_filter import filter_total
from eservice_desktop.services.queue_rows import QUEUE_CHUNK, load_queue, queue_chunk


def _open_list(qtbot, ctx: GuiContext, cases_seeded: int = 2000) -> tuple[QueuePage, int]:  # type: ignore[no-untyped-def]
    page, total = open_long_queue(qtbot, ctx, cases_seeded)
    return cast(QueuePage, page), total


def _settle(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):  # the count, then any chunk it lets the table ask for
        qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=10000)
        qtbot.wait(100)


def test_a_filter_that_matches_nothing_loads_nothing_more(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    page, total = _open_list(qtbot, ctx)
    page.filter_box.setText("zzzz 無此人")
    _settle(qtbot, ctx)
    assert page.model.rowCount() == QUEUE_CHUNK  # it read all 2 chunks of the list before
    assert page.proxy.rowCount() == 0
    assert page.result_label.text() == f"篩選後 0 筆（顯示 500 筆／共 {total:,} 件）"
    page.filter_box.clear()  # the list loads on as the table asks again
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > QUEUE_CHUNK, timeout=10000)


def test_a_filter_typed_while_rows_load_stops_after_them(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    """The rows on their way when the filter was typed arrive; none are asked for after."""
    page, total = _open_list(qtbot, ctx, 4500)
    assert total > 2 * QUEUE_CHUNK
    page.table.scrollToBottom()  # the next chunk asked for
    assert page.model.fetching
    page.filter_box.setText("zzzz 無此人")
    _settle(qtbot, ctx)
    assert page.model.rowCount() == 2 * QUEUE_CHUNK and page.proxy.rowCount() == 0


def test_a_filter_loads_on_to_the_last_case_it_leaves_and_no_further(
    qtbot, ctx: GuiContext
) -> None:  # type: ignore[no-untyped-def]
    """The rows the filter hides lay nothing out, and the table asks for rows only as it lays
    them out: it asked for one chunk and no more, and a case four chunks in never showed."""
    page, total = _open_list(qtbot, ctx, 6000)
    assert total > 4 * QUEUE_CHUNK
    far = queue_chunk(ctx.app, "open", "zh_TW", 3 * QUEUE_CHUNK + 10, 1).items[0]
    page.filter_box.setText(far.case_number)  # a case in the fourth chunk, and no other
    _settle(qtbot, ctx)
    assert page.proxy.rowCount() == 1
    assert page.model.rowCount() == 4 * QUEUE_CHUNK  # up to it, not the rest of the list


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_the_database_counts_a_filter_as_the_window_shows_the_rows(
    ctx: GuiContext, qapp: QApplication, lang: str
) -> None:
    """The total the window stops at is the rows the filter leaves, cell by cell."""
    seed_demo_bulk(ctx.app, 600, seed=5, days=3)
    items = load_queue(ctx.app, "all", lang, limit=1000)
    keys = ["case_number", "service_name", "applicant_name", "applicant_id_masked",
            "status_label", "received_text", "due_text", "days_left"]  # fmt: skip
    first = items[0]
    needles = [
        first.case_number[-6:], first.applicant_name[:1], first.applicant_name,
        first.applicant_id_masked[:3], first.service_name[:2], first.status_label,
        "*", "h01", "zzzz",
    ]  # fmt: skip
    for needle in needles:
        counted = filter_total(ctx.app, "all", lang, needle, keys, words=["逾期", "將到期"])
        if counted is None:
            continue  # digits: a date or the days left may hold it
        shown = [
            i for i in items
            if any(needle.lower() in str(getattr(i, k, "")).lower() for k in keys[:5])
        ]  # fmt: skip
        assert counted == len(shown), needle
