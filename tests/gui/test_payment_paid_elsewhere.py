"""A case paid meanwhile elsewhere (another window on this counter, another counter through
sync): the fees page's F9 is refused, and the page then shows the case as it is now."""

from __future__ import annotations

from factories import new_case

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payments


def test_f9_on_a_case_paid_in_another_window_shows_it_paid(sync_ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    page.load(number)
    assert "餘額 30" in page.totals.text() and page.pay_btn.isEnabled()
    other = payments.record_payment(sync_ctx.app, number, "cash", 30, tendered=30)  # window 2
    page.pay()
    assert "超過應繳餘額 0 元" in page.last_error
    assert payments.receipts_of_case(sync_ctx.app, number) == [other]  # nothing more stored
    # the page no longer says 30 is due beside "exceeds the balance due 0"
    assert "已繳 30" in page.totals.text() and "餘額 0" in page.totals.text()
    assert page.receipts_table.rowCount() == 1 and not page.pay_btn.isEnabled()
    assert page.receipts_table.item(0, 0).text() == other.receipt_number
