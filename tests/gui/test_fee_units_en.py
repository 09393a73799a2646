"""The fees page in English counts each fee item in its own unit: the MOICA IC card read
"2 × sheet" (張 was a sheet for every item, the first item's English unit)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from eservice_desktop.gui import labels
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services.fees import FeeLineView


def _line(code: str, name: str, name_en: str) -> FeeLineView:
    return FeeLineView(code, name, name_en, "張", 250, 2, 500)


def test_the_moica_card_counts_in_cards(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    card = sync_ctx.app.catalogue.service("HR-MOICA-CARD").fee_items[0]
    assert (card.code, card.unit, card.unit_en) == ("HR-MOICA-CARD", "張", "card")
    sync_ctx.lang = "en"
    assert labels.quantity(sync_ctx, 2, "張", "HR-MOICA-CARD") == "2 × card"
    assert labels.quantity(sync_ctx, 2, "張", "HR-TRANSCRIPT") == "2 × sheet"
    assert labels.quantity(sync_ctx, 2, "張") == "2 × sheet"  # no item: the unit's first
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page._draw_items(
        [
            _line("HR-MOICA-CARD", "自然人憑證 IC 卡", "MOICA certificate IC card"),
            _line("HR-TRANSCRIPT", "戶籍謄本", "Household registration transcript"),
        ]
    )
    assert page.items_table.item(0, 1).text() == "2 × card"
    assert page.items_table.item(1, 1).text() == "2 × sheet"
    sync_ctx.lang = "zh_TW"
    assert labels.quantity(sync_ctx, 2, "張", "HR-MOICA-CARD") == "2張"


def test_a_long_fee_item_reads_whole_on_a_1024_screen(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    """In English beside the identity panel of a 1,024 px window each of the four columns is a
    quarter of the page: "Household registration transcript" wrapped in a row one line high
    and read "Household", the rest cut off. The row is as tall as its wrapped name."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics

    from eservice_desktop.gui import fonts

    sync_ctx.lang = "en"
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.setFont(fonts.screen_font())  # the window's font (Noto Sans CJK TC, 10 pt at least)
    page.resize(680, 760)  # the page beside the identity panel in a 1,024 px window
    page.show()
    qtbot.waitExposed(page)
    name = "Household registration transcript"
    page._draw_items([_line("HR-TRANSCRIPT", "戶籍謄本", name)])
    table = page.items_table
    room = table.columnWidth(0) - 2 * (
        table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 1
    )
    needed = QFontMetrics(table.font()).boundingRect(
        QRect(0, 0, room, 10_000), int(Qt.TextFlag.TextWordWrap), name
    )
    assert needed.height() > QFontMetrics(table.font()).height()  # it does take two lines
    qtbot.waitUntil(lambda: table.rowHeight(0) >= needed.height())
