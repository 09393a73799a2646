"""Case detail: the timeline grows with each action and the deadline text follows."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QWidget

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.case_supplement import Asked
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

    detail.ask_supplement = lambda *_: Asked([], None)  # type: ignore[method-assign]
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

    detail.confirm_end = lambda *_: True  # type: ignore[method-assign]  # the question: below
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
    detail.confirm_end = lambda *_: True  # type: ignore[method-assign]  # the question: below
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
    detail.confirm_end = lambda *_: True  # type: ignore[method-assign]  # the question: below
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


def test_an_action_while_the_next_case_loads_never_reaches_that_case(
    qtbot, ctx: GuiContext, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The clerk opens case B while A is on screen and the writer is busy (a sync round, a
    search): until B is shown, A's details stay and no action (reject by Alt+J, an
    attachment) may land on B, which the clerk has not seen yet."""
    import threading

    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtTest import QTest

    from eservice_desktop.services import case_attachments, cases

    first = new_case(ctx.app, name="王小明")
    second = new_case(ctx.app, name="林美玲", applicant_id="B123456780")
    _window, detail = open_case_detail(qtbot, ctx, first)
    qtbot.waitUntil(detail.reject_button.isEnabled, timeout=3000)
    detail.reason_edit.setText("申請人撤回")
    busy = threading.Event()
    ctx.tasks.run(busy.wait, 10)  # the writer is busy: B's view waits behind it
    ctx.open_case_requested.emit(second)
    assert detail.number_label.text() == first  # A is still what the clerk sees
    detail.reason_edit.setFocus()
    QTest.keyClick(detail.reason_edit, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    detail.reject_case()  # the handler itself, as a shortcut would call it
    picture = tmp_path / "scan.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    detail.dropEvent(drop)  # a scan dropped on the page meanwhile
    busy.set()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: detail.number_label.text() == second, timeout=3000)
    ctx.tasks.wait_idle()
    assert cases.show_case(ctx.app, second).status != "rejected"
    assert case_attachments.list_attachments(ctx.app, second) == []
    assert detail.reject_button.isEnabled()  # B is shown now: its actions are back


def test_a_reason_typed_while_the_write_is_on_its_way_is_kept(qtbot, ctx: GuiContext) -> None:
    """Nothing typed is lost: the write clears only the reason it sent; what the clerk typed
    after pressing the button (more words, or the next case's reason) stays in the field."""
    import threading

    from PySide6.QtCore import Qt

    number = new_case(ctx.app)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.supplement_button.isEnabled, timeout=3000)
    detail.ask_supplement = lambda *_: Asked([], None)  # type: ignore[method-assign]
    detail.reason_edit.setText("缺少委託書")
    busy = threading.Event()
    ctx.tasks.run(busy.wait, 10)  # the writer is busy: the request waits behind it
    detail.supplement_button.click()
    detail.reason_edit.setFocus()
    detail.reason_edit.end(False)
    qtbot.keyClicks(detail.reason_edit, " and ID copy")  # typed while the write is queued
    busy.set()
    qtbot.waitUntil(lambda: detail.status_label.text() == "補正中", timeout=3000)
    ctx.tasks.wait_idle()
    assert detail.deadline_label.text() == "補正中，期限暫停（缺少委託書）"
    assert detail.reason_edit.text() == "and ID copy"

    # A reason replaced while the write runs is the clerk's new text: it is kept whole.
    detail.reason_edit.setText("證件不符")
    busy.clear()
    ctx.tasks.run(busy.wait, 10)
    detail.received_button.click()
    detail.reason_edit.selectAll()
    qtbot.keyClick(detail.reason_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(detail.reason_edit, "wrong seal")
    busy.set()
    qtbot.waitUntil(lambda: detail.status_label.text() != "補正中", timeout=3000)
    ctx.tasks.wait_idle()
    assert detail.reason_edit.text() == "wrong seal"

    # Nothing typed after the write: the sent reason is cleared as before.
    detail.confirm_end = lambda *_: True  # type: ignore[method-assign]
    detail.reason_edit.setText("申請人撤回")
    detail.cancel_button.click()
    qtbot.waitUntil(lambda: detail.status_label.text() == "撤件", timeout=3000)
    assert detail.reason_edit.text() == ""


def test_an_action_pressed_twice_is_done_once_without_a_refusal(qtbot, ctx: GuiContext) -> None:
    """A key pressed twice before the write lands: the second press must not act on the state
    still on screen (and be refused beside the buttons); the actions wait for the reload."""
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.supplement_button.isEnabled, timeout=3000)
    detail.ask_supplement = lambda *_: Asked([], None)  # type: ignore[method-assign]
    detail.reason_edit.setText("缺少委託書")
    busy = threading.Event()
    ctx.tasks.run(busy.wait, 10)  # the writer is busy: the first request waits behind it
    detail.supplement_button.setFocus()
    QTest.keyClick(detail.supplement_button, Qt.Key.Key_Space)
    QTest.keyClick(detail.supplement_button, Qt.Key.Key_Space)
    detail.supplement_button.click()
    busy.set()
    qtbot.waitUntil(lambda: detail.status_label.text() == "補正中", timeout=3000)
    ctx.tasks.wait_idle()
    assert detail.timeline_types().count(ev.SUPPLEMENT_REQUESTED) == 1
    assert detail.error_label.text() == ""

    busy.clear()
    ctx.tasks.run(busy.wait, 10)
    detail.received_button.setFocus()
    QTest.keyClick(detail.received_button, Qt.Key.Key_Space)
    QTest.keyClick(detail.received_button, Qt.Key.Key_Space)
    busy.set()
    qtbot.waitUntil(detail.close_button.isEnabled, timeout=3000)
    ctx.tasks.wait_idle()
    assert detail.timeline_types().count(ev.SUPPLEMENT_RECEIVED) == 1
    assert detail.error_label.text() == ""

    busy.clear()
    ctx.tasks.run(busy.wait, 10)
    detail.confirm_end = lambda *_: True  # type: ignore[method-assign]  # the question: below
    detail.close_button.setFocus()
    QTest.keyClick(detail.close_button, Qt.Key.Key_Space)
    assert not detail.reject_button.isEnabled()  # nothing acts on the case before the close
    busy.set()
    qtbot.waitUntil(lambda: detail.status_label.text() == "結案", timeout=3000)
    ctx.tasks.wait_idle()
    assert detail.error_label.text() == ""
    assert detail.timeline_types()[-1] == ev.CLOSED


