"""The office's receipt of an online payment (線上繳費收據), issued on request.

A web or kiosk payment reaches the office from the county as ``case.payment_recorded`` (method
``online``, its reference the channel's transaction id, 交易電子案號) without a receipt of
this office: the e-government platform's payment record is no receipt an agent or a company
can claim the fee back with. When the payer asks for one, a clerk issues it here: the counter's
next receipt number, its verification code and key, recorded as ``case.online_receipt_issued``
(the payment's own values with them, so the ``receipts`` projection makes the row from that
event alone) and then printed through the usual print path (``receipt_pdf`` and
``confirm_printed``). The case rule refuses a second one, a payment not made online, a void one,
in the words the clerk acts on (domain/case_rules.py).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import CaseState, Payment
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_receipts import (
    PaymentResult,
    load_state,
    payment_result,
)
from eservice_desktop.services.receipt_issue import new_receipt
from eservice_desktop.storage.models_payments import ReceiptRow

log = logging.getLogger("eservice.payments")


def waiting_online_payments(state: CaseState) -> list[Payment]:
    """The case's online payments that have no receipt of this office yet (not void)."""
    return [
        p for p in state.payments if p.method == "online" and not p.receipt_number and not p.voided
    ]


def issue_online_receipt(app: App, case_number: str, transaction: str) -> PaymentResult:
    """Issues this counter's receipt for the case's online payment named by its transaction id
    (its reference, letter case aside) or its payment id, in one transaction through the
    ingest; returns what the print path takes. Refused (nothing stored, no number used) when
    the case has no such payment, when it was not made online, or when it has a receipt."""
    require(app, Action.RECORD_PAYMENT)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = load_state(s, case_id)
        pay = _payment_named(state, transaction)
        new, number = _record(app, s, state, pay)
        row = s.get(ReceiptRow, number)
        assert row is not None
        log.info("online payment's receipt issued: %s", number)
        return payment_result(row, new)


def _payment_named(state: CaseState, transaction: str) -> Payment:
    key = transaction.strip().upper()
    for p in state.payments:
        if key and key in {p.payment_id.upper(), transaction_id(p.payment_id, p.reference).upper()}:
            return p
    shown = values.printable(transaction.strip(), 64)
    raise DomainError(
        "receipt.online_unknown",
        f"案件 {state.case_number} 查無交易電子案號 {shown} 的線上繳費；請先同步再查看案件",
        f"Case {state.case_number} has no online payment with the transaction id {shown}; "
        "sync and look at the case again",
        "reference",
    )


def _record(app: App, s: Session, state: CaseState, pay: Payment) -> tuple[CaseState, str]:
    """The event of the receipt: this counter's next number and code, the payment's values."""
    number, code, key_id = new_receipt(app, s, state.case_number, pay.amount, app.now())
    payload: dict[str, Any] = {
        "payment_id": pay.payment_id,
        "receipt_number": number,
        "verification": code,
        "key_id": key_id,
        "case_number": state.case_number,
        "amount": pay.amount,
        "reference": pay.reference,
        "payment_tool": pay.payment_tool or None,
        "authorised_at": pay.authorised_at or None,
        "settlement_number": pay.settlement_number or None,
        "deposit_date": pay.deposit_date or None,
        "deposited": pay.deposited,
    }
    new = cases.record(app, s, state.case_id, ev.ONLINE_RECEIPT_ISSUED, payload)
    return new, number
