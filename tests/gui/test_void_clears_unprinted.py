"""A receipt voided before it was printed leaves the red 收據未列印 banner: it kept naming the
void receipt (按 F10 列印本案的收據 …) until another print, and F10 offered to print it."""

from __future__ import annotations

from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts
from factories import new_case
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payments


def test_a_void_takes_its_receipt_off_the_unprinted_banner(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    app = sync_ctx.app
    add_accounts(app)
    number = new_case(app, name="陳堃", copies=2)
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number  # not printed
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load(number)
    page.refresh_pending()
    assert not page.pending_banner.isHidden() and receipt in page.pending_label.text()
    page.receipts_table.selectRow(0)
    page.ask_text = lambda _title, _label: "金額誤收"  # type: ignore[method-assign]
    page.void_selected()
    dialog = page.findChild(ApprovalDialog)
    assert isinstance(dialog, ApprovalDialog)
    dialog.account.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)
    dialog.submit()
    assert page.receipts_table.item(0, 3).text() == "作廢"
    assert payments.pending_receipts(app) == []
    assert page.pending == [] and page.pending_banner.isHidden()
    assert page.next_pending() is None  # F10 prints nothing void
