"""The case rule of ``case.online_receipt_issued``: a counter's receipt for an online payment.

Apart from ``case_rules`` (which dispatches to it) because its refusals say what the clerk
does instead: reprint the receipt the payment already has. The service that issues the receipt
(services/online_receipt.py) lets this rule refuse, so the counter, the command line and the
county's push give the same words.
"""

from __future__ import annotations

from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CaseState
from eservice_desktop.domain.errors import DomainError

#: Two counters issuing it offline at once: the county takes the second (case_rules.taken_anyway).
ALREADY_ISSUED = "receipt.already_issued"


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
