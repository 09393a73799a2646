"""Tab runs down the case detail in the order its parts stand: the timeline, the attachments
and the look-up, the citizen notices, then the reason and the actions. The attachments were
built last and Tab reached them after 撤件 at the page's foot, jumping back up the page (and
over them on the way down, from the timeline straight to the notices)."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail, press
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from eservice_desktop.gui.context import GuiContext


def test_tab_runs_down_the_page(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, name="陳堃", copies=2)
    window, detail = open_case_detail(qtbot, ctx, number)
    window.resize(1366, 768)
    detail.timeline.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.timeline)
    stops: list[QWidget] = [detail.timeline]
    for _ in range(30):
        press(Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is None or not detail.isAncestorOf(focus):
            break
        stops.append(focus)
    names = [w.objectName() for w in stops]
    assert "attachments" in names and "cancel_button" in names, names
    tops = [w.mapTo(detail, QPoint(0, 0)).y() for w in stops]
    assert tops == sorted(tops), list(zip(names, tops, strict=True))
