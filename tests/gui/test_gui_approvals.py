"""Issue 13's last exceptions in the counter window: a receipt's second reprint (payment page),
handing over with fees still due (pickup desk) and an intake after a long time without sync
(intake form) ask a supervisor on this counter in the approval dialog, from the keyboard; the
signed-in clerk cannot approve, a wrong password is refused with its reason, and nothing typed
is lost. The grant and the use case run on the TaskRunner's workers."""

from __future__ import annotations

import json
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from eservice_desktop.gui import qt_print
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.main_window import INTAKE_PAGE
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import cases, intake, payments, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import set_state
from eservice_desktop.storage import repo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts, supervisor_approval
from factories import request
from pickup_support import County, ready_case

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"
PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"
SELF = "不能核准自己的申請：請另一位主管輸入自己的帳號與密碼。"
WRONG = "主管帳號或密碼不正確。"


def _dialog(qtbot: QtBot, parent: QWidget) -> ApprovalDialog:
    """The approval dialog open over ``parent`` (one at a time: a closed one is deleted)."""

    def shown() -> list[ApprovalDialog]:
        return [d for d in parent.findChildren(ApprovalDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=20000)
    dialog = shown()[0]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.account.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.account)
    return dialog


def _approve_by_keys(qtbot: QtBot, dialog: ApprovalDialog, done: Any) -> None:
    """The clerk tries their own account, then the supervisor mistypes, then gets it right:
    every refusal stays in the dialog with its reason and nothing is done before the last."""
    type_text("tester")  # the signed-in operator
    press(Qt.Key.Key_Return)
    assert dialog.message.text() == SELF
    assert not done()
    type_text(SUPERVISOR)  # replaces the selected account
    press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.password
    type_text("wrong-password")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == WRONG, timeout=20000)
    assert not done()
    type_text(SUPERVISOR_PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(done, timeout=20000)
    qtbot.waitUntil(lambda: not isValid(dialog))  # closed, and deleted with it


def _approval_for(app: App, number: str, event_type: str) -> dict[str, Any]:
    events = cases.show_case(app, number).events
    i = next(i for i, e in enumerate(events) if e["type"] == event_type)
    assert events[i - 1]["type"] == "case.approval_granted"
    return dict(events[i - 1]["payload"])


def _record_threads(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """Which thread runs ``module.name`` (the use case must not run on the UI thread)."""
    seen: list[str] = []
    real = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_a_second_reprint_asks_a_supervisor_before_anything_is_printed(
    ctx: GuiContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ctx.app
    add_accounts(app)
    number = intake.intake(app, request()).case_number
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    payments.confirm_printed(app, receipt)  # printed
    payments.confirm_printed(app, receipt, "民眾遺失")  # reprinted once: only a reason
    threads = _record_threads(monkeypatch, payments, "confirm_printed")
    out = tmp_path / "again.pdf"
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    assert isinstance(page, PaymentPage)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=out)
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None and page.print_btn.isEnabled(), timeout=20000)
    page.receipts_table.selectRow(0)
    page.ask_text = lambda _title, _label: "再次遺失"  # type: ignore[method-assign]
    page.print_selected()
    dialog = _dialog(qtbot, page)
    assert "再次補印收據" in dialog.what.text() and dialog.reason.text() == "再次遺失"
    assert not out.exists()  # nothing printed before the approval

    def reprinted() -> bool:
        return [e["type"] for e in _events(app, number)].count("case.receipt_reprinted") == 2

    _approve_by_keys(qtbot, dialog, lambda: out.exists() and reprinted())
    approval = _approval_for_last(app, number)
    assert approval["action"] == "reprint" and approval["target"] == receipt
    assert (approval["approved_by"], approval["requested_by"]) == (SUPERVISOR, "tester")
    assert threads and "MainThread" not in threads

    # cancelled: nothing printed, nothing recorded
    count = len(_events(app, number))
    out.unlink()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(page.print_btn.isEnabled, timeout=20000)
    page.receipts_table.selectRow(0)
    assert page.selected_receipt() is not None
    page.print_selected()
    _dialog(qtbot, page).reject()
    qtbot.wait(200)
    assert not out.exists() and len(_events(app, number)) == count


def _events(app: App, number: str) -> list[dict[str, Any]]:
    return list(cases.show_case(app, number).events)


def _approval_for_last(app: App, number: str) -> dict[str, Any]:
    events = _events(app, number)
    assert events[-1]["type"] == "case.receipt_reprinted"
    assert events[-2]["type"] == "case.approval_granted"
    return dict(events[-2]["payload"])


def test_handing_over_with_fees_due_is_approved_at_the_pickup_desk(
    ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ctx.app
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, token = ready_case(app, county)
    add_accounts(app)
    receipt = payments.last_receipt_number(app, number)
    payments.refund(app, receipt, 15, "誤收退還", approval=supervisor_approval())
    from eservice_desktop.services import pickup

    threads = _record_threads(monkeypatch, pickup, "handover")
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F8)
    desk = window.pages[PICKUP_PAGE]
    assert isinstance(desk, PickupDesk)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan_edit, timeout=5000)
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=20000)
    assert desk.result is not None and desk.result.reason == "fees_due"
    assert desk.confirm_reason.text() == "尚有規費 15 元未繳：按 F6 收費，或經主管核准交付"
    assert QApplication.focusWidget() is desk.scan_edit  # Enter alone never hands over unpaid
    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # 確認交付(&D)
    dialog = _dialog(qtbot, desk)
    assert "未繳" in dialog.what.text()
    dialog.reason.setText("")
    dialog.account.setFocus()

    def handed_over() -> bool:
        return desk.result is not None and desk.result.handed_over

    type_text(SUPERVISOR)
    press(Qt.Key.Key_Return)
    type_text(SUPERVISOR_PASSWORD)
    press(Qt.Key.Key_Return)
    assert dialog.message.text() == "請填寫核准理由。"  # handing over unpaid has no other reason
    assert QApplication.focusWidget() is dialog.reason
    type_text("民眾急用，次日補繳")
    dialog.account.setFocus()
    dialog.account.selectAll()
    _approve_by_keys(qtbot, dialog, handed_over)
    assert cases.load_case(app, number).lifecycle == "picked_up"
    approval = _approval_for(app, number, "case.picked_up")
    assert approval["action"] == "handover_with_balance"
    assert approval["reason"] == "民眾急用，次日補繳" and approval["target"] == number
    assert (approval["approved_by"], approval["requested_by"]) == (SUPERVISOR, "tester")
    assert threads and "MainThread" not in threads


