"""The status bar on half a screen or at 200 % (683 px), in the screen's font: its message was
painted in what the operator's line and the sync state left, 240 px, and cut: 收據 …：收 15 元，
找零 0 元 ended at 找, 已收件：… at the case number. While a message longer than its room shows,
the operator's line gives way (elided, whole in its tooltip, its first characters kept); the
message gone, the line is whole again."""

from __future__ import annotations

import pytest
from gui_keys import open_window
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext

#: QStatusBar paints its message from 6 px to 2 px before the first permanent widget.
MESSAGE_MARGINS = 8
MESSAGE = "收據 H01-01-115-R000287：收 15 元，找零 0 元"


@pytest.mark.usefixtures("screen_font")
def test_a_message_is_whole_in_the_status_bar_at_683(ctx: GuiContext, qtbot: QtBot) -> None:
    window = open_window(qtbot, ctx)
    window.resize(683, 384)
    label, bar = window.operator_label, window.statusBar()
    qtbot.waitUntil(lambda: label.text().startswith("承辦人："))
    whole = label.text()
    assert label.width() >= QFontMetrics(label.font()).horizontalAdvance(whole)
    ctx.status_message.emit(MESSAGE)
    qtbot.waitUntil(lambda: bar.currentMessage() == MESSAGE)
    wanted = QFontMetrics(bar.font()).horizontalAdvance(MESSAGE)
    qtbot.waitUntil(lambda: label.x() - MESSAGE_MARGINS >= wanted, timeout=2000)
    # the operator's line still there, its first characters and the whole in its tooltip
    assert label.isVisible() and label.text().startswith("承辦") and label.toolTip() == whole
    bar.clearMessage()
    qtbot.waitUntil(lambda: label.text() == whole, timeout=2000)
