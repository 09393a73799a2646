"""The fees page shows its case again when something is recorded on it elsewhere (a MOICA
verification made from the identity panel, ``ctx.case_changed``): what the cashier was typing
for the payment stays, with the cursor where it was, as long as the balance is the same."""

from __future__ import annotations

from factories import new_case
from gui_keys import type_text
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage


def _page(ctx: GuiContext, qtbot, number: str) -> PaymentPage:  # type: ignore[no-untyped-def]
    page = PaymentPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None, timeout=5000)
    return page


def test_a_card_payment_being_typed_survives_the_case_shown_again(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, copies=2)
    page = _page(ctx, qtbot, number)
    page.card_radio.setChecked(True)
    page.reference_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.reference_edit)
    type_text("A1B2C3")
    shown = page.current

    ctx.case_changed.emit(number)  # a verification recorded on this case
    qtbot.waitUntil(lambda: page.current is not None and page.current is not shown, timeout=5000)
    assert page.card_radio.isChecked()
    assert page.reference_edit.text() == "A1B2C3"
    assert QApplication.focusWidget() is page.reference_edit
    assert page.pay_btn.isEnabled()


def test_cash_tendered_survives_the_case_shown_again(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, copies=2)
    page = _page(ctx, qtbot, number)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin)
    type_text("1000")
    assert page.tendered_spin.value() == 1000
    shown = page.current

    ctx.case_changed.emit(number)
    qtbot.waitUntil(lambda: page.current is not None and page.current is not shown, timeout=5000)
    assert page.tendered_spin.value() == 1000
    assert page.change_due() == 1000 - 30


def test_a_fee_another_counter_took_shows_after_the_round_that_brought_it(
    qtbot, ctx: GuiContext
) -> None:
    """The payment arrives with a sync round, not as a write of this window: the page read
    the case again then, instead of offering to take the fee a second time."""
    from eservice_desktop.services import payments

    number = new_case(ctx.app, copies=2)
    page = _page(ctx, qtbot, number)
    assert page.current is not None and page.current.view.balance == 30
    shown = page.current
    ctx.sync_round_done.emit()  # a round that brought the case nothing: the page stays
    ctx.tasks.wait_idle()
    assert page.current is shown
    payments.record_payment(ctx.app, number, "cash", 30, tendered=30)  # as if pulled
    ctx.sync_round_done.emit()
    qtbot.waitUntil(lambda: page.current is not shown and page.current is not None, timeout=5000)
    assert page.current.view.balance == 0
    assert not page.pay_btn.isEnabled()
    assert len(page.current.receipts) == 1
