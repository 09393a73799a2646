"""The case rule and fold of ``case.online_receipt_issued``: a counter's receipt for an online
payment.

Apart from ``case_rules`` (which dispatches to it) because its refusals say what the clerk
does instead: reprint the receipt the payment already has. The service that issues the receipt
(services/online_receipt.py) lets this rule refuse, so the counter, the command line and the
county's push give the same words.
"""

from __future__ import annotations

from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CaseState, Payment
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.state_copy import replace

#: Two counters issuing it offline at once: the county takes the second (case_rules.taken_anyway).
ALREADY_ISSUED = "receipt.already_issued"
#: A print of the paper of those two that is not kept: the county takes its first print (the
#: paper is out), refuses a reprint or a void of it; the counter refuses all three.
ISSUED_TWICE = "receipt.issued_twice"


def spare_paper_error(state: CaseState, number: str) -> DomainError | None:
    """Why receipt ``number`` is not printed, reprinted or voided: it is the spare paper of
    an online payment two counters issued a receipt for offline (:func:`fold_online_receipt`
    keeps the other); None for any other number. It read 查無此收據號碼 before."""
    for pay in state.payments:
        if number in pay.spare_receipts:
            kept = pay.receipt_number
            return DomainError(
                ISSUED_TWICE,
                f"收據 {number} 與收據 {kept} 為同一筆線上繳費重複開立（兩櫃檯離線時各開一張）："
                f"以 {kept} 為準，{number} 作廢，請向民眾收回",
                f"Receipts {number} and {kept} were both issued for one online payment (two "
                f"counters offline): {kept} stands, {number} is void; take it back from the "
                "citizen",
            )
    return None


def online_void_error(number: str | None) -> DomainError:
    """An online payment's receipt is not voided: the fee was paid online, not at the counter,
    and a void took the payment with it (the case owed its fee again, and a clerk would take it
    a second time). Its paper is reprinted; money going back is a refund."""
    return DomainError(
        "receipt.online_void",
        f"收據 {number} 為線上繳費收據（規費已於線上繳納），不能作廢；收據有誤請補印，"
        "須退還規費請以退費辦理",
        f"Receipt {number} is the receipt of a fee paid online, so it cannot be voided; "
        "reprint it, or refund the fee",
    )


def check_online_receipt(state: CaseState, p: pl.OnlineReceiptIssued, _t: str) -> None:
    """Only an online payment of the case still without a receipt, as it was recorded."""
    pay = state.payment(p.payment_id)
    if pay.method != "online":
        raise DomainError(
            "payment.not_online",
            f"此筆繳費不是線上繳費（收據 {pay.receipt_number}），請以補印收據列印",
            f"This payment was not made online (receipt {pay.receipt_number}); reprint that "
            "receipt instead",
        )
    if pay.receipt_number:
        raise DomainError(
            ALREADY_ISSUED,
            f"此筆線上繳費已開立收據 {pay.receipt_number}，請以補印收據列印",
            f"This online payment already has receipt {pay.receipt_number}; reprint it instead",
        )
    if pay.voided:
        raise DomainError("payment.already_voided", "此筆繳費已作廢", "This payment is void")
    if pay.amount != p.amount or (pay.reference or "") != (p.reference or ""):
        raise DomainError(
            "payment.mismatch",
            "收據的金額或交易電子案號與這筆線上繳費不符",
            "The receipt's amount or transaction id is not that of the online payment",
        )


def fold_online_receipt(s: CaseState, p: pl.OnlineReceiptIssued, e: Event) -> CaseState:
    """The online payment gets the counter's receipt number. A second counter's, issued
    offline for the same payment, is a spare paper; the earlier of the two (then the smaller
    number) is kept, so every counter and the county keep the same one, whichever reached them
    first (the receipts projection chooses alike: services/projections_receipts.py)."""
    number = str(p.receipt_number)

    def kept(x: Payment) -> Payment:
        if not x.receipt_number:
            return replace(x, receipt_number=number, online_receipt=True, online_issued_at=e.at)
        if number == x.receipt_number or number in x.spare_receipts:
            return x
        if x.online_issued_at is None or (e.at, number) >= (x.online_issued_at, x.receipt_number):
            return replace(x, spare_receipts=(*x.spare_receipts, number))  # None: its own
        spare = (*x.spare_receipts, x.receipt_number)  # its prints were the spare paper's
        return replace(
            x,
            receipt_number=number,
            online_issued_at=e.at,
            spare_receipts=spare,
            issued=False,
            reprints=0,
        )

    def online(x: Payment) -> bool:
        return x.payment_id == p.payment_id and x.method == "online"

    return replace(s, payments=tuple(kept(x) if online(x) else x for x in s.payments))
