"""The pickup desk on half a screen or at 200 % (683×384: the page 436 px wide beside the
identity dock), in the screen's font: its list and its case side stood beside each other
whatever the width and kept the page 471 px wide, so the page scrolled sideways and the
verdict, the case and 確認交付 were cut at its right edge. Short of room the case side goes
under the list; where there is room they stay side by side."""

from __future__ import annotations

import pytest
from gui_keys import open_pickup_desk, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QSplitter, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext

PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"


def _inside(widget: QWidget, holder: QScrollArea) -> bool:
    """Wholly inside the page's view sideways and, scrolled as it is, up and down."""
    top_left = widget.mapTo(holder.viewport(), widget.rect().topLeft())
    view = holder.viewport().rect()
    return (
        top_left.x() >= 0
        and top_left.x() + widget.width() <= view.width()
        and top_left.y() >= 0
        and top_left.y() + widget.height() <= view.height()
    )


@pytest.mark.usefixtures("screen_font")
def test_the_pickup_desk_fits_half_a_screen_at_200_percent(ctx: GuiContext, qtbot: QtBot) -> None:
    window, desk, token = open_pickup_desk(qtbot, ctx)
    holder = window.holders[desk]
    bar = holder.horizontalScrollBar()
    assert QApplication.focusWidget() is desk.scan_edit
    assert bar.maximum() == 0, (desk.minimumSizeHint(), holder.viewport().width())
    desk.scan(token)  # the scanner
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok)
    qtbot.wait(50)  # the focus scrolled into view
    assert bar.maximum() == 0, (desk.minimumSizeHint(), holder.viewport().width())
    # the focus on 確認交付, in sight: Enter hands over
    assert QApplication.focusWidget() is desk.confirm_button
    assert _inside(desk.confirm_button, holder)
    side = (desk.message_label, *desk.case_labels.values(), desk.proxy_id, desk.slip_button)
    for widget in (desk.scan_edit, desk.camera_button, desk.id_button, desk.ready_table, *side):
        holder.ensureWidgetVisible(widget)
        assert _inside(widget, holder), widget.objectName()
        right = widget.mapTo(desk, widget.rect().topRight()).x()
        assert right < holder.viewport().width(), widget.objectName()
    holder.ensureWidgetVisible(desk.confirm_button)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)


@pytest.mark.usefixtures("screen_font")
def test_the_list_and_the_case_stay_side_by_side_where_there_is_room(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    window, *_ = open_pickup_desk(qtbot, ctx, (1366, 728))
    split = window.pages[PICKUP_PAGE].findChild(QSplitter)
    assert split is not None
    assert split.orientation() == Qt.Orientation.Horizontal
    window.resize(683, 728)
    qtbot.waitUntil(lambda: split.orientation() == Qt.Orientation.Vertical)
    window.resize(1366, 728)
    qtbot.waitUntil(lambda: split.orientation() == Qt.Orientation.Horizontal)
