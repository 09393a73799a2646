"""The fees page's 原因 on half a screen or at 200 % (683 px), in the screen's font: the box is
kept narrow so the page fits, and its list opened as narrow as the box, the legal grounds cut in
their middle (低收入戶…12條), 重新核發…誤）免徵); the list now shows every reason whole."""

from __future__ import annotations

from typing import Any

import pytest
from factories import new_case
from gui_keys import closed, open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import fees

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"


def _reason_box_at_half_screen(ctx: GuiContext, qtbot: QtBot) -> tuple[Any, Any, Any]:
    """The fees page at 683 px (F6) with a case's fee line, 原因 focused."""
    number = new_case(ctx.app, name="陳堃", copies=2)
    window = open_window(qtbot, ctx)
    window.resize(683, 384)
    press(Qt.Key.Key_F6)
    page = window.pages[PAYMENT_PAGE]
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.items_table.rowCount() == 1)  # type: ignore[attr-defined]
    combo = page.reason_combo  # type: ignore[attr-defined]
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    return window, page, combo


@pytest.mark.usefixtures("screen_font")
def test_the_reasons_list_shows_each_reason_whole(ctx: GuiContext, qtbot: QtBot) -> None:
    *_, combo = _reason_box_at_half_screen(ctx, qtbot)
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # the list opens
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    popup = view.window()
    screen = popup.screen().availableGeometry()
    assert screen.contains(popup.geometry()), (popup.geometry(), screen)
    metrics = QFontMetrics(view.font())
    listed = [combo.itemText(i) for i in range(combo.count())]
    assert fees.EXEMPTION_REASONS[0] in listed  # 低收入戶免徵（規費法第12條）
    for row, text in enumerate(listed):
        cell = view.visualRect(combo.model().index(row, 0))
        shown = cell.intersected(view.viewport().rect())
        # the text whole, as the list's own painter measures it, inside what the list shows
        assert metrics.horizontalAdvance(text) < shown.width(), (text, shown, popup.geometry())
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(view))


@pytest.mark.usefixtures("screen_font")
def test_a_listed_reason_shows_whole_in_its_field(ctx: GuiContext, qtbot: QtBot) -> None:
    """At its twelve characters' width the field showed （規費法第12條） of 低收入戶免徵（規費法
    第12條）, and 原因 was left at the end of the line above it. 原因 stays with its field,
    which takes the rest of its line."""
    window, page, combo = _reason_box_at_half_screen(ctx, qtbot)
    longest = max(fees.EXEMPTION_REASONS, key=len)
    for _ in range(1 + fees.EXEMPTION_REASONS.index(longest)):
        press(Qt.Key.Key_Down)  # a closed box steps through its list
    assert combo.currentText() == longest
    qtbot.wait(50)  # laid out again
    holder = window.holders[page]
    assert holder.horizontalScrollBar().maximum() == 0
    field = combo.lineEdit()
    room = field.contentsRect().width() - 4  # QLineEdit's own margin, 2 px each side
    assert QFontMetrics(field.font()).horizontalAdvance(longest) <= room, (room, combo.width())
    label = next(w for w in page.findChildren(QLabel) if w.text() == "原因")
    middle = label.mapTo(page, label.rect().center()).y()
    top = combo.mapTo(page, combo.rect().topLeft()).y()
    assert top <= middle <= top + combo.height()
    assert label.buddy() is combo
