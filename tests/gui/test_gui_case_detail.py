"""Case detail: the timeline grows with each action and the deadline text follows."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail
from PySide6.QtWidgets import QApplication

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import payments


def test_supplement_record_close_update_the_timeline(qtbot, ctx: GuiContext):
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)  # paid at the counter
    paid = [ev.RECEIVED, ev.FEE_ASSESSED, ev.PAYMENT_RECORDED]
    changed: list[str] = []
    ctx.case_changed.connect(changed.append)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(lambda: detail.timeline_types() == paid, timeout=3000)
    assert detail.status_label.text() == "收件"
    assert detail.deadline_label.text() == "到期日 民國115年3月10日（剩 1 個工作天）"
    assert detail.applicant_label.text() == "王小明　A12345****"
    assert detail.timeline.item(0, 0).text() == "115/03/10 10:00:00"
    assert not detail.received_button.isEnabled()

    # A reason is required before asking for a supplement.
    detail.supplement_button.click()
    assert detail.error_label.text() == "請先輸入理由"
    assert detail.timeline_types() == paid

    detail.reason_edit.setText("缺少委託書")
    detail.supplement_button.click()
    qtbot.waitUntil(lambda: len(detail.timeline_types()) == 4, timeout=3000)
    assert detail.timeline_types()[-1] == ev.SUPPLEMENT_REQUESTED
    assert detail.status_label.text() == "補正中"
    assert detail.deadline_label.text() == "補正中，期限暫停（缺少委託書）"
    assert detail.timeline.item(3, 4).text() == "缺少委託書"
    assert detail.timeline.item(3, 2).text() == "tester"
    assert not detail.close_button.isEnabled()

    detail.received_button.click()
    qtbot.waitUntil(lambda: len(detail.timeline_types()) == 5, timeout=3000)
    assert detail.timeline_types()[-1] == ev.SUPPLEMENT_RECEIVED
    assert detail.close_button.isEnabled() and detail.close_reason.text() == ""

    detail.close_button.click()
    qtbot.waitUntil(lambda: len(detail.timeline_types()) == 6, timeout=3000)
    assert detail.timeline_types()[-1] == ev.CLOSED
    assert detail.status_label.text() == "結案"
    assert "已辦結" in detail.deadline_label.text()
    assert not detail.reject_button.isEnabled()
    assert changed == [number] * 3


def test_reject_shows_reason_and_refuses_a_second_time(qtbot, ctx: GuiContext):
    number = new_case(ctx.app)
    _window, detail = open_case_detail(qtbot, ctx, number)
    detail.reason_edit.setText("申請人非權利人")
    detail.reject_button.click()
    qtbot.waitUntil(lambda: detail.status_label.text() == "駁回", timeout=3000)
    assert detail.timeline.item(2, 4).text() == "申請人非權利人"
    # Forcing a second action through shows the domain's refusal in zh-TW beside the buttons.
    detail.reason_edit.setText("再次駁回")
    detail.reject_case()
    qtbot.waitUntil(lambda: detail.error_label.text() != "", timeout=3000)
    assert detail.timeline_types() == [ev.RECEIVED, ev.FEE_ASSESSED, ev.REJECTED]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail.error_label.text())


def test_a_change_made_elsewhere_refreshes_the_detail(qtbot, ctx: GuiContext):
    from eservice_desktop.services import cases

    number = new_case(ctx.app)
    _window, detail = open_case_detail(qtbot, ctx, number)
    payments.record_payment(ctx.app, number, "cash", 15)  # e.g. another page's write
    cases.close_case(ctx.app, number)
    ctx.case_changed.emit(number)
    done = [ev.RECEIVED, ev.FEE_ASSESSED, ev.PAYMENT_RECORDED, ev.CLOSED]
    qtbot.waitUntil(lambda: detail.timeline_types() == done, timeout=3000)


def test_close_is_disabled_with_the_fee_beside_it_and_f6_takes_the_payment(qtbot, ctx: GuiContext):
    from PySide6.QtCore import Qt

    number = new_case(ctx.app, copies=2)
    window, detail = open_case_detail(qtbot, ctx, number)
    assert detail.status_label.text() == "待繳費"
    assert detail.close_reason.text() == "尚有規費 30 元未繳，請按 F6 收費；未繳結案須主管核准"
    detail.close_case()  # the domain refuses; only a supervisor's approval would close it
    qtbot.waitUntil(lambda: detail.findChild(ApprovalDialog) is not None, timeout=3000)
    detail.findChild(ApprovalDialog).reject()  # nobody approves: nothing is written
    qtbot.waitUntil(lambda: detail.error_label.text() != "", timeout=3000)
    window.activateWindow()  # offscreen: no window manager gives the activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert "30" in detail.error_label.text()
    assert ev.CLOSED not in detail.timeline_types()

    qtbot.keyClick(window, Qt.Key.Key_F6)
    page = window.current_page()
    assert page is not None and page.objectName() == "payment_page"
    qtbot.waitUntil(lambda: page.current is not None, timeout=3000)
    assert page.current.view.case_number == number
    assert page.amount_spin.value() == 30
