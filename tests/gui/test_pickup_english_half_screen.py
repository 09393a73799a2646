"""The English pickup desk on half a screen or at 200 % (683×384: the page 404 px beside the
English identity dock), in the screen's font. The list of cases ready here held the least
width of all its headers on one line each (Pickup no., Case number, Service, Applicant, Fees
due), the case numbers whole and room for a name of four characters: 402 px, in a page whose
margins leave it 383, so the page scrolled sideways by 19 px and the list's right edge was cut.
A header wider than its column's contents now goes onto two lines where the list is short of
room; where there is room it stays on one."""

from __future__ import annotations

import pytest
from gui_keys import open_pickup_desk
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext


@pytest.mark.usefixtures("english")
def test_the_english_ready_list_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    window, desk, _token = open_pickup_desk(qtbot, ctx)
    holder = window.holders[desk]
    table = desk.ready_table
    assert holder.horizontalScrollBar().maximum() == 0, (
        desk.minimumSizeHint(),
        table.minimumWidth(),
        holder.viewport().width(),
    )
    right = table.mapTo(holder.viewport(), table.rect().topRight()).x()
    assert right < holder.viewport().width()
    header = table.horizontalHeader()
    metrics = QFontMetrics(table.font())
    assert table.horizontalScrollBar().maximum() == 0
    number = table.item(0, 1).text()
    assert metrics.horizontalAdvance(number) <= header.sectionSize(1)  # the case number whole
    # its one row whole under the headers
    assert table.visualRect(table.model().index(0, 0)).bottom() < table.viewport().height()
    for column in range(header.count()):  # every header's words, on its lines
        words = table.horizontalHeaderItem(column).text().split()
        wide = max(metrics.horizontalAdvance(w) for w in words)
        assert wide <= header.sectionSize(column), (column, words, header.sectionSize(column))


@pytest.mark.usefixtures("english")
def test_the_headers_stay_on_one_line_where_there_is_room(ctx: GuiContext, qtbot: QtBot) -> None:
    _window, desk, _token = open_pickup_desk(qtbot, ctx, (1366, 728))
    table = desk.ready_table
    for column in range(table.columnCount()):
        assert "\n" not in table.horizontalHeaderItem(column).text()
