"""A refused action's words come into sight: Alt+A on a web case another counter had accepted
meanwhile was refused (本案已收件) under the action buttons, below the fold of a counter's
screen, and nothing else moved: the clerk saw nothing happen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gui_keys import open_case_detail, press
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea
from test_gui_online_queue import _pulled_web_case

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases


def test_a_refusal_below_the_fold_scrolls_into_sight(qtbot, ctx: GuiContext) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    number = _pulled_web_case(ctx, now - timedelta(hours=1), now + timedelta(days=2))
    window, detail = open_case_detail(qtbot, ctx, number)
    window.resize(1366, 700)
    qtbot.waitUntil(detail.accept_button.isEnabled, timeout=3000)
    cases.accept_case(ctx.app, number, "")  # another counter took it in meanwhile
    area = next(a for a in _areas(detail) if a.widget().isAncestorOf(detail))
    area.verticalScrollBar().setValue(0)
    detail.timeline.setFocus()
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    label = detail.error_label
    qtbot.waitUntil(lambda: label.text() != "", timeout=3000)

    def in_sight() -> bool:
        top = label.mapTo(area.viewport(), QPoint(0, 0)).y()
        return top >= 0 and top + label.height() <= area.viewport().height()

    qtbot.waitUntil(in_sight, timeout=3000)


def _areas(widget) -> list[QScrollArea]:  # type: ignore[no-untyped-def]
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            found.append(parent)
        parent = parent.parentWidget()
    return found
