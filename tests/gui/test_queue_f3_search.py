"""F3 puts the cursor in the queue's search box with its last query selected, so what the
clerk types next is the next search: the cursor landed after the old query, and 王 typed for
the next citizen made 林美玲王, a search that found nobody."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_page import QueuePage


def test_f3_after_a_search_and_a_case_takes_a_new_query(qtbot, ctx: GuiContext) -> None:
    wang = new_case(ctx.app)
    lin = new_case(ctx.app, name="林美玲", applicant_id="F131232216")
    window = open_window(qtbot, ctx)
    page = window.current_page()
    assert isinstance(page, QueuePage)
    qtbot.waitUntil(lambda: len(page.model.items()) == 2, timeout=5000)
    press(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search_box)
    type_text("林美玲")
    press(Qt.Key.Key_Return)  # opens the first result, as the clerk guide says
    detail = window.case_detail
    qtbot.waitUntil(lambda: window.current_page() is detail, timeout=5000)
    assert detail.case_number == lin

    press(Qt.Key.Key_F3)  # the next citizen
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search_box)
    type_text("王小明")
    assert page.search_box.text() == "王小明"
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is detail, timeout=5000)
    qtbot.waitUntil(lambda: detail.case_number == wang, timeout=5000)
