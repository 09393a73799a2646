"""A field the keyboard sends the focus to shows that it has it.

Qt's styles (Fusion, Windows) paint the focus ring of a drop-down, a button or a check box only
while the window is marked as moved by the keyboard, which Qt does for Tab and Alt+letter
alone. Enter on the intake form (on to the next field still to fill), a page key (F2, F8), or a
refusal putting the cursor back moved the focus with no ring anywhere: after Enter in 申請人姓名
the clerk saw no field taking the keys, and the next arrow changed 謄本種類 unseen.
"""

from __future__ import annotations

from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm


def _painted(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage()


def test_enter_to_the_next_drop_down_paints_its_focus_ring(qtbot, ctx: GuiContext) -> None:
    window = open_window(qtbot, ctx)
    window.resize(1024, 768)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setFocus()
    QTest.mouseClick(form.applicant_id, Qt.MouseButton.LeftButton)  # a click, then keys only
    type_text("A123456789")
    press(Qt.Key.Key_Return)
    type_text("WANG")
    press(Qt.Key.Key_Return)  # mobile and e-mail are optional: on to the address
    type_text("Taoyuan Rd 1")
    press(Qt.Key.Key_Return)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox) and not combo.isEditable()
    focused = _painted(combo)
    form.applicant_name.setFocus(Qt.FocusReason.TabFocusReason)
    assert not combo.hasFocus()
    assert _painted(combo) != focused, "the drop-down looked the same with the focus and without"
