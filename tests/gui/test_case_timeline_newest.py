"""The newest event of the case shown is in sight in its timeline. The timeline is a short
table on a page taller than the screen, listed oldest first: opened, a case with a history
showed its first rows only, and after 通知補正 the row just recorded stayed below the table's
fold. A reload that brings nothing new leaves the table where the clerk scrolled it."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.case_supplement import Asked
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases


def _row_in_sight(table: QTableWidget, row: int) -> bool:
    rect = table.visualItemRect(table.item(row, 0))
    return table.viewport().rect().contains(rect)


def _long_history(ctx: GuiContext) -> str:
    number = new_case(ctx.app)
    for i in range(8):
        cases.request_supplement(ctx.app, number, f"請補附第 {i + 1} 份文件")
        cases.record_supplement(ctx.app, number)
    return number


def _opened_at_a_counter(qtbot, ctx: GuiContext):  # type: ignore[no-untyped-def]
    """A case with a long history opened in the case detail at a counter's screen size, once
    its newest row is in sight: (the page, the timeline)."""
    window, detail = open_case_detail(qtbot, ctx, _long_history(ctx))
    window.resize(1366, 760)
    table = detail.timeline
    qtbot.waitUntil(lambda: _row_in_sight(table, table.rowCount() - 1), timeout=3000)
    return detail, table


def test_the_newest_event_is_in_sight_when_opened_and_after_an_action(
    qtbot, ctx: GuiContext
) -> None:
    detail, table = _opened_at_a_counter(qtbot, ctx)
    last = table.rowCount() - 1
    assert not _row_in_sight(table, 0)  # more rows than the table shows at once

    detail.ask_supplement = lambda *_: Asked([], None)  # type: ignore[method-assign]
    detail.reason_edit.setFocus()
    type_text("請補附戶口名簿影本")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: table.rowCount() == last + 2, timeout=3000)
    assert detail.timeline_types()[-1] == ev.SUPPLEMENT_REQUESTED
    qtbot.waitUntil(lambda: _row_in_sight(table, last + 1), timeout=3000)


def test_a_reload_with_nothing_new_keeps_the_rows_the_clerk_scrolled_to(
    qtbot, ctx: GuiContext
) -> None:
    detail, table = _opened_at_a_counter(qtbot, ctx)
    table.scrollToTop()
    shown = detail.view
    ctx.case_changed.emit(detail.case_number)  # written elsewhere: read again, unchanged
    qtbot.waitUntil(lambda: detail.view is not shown, timeout=3000)
    qtbot.wait(50)
    assert _row_in_sight(table, 0)


def test_the_details_under_the_timeline_are_the_highlighted_row_s(qtbot, ctx: GuiContext) -> None:
    """Ctrl+Home in the timeline moved the cursor to the first row, whose details showed under
    the table, and left the newest row highlighted: the details read as the highlighted
    event's were another event's."""
    from PySide6.QtTest import QTest

    detail, table = _opened_at_a_counter(qtbot, ctx)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.selectRow(table.rowCount() - 1)
    for key in (Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Up):
        QTest.keyClick(table, key, Qt.KeyboardModifier.ControlModifier)
        highlighted = [i.row() for i in table.selectionModel().selectedRows()]
        assert highlighted == [table.currentRow()], key
        assert detail.timeline_details.text().endswith(table.item(highlighted[0], 4).text())