def _answer_question(
    qtbot,  # type: ignore[no-untyped-def]
    key: Qt.Key,
    seen: list[str],
    button: str = "",
) -> None:
    """Answers the next modal question with ``key`` once it is up (to its ``button`` when
    named, else to the question, as to its default button); its text goes to ``seen``."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(box.findChild(QLabel, "qt_msgbox_label").text())
        target = box.findChild(QPushButton, button) if button else box
        QTest.keyClick(target, key)

    QTimer.singleShot(0, answer)


def test_reject_and_cancel_ask_first_and_say_what_was_paid(qtbot, ctx: GuiContext) -> None:
    """駁回 and 撤件 end the case for good and tell the citizen: one Alt+J after a reason did it
    unasked, with 500 paid and no word about it. Now a question names the case, the reason and
    the money; Esc goes back with nothing written, the 駁回 button confirms."""
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.reject_button.isEnabled, timeout=3000)
    detail.reason_edit.setText("申請人非權利人")
    seen: list[str] = []
    _answer_question(qtbot, Qt.Key.Key_Escape, seen)
    QTest.keyClick(detail.reason_edit, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)
    assert number in seen[0] and "申請人非權利人" in seen[0] and "已繳規費 15 元" in seen[0]
    ctx.tasks.wait_idle()
    assert detail.status_label.text() == "收件" and ev.REJECTED not in detail.timeline_types()
    assert detail.reason_edit.text() == "申請人非權利人"  # nothing typed is lost
    window.activateWindow()  # the offscreen platform gives activation back late
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    _answer_question(qtbot, Qt.Key.Key_Space, seen, "case_end_confirm")
    QTest.keyClick(detail.reason_edit, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    qtbot.waitUntil(lambda: detail.status_label.text() == "駁回", timeout=3000)
    assert detail.timeline_types()[-1] == ev.REJECTED


def test_the_cancel_question_without_money_says_nothing_of_fees(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.cancel_button.isEnabled, timeout=3000)
    before = detail.status_label.text()
    detail.reason_edit.setText("申請人撤回")
    seen: list[str] = []
    _answer_question(qtbot, Qt.Key.Key_Return, seen)
    detail.cancel_button.click()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)
    assert "撤件案件 " + number in seen[0] and "規費" not in seen[0]
    # the county tells the citizen, without the reason (tests/integration/sync/
    # test_notice_case_ended.py): the question said no notice went out
    assert "民眾會收到撤件通知（不含理由）" in seen[0] and "不另通知民眾" not in seen[0]
    ctx.tasks.wait_idle()  # Enter is the way back (the default), never the ending
    assert detail.status_label.text() == before and ev.CANCELLED not in detail.timeline_types()


def _in_view(widget: QWidget, area: QScrollArea) -> bool:
    """The whole of ``widget`` lies within the scroll area's viewport, top to bottom."""
    top = widget.mapTo(area.viewport(), QPoint(0, 0)).y()
    return top >= 0 and top + widget.height() <= area.viewport().height()


