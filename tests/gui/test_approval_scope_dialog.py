"""A supervisor whose scope does not take in the case's service is refused where the approval
meets its case (services/approvals.py); the approval dialog then opens again saying why, the
reason as typed, for another supervisor: it had closed, the refusal went to the status bar, and
the void had to be asked for from the start. Driven from the keyboard, offscreen."""

from __future__ import annotations

from typing import Any

from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts
from factories import request
from gui_keys import open_window, press, type_text
from operator_support import chose_own
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from eservice_desktop.domain.operators import Role
from eservice_desktop.gui.approval import ApprovalDialog, run_with_approval
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases, intake, operators, payments

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"
OTHER, OTHER_PASSWORD = "super05", "super-secret-5"


def _paid_case_and_a_supervisor_of_another_service(app: Any) -> tuple[str, str]:
    """A 戶籍謄本 (HR-TRANSCRIPT) case paid at the counter, its receipt, and OTHER: a supervisor
    whose scope is 戶口名簿 (HR-HOUSEHOLD-BOOK) only, with a password of their own."""
    add_accounts(app)
    admin = app.operator
    operators.create_operator(
        app, OTHER, "張主管", [Role.SUPERVISOR], OTHER_PASSWORD, departments=["HR-HOUSEHOLD-BOOK"]
    )
    chose_own(app, OTHER)
    app.operator = admin
    number = intake.intake(app, request(copies=2)).case_number
    return number, payments.record_payment(app, number, "cash", 30).receipt_number


def _dialog(qtbot: Any, page: Any, old: object = None) -> ApprovalDialog:
    qtbot.waitUntil(
        lambda: (
            isinstance(page.findChild(ApprovalDialog), ApprovalDialog)
            and page.findChild(ApprovalDialog) is not old
            and page.findChild(ApprovalDialog).isVisible()
        ),
        timeout=20000,
    )
    dialog = page.findChild(ApprovalDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def test_an_approver_out_of_scope_is_told_in_the_dialog_and_another_approves(
    qtbot: Any, ctx: GuiContext
) -> None:
    app = ctx.app
    number, receipt = _paid_case_and_a_supervisor_of_another_service(app)
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    done: list[object] = []
    failed: list[object] = []
    run_with_approval(
        ctx, page, payments.void_receipt, app, receipt, "金額誤收",
        approval_reason="金額誤收", on_done=done.append, on_error=failed.append,
    )  # fmt: skip
    dialog = _dialog(qtbot, page)
    dialog.account.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.account)
    type_text(OTHER)
    press(Qt.Key.Key_Return)
    type_text(OTHER_PASSWORD)
    press(Qt.Key.Key_Tab)
    dialog.reason.selectAll()
    type_text("收款金額打錯")  # the supervisor's own words
    press(Qt.Key.Key_Return)

    again = _dialog(qtbot, page, dialog)
    assert "業務範圍" in again.message.text() and "HR-TRANSCRIPT" in again.message.text()
    assert again.reason.text() == "收款金額打錯"  # kept as typed
    assert not done and not failed
    assert [r.status for r in payments.receipts_of_case(app, number)] == ["valid"]
    again.account.setFocus()
    again.account.selectAll()
    type_text(SUPERVISOR)
    press(Qt.Key.Key_Return)
    type_text(SUPERVISOR_PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert not failed
    events = cases.show_case(app, number).events
    approval = next(e for e in events if e["type"] == "case.approval_granted")
    assert approval["payload"]["approved_by"] == SUPERVISOR
    assert approval["payload"]["reason"] == "收款金額打錯"


def test_esc_on_the_dialog_opened_again_leaves_the_request_refused(
    qtbot: Any, ctx: GuiContext
) -> None:
    app = ctx.app
    number, receipt = _paid_case_and_a_supervisor_of_another_service(app)
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    failed: list[Any] = []
    run_with_approval(
        ctx, page, payments.void_receipt, app, receipt, "金額誤收",
        approval_reason="金額誤收", on_error=failed.append,
    )  # fmt: skip
    dialog = _dialog(qtbot, page)
    dialog.account.setText(OTHER)
    dialog.password.setText(OTHER_PASSWORD)
    dialog.submit()
    again = _dialog(qtbot, page, dialog)
    again.account.setFocus()
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(failed), timeout=20000)
    assert failed[0].code == "auth.approval_required"
    assert [r.status for r in payments.receipts_of_case(app, number)] == ["valid"]
    assert not isValid(again) or not again.isVisible()


def test_the_windows_reprint_check_refuses_an_approver_out_of_scope_before_printing(
    ctx: GuiContext,
) -> None:
    """``qt_print.reprint_allowed`` (the page's check on its writer before the print dialog)
    returned any approval the dialog had checked: the receipt went to the printer, and its
    record was refused after."""
    import pytest

    from eservice_desktop.domain.errors import AuthError
    from eservice_desktop.gui.qt_print import reprint_allowed
    from eservice_desktop.services.approvals import Approval

    app = ctx.app
    _number, receipt = _paid_case_and_a_supervisor_of_another_service(app)
    payments.confirm_printed(app, receipt)
    payments.confirm_printed(app, receipt, "遺失")
    with pytest.raises(AuthError) as refused:
        reprint_allowed(app, receipt, "又遺失", Approval(OTHER, OTHER_PASSWORD))
    assert (refused.value.reason, refused.value.field) == ("auth.forbidden", "approver")
    approval = Approval(SUPERVISOR, SUPERVISOR_PASSWORD)
    assert reprint_allowed(app, receipt, "又遺失", approval) is approval


def test_the_pages_dialog_refuses_an_approver_out_of_scope_at_once(
    qtbot: Any, ctx: GuiContext
) -> None:
    """The payment page's void names its case to the dialog, whose check (``approvals.check``)
    refuses a supervisor out of the case's scope in place, the password and reason kept: it
    took them, closed, the void was refused by its write, and a second dialog opened to say so."""
    from eservice_desktop.gui.payment_page import PaymentPage

    app = ctx.app
    number, receipt = _paid_case_and_a_supervisor_of_another_service(app)
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    assert isinstance(page, PaymentPage)
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None and page.void_btn.isEnabled(), timeout=20000)
    page.receipts_table.selectRow(0)
    page.ask_text = lambda _title, _label: "金額誤收"  # type: ignore[method-assign]
    page.void_selected()
    dialog = _dialog(qtbot, page)
    dialog.account.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.account)
    type_text(OTHER)
    press(Qt.Key.Key_Return)
    type_text(OTHER_PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "業務範圍" in dialog.message.text(), timeout=20000)
    assert isValid(dialog) and dialog.isVisible()  # the same dialog, never closed
    assert "HR-TRANSCRIPT" in dialog.message.text()
    assert dialog.reason.text() == "金額誤收"
    assert page.findChildren(ApprovalDialog) == [dialog]
    assert payments.get_receipt(app, receipt).status == "valid"
    # in the refusal's words (not 沒有核准權限（需主管）: it is a supervisor), and the account
    # to be typed over by another
    assert "沒有核准權限" not in dialog.message.text()
    assert QApplication.focusWidget() is dialog.account
    assert dialog.account.selectedText() == OTHER and dialog.password.text() == ""
    type_text(SUPERVISOR)
    press(Qt.Key.Key_Return)
    type_text(SUPERVISOR_PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: payments.get_receipt(app, receipt).status == "void", timeout=20000)
