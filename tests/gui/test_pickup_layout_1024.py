"""The pickup desk at 1024×768 (its page beside the identity panel) with a case on screen: in
English the case side kept the service name on one line and left the ready list 150 px, every
case number cut to ``H01-01-1``; the case's values wrap instead, each keeping all its lines,
and the list keeps room for its headers and whole case numbers, in both languages; at
1366×768 the case side keeps its share."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QSplitter
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.fonts import install_screen_font
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.pickup_desk import PickupDesk, create_page
from eservice_desktop.gui.pickup_view import WrappedLabel
from eservice_desktop.services import pickup_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickup_support import County, ready_case

#: The window's holder of a page beside the identity panel at 1024×768 and at 1366×768.
PAGES = [(710, 660), (1044, 660)]
#: The household service with the longest English name a pickup desk hands over.
LONG_NAME = {
    "service_code": "HR-TRANSCRIPT-EN",
    "fields": {
        "registered_address": "桃園市桃園區中正路1號",
        "transcript_kind": "全戶",
        "english_name": "WANG HSIAO-MING",
    },
}


def shows_whole(label: QLabel) -> bool:
    if label.wordWrap():
        return label.height() >= label.heightForWidth(label.width())
    return QFontMetrics(label.font()).horizontalAdvance(label.text()) <= label.width()


@contextmanager
def desk_at(
    qtbot: QtBot, ctx: GuiContext, qapp: QApplication, lang: str, page: tuple[int, int]
) -> Iterator[tuple[QScrollArea, PickupDesk]]:
    """The desk in the window's holder of a page at ``page``, in ``lang`` with the screen's
    font; the font, the translators and the desk put back afterwards."""
    before = qapp.font()
    install_screen_font(qapp)
    translators = install_translators(qapp, lang) if lang == "en" else []
    ctx.lang = lang
    holder = QScrollArea()
    qtbot.addWidget(holder)
    desk = create_page(ctx)
    assert isinstance(desk, PickupDesk)
    try:
        holder.setWidgetResizable(True)
        holder.setWidget(desk)
        holder.resize(*page)
        holder.show()
        qtbot.waitExposed(holder)
        yield holder, desk
    finally:
        holder.takeWidget()
        desk.on_closing()
        desk.close()
        ctx.tasks.wait_idle()
        remove_translators(qapp, translators)
        qapp.setFont(before)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "zh_TW"])
def test_the_ready_list_keeps_its_room_beside_a_case(
    qtbot: QtBot, ctx: GuiContext, qapp: QApplication, lang: str, page: tuple[int, int]
) -> None:
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    _number, token = ready_case(ctx.app, county, **LONG_NAME)  # type: ignore[arg-type]
    with desk_at(qtbot, ctx, qapp, lang, page) as (holder, desk):
        table = desk.ready_table
        qtbot.waitUntil(lambda: table.rowCount() == 1)
        desk.scan(token)
        qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok)
        qtbot.wait(50)  # the columns and the wrapped labels settle

        assert not holder.horizontalScrollBar().isVisible()
        assert table.width() >= desk.ready_fitter.least_width() > 300
        assert table.columnWidth(1) >= table.sizeHintForColumn(1)  # the case number whole
        split = desk.findChild(QSplitter)
        assert split is not None
        case_side = split.widget(1)
        # and the case side its share where there is room (at 1366 px it was left 267 px)
        assert case_side.width() >= 0.35 * split.width()
        for key, label in desk.case_labels.items():
            assert label.text(), key
            assert shows_whole(label), key
            right = label.mapTo(case_side, QPoint(label.width(), 0)).x()
            assert right <= case_side.width(), key
        assert isinstance(desk.case_labels["service_name"], WrappedLabel)


def test_a_wrapped_label_gives_back_the_lines_it_no_longer_needs(qtbot: QtBot) -> None:
    """Set while narrow, the verdict kept five lines' height once the column widened: a gap
    under it, the case pushed down."""
    label = WrappedLabel()
    qtbot.addWidget(label)
    label.resize(60, 20)
    label.show()
    qtbot.waitExposed(label)
    label.setText("Case H01-01-115-000065-8 is ready here for ID D13196****")
    narrow = label.minimumHeight()
    label.resize(2000, narrow)
    qtbot.waitUntil(lambda: label.width() == 2000)
    one_line = QFontMetrics(label.font()).lineSpacing()
    assert narrow > 2 * one_line
    assert label.minimumHeight() < 2 * one_line


def test_a_long_verdict_in_english_leaves_the_desk_unscrolled_at_1024(
    qtbot: QtBot, ctx: GuiContext, qapp: QApplication
) -> None:
    """A case found by the ID card in English: five lines of 16 pt (「Case … is ready here for
    ID B12345****: check the ID card's photo against the person, then hand over.」) made the
    page 22 px taller than its place at 1024×768; it scrolled, 重新整理 cut under the list.
    A verdict past three lines is set in 13 pt; a short one keeps 16 pt."""
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    ready_case(ctx.app, county, "1234", applicant_id="B123456780", **LONG_NAME)  # type: ignore[arg-type]
    with desk_at(qtbot, ctx, qapp, "en", PAGES[0]) as (holder, desk):
        assert desk.message_label.point_size() == 16  # 「Scan the code …」
        desk.id_edit.setText("B123456780")
        desk.look_up_id()
        qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok)
        qtbot.wait(50)
        assert "check the ID card's photo" in desk.message_label.text()
        assert desk.message_label.point_size() == 13
        assert not holder.verticalScrollBar().isVisible(), holder.verticalScrollBar().maximum()
        assert shows_whole(desk.message_label)
