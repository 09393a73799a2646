"""What the fees page (規費收費) shows for one case, read in one go on a worker: the case, its fee
assessment (the stored one, or a preview before the clerk assesses), its receipts and its online
payments still without a receipt of the office (``services.online_receipt``); and the counter's
receipts paid but never printed, each with its case (the red banner and F10)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from eservice_desktop.domain.case_number import looks_like_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.refunds import paid_after_end
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.services import cases, fees, online_receipt, payments
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_payments import ReceiptRow

#: The statuses of a case that takes no more money.
ENDED = ("cancelled", "rejected")


@dataclass(frozen=True)
class PaymentScreen:
    """Everything the page shows for one case."""

    view: cases.CaseView
    assessment: fees.Assessment
    assessed: bool
    receipts: list[payments.PaymentResult]
    #: The case's events when it was read (``cases.revision``).
    revision: int = 0
    #: The receipt asked for, when a receipt number was typed or scanned instead of the case's.
    receipt: str = ""
    #: The transaction ids (交易電子案號) of the case's online payments without a receipt of
    #: the office (a web or kiosk payment), for 開立線上繳費收據.
    online_waiting: tuple[str, ...] = ()
    #: Money taken after the case was cancelled or rejected (another counter took it offline),
    #: the citizen's to have back (``domain.refunds.paid_after_end``, services.paid_after_end).
    paid_after_end: int = 0

    @property
    def due(self) -> int:
        """The fees due: the assessed ones, or the preview's total before the clerk assesses."""
        return self.view.fees_due if self.assessed else self.assessment.total

    @property
    def ended(self) -> bool:
        """Cancelled or rejected: nothing more is taken (the case rule refuses a payment)."""
        return self.view.status in ENDED

    @property
    def balance(self) -> int:
        """Still to take (0 when paid in full, or when the case ended); never below 0: see
        :attr:`overpaid`. An ended case showed 餘額 300 and a payment button the case rule
        then refused (本案已撤件，不能收費)."""
        return 0 if self.ended else max(self.due - self.view.paid, 0)

    @property
    def overpaid(self) -> int:
        """Taken beyond the fees (溢繳: two counters took the same fee offline), to refund:
        the page said 餘額 -300 where the clerk is to hand NT$300 back (services.overpaid)."""
        return max(self.view.paid - self.due, 0)


def load(app: App, number: str) -> PaymentScreen:
    """The page's read model; each read is guarded by the service it goes through. ``number``
    is the case's, or one of its receipts' (:func:`case_of`)."""
    case_number, receipt = case_of(app, number)
    view = cases.show_case(app, case_number)
    seen = cases.revision(app, view.case_id)
    state = cases.load_case(app, case_number)
    assessed = bool(state.fee_items) or state.fees_due > 0
    a = fees.current(state) if assessed else fees.preview(app, case_number)
    receipts = payments.receipts_of_case(app, view.case_number)
    waiting = tuple(
        transaction_id(p.payment_id, p.reference)
        for p in online_receipt.waiting_online_payments(state)
    )
    after_end = paid_after_end(state)
    return PaymentScreen(view, a, assessed, receipts, seen, receipt, waiting, after_end)


def case_of(app: App, number: str) -> tuple[str, str]:
    """(case number, receipt number) of what was typed or scanned: a case number stands for
    itself; a receipt number for its case, the receipt named. Every receipt carries its number
    as a Code128 for the hand scanners at the cashier's desk, and a citizen back for a refund or
    a reprint hands over the receipt, not the case slip: the page said 查無此案件. A text that
    is neither stays the case number it was, refused as before."""
    if looks_like_case_number(number):
        return number, ""
    try:
        found = payments.get_receipt(app, number)
    except DomainError as e:
        if e.code == "receipt.unknown":
            return number, ""
        raise
    return found.case_number, found.receipt_number


@dataclass(frozen=True)
class PendingReceipt:
    """A receipt of this counter paid but never printed, and the case it belongs to."""

    number: str
    case_number: str


def pending_receipts(app: App) -> list[PendingReceipt]:
    """``payments.pending_receipts`` (oldest first), each with its case number: F10 prints the
    shown case's own receipt first, and the banner names the receipt and the case F10 prints,
    so the clerk never prints another case's receipt unawares."""
    numbers = payments.pending_receipts(app)
    if not numbers:
        return []
    with app.reading() as s:
        rows = s.execute(
            select(ReceiptRow.number, ReceiptRow.case_number).where(ReceiptRow.number.in_(numbers))
        )
        case_of = {number: case for number, case in rows}
    return [PendingReceipt(n, case_of[n]) for n in numbers if n in case_of]
