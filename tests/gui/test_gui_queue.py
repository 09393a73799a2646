"""Queue page: the model passes Qt's model tester, search as you type, queues and counts,
rows loaded as the table scrolls."""

from __future__ import annotations

from datetime import UTC, datetime

from gui_keys import open_long_queue, open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.main_window import QUEUE_PAGE
from eservice_desktop.gui.queue_page import QueueModel, QueuePage
from eservice_desktop.services import cases, payments
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.services.queue_rows import QUEUE_CHUNK, SEARCH_CHUNK, load_queue


def _take(ctx: GuiContext, pid: str, name: str, **kw: object) -> cases.CaseView:
    return intake(
        ctx.app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id=pid,
            applicant_name=name,
            fields={
                "registered_address": "桃園市桃園區縣府路1號",
                "transcript_kind": "現戶",
                "record_detail": "省略記事",
            },
            **kw,  # type: ignore[arg-type]
        ),
    )


def test_queue_model_passes_qt_model_tester(qtmodeltester, sync_ctx: GuiContext):
    seed_demo(sync_ctx.app, 60, seed=7)
    model = QueueModel()
    qtmodeltester.check(model)  # empty
    model.set_items(load_queue(sync_ctx.app, "open", "zh_TW"))
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    page = QueuePage(sync_ctx)
    page.tabs.setCurrentIndex(4)
    qtmodeltester.check(page.proxy)
    page.deleteLater()


def test_search_as_you_type_by_number_id_and_chinese_name(qtbot, ctx: GuiContext):
    seed_demo(ctx.app, 40, seed=3)
    wang = _take(ctx, "A123456789", "王小明")
    lin = _take(ctx, "F131232216", "林美玲")
    window = open_window(qtbot, ctx)
    page = window.pages[QUEUE_PAGE]
    assert isinstance(page, QueuePage)

    def numbers() -> list[str]:
        return [i.case_number for i in page.model.items()]

    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search_box

    # By case number, typed without the dashes as a clerk reads it aloud.
    type_text(wang.case_number.replace("-", ""))
    qtbot.waitUntil(lambda: numbers() == [wang.case_number], timeout=3000)

    page.search_box.clear()
    type_text("F13123")  # ID prefix
    qtbot.waitUntil(lambda: lin.case_number in numbers(), timeout=3000)
    assert all(i.applicant_id_masked.startswith("F13123") for i in page.model.items())

    page.search_box.clear()
    type_text("王小")  # Chinese name prefix, committed by the input method
    qtbot.waitUntil(lambda: wang.case_number in numbers(), timeout=3000)
    assert all(i.applicant_name.startswith("王小") for i in page.model.items())
    qtbot.waitUntil(lambda: page.total() is not None, timeout=3000)
    shown = len(page.model.items())
    assert page.result_label.text() == f"顯示 {shown} 筆／共 {page.total()} 件"

    # Down then Enter opens the case detail.
    press(Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    assert page.select_case(wang.case_number)
    press(Qt.Key.Key_Return)
    assert window.current_page() is window.case_detail
    qtbot.waitUntil(lambda: window.case_detail.number_label.text() == wang.case_number)
    press(Qt.Key.Key_Escape)
    assert window.current_page() is page


def test_stale_search_results_are_discarded(qtbot, ctx: GuiContext):
    wang = _take(ctx, "A123456789", "王小明")
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    page.search_box.setText("林")
    page.search_now()
    page.search_box.setText("王")
    page.search_now()  # the "林" answer, even if it comes last, must not win
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=3000)
    assert [i.case_number for i in page.model.items()] == [wang.case_number]


def test_queues_and_counts(qtbot, ctx: GuiContext, clock):
    # Received 3 working days ago -> overdue today; one waiting for a supplement.
    now = clock.now
    clock.set(datetime(2026, 3, 5, 2, 5, tzinfo=UTC))
    old = _take(ctx, "A123456789", "王小明", received_at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC))
    payments.record_payment(ctx.app, old.case_number, "cash", 15)  # paid at the counter then
    clock.set(now)
    waiting = _take(ctx, "F131232216", "林美玲")
    cases.request_supplement(ctx.app, waiting.case_number, "缺少委託書")
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.counts() != {}, timeout=3000)
    assert page.counts() == {
        "today": 1,
        "supplement": 1,
        "due_soon": 0,
        "overdue": 1,
        "online": 0,
    }
    assert page.tabs.tabText(3) == "逾期 (1)  Alt+4"
    page.tabs.setCurrentIndex(3)
    qtbot.waitUntil(
        lambda: [i.case_number for i in page.model.items()] == [old.case_number], timeout=3000
    )
    assert page.model.items()[0].deadline == "overdue"
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: [i.case_number for i in page.model.items()] == [waiting.case_number],
        timeout=3000,
    )
    # Sorting by the due-date column keeps the model consistent.
    page.tabs.setCurrentIndex(4)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)
    page.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
    first = page.proxy.index(0, 0).data()
    assert first == old.case_number
    page.filter_box.setText("林美")
    assert page.proxy.rowCount() == 1
    # the line under the list counts what the filter leaves (it said 顯示 2 筆 over one row)
    qtbot.waitUntil(lambda: page.total() == 2, timeout=3000)
    assert page.result_label.text() == "篩選後 1 筆（顯示 2 筆／共 2 件）"
    page.filter_box.clear()
    assert page.result_label.text() == "顯示 2 筆／共 2 件"


