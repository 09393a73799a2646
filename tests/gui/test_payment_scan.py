"""A barcode scanned on the fees page is a number to look up, never money: with the cursor in
收現 (where the page puts it once a case is shown) the next citizen's receipt scanned typed its
digits there (H01-01-115-R000287 became 收現 1,011,150 元, 找零 1,011,135). And a receipt's
number (the Code128 on every receipt) brings up its case with that receipt selected, where the
page said 查無此案件."""

from __future__ import annotations

from factories import new_case
from keystrokes import HUMAN_MS, burst, keys
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payment_screen, payments


def _shown(ctx: GuiContext, qtbot: QtBot, number: str) -> PaymentPage:
    page = PaymentPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin, timeout=5000)
    return page


def test_a_receipt_scanned_in_the_cash_field_brings_up_its_case(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    app = sync_ctx.app
    earlier = new_case(app, name="陳堃")
    receipt = payments.record_payment(app, earlier, "cash", 15).receipt_number
    page = _shown(sync_ctx, qtbot, new_case(app, name="林小華"))
    due = page.tendered_spin.value()

    burst(page.tendered_spin, receipt)

    qtbot.waitUntil(
        lambda: page.current is not None and page.current.view.case_number == earlier,
        timeout=10000,
    )
    assert page.case_edit.text() == earlier
    assert page.tendered_spin.value() in (0, due)  # no digit of the scan reached the money
    selected = page.selected_receipt()
    assert selected is not None and selected.receipt_number == receipt


def test_the_clerk_typing_the_cash_still_types_it(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    page = _shown(sync_ctx, qtbot, new_case(sync_ctx.app, name="林小華"))
    page.tendered_spin.selectAll()
    keys(page.tendered_spin, "100", HUMAN_MS, enter=False)
    qtbot.waitUntil(lambda: page.tendered_spin.value() == 100, timeout=3000)


def test_a_receipt_number_stands_for_its_case_and_anything_else_is_still_not_found(
    sync_ctx: GuiContext,
) -> None:
    app = sync_ctx.app
    number = new_case(app, name="陳堃")
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    typed = " " + receipt.lower().replace("h", "Ｈ") + " "  # as typed: lower case, full width
    screen = payment_screen.load(app, typed)
    assert (screen.view.case_number, screen.receipt) == (number, receipt)
    assert payment_screen.load(app, number).receipt == ""
    for other in ("H01-01-115-R999999", "0427-K7M3"):
        try:
            payment_screen.load(app, other)
        except DomainError as e:
            assert e.code == "case.not_found"
        else:
            raise AssertionError(other)


def test_a_receipt_number_typed_without_its_dashes_finds_its_case(sync_ctx: GuiContext) -> None:
    """The page takes a case number typed without dashes (H0101115000027…), and the clerk typed
    the receipt number from the paper the same way: H0101115R000001 (or with spaces for the
    dashes) said 查無此案件, while the same number with dashes found the receipt."""
    app = sync_ctx.app
    number = new_case(app, name="陳堃")
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    for typed in (receipt.replace("-", ""), receipt.replace("-", " ").lower()):
        screen = payment_screen.load(app, typed)
        assert (screen.view.case_number, screen.receipt) == (number, receipt), typed
    assert payments.get_receipt(app, receipt.replace("-", "")).receipt_number == receipt
