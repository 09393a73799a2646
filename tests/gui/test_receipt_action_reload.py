"""作廢 and 退費 check the receipt on the writer before they ask anything; the page reads its
case again after a print or a sync round, empty meanwhile. A check that came back during that
read did nothing at all, unsaid: the clerk pressed 作廢 and no question came (the
voided-change test, one run in seven). It waits for the case to be back now
(``receipt_actions.when_shown``)."""

from __future__ import annotations

from approvals_support import add_accounts
from factories import new_case
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import receipt_actions
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payments


def test_a_void_checked_while_the_page_reads_its_case_again_is_still_asked(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    add_accounts(ctx.app)
    number = new_case(ctx.app, name="陳堃")
    payments.record_payment(ctx.app, number, "cash", 15)
    page = PaymentPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None and page.print_btn.isEnabled())
    page.receipts_table.selectRow(0)
    receipt = page.selected_receipt()
    assert receipt is not None
    page.ask_text = lambda _title, _label: "收現金額打錯"  # type: ignore[method-assign]
    receipt_actions.void_receipt(page, receipt)  # its check queued on the writer first
    page.load(number)  # then the page's read of its case (a sync round's)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=10000
    )
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ApprovalDialog)
    dialog.reject()
