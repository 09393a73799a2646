"""A case ready for pickup that another counter took the fee for again (溢繳): the pickup desk
said 尚需繳費 -300 元 and its ready list -300 under 應繳; it says the over-payment and where it is
refunded, the documents still handed over (nothing is due)."""

from __future__ import annotations

from overpaid_support import paid_again
from pickup_support import ready_with_county_keys
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import cases


def test_the_desk_shows_an_over_paid_ready_case_as_over_paid(
    desk: PickupDesk, ctx: GuiContext, qtbot: QtBot
) -> None:
    number, token = ready_with_county_keys(ctx.app)
    paid_again(ctx.app, number, 30)
    assert cases.load_case(ctx.app, number).balance == -30
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.case_labels["case_number"].text() == number, timeout=5000)
    assert desk.case_labels["balance"].text() == "溢繳 30 元（請於收費頁退費）"
    assert desk.confirm_button.isEnabled()
    desk.refresh_ready()
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 1, timeout=5000)
    assert desk.ready_table.item(0, 4).text() == "溢繳 30"
