"""The pickup desk's verdict is whole at 1024×768 with the counter's screen font: the eight
lines of 已於 … 領取，不可重複交付 lost their last (…請洽主管。) under 案件, the column short of
height squeezing the wrapped label; the page scrolls instead."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QScrollArea

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.fonts import install_screen_font
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import pickup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickup_support import ready_with_county_keys


def test_a_long_refusal_keeps_all_its_lines(  # type: ignore[no-untyped-def]
    qtbot, ctx: GuiContext, qapp, desk: PickupDesk
) -> None:
    before = qapp.font()
    install_screen_font(qapp)
    holder = QScrollArea()  # the window's holder of a page, as it is at 1024×768
    qtbot.addWidget(holder)
    try:
        _number, token = ready_with_county_keys(ctx.app)
        pickup.handover(ctx.app, token)
        holder.setWidgetResizable(True)
        holder.setWidget(desk)
        holder.resize(710, 660)
        holder.show()
        qtbot.waitExposed(holder)
        desk.scan(token)
        message = desk.message_label
        qtbot.waitUntil(lambda: "不可重複交付" in message.text())
        qtbot.waitUntil(lambda: message.height() >= message.heightForWidth(message.width()))
    finally:
        holder.takeWidget()  # the fixture closes the desk
        qapp.setFont(before)
