"""What the cashier is typing for a payment (amount, cash tendered, card reference, where the
cursor is), kept while the fees page shows its case again because something was recorded on it
elsewhere: a MOICA verification made from the identity panel reloaded the page, the reference
typed was gone, the cash tendered reset to the exact fee (change 0) and the cursor was moved.

Given back only to the same case with the same balance: a payment recorded meanwhile changes
what is due, and then the page starts afresh as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from eservice_desktop.gui.accessible import announce
from eservice_desktop.gui.keyboard import bring_into_view

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage


@dataclass(frozen=True)
class Typed:
    number: str
    balance: int
    amount: int
    tendered: int
    reference: str
    focus: QWidget | None


def take(page: PaymentPage) -> Typed | None:
    """The payment being typed on ``page`` for the case it shows (None without one)."""
    if page.current is None:
        return None
    view = page.current.view
    focus = QApplication.focusWidget()
    return Typed(
        view.case_number,
        view.balance,
        page.amount_spin.value(),
        page.tendered_spin.value(),
        page.reference_edit.text(),
        focus if focus is not None and page.isAncestorOf(focus) else None,
    )


def give_back(page: PaymentPage, typed: Typed | None) -> bool:
    """Puts ``typed`` back on ``page`` when it shows that case with that balance still."""
    if page.current is None or typed is None:
        return False
    view = page.current.view
    if (view.case_number, view.balance) != (typed.number, typed.balance):
        return False
    page.amount_spin.setValue(typed.amount)
    page.tendered_spin.setValue(typed.tendered)
    page.reference_edit.setText(typed.reference)
    if typed.focus is not None and typed.focus.isEnabled():
        typed.focus.setFocus()
        if typed.focus is page.case_edit and page.case_edit.text() == view.case_number:
            page.case_edit.selectAll()  # the shown number, reloaded: the next one replaces it
    return True


def set_number(edit: QLineEdit, number: str) -> None:
    """The case number field set to ``number``, still selected whole when it was: a reload of
    the case (its receipt printed, a sync round) kept the cursor there but dropped the
    selection, and the next citizen's number typed went on the end of the last one's."""
    whole = edit.hasSelectedText() and edit.selectedText() == edit.text()
    edit.setText(number)
    if whole:
        edit.selectAll()


def next_step(page: PaymentPage, balance: int) -> None:
    """The cursor where the clerk types next once a case is shown afresh (nothing typed given
    back): with money due the cash handed over (selected, so typing replaces the suggested
    exact amount), or the amount; with nothing due (a payment just settled it, or a settled
    case looked up) the case number, selected, for the next citizen's number, typed or scanned.

    After F9 the cursor fell where Qt put it when the reload disabled the payment fields (the
    receipts table), and the next citizen's number typed there went nowhere: docs/clerk-guide.md,
    the receipt prints by itself; next come the change, handed over, and the next citizen."""
    if not page.isVisible():
        return
    if balance <= 0:
        page.case_edit.setFocus()
        page.case_edit.selectAll()
        bring_into_view(page.case_edit)  # the page was scrolled down to the receipts
    else:
        spin = page.tendered_spin if page.tendered_spin.isEnabled() else page.amount_spin
        spin.setFocus()
        spin.selectAll()
    say_case(page)


#: The case whose summary was last said on the page (a Qt property of the page; "" once the
#: page shows none, so the same case brought up again is said again).
SAID = "eservice_said_case"


def say_case(page: PaymentPage) -> None:
    """Says whose case came up and what it owes (its summary and figures), once per case
    brought up, after the cursor has moved (a screen reader reads the field it lands in, then
    this): the cursor went to 收現 and a clerk going by the reader heard "收現 30 元", nothing
    of whose case it was, that it was already settled, or that it had been rejected."""
    number = page.current.view.case_number if page.current is not None else ""
    if not number or page.property(SAID) == number:
        return
    page.setProperty(SAID, number)
    announce(page.summary, f"{page.summary.text()}　{page.totals.text()}")
