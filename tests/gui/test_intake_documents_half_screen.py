"""The English intake form on half a screen or at 200 % (683 px: the page 404 px beside the
English identity dock), in the screen's font. A required document's check box stood on one
line whatever its length: "Letter of authorisation and the agent's national ID card (when
filed by an agent) (4)" was 521 px wide and the page scrolled sideways by 161 px. A long
check box now wraps its words, and stays one control: Space ticks it, a click on its words
ticks it, a screen reader reads it by its words."""

from __future__ import annotations

import pytest
from gui_keys import half_screen_intake, press
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QFontMetrics
from PySide6.QtWidgets import QCheckBox, QScrollArea
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext

LONG = "Letter of authorisation and the agent's national ID card (when filed by an agent)"


@pytest.mark.usefixtures("english")
def test_a_long_required_document_wraps_on_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    page = half_screen_intake(qtbot, ctx)
    combo = page.service_combo  # type: ignore[attr-defined]
    combo.setCurrentIndex(combo.findData("HR-HOUSEHOLD-BOOK"))
    boxes: dict[str, QCheckBox] = page.document_boxes  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(boxes) == 4)
    qtbot.wait(50)  # laid out again
    holder = page.findChild(QScrollArea)  # the form's own column
    assert holder is not None
    assert holder.horizontalScrollBar().maximum() == 0, (
        page.minimumSizeHint(),
        holder.viewport().width(),
    )
    box = next(b for b in boxes.values() if b.text().startswith(LONG))
    holder.ensureWidgetVisible(box)
    metrics = QFontMetrics(box.font())
    line = metrics.lineSpacing()
    assert metrics.horizontalAdvance(box.text()) > box.width()  # it does not fit one line
    assert box.height() >= 2 * line  # and keeps the lines it wraps onto
    right = box.mapTo(holder.viewport(), box.rect().topRight()).x()
    assert right < holder.viewport().width()
    # one control: a reader names it by its words, Space ticks it, a click on them too
    iface = QAccessible.queryAccessibleInterface(box)
    assert iface.role() == QAccessible.Role.CheckBox
    assert iface.text(QAccessible.Text.Name) == f"{LONG} (4)"  # its Alt key: Alt+4
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    words_second_line = QPoint(box.width() // 2, box.height() - line // 2)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=words_second_line)
    assert not box.isChecked()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    press(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)  # its Alt key, from anywhere on the form
    qtbot.waitUntil(box.isChecked)
    assert box.hasFocus()
