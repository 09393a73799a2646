"""The pickup desk's list of cases ready here on half a screen (683 px at 150 %, the page about
470 px beside the identity dock) with more cases than it shows: every applicant's name wrapped
after its second character (羅○ over 宇), the list held at its headers' width and the name
column given its header's, a few pixels short of three characters and their margins. The
list now keeps room for a name of up to four characters."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_pickup_layout_1024 import desk_at

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import pickup_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickup_support import County, ready_case

NAME = 3  # the ready list's applicant column


def test_a_name_in_the_ready_list_is_read_on_one_line(
    qtbot: QtBot, ctx: GuiContext, qapp: QApplication
) -> None:
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    ready_case(ctx.app, county)
    with desk_at(qtbot, ctx, qapp, "zh_TW", (470, 660)) as (_holder, desk):
        table = desk.ready_table
        # a list longer than its height: its scroll bar takes its part of the width
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        qtbot.waitUntil(lambda: table.rowCount() == 1)
        qtbot.wait(50)
        name = table.item(0, NAME).text()
        assert name == "王○明"
        fm = QFontMetrics(table.font())
        assert table.columnWidth(NAME) >= table.sizeHintForColumn(NAME)
        # the text and the cell's margins, on one line: not 王○ over 明
        assert fm.horizontalAdvance(name) + 6 <= table.columnWidth(NAME)
        assert table.columnWidth(1) >= table.sizeHintForColumn(1)  # the case number whole
