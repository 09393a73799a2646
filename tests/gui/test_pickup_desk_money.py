"""The pickup desk and money: scan -> handover in at most two keys, the previous citizen's
collector forgotten after each handover, nothing handed over unpaid, and F6 from the desk takes
the payment of the case on the desk (keyboard only, no mouse)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import cases, payments, pickup_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from approvals_support import add_accounts, supervisor_approval
from gui_keys import open_window
from keystrokes import burst
from pickup_support import County, ready_case


class Keys:
    """Every key the clerk presses goes through here, so the test can count them."""

    def __init__(self, qtbot: QtBot, window: QWidget) -> None:
        self.qtbot = qtbot
        self.window = window
        self.count = 0

    def press(self, key: Qt.Key, text: str = "") -> None:
        self.count += 1
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, key)
        self.qtbot.wait(80)  # a person's pace (the desk tells people from scanners by it)

    def type(self, text: str) -> None:
        """Typed text (a name, an ID) is not counted as key presses."""
        target = QApplication.focusWidget() or self.window
        if text.isascii():
            for ch in text:
                self.qtbot.keyClick(target, ch)
                self.qtbot.wait(60)
        else:
            from PySide6.QtGui import QInputMethodEvent

            ev = QInputMethodEvent("", [])
            ev.setCommitString(text)
            QApplication.sendEvent(target, ev)


def scanner(text: str) -> None:
    """A keyboard-wedge scanner: a burst into whatever has the focus, Enter at the end."""
    widget = QApplication.focusWidget()
    assert widget is not None
    burst(widget, text)


@pytest.fixture
def county(ctx: GuiContext) -> County:
    c = County()
    pickup_keys.import_county_keys(ctx.app, c.document())
    return c


def desk_of(window: MainWindow) -> PickupDesk:
    page = window.pages["eservice_desktop.gui.pickup_desk"]
    assert isinstance(page, PickupDesk)
    return page


def test_scan_to_handover_in_at_most_two_keys_and_the_collector_is_forgotten(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    first, first_token = ready_case(ctx.app, county)
    second, second_token = ready_case(ctx.app, county, applicant_id="B123456780")
    window = open_window(qtbot, ctx)
    keys = Keys(qtbot, window)
    keys.press(Qt.Key.Key_F8)
    desk = desk_of(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan_edit, timeout=3000)

    # First citizen: collected by a proxy.
    scanner(first_token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    desk.proxy_check.setFocus()
    keys.press(Qt.Key.Key_Space)  # 由他人代領
    assert desk.proxy_check.isChecked()
    keys.press(Qt.Key.Key_Tab)
    keys.type("陳大文")
    keys.press(Qt.Key.Key_Tab)
    keys.type("F131104093")
    keys.press(Qt.Key.Key_Tab)
    keys.type("配偶")
    desk.confirm_button.setFocus()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    assert cases.load_case(ctx.app, first).picked_up_by["name"] == "陳大文"
    # the previous citizen's collector is gone, and the desk waits for the next scan
    assert not desk.proxy_check.isChecked()
    assert (desk.proxy_name.text(), desk.proxy_id.text(), desk.proxy_relation.text()) == ("",) * 3
    assert QApplication.focusWidget() is desk.scan_edit

    # Second citizen, in person: scan, then one key.
    keys.count = 0
    scanner(second_token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=3000)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    assert cases.load_case(ctx.app, second).picked_up_by == {"self": True}
    assert keys.count <= 2, keys.count
    print(f"\nscan -> handover: {keys.count} key press(es)")


def test_unpaid_case_is_refused_beside_the_button_and_f6_takes_its_payment(
    ctx: GuiContext, qtbot: QtBot, county: County, tmp_path: Path
) -> None:
    number, token = ready_case(ctx.app, county)
    add_accounts(ctx.app)
    receipt = payments.last_receipt_number(ctx.app, number)
    payments.refund(ctx.app, receipt, 15, "誤收退還", approval=supervisor_approval())
    window = open_window(qtbot, ctx)
    keys = Keys(qtbot, window)
    keys.press(Qt.Key.Key_F8)
    desk = desk_of(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan_edit, timeout=3000)
    scanner(token)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=10000)
    assert desk.result is not None and desk.result.reason == "fees_due"
    # 確認交付 would ask a supervisor's approval (tests/gui/test_gui_approvals.py); Enter does not
    assert QApplication.focusWidget() is not desk.confirm_button
    assert desk.confirm_reason.text() == "尚有規費 15 元未繳：按 F6 收費，或經主管核准交付"
    assert "15" in desk.message_label.text()
    assert "「規費收費」" in desk.message_label.text()  # the window's remedy, not the CLI's
    assert "payment" not in desk.message_label.text()

    keys.press(Qt.Key.Key_F6)  # the payment page, for the case on the desk
    page = window.current_page()
    assert isinstance(page, PaymentPage)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=tmp_path / "r.pdf")
    qtbot.waitUntil(lambda: page.current is not None, timeout=10000)
    assert page.current is not None and page.current.view.case_number == number
    assert page.amount_spin.value() == 15 and page.pay_btn.isEnabled()
    keys.press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: cases.load_case(ctx.app, number).balance == 0, timeout=10000)

    keys.press(Qt.Key.Key_F8)  # back at the desk: checked again, now it can be handed over
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    assert desk.confirm_reason.text() == ""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=3000)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    assert cases.load_case(ctx.app, number).lifecycle == "picked_up"
    ctx.tasks.wait_idle()


def test_a_proxys_details_typed_without_ticking_the_box_are_refused_and_kept(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    number, token = ready_case(ctx.app, county)
    window = open_window(qtbot, ctx)
    keys = Keys(qtbot, window)
    keys.press(Qt.Key.Key_F8)
    desk = desk_of(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan_edit, timeout=3000)
    scanner(token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    # the proxy's name, ID and relation typed, 由他人代領 forgotten
    desk.proxy_name.setFocus()
    keys.type("陳大文")
    keys.press(Qt.Key.Key_Tab)
    keys.type("F131104093")
    keys.press(Qt.Key.Key_Tab)
    keys.type("配偶")
    desk.confirm_button.setFocus()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "由他人代領" in desk.message_label.text(), timeout=5000)
    assert desk.message_label.text() == (
        "已填寫代領人資料，但未勾選「由他人代領」：請勾選，或清除代領人欄位"
    )
    qtbot.wait(300)  # nothing is handed over, as the applicant in person or anyone
    assert cases.load_case(ctx.app, number).status == "ready_for_pickup"
    assert (desk.proxy_name.text(), desk.proxy_id.text(), desk.proxy_relation.text()) == (
        "陳大文",
        "F131104093",
        "配偶",
    )
    assert QApplication.focusWidget() is desk.proxy_check
    keys.press(Qt.Key.Key_Space)  # ticked: the same entry now hands over to the proxy
    desk.confirm_button.setFocus()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    by = cases.load_case(ctx.app, number).picked_up_by
    assert by["self"] is False and by["name"] == "陳大文" and by["relation"] == "配偶"


def test_a_proxy_typed_for_one_citizen_is_not_recorded_on_the_next_citizens_handover(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    first, first_token = ready_case(ctx.app, county)
    second, second_token = ready_case(ctx.app, county, applicant_id="B123456780")
    window = open_window(qtbot, ctx)
    keys = Keys(qtbot, window)
    keys.press(Qt.Key.Key_F8)
    desk = desk_of(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan_edit, timeout=3000)
    scanner(first_token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    desk.proxy_check.setFocus()
    keys.press(Qt.Key.Key_Space)  # 由他人代領, for the first citizen, who then walks away
    keys.press(Qt.Key.Key_Tab)
    keys.type("陳大文")
    keys.press(Qt.Key.Key_Tab)
    keys.type("F131104093")
    # the same code scanned again (the phone held up twice) keeps what was typed
    scanner(first_token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    assert desk.proxy_check.isChecked() and desk.proxy_name.text() == "陳大文"
    # the next citizen, in person: the proxy typed for the first is not theirs
    scanner(second_token)
    qtbot.waitUntil(
        lambda: desk.result is not None and desk.result.case_number == second, timeout=10000
    )
    assert not desk.proxy_check.isChecked()
    assert (desk.proxy_name.text(), desk.proxy_id.text(), desk.proxy_relation.text()) == ("",) * 3
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=3000)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    assert cases.load_case(ctx.app, second).picked_up_by == {"self": True}
    assert cases.load_case(ctx.app, first).status == "ready_for_pickup"


def test_a_scan_while_a_supervisor_approves_a_handover_does_not_take_the_screen(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    """The approval names the case, and the next citizen's code (a serial scanner or the
    camera still read while the dialog is open) does not replace the case on screen while its
    documents are being approved and handed over."""
    from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD

    from eservice_desktop.gui.approval import ApprovalDialog

    number, token = ready_case(ctx.app, county)
    other, other_token = ready_case(ctx.app, county, applicant_id="B123456780")
    add_accounts(ctx.app)
    receipt = payments.last_receipt_number(ctx.app, number)
    payments.refund(ctx.app, receipt, 15, "誤收退還", approval=supervisor_approval())
    window = open_window(qtbot, ctx)
    Keys(qtbot, window).press(Qt.Key.Key_F8)
    desk = desk_of(window)
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=10000)
    assert desk.result is not None and desk.result.reason == "fees_due"
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: len(desk.findChildren(ApprovalDialog)) == 1, timeout=10000)
    dialog = desk.findChildren(ApprovalDialog)[0]
    assert number in dialog.what.text() and "payment" not in dialog.what.text()

    desk.scan(other_token)  # the next citizen's phone in front of the camera
    qtbot.wait(300)
    assert desk.result is not None and desk.result.case_number == number
    assert desk.case_labels["case_number"].text() == number

    dialog.account.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)
    dialog.reason.setText("民眾急用，次日補繳")
    dialog.submit()
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    assert desk.result.case_number == number
    assert cases.load_case(ctx.app, other).lifecycle == "ready_for_pickup"
    desk.scan(other_token)  # once handed over, the next citizen's code is taken
    qtbot.waitUntil(
        lambda: desk.result is not None and desk.result.case_number == other, timeout=10000
    )


def test_a_short_code_handed_over_with_a_supervisor_s_approval_leaves_the_field_free(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    """A short code read out for a case with fees due is refused (fees_due) and stays in the
    field; a supervisor approved and the documents went: the code stayed there, the focus on
    it, and the next citizen's short code was typed onto its end and refused as malformed."""
    from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD
    from keystrokes import HUMAN_MS, keys

    from eservice_desktop.domain import pickup_token as pt
    from eservice_desktop.gui.approval import ApprovalDialog

    number, token = ready_case(ctx.app, county)
    other, other_token = ready_case(ctx.app, county, "0815", applicant_id="B123456780")
    add_accounts(ctx.app)
    receipt = payments.last_receipt_number(ctx.app, number)
    payments.refund(ctx.app, receipt, 15, "誤收退還", approval=supervisor_approval())
    window = open_window(qtbot, ctx)
    Keys(qtbot, window).press(Qt.Key.Key_F8)
    desk = desk_of(window)
    keys(desk.scan_edit, pt.short_code(token), HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=10000)
    assert desk.result is not None and desk.result.reason == "fees_due"
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: len(desk.findChildren(ApprovalDialog)) == 1, timeout=10000)
    dialog = desk.findChildren(ApprovalDialog)[0]
    dialog.account.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)
    dialog.reason.setText("民眾急用，次日補繳")
    dialog.submit()
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=10000)
    assert desk.result.case_number == number
    assert desk.scan_edit.text() == ""

    desk.result = None
    desk.scan_edit.setFocus()
    keys(desk.scan_edit, pt.short_code(other_token), HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=10000)
    assert desk.result.ok and desk.result.case_number == other
