"""Where the cursor is after F9 (gui/payment_typed.next_step): a payment that settles the case
leaves it in the case number, selected, for the next citizen's number; a part payment in the
cash tendered for the next part. It fell into the receipts table, where the next number typed
went nowhere (docs/clerk-guide.md: the receipt prints by itself, then comes the next citizen)."""

from __future__ import annotations

from pathlib import Path

from factories import new_case
from gui_keys import make_active, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payments


def _paid_with_keys(
    qtbot: QtBot, page: PaymentPage, number: str, amount: str, tendered: str = ""
) -> None:
    """The clerk's keys: the number, Enter, the amount (and cash as much), F9; the receipt is
    printed (to a PDF file) and the page shows the case again."""
    page.case_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.case_edit)
    page.case_edit.selectAll()
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin, timeout=10000)
    page.amount_spin.setValue(int(amount))
    type_text(tendered or amount)
    before = len(payments.receipts_of_case(page.ctx.app, number))
    press(Qt.Key.Key_F9)
    qtbot.waitUntil(
        lambda: (
            len(payments.pending_receipts(page.ctx.app)) == 0
            and len(payments.receipts_of_case(page.ctx.app, number)) == before + 1
        ),
        timeout=30000,
    )
    qtbot.waitUntil(
        lambda: page.current is not None and len(page.current.receipts) == before + 1,
        timeout=10000,
    )


def test_after_f9_the_cursor_is_where_the_clerk_types_next(
    sync_ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=tmp_path / "r.pdf")
    page.show()
    qtbot.waitExposed(page)
    make_active(qtbot, page)
    first = new_case(sync_ctx.app, name="陳堃", copies=4)  # NT$60
    _paid_with_keys(qtbot, page, first, "20")  # a part: the next part goes in the cash
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin, timeout=10000)
    assert page.tendered_spin.value() == 40
    _paid_with_keys(qtbot, page, first, "40")  # settled: the next citizen's number is next
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.case_edit, timeout=10000)
    assert page.case_edit.selectedText() == first
    shown = page.current
    sync_ctx.case_changed.emit(first)  # read again (a sync round): still selected whole
    qtbot.waitUntil(lambda: page.current is not None and page.current is not shown, timeout=10000)
    assert page.case_edit.selectedText() == first
    second = new_case(sync_ctx.app, name="林美玲", copies=1)
    type_text(second)  # typed over the number just paid
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.view.case_number == second,
        timeout=10000,
    )


def test_the_change_to_hand_back_stays_on_the_page_after_f9(
    sync_ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """It was said in the status bar for 8 seconds, and the page, shown again with nothing
    due, said 找零 0; the totals line now says it until another case is shown."""
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=tmp_path / "r.pdf")
    page.show()
    qtbot.waitExposed(page)
    make_active(qtbot, page)
    number = new_case(sync_ctx.app, name="陳堃", copies=1)  # NT$15
    _paid_with_keys(qtbot, page, number, "15", tendered="100")
    [receipt] = payments.receipts_of_case(sync_ctx.app, number)
    said = f"收據 {receipt.receipt_number}：收現 100 元，找零 85 元"
    assert page.totals.text().splitlines()[-1] == said
    assert page.change_label.text() == "0"  # the next payment's, as ever
    other = new_case(sync_ctx.app, name="林美玲", copies=1)
    page.load(other)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.view.case_number == other,
        timeout=10000,
    )
    assert "找零 85" not in page.totals.text()
