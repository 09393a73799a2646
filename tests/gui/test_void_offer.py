"""作廢 on the fees page is disabled, saying why beside it, for a receipt the service refuses
to void whatever is typed (gui/void_offer.py): an online payment's, one refunded in part or in
full, one of an earlier day. It stayed enabled and Alt+D asked for a reason and a supervisor's
password before the refusal; now Alt+D says the reason under the receipts' buttons."""

from __future__ import annotations

from datetime import timedelta

from approvals_support import add_accounts, supervisor_approval
from factories import new_case
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import cases, payments


def _offered(qtbot: QtBot, page: PaymentPage, receipt: str) -> tuple[bool, str, str]:
    """作廢 enabled?, the reason beside it, and what Alt+D said, for ``receipt`` selected."""
    table = page.receipts_table
    row = [table.item(i, 0).text() for i in range(table.rowCount())].index(receipt)
    table.selectRow(row)
    page.receipt_note.clear()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # the clerk's key
    shown = page.void_reason.text() if page.void_reason.isVisible() else ""
    return page.void_btn.isEnabled(), shown, page.receipt_note.text()


def test_void_is_disabled_with_its_reason_for_receipts_it_cannot_void(
    sync_ctx: GuiContext,
    qtbot: QtBot,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    app = sync_ctx.app
    add_accounts(app)
    number = new_case(app, name="陳堃", copies=6)
    earlier = payments.record_payment(app, number, "cash", 10).receipt_number
    clock.now += timedelta(days=1)
    with app.transaction() as s:
        online = payments.record_online_payment(
            app,
            s,
            cases.load_case(app, number).case_id,
            payment_id="WEB-TXN-7",
            amount=20,
            payment_tool="信用卡",
            authorised_at=app.now(),
        ).receipt_number
    part = payments.record_payment(app, number, "cash", 20).receipt_number
    payments.refund(app, part, 5, "溢收", approval=supervisor_approval())
    whole = payments.record_payment(app, number, "cash", 10).receipt_number
    payments.refund(app, whole, 10, "重複收費", approval=supervisor_approval())
    valid = payments.record_payment(app, number, "cash", 15).receipt_number
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    asked: list[str] = []
    page.ask_text = lambda title, _label: asked.append(title)  # type: ignore[method-assign]
    page.load(number)
    online_why = "線上繳費收據不能作廢；款項須退還時請按「退費」（Alt+U）。"
    assert _offered(qtbot, page, online) == (False, online_why, online_why)
    part_why = "此收據已部分退費，不能作廢；其餘款項請按「退費」（Alt+U）。"
    assert _offered(qtbot, page, part) == (False, part_why, part_why)
    whole_why = "此收據已全額退費，不能作廢。"
    assert _offered(qtbot, page, whole) == (False, whole_why, whole_why)
    day_why = "此收據為 民國115年3月10日 開立，已列入當日日結，不能作廢；請按「退費」（Alt+U）。"
    assert _offered(qtbot, page, earlier) == (False, day_why, day_why)
    assert asked == []  # no reason asked for a void the service refuses
    enabled, beside, _said = _offered(qtbot, page, valid)
    assert enabled and beside == ""
    qtbot.waitUntil(lambda: asked == ["作廢收據"], timeout=20000)  # Alt+D voids this one


def test_void_of_a_receipt_dated_after_today_says_the_clock_was_ahead(
    sync_ctx: GuiContext,
    qtbot: QtBot,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    """Paid at 10:00 while the PC's clock ran 14½ hours ahead (00:30 the next day), then the
    clock set right: 作廢 said the receipt was of an earlier day, in that day's closing, and
    sent the clerk to a refund, for a day still to come."""
    app = sync_ctx.app
    add_accounts(app)
    number = new_case(app, name="陳堃", copies=6)
    clock.now += timedelta(hours=14, minutes=30)
    ahead = payments.record_payment(app, number, "cash", 10).receipt_number
    clock.now -= timedelta(hours=14, minutes=30)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    asked: list[str] = []
    page.ask_text = lambda title, _label: asked.append(title)  # type: ignore[method-assign]
    page.load(number)
    why = (
        "此收據的開立日期 民國115年3月11日 晚於今天：開立時電腦時鐘超前，或現在的時鐘落後；"
        "請通知資訊人員校正電腦時鐘。"
    )
    assert _offered(qtbot, page, ahead) == (False, why, why)
    assert asked == []
