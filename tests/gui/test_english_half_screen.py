"""The fees page and the operators page in English on half a screen or at 200 % (683×384: the
page 404 px beside the English identity dock), in the screen's font. The fees page of a case was
550 px wide, scrolling sideways: the summary line (王小明 (A12345****)  Household registration
transcript (online reservation)  Payment due) and the totals stood on one line each, and the
receipts' Print / reprint, Void, Refund and Daily closing… on one row. The operators page was
426 px: its buttons on one row, the roles three to a line. Lines wrap (never laying the page
out height-for-width: tests/gui/test_wheel_scrolls_page.py), and so do rows of buttons and the
roles."""

from __future__ import annotations

import pytest
from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"
OPERATORS_PAGE = "eservice_desktop.gui.operators_page"


def _window(qtbot: QtBot, ctx: GuiContext) -> MainWindow:
    window = open_window(qtbot, ctx)
    window.resize(683, 384)
    QApplication.processEvents()
    return window


def _sideways_inside(widget: QWidget, holder: QScrollArea) -> bool:
    left = widget.mapTo(holder.viewport(), widget.rect().topLeft()).x()
    return left >= 0 and left + widget.width() <= holder.viewport().width()


@pytest.mark.usefixtures("english")
def test_the_english_fees_page_of_a_case_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    number = new_case(ctx.app)
    window = _window(qtbot, ctx)
    press(Qt.Key.Key_F6)
    page = window.pages[PAYMENT_PAGE]
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.items_table.rowCount() == 1)  # type: ignore[attr-defined]
    qtbot.wait(50)
    holder = window.holders[page]
    assert holder.horizontalScrollBar().maximum() == 0, (
        page.minimumSizeHint(),
        holder.viewport().width(),
    )
    summary = page.summary  # type: ignore[attr-defined]
    assert "Household registration transcript" in summary.text()
    assert summary.height() >= summary.heightForWidth(summary.width())
    for name in ("summary", "totals", "print_btn", "void_btn", "refund_btn", "closing_btn"):
        assert _sideways_inside(getattr(page, name), holder), name


@pytest.mark.usefixtures("english")
def test_the_english_operators_page_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    window = _window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded, timeout=20000)  # type: ignore[attr-defined]
    qtbot.wait(50)
    holder = window.holders[page]
    assert holder.horizontalScrollBar().maximum() == 0, (
        page.minimumSizeHint(),
        holder.viewport().width(),
    )
    for widget in (page.disable_button, page.password, *page.role_boxes.values()):  # type: ignore[attr-defined]
        assert _sideways_inside(widget, holder), widget.objectName()
