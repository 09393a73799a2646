"""A list or a table the keyboard sends the focus to shows a ring round it: Qt's styles paint
none, and Tab onto today's empty queue or a case's empty attachments showed the focus nowhere
(``gui/focus_cues``)."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail, open_window, press
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTableView, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import keyboard
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow


def _edges(window: MainWindow, widget: QWidget) -> set[str]:
    """The colours just outside ``widget``'s left and top edges, as the window paints them."""
    QApplication.processEvents()
    image = window.grab().toImage()
    at = widget.mapTo(window, QPoint(0, 0))
    middle = QPoint(at.x() + widget.width() // 2, at.y() + widget.height() // 2)
    points = [QPoint(at.x() - 1, middle.y()), QPoint(middle.x(), at.y() - 1)]
    return {image.pixelColor(p).name() for p in points}


def _text_colour(widget: QWidget) -> str:
    return QColor(widget.palette().color(QPalette.ColorRole.WindowText)).name()


def test_tab_onto_an_empty_list_rings_it(qtbot: QtBot, ctx: GuiContext) -> None:
    window = open_window(qtbot, ctx)
    keyboard.install()
    press(Qt.Key.Key_F3)  # the search box; today's list is empty
    table = window.current_page().findChild(QTableView, "queue_table")
    assert table is not None and table.model().rowCount() == 0
    before = _edges(window, table)
    while not table.hasFocus():
        press(Qt.Key.Key_Tab)
    assert _edges(window, table) == {_text_colour(table)}, before
    press(Qt.Key.Key_Tab)  # on: the ring goes with the focus
    assert _edges(window, table) == before


def test_tab_onto_a_case_without_attachments_rings_their_list(
    qtbot: QtBot, ctx: GuiContext
) -> None:
    window, detail = open_case_detail(qtbot, ctx, new_case(ctx.app))
    keyboard.install()
    window.resize(1366, 768)
    detail.timeline.setFocus(Qt.FocusReason.TabFocusReason)
    attachments = detail.findChild(QTableWidget, "attachments")
    assert attachments is not None and attachments.rowCount() == 0
    press(Qt.Key.Key_Tab)
    assert attachments.hasFocus()
    assert _edges(window, attachments) == {_text_colour(attachments)}
