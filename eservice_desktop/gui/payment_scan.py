"""A barcode scanned anywhere on the fees page is a number to look up, never money.

Once a case is shown the page puts the cursor in 收現, where the clerk types the cash handed
over; the next citizen's receipt scanned then typed its digits there: H01-01-115-R000287 became
收現 1,011,150 元 and 找零 1,011,135, one F9 from a payment recorded and printed so. The pickup
desk's keyboard-wedge catcher (``gui/barcode_wedge.py``, the same timing rule and scanner
settings) watches this page too: a scanner's burst, wherever the focus is, goes to 案號 and is
looked up, a case number or a receipt's (``payment_screen.case_of``: its case, the receipt
selected); a clerk's own typing reaches the focused field as before. Not while a dialog is open
over the page (a reprint's reason, a supervisor's password, the print dialog); the refund's
amount, the one dialog that asks money, catches a scan itself and says it was no amount
(``receipt_actions.ask_refund_amount``: the next case slip scanned asked NT$10,111,500). A
citizen's pickup code scanned here is no number: the pickup desk is offered, as elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from eservice_desktop.gui import stray_scans
from eservice_desktop.gui.barcode_wedge import WedgeFilter
from eservice_desktop.services.scanners import wedge_rules

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage
    from eservice_desktop.services.payment_screen import PaymentScreen


def watch(page: PaymentPage) -> WedgeFilter:
    """Starts catching scans for ``page`` (the filter lives as long as the page)."""
    wedge = WedgeFilter(wedge_rules(page.ctx.app.settings), lambda: _active(page), page)
    wedge.scanned.connect(lambda text: _scanned(page, text))
    return wedge


def _active(page: PaymentPage) -> bool:
    return page.isVisible() and QApplication.activeModalWidget() is None


def _scanned(page: PaymentPage, text: str) -> None:
    """A number is looked up; a citizen's pickup code goes where the other pages send it (the
    desk offered, ``stray_scans``): its 168 characters filled 案號 and were answered 查無此案件."""
    window = page.window()
    if stray_scans.is_pickup_code(text) and hasattr(window, "show_page"):
        stray_scans.scanned(window, text)  # type: ignore[arg-type]
        return
    page.case_edit.setFocus()
    page.load(text)  # shows the number in 案號 as it loads


def kept(screen: PaymentScreen, kept: tuple[str, frozenset[str]]) -> tuple[str, frozenset[str]]:
    """The receipt to select when ``screen`` is drawn: the one scanned or typed to ask for its
    case, else the one the page kept across a reload (``PaymentView._draw_receipts``)."""
    if screen.receipt:
        return screen.receipt, frozenset(r.receipt_number for r in screen.receipts)
    return kept
