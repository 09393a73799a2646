"""Fields of codes take the keys as typed: a Chinese IME left on turned a typed or scanned case
number into 注音 (H is ㄘ, 1 is ㄅ) on the fees page, and the intake's ID and phone alike; the
pickup desk's fields already had no input method. Names keep theirs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from eservice_desktop.gui.auth import LoginScreen
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.payment_page import PaymentPage


def _takes_keys_as_typed(edit: QLineEdit) -> bool:
    return not edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled) and bool(
        edit.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly
    )


def test_codes_have_no_input_method_and_names_keep_theirs(ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    intake, fees, login = IntakeForm(ctx), PaymentPage(ctx), LoginScreen(ctx)
    for page in (intake, fees, login):
        qtbot.addWidget(page)
    codes = [intake.applicant_id, intake.phone, fees.case_edit, fees.reference_edit, login.account]
    assert all(_takes_keys_as_typed(edit) for edit in codes)
    assert intake.applicant_name.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert intake.email.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)  # 中文網域