def test_lists_load_as_the_clerk_scrolls_and_say_how_many_in_all(qtbot, ctx: GuiContext):
    page, total = open_long_queue(qtbot, ctx)
    assert page.result_label.text() == f"顯示 500 筆／共 {total:,} 件"

    def scroll_to_end(expected: int) -> None:
        page.table.scrollToBottom()
        qtbot.waitUntil(lambda: page.model.rowCount() == expected, timeout=10000)

    scroll_to_end(min(total, 2 * QUEUE_CHUNK))
    while page.model.rowCount() < total:
        scroll_to_end(min(total, page.model.rowCount() + QUEUE_CHUNK))
    assert not page.model.canFetchMore()
    assert page.result_label.text() == f"顯示 {total:,} 筆／共 {total:,} 件"
    shown = [i.case_number for i in page.model.items()]
    assert shown == [r.case_number for r in cases.queue(ctx.app, "open", limit=1000)]

    # A search as broad as the whole office: 100 rows first, the rest as the clerk scrolls.
    page.search_box.setText("H01")
    page.search_now()
    qtbot.waitUntil(lambda: page.total() == 2000, timeout=10000)
    assert page.model.rowCount() == SEARCH_CHUNK
    assert page.result_label.text() == f"顯示 {SEARCH_CHUNK} 筆／共 2,000 件"
    scroll_to_end(2 * SEARCH_CHUNK)
    assert page.result_label.text() == f"顯示 {2 * SEARCH_CHUNK} 筆／共 2,000 件"
    found = [i.case_number for i in page.model.items()]
    assert found == [r.case_number for r in cases.search(ctx.app, "H01", limit=200)]
    assert len(set(found)) == 2 * SEARCH_CHUNK


def test_the_list_says_how_many_in_english(qtbot, ctx: GuiContext, qapp: QApplication):
    seed_demo_bulk(ctx.app, 1300, seed=8, days=3)
    translators = install_translators(qapp, "en")
    try:
        ctx.lang = "en"
        page = QueuePage(ctx)
        qtbot.addWidget(page)
        page.search_box.setText("H01")
        page.search_now()
        qtbot.waitUntil(lambda: page.total() == 1300, timeout=10000)
        assert page.result_label.text() == f"Showing {SEARCH_CHUNK} of 1,300"
    finally:
        remove_translators(qapp, translators)


def test_a_written_case_updates_its_row_in_place_without_reading_the_list_again(
    qtbot, ctx: GuiContext
):
    seed_demo(ctx.app, 30, seed=5)
    first = _take(ctx, "A123456789", "王小明")
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.loaded and not ctx.tasks.pending, timeout=5000)
    assert page.queue_name == "today"
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.select_case(first.case_number)

    def shown() -> list[str]:
        return [i.case_number for i in page.model.items()]

    def listed(name: str) -> list[str]:
        return [r.case_number for r in cases.queue(ctx.app, name)]

    # A new intake goes to the top of today's list; the clerk's selection stays where it was.
    second = _take(ctx, "F131232216", "林美玲")
    ctx.case_changed.emit(second.case_number)
    qtbot.waitUntil(lambda: second.case_number in shown(), timeout=3000)
    assert shown() == listed("today") and shown()[0] == second.case_number
    assert page.current_case_number() == first.case_number
    qtbot.waitUntil(lambda: page.total() == len(listed("today")), timeout=3000)

    # A change of status is the same row with its new label.
    cases.request_supplement(ctx.app, first.case_number, "缺少委託書")
    ctx.case_changed.emit(first.case_number)
    qtbot.waitUntil(
        lambda: (
            page.model.items()[shown().index(first.case_number)].status == "supplement_requested"
        ),
        timeout=3000,
    )
    assert shown() == listed("today")

    # On the supplement tab the case leaves the list once the supplement is in (the demo's
    # own cases awaiting a supplement stay).
    page.tabs.setCurrentIndex(1)
    waiting = listed("supplement")
    assert first.case_number in waiting
    qtbot.waitUntil(lambda: shown() == waiting, timeout=3000)
    resets.clear()
    cases.record_supplement(ctx.app, first.case_number, "委託書已補")
    ctx.case_changed.emit(first.case_number)
    rest = [n for n in waiting if n != first.case_number]
    qtbot.waitUntil(lambda: shown() == rest, timeout=3000)
    qtbot.waitUntil(lambda: page.total() == len(rest), timeout=3000)
    assert listed("supplement") == rest
    assert resets == []  # row by row, never the whole list again
    qtbot.waitUntil(lambda: page.counts().get("supplement") == len(rest), timeout=3000)


