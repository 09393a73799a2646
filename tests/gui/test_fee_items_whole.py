"""The fees page's items show whole, however short the window: the page is taller than a small
screen, so its scroll area gave each list its least height, and the items' list kept room for
its header and one line. On a 1,024 × 768 screen at 150 % (683 × 512) in English the one item
read "Household / registration", its third line (transcript) and any second item below the
list's edge. The list is now as tall as its rows (four at most, then it scrolls)."""

from __future__ import annotations

import pytest
from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"


def _rows_whole(table: QTableWidget) -> bool:
    room = table.viewport().height()
    tops = [(table.rowViewportPosition(r), table.rowHeight(r)) for r in range(table.rowCount())]
    return bool(tops) and all(top >= 0 and top + height <= room for top, height in tops)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("size", [(683, 512), (1024, 600)])
def test_the_fee_items_are_whole_on_a_short_window(
    ctx: GuiContext, qtbot: QtBot, size: tuple[int, int]
) -> None:
    number = new_case(ctx.app, name="陳堃", copies=2)
    window = open_window(qtbot, ctx)
    window.resize(*size)
    press(Qt.Key.Key_F6)
    page = window.pages[PAYMENT_PAGE]
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin, timeout=5000)  # type: ignore[attr-defined]
    table = page.items_table  # type: ignore[attr-defined]
    assert table.item(0, 0).text() == "Household registration transcript"
    qtbot.waitUntil(lambda: _rows_whole(table), timeout=3000)
