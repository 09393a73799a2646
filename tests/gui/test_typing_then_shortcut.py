"""Keys typed faster than a person types are held for a moment as a possible scan
(gui/barcode_wedge.py). A shortcut pressed right after them (Ctrl+Enter sends the intake) acted
on the field without them: the intake stored WANG XIAO for WANG XIAO MING typed, and the held
keys then went to a field the cleared form had deleted, an unexpected error for the clerk."""

from __future__ import annotations

from gui_keys import open_window
from keystrokes import SCANNER_MS, keys
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.window_pages import INTAKE_PAGE


def _transcript_form(qtbot: QtBot, ctx: GuiContext) -> tuple[IntakeForm, QLineEdit]:
    """The intake page with a household transcript filled but for its address, which has the
    focus."""
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("林美玲")
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    address = form.field_widgets["registered_address"]
    assert isinstance(address, QLineEdit)
    address.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is address)
    return form, address


def test_ctrl_enter_right_after_typing_sends_every_key_typed(qtbot: QtBot, ctx: GuiContext) -> None:
    form, address = _transcript_form(qtbot, ctx)
    keys(address, "Lane 5 No 12", SCANNER_MS, enter=False)
    QTest.keyClick(address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    case = form.last_case
    assert case is not None
    assert case.fields["registered_address"] == "Lane 5 No 12"
    qtbot.wait(100)  # past the hold: nothing left to deliver, nothing raised


def test_keys_held_for_a_field_the_form_deleted_are_dropped_quietly(
    qtbot: QtBot, ctx: GuiContext
) -> None:
    """The service changed under held keys (the form rebuilds its service fields): the keys'
    field is gone, and nothing else has the focus; they are dropped, not sent to a deleted
    widget."""
    form, address = _transcript_form(qtbot, ctx)
    keys(address, "No 12", SCANNER_MS, enter=False)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-HOUSEHOLD-BOOK"))
    qtbot.waitUntil(lambda: not isValid(address), timeout=2000)
    focus = QApplication.focusWidget()
    if focus is not None:
        focus.clearFocus()
    qtbot.wait(150)  # the hold's timer fires; it raised in Qt's event loop before