def test_the_reason_field_alt_s_sends_the_cursor_to_is_scrolled_into_view(
    qtbot, ctx: GuiContext
) -> None:
    """Alt+S without a reason says 請先輸入理由 and puts the cursor in 理由, at the foot of the
    page: on a 1366×768 screen both were below the fold, and the clerk typed the supplement
    reason the citizen reads without seeing it. The page scrolls to the field and the message."""
    number = new_case(ctx.app)
    window, detail = open_case_detail(qtbot, ctx, number)
    window.resize(1366, 700)
    holder = window.holders[detail]
    qtbot.waitUntil(lambda: holder.verticalScrollBar().maximum() > 0, timeout=3000)
    holder.verticalScrollBar().setValue(0)
    qtbot.waitUntil(detail.supplement_button.isEnabled, timeout=3000)
    detail.timeline.setFocus()
    assert not _in_view(detail.reason_edit, holder)
    QTest.keyClick(detail.timeline, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: detail.error_label.text() == "請先輸入理由", timeout=3000)
    assert detail.reason_edit.hasFocus()
    qtbot.waitUntil(lambda: _in_view(detail.reason_edit, holder), timeout=3000)
    assert _in_view(detail.error_label, holder)


def test_a_name_that_looks_like_markup_is_shown_as_written(qtbot, ctx: GuiContext) -> None:
    """A name or a reason is data, never markup: "<h1>王</h1>小明" was drawn as a big 王 over
    小明 in the case detail's header."""
    number = new_case(ctx.app, name="<h1>王</h1>小明")
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(lambda: detail.view is not None, timeout=3000)
    assert detail.applicant_label.text() == "<h1>王</h1>小明　A12345****"
    header = (detail.applicant_label, detail.deadline_label, detail.fields_label)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in header)


def test_close_asks_first_and_esc_closes_nothing(qtbot, ctx: GuiContext) -> None:
    """結案 ends the case for good (no event reopens one) and sends the citizen the closing
    notice: one Alt+C closed the case on screen unasked. Now a question names the case and the
    note; Esc goes back with nothing written and the note kept, the 結案 button confirms."""
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.close_button.isEnabled, timeout=3000)
    detail.reason_edit.setText("已核發謄本")
    seen: list[str] = []
    _answer_question(qtbot, Qt.Key.Key_Escape, seen)
    QTest.keyClick(detail.reason_edit, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)
    assert number in seen[0] and "不能復原" in seen[0] and "已核發謄本" in seen[0]
    assert "規費" not in seen[0]  # closing a paid case takes nothing back: no word of refunds
    ctx.tasks.wait_idle()
    assert detail.status_label.text() == "收件" and ev.CLOSED not in detail.timeline_types()
    assert detail.reason_edit.text() == "已核發謄本"  # nothing typed is lost
    window.activateWindow()  # the offscreen platform gives activation back late
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    _answer_question(qtbot, Qt.Key.Key_Space, seen, "case_end_confirm")
    QTest.keyClick(detail.reason_edit, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    qtbot.waitUntil(lambda: detail.status_label.text() == "結案", timeout=3000)
    assert detail.timeline_types()[-1] == ev.CLOSED


def test_a_case_closed_by_mistake_is_reopened_from_the_keyboard(qtbot, ctx: GuiContext) -> None:
    """重新開啟 (Alt+O) shows only for a closed case: with the reason typed, a supervisor
    approves on this counter and the case is open again; one wrong 結案 ended it for good."""
    from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts

    from eservice_desktop.gui.approval import ApprovalDialog
    from eservice_desktop.services import cases

    add_accounts(ctx.app)
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.close_button.isEnabled, timeout=3000)
    assert not detail.reopen_button.isVisible()  # an open case has nothing to reopen
    cases.close_case(ctx.app, number)
    ctx.case_changed.emit(number)
    qtbot.waitUntil(detail.reopen_button.isVisible, timeout=3000)
    detail.reason_edit.setText("誤按結案")
    QTest.keyClick(detail.reason_edit, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: detail.findChild(ApprovalDialog) is not None, timeout=3000)
    dialog = detail.findChild(ApprovalDialog)
    assert isinstance(dialog, ApprovalDialog) and dialog.reason.text() == "誤按結案"
    assert number in dialog.what.text()
    dialog.account.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: detail.status_label.text() == "收件", timeout=3000)
    assert detail.timeline_types()[-1] == ev.REOPENED
    assert not detail.reopen_button.isVisible() and detail.close_button.isEnabled()
