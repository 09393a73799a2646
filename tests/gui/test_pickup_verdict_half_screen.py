"""The pickup desk at 200 % or on half a screen (683×384: the page's view 294 px high), in the
screen's font. After a scan the focus went to 確認交付 and the page scrolled to it, the verdict
out of sight above the case and the collector (441 px from the verdict's top to the button's
foot); a refusal, the focus left in the code field, was painted below the fold. The verdict
now stands just above 確認交付 and shows with it, and a refusal scrolls into view."""

from __future__ import annotations

import pytest
from gui_keys import open_pickup_desk, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import keyboard
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import pickup


def _in_view(widget: QWidget, holder: QScrollArea) -> bool:
    top = widget.mapTo(holder.viewport(), widget.rect().topLeft()).y()
    return top >= 0 and top + widget.height() <= holder.viewport().height()


@pytest.mark.usefixtures("screen_font")
def test_the_verdict_shows_with_the_button_the_focus_goes_to(ctx: GuiContext, qtbot: QtBot) -> None:
    window, desk, token = open_pickup_desk(qtbot, ctx)
    holder = window.holders[desk]
    assert holder.viewport().height() < 300
    desk.scan(token)  # the scanner
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok)
    qtbot.waitUntil(desk.confirm_button.hasFocus)
    qtbot.wait(100)  # the focus scrolled into view
    assert _in_view(desk.message_label, holder)
    assert _in_view(desk.confirm_button, holder)
    press(Qt.Key.Key_Return)  # Enter hands over
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    # the focus back in the code field at the top, 已交付 below it out of sight: the status bar
    # says it, in sight at any size
    number = desk.result.case_number
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f"已交付：{number}")


@pytest.mark.usefixtures("screen_font")
def test_a_refusal_scrolls_into_view(ctx: GuiContext, qtbot: QtBot) -> None:
    window, desk, token = open_pickup_desk(qtbot, ctx)
    pickup.handover(ctx.app, token)  # handed over at another counter meanwhile
    holder = window.holders[desk]
    assert QApplication.focusWidget() is desk.scan_edit
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.reason is not None)
    qtbot.wait(100)
    assert "不可重複交付" in desk.message_label.text()
    assert _in_view(desk.message_label, holder)


def test_the_words_a_button_acts_on_show_with_it(qtbot: QtBot) -> None:
    """The rule itself (``keyboard.show_with``): a verdict of several lines, taller than the
    room the focus keeps above a field, shows from its top with its button."""
    keyboard.install()
    page = QWidget()
    column = QVBoxLayout(page)
    field = QLineEdit()
    column.addWidget(field)
    column.addSpacing(600)
    verdict = QLabel("\n".join(f"line {n}" for n in range(8)))
    verdict.setFixedHeight(150)
    button = QPushButton("OK")
    column.addWidget(verdict)
    column.addWidget(button)
    column.addSpacing(600)
    keyboard.show_with(button, verdict)
    holder = QScrollArea()
    holder.setWidgetResizable(True)
    holder.setWidget(page)
    holder.resize(300, 260)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.wait(50)
    assert _in_view(button, holder)
    assert _in_view(verdict, holder)