def _stale(app: App, hours: int) -> None:
    now = app.now()
    at = (now - timedelta(hours=hours)).isoformat()
    with app.transaction() as s:
        set_state(s, "enrolled", json.dumps({"office": "H01", "at": at}), now)
        set_state(s, "last_success", at, now)


def _fill(form: IntakeForm) -> None:
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("林美玲")
    form._set_field_value("registered_address", "桃園市桃園區縣府路1號")
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")


def test_intake_after_a_long_sync_gap_is_approved_and_the_form_is_kept_until_then(
    ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ctx.app
    add_accounts(app)
    _stale(app, app.settings.sync_stale_approval_h + 5)
    threads = _record_threads(monkeypatch, intake, "intake_with_warnings")
    window = open_window(qtbot, ctx)
    form = window.pages[INTAKE_PAGE]
    assert isinstance(form, IntakeForm)
    window.show_page(INTAKE_PAGE)
    _fill(form)
    typed = form.state()

    def count() -> int:
        with app.reading() as s:
            return repo.count_cases(s)

    form.submit()
    dialog = _dialog(qtbot, form)
    assert "久未同步仍予收件" in dialog.what.text()
    dialog.reject()  # nobody approves: refused beside the form, everything typed is still there
    qtbot.waitUntil(lambda: "主管核准" in form.form_error.text(), timeout=20000)
    assert count() == 0 and form.state() == typed
    assert form.drafts.load() == typed  # the draft on disk too

    form.submit()
    dialog = _dialog(qtbot, form)
    assert dialog.reason.text() == "久未同步仍予收件"
    _approve_by_keys(qtbot, dialog, lambda: form.last_case is not None)
    assert form.last_case is not None and count() == 1
    number = form.last_case.case_number
    events = _events(app, number)
    assert [e["type"] for e in events[:2]] == ["case.received", "case.approval_granted"]
    approval = events[1]["payload"]
    assert approval["action"] == "stale_sync_intake" and approval["target"] == number
    assert (approval["approved_by"], approval["requested_by"]) == (SUPERVISOR, "tester")
    assert threads and "MainThread" not in threads
    assert form.drafts.load() is None  # a successful intake ends the draft
    # the case number is said with the warning that the office has not synced for long
    hours = int(app.settings.sync_stale_approval_h + 5)
    assert number in form.result_label.text()
    assert f"已 {hours} 小時未與縣府同步" in form.result_label.text()


def test_intake_a_day_without_sync_warns_beside_the_new_case_number(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    app = ctx.app
    _stale(app, int(app.settings.sync_stale_warn_h) + 2)
    window = open_window(qtbot, ctx)
    form = window.pages[INTAKE_PAGE]
    assert isinstance(form, IntakeForm)
    window.show_page(INTAKE_PAGE)
    _fill(form)
    form.submit()  # under the approval limit: no dialog, only the warning
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=20000)
    assert form.last_case is not None
    text = form.result_label.text()
    assert form.last_case.case_number in text
    assert f"已 {int(app.settings.sync_stale_warn_h) + 2} 小時未與縣府同步" in text
    first = form.last_case.case_number
    _stale(app, 1)  # synced an hour ago: the next intake says nothing of it
    _fill(form)
    form.submit()
    qtbot.waitUntil(
        lambda: form.last_case is not None and form.last_case.case_number != first, timeout=20000
    )
    assert "已收件" in form.result_label.text()
    assert "未與縣府同步" not in form.result_label.text()


def test_a_void_asks_in_the_counters_words_and_a_bad_reason_stays_in_the_dialog(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    """The dialog says what needs approving without the command line's flags; a reason no
    event may hold is refused in the dialog, beside the reason, before the password is tried,
    and what was typed stays."""
    app = ctx.app
    add_accounts(app)
    number = intake.intake(app, request()).case_number
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    assert isinstance(page, PaymentPage)
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None and page.void_btn.isEnabled(), timeout=20000)
    page.receipts_table.selectRow(0)
    page.ask_text = lambda _title, _label: "金額誤收"  # type: ignore[method-assign]
    page.void_selected()
    dialog = _dialog(qtbot, page)
    # and which receipt, for how much: the supervisor approved 「作廢收據」 seeing neither
    assert dialog.what.text() == f"「作廢收據」須經主管核准\n收據 {receipt} 作廢，金額 15 元"
    dialog.reason.setText("金額\u202e誤收")  # the supervisor's own reason, pasted
    type_text(SUPERVISOR)
    press(Qt.Key.Key_Return)
    type_text(SUPERVISOR_PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("核准理由"), timeout=20000)
    assert "U+202E" in dialog.message.text()
    assert dialog.isVisible() and QApplication.focusWidget() is dialog.reason
    assert dialog.reason.text() == "金額\u202e誤收" and dialog.password.text() != ""
    assert payments.get_receipt(app, receipt).status == "valid"
    dialog.reason.setText("金額誤收")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: payments.get_receipt(app, receipt).status == "void", timeout=20000)


