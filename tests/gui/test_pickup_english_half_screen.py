"""The English pickup desk on half a screen or at 200 % (683×384: the page 404 px beside the
English identity dock), in the screen's font. The list of cases ready here held the least
width of all its headers on one line each (Pickup no., Case number, Service, Applicant, Fees
due), the case numbers whole and room for a name of four characters: 402 px, in a page whose
margins leave it 383, so the page scrolled sideways by 19 px and the list's right edge was cut.
A header wider than its column's contents now goes onto two lines where the list is short of
room; where there is room it stays on one."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_keys import open_window, press
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import pickup_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickup_support import County, ready_case

PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"


@pytest.fixture
def english(ctx: GuiContext, qapp: QApplication, screen_font: None) -> Iterator[None]:
    translators = install_translators(qapp, "en")
    ctx.lang = ctx.tasks.lang = "en"
    yield
    remove_translators(qapp, translators)


def _desk(qtbot: QtBot, ctx: GuiContext, size: tuple[int, int]) -> tuple[MainWindow, PickupDesk]:
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    ready_case(ctx.app, county)
    window = open_window(qtbot, ctx)
    window.resize(*size)
    QApplication.processEvents()
    press(Qt.Key.Key_F8)
    desk = window.pages[PICKUP_PAGE]
    assert isinstance(desk, PickupDesk)
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 1)
    qtbot.wait(50)  # fitted and laid out again
    return window, desk


@pytest.mark.usefixtures("english")
def test_the_english_ready_list_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    window, desk = _desk(qtbot, ctx, (683, 384))
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
    _window, desk = _desk(qtbot, ctx, (1366, 728))
    table = desk.ready_table
    for column in range(table.columnCount()):
        assert "\n" not in table.horizontalHeaderItem(column).text()
