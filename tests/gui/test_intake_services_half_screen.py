"""The intake form's 申辦項目 on half a screen or at 200 % (683 px), in the screen's font."""

from __future__ import annotations

import pytest
from gui_keys import half_screen_intake, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext


@pytest.mark.usefixtures("screen_font")
def test_the_services_offered_while_typing_show_whole(ctx: GuiContext, qtbot: QtBot) -> None:
    """The intake form's 申辦項目 at 683 px offered HR-TRANSCRIPT　請領戶籍謄本(… for each of the
    household transcripts as the clerk typed the code: the completer's list was as narrow as the
    box. It opens as wide as its longest service."""
    combo = half_screen_intake(qtbot, ctx).service_combo  # type: ignore[attr-defined]
    type_text("HR-TRANSCRIPT")
    view = combo.completer().popup()
    qtbot.waitUntil(view.isVisible)
    qtbot.wait(20)
    screen = view.screen().availableGeometry()
    assert screen.contains(view.geometry()), (view.geometry(), screen)
    metrics = QFontMetrics(view.font())
    model = view.model()
    assert model.rowCount() >= 3
    for row in range(model.rowCount()):
        text = model.index(row, 0).data()
        shown = view.visualRect(model.index(row, 0)).intersected(view.viewport().rect())
        assert metrics.horizontalAdvance(text) < shown.width(), (text, shown, view.geometry())
    press(Qt.Key.Key_Escape)


@pytest.mark.usefixtures("screen_font")
def test_a_refusal_beside_the_service_keeps_all_its_lines(ctx: GuiContext, qtbot: QtBot) -> None:
    """查無此申辦項目，請輸入代碼或名稱 beside 申辦項目 took three lines in a row two lines
    high: its first and last lines were cut at the top and the bottom."""
    page = half_screen_intake(qtbot, ctx)
    combo = page.service_combo  # type: ignore[attr-defined]
    type_text("XYZ")
    press(Qt.Key.Key_Return)
    error = page.error_labels["service"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: error.text() == "查無此申辦項目，請輸入代碼或名稱")
    qtbot.wait(50)  # laid out again
    line = QFontMetrics(error.font()).lineSpacing()
    assert error.heightForWidth(error.width()) > 2 * line  # three lines at this width
    assert error.height() >= error.heightForWidth(error.width()), (error.size(), line)
    assert QApplication.focusWidget() is combo.lineEdit() or QApplication.focusWidget() is combo
    # a service chosen: the refusal goes, and its lines with it
    height = error.parentWidget().height()
    combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: error.text() == "")
    qtbot.wait(50)
    assert error.minimumHeight() <= line
    assert error.parentWidget().height() < height