def test_a_reprint_reason_that_cannot_be_kept_is_refused_before_printing(
    ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    app = ctx.app
    number = intake.intake(app, request()).case_number
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    payments.confirm_printed(app, receipt)
    out = tmp_path / "again.pdf"
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    assert isinstance(page, PaymentPage)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=out)
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None and page.print_btn.isEnabled(), timeout=20000)
    page.receipts_table.selectRow(0)
    page.ask_text = lambda _title, _label: "民眾遺失\x1b[2J"  # type: ignore[method-assign]
    page.print_selected()
    qtbot.waitUntil(lambda: page.last_error.startswith("重印原因"), timeout=20000)
    ctx.tasks.wait_idle()
    assert not out.exists()  # nothing printed that could not be recorded
    assert [e["type"] for e in _events(app, number)].count("case.receipt_reprinted") == 0


def test_an_exemption_or_a_reduction_names_the_case_and_the_money_it_lets_go(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    """The supervisor called over to the fees page read only 「規費減免或免徵」須經主管核准: which
    case, whose, and how much of the fee was waived, not a word (a void names its receipt and
    amount). A careless approval of a whole fee waived, the citizen's cash kept, looked like any
    other."""
    app = ctx.app
    add_accounts(app)
    exempted = intake.intake(app, request(copies=2)).case_number  # NT$30
    reduced = intake.intake(app, request(copies=3, applicant_name="林美玲")).case_number  # NT$45
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    assert isinstance(page, PaymentPage)
    for number, exempt, reduction, said in (
        (exempted, True, 0, f"案件 {exempted}（王○明）免徵，規費 30 元全免"),
        (reduced, False, 10, f"案件 {reduced}（林○玲）減免 10 元，規費 45 元減為 35 元"),
    ):
        page.load(number)
        qtbot.waitUntil(
            lambda n=number: (
                page.current is not None  # type: ignore[misc]
                and page.current.view.case_number == n
                and page.assess_btn.isEnabled()
            ),
            timeout=20000,
        )
        page.exempt_box.setChecked(exempt)
        page.reduction_spin.setValue(reduction)
        page.reason_combo.setCurrentIndex(1)
        page.assess()
        dialog = _dialog(qtbot, page)
        assert dialog.what.text() == f"「規費減免或免徵」須經主管核准\n{said}"
        type_text(SUPERVISOR)
        press(Qt.Key.Key_Return)
        type_text(SUPERVISOR_PASSWORD)
        press(Qt.Key.Key_Return)
        total = 0 if exempt else 35
        qtbot.waitUntil(
            lambda n=number, t=total: cases.show_case(app, n).fees_due == t,  # type: ignore[misc]
            timeout=20000,
        )
        qtbot.waitUntil(lambda d=dialog: not isValid(d), timeout=20000)  # type: ignore[misc]