def test_a_case_taken_after_midnight_gets_the_lists_of_its_day(qtbot, ctx: GuiContext, clock):
    """Today's list read before midnight is yesterday's: a case taken after it does not go
    above yesterday's rows (a fresh list of today has it alone), and the days left are
    counted from the new day."""
    evening = datetime(2026, 3, 10, 15, 50, tzinfo=UTC)  # 23:50 in Taipei
    clock.set(evening)
    late = _take(ctx, "A123456789", "王小明")
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.loaded and not ctx.tasks.pending, timeout=5000)
    assert [i.case_number for i in page.model.items()] == [late.case_number]
    clock.set(datetime(2026, 3, 10, 16, 10, tzinfo=UTC))  # 00:10 on the 11th
    early = _take(ctx, "F131232216", "林美玲")
    ctx.case_changed.emit(early.case_number)
    qtbot.waitUntil(lambda: early.case_number in [i.case_number for i in page.model.items()])
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=5000)
    assert page.model.items() == load_queue(ctx.app, "today", "zh_TW")
    assert [i.case_number for i in page.model.items()] == [early.case_number]


def test_cases_received_at_the_same_time_take_the_lists_order(qtbot, ctx: GuiContext):
    """Paper forms typed in later with one receipt time, their fees paid afterwards in another
    order (one due date for all): each written case goes where a fresh query of the list has
    it among its equals, in today's list as each is taken, in the due-soon list as each is
    paid."""
    at = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)
    page = QueuePage(ctx)
    qtbot.addWidget(page)

    def settle() -> None:
        qtbot.waitUntil(lambda: page.loaded and not ctx.tasks.pending, timeout=5000)

    def written(number: str) -> None:
        ctx.case_changed.emit(number)
        qtbot.waitUntil(lambda: number in [i.case_number for i in page.model.items()])
        settle()
        fresh = load_queue(ctx.app, page.queue_name, "zh_TW")
        assert page.model.items() == fresh, page.queue_name

    settle()
    taken = []
    for pid in ("A123456789", "F131232216", "B120863158", "A123456789"):
        taken.append(_take(ctx, pid, "王小明", received_at=at))
        written(taken[-1].case_number)
    page.tabs.setCurrentIndex(2)  # due soon: none yet (the time runs once the fee is paid)
    settle()
    assert page.queue_name == "due_soon" and page.model.items() == []
    for case in reversed(taken):
        payments.record_payment(ctx.app, case.case_number, "cash", case.fees_due)
        written(case.case_number)
    assert len(page.model.items()) == len(taken)


def test_enter_opens_the_case_it_was_pressed_for_not_the_next_text_typed(
    qtbot, ctx: GuiContext
) -> None:
    """Enter in the search box opens the first result of that search when it comes. Typing
    another text meanwhile (or another tab) is a new question: its results, or the first one's
    still on the way, open nothing by themselves."""
    import threading

    from eservice_desktop.gui.queue_page import SEARCH_DEBOUNCE_MS

    first = _take(ctx, "A123456789", "王小明")
    _take(ctx, "B123456780", "林美玲")
    window = open_window(qtbot, ctx)
    page = window.pages[QUEUE_PAGE]
    assert isinstance(page, QueuePage)
    qtbot.waitUntil(lambda: page.loaded, timeout=3000)
    page.focus_search()
    busy = threading.Event()
    ctx.tasks.run(busy.wait, 10)  # a slow disk: the search waits behind it
    type_text(first.case_number)
    press(Qt.Key.Key_Return)
    page.search_box.selectAll()
    type_text("林")  # the clerk moves on to another applicant before the first case came
    qtbot.wait(SEARCH_DEBOUNCE_MS + 100)
    busy.set()
    names = lambda: [i.applicant_name for i in page.model.items()]  # noqa: E731
    qtbot.waitUntil(lambda: names() == ["林美玲"], timeout=3000)
    ctx.tasks.wait_idle()
    qtbot.wait(50)
    assert window.current_page() is page  # nothing opened on its own
    assert QApplication.focusWidget() is page.search_box

    busy.clear()
    ctx.tasks.run(busy.wait, 10)
    press(Qt.Key.Key_Return)  # Enter for 林: then a tab, and the tab's list opens nothing
    press(Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    busy.set()
    ctx.tasks.wait_idle()
    qtbot.wait(50)
    assert window.current_page() is page
