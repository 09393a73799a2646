"""Enter in the queue's filter box (篩選目前清單) opens the first case the filter leaves, as
Enter in the search box opens the first result: it did nothing, the cursor stayed in the box."""

from __future__ import annotations

from typing import Any

from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_page import QueuePage


def _in_the_filter_box(qtbot, ctx: GuiContext, rows: int) -> tuple[Any, QueuePage]:
    """The window on its queue of ``rows`` cases, the cursor in the filter box."""
    window = open_window(qtbot, ctx)
    page = window.current_page()
    assert isinstance(page, QueuePage)
    qtbot.waitUntil(lambda: len(page.model.items()) == rows, timeout=5000)
    page.filter_box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.filter_box)
    return window, page


def test_enter_in_the_filter_box_opens_the_first_case_it_leaves(qtbot, ctx: GuiContext) -> None:
    new_case(ctx.app)
    lin = new_case(ctx.app, name="林美玲", applicant_id="F131232216")
    window, page = _in_the_filter_box(qtbot, ctx, 2)
    type_text("林")
    assert page.proxy.rowCount() == 1
    press(Qt.Key.Key_Return)
    detail = window.case_detail
    qtbot.waitUntil(lambda: window.current_page() is detail, timeout=3000)
    assert detail.case_number == lin


def test_enter_in_a_filter_that_leaves_nothing_stays_put(qtbot, ctx: GuiContext) -> None:
    new_case(ctx.app)
    window, page = _in_the_filter_box(qtbot, ctx, 1)
    type_text("zzz")
    press(Qt.Key.Key_Return)
    assert window.current_page() is page
    assert QApplication.focusWidget() is page.filter_box
