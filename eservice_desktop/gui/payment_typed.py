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

from PySide6.QtWidgets import QApplication, QWidget

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
    return True
