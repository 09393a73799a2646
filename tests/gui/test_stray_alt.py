"""An Alt+letter that no key of the window takes types nothing: Qt on X11 typed the letter into
the focused field, so Alt+Q in 申請人姓名 stored 王小明q (and the receipt printed it). The
window's own Alt+letters still do what they do."""

from __future__ import annotations

from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import INTAKE_PAGE

ALT = Qt.KeyboardModifier.AltModifier


def test_an_unbound_alt_letter_types_nothing_and_a_bound_one_still_acts(
    ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    qtbot.waitUntil(lambda: window.current_page() is form)
    name = form.applicant_name  # type: ignore[attr-defined]
    name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name)
    type_text("王小明")
    for key in (Qt.Key.Key_Q, Qt.Key.Key_Z, Qt.Key.Key_J):
        press(key, ALT)
    assert name.text() == "王小明"
    press(Qt.Key.Key_M, ALT)  # 手機(&M)
    assert QApplication.focusWidget() is form.phone  # type: ignore[attr-defined]
    type_text("0912")
    press(Qt.Key.Key_X, ALT | Qt.KeyboardModifier.ShiftModifier)
    assert form.phone.text() == "0912"  # type: ignore[attr-defined]
