"""Case detail: 更正申請人 (Alt+I) corrects the name and address typed at intake on the case on
screen, from the keyboard: the dialog names the case, a refusal is said in it with the field
focused and every text kept, Enter records it and the page shows the corrected name; a
finished case offers no correction."""

from __future__ import annotations

from factories import new_case
from gui_keys import closed, open_case_detail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases

ALT = Qt.KeyboardModifier.AltModifier


def test_alt_i_corrects_the_name_and_address_of_the_case_shown(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, name="林峰")
    new_case(ctx.app, name="陳大文", applicant_id="B123456780")  # another case, not shown
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.correct_button.isEnabled, timeout=3000)
    qtbot.keyClick(detail, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: row.dialog is not None and row.dialog.isVisible(), timeout=3000)
    dialog = row.dialog
    assert dialog is not None
    assert number in dialog.windowTitle()
    assert dialog.name_edit.text() == "林峰" and dialog.email_edit.text() == ""
    address = dialog.address_edits["registered_address"]
    assert address.text() == "桃園市桃園區中正路1號"
    qtbot.waitActive(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_N, ALT)
    assert QApplication.focusWidget() is dialog.name_edit
    dialog.name_edit.selectAll()
    dialog.name_edit.insert("林峯")  # as an input method commits it (keyClicks: Latin-1 only)
    qtbot.keyClick(dialog, Qt.Key.Key_1, ALT)
    assert QApplication.focusWidget() is address
    address.selectAll()
    address.insert("桃園市桃園區中正路11號")
    qtbot.keyClick(address, Qt.Key.Key_Return)  # no reason yet: refused in the dialog
    qtbot.waitUntil(lambda: "請輸入更正理由" in dialog.error_label.text(), timeout=3000)
    assert dialog.isVisible() and QApplication.focusWidget() is dialog.reason_edit
    assert (dialog.name_edit.text(), address.text()) == ("林峯", "桃園市桃園區中正路11號")
    assert ev.APPLICANT_CORRECTED not in detail.timeline_types()
    dialog.reason_edit.insert("姓名誤植，依身分證更正")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=3000)
    qtbot.waitUntil(lambda: detail.timeline_types()[-1:] == [ev.APPLICANT_CORRECTED], timeout=3000)
    state = cases.load_case(ctx.app, number)
    assert state.applicant_name == "林峯"
    assert state.fields["registered_address"] == "桃園市桃園區中正路11號"
    qtbot.waitUntil(lambda: "林峯" in detail.applicant_label.text(), timeout=3000)


def test_a_name_intake_refuses_is_said_with_the_text_kept(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, name="林峰")
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.correct_button.isEnabled, timeout=3000)
    qtbot.keyClick(detail, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: row.dialog is not None and row.dialog.isVisible(), timeout=3000)
    dialog = row.dialog
    assert dialog is not None
    dialog.name_edit.setText("林峯😀")
    dialog.reason_edit.setText("更正")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.error_label.text()), timeout=3000)
    assert "圖示或符號" in dialog.error_label.text()
    assert QApplication.focusWidget() is dialog.name_edit
    assert dialog.name_edit.selectedText() == "林峯😀" and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog), timeout=3000)
    assert cases.load_case(ctx.app, number).applicant_name == "林峰"


def test_a_cancelled_case_offers_no_correction(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app)
    cases.cancel_case(ctx.app, number, "民眾撤回申請")
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(lambda: detail.view is not None, timeout=3000)
    assert not detail.phone_row.correct_button.isEnabled()


def test_a_rare_character_no_font_prints_is_named_under_the_name(qtbot, ctx: GuiContext) -> None:
    """As at intake: the clerk correcting a look-alike to the rare character hears before the
    next receipt prints a code point for it."""
    number = new_case(ctx.app, name="王明")
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.correct_button.isEnabled, timeout=3000)
    qtbot.keyClick(detail, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: row.dialog is not None and row.dialog.isVisible(), timeout=3000)
    dialog = row.dialog
    assert dialog is not None
    dialog.name_edit.setText("王\U0002ebf0明")  # Ext-I: in no installed font
    qtbot.waitUntil(lambda: "[U+2EBF0]" in dialog.name_glyphs.text(), timeout=60_000)
    assert dialog.name_glyphs.isVisible() and "收據" in dialog.name_glyphs.text()
