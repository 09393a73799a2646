"""Correcting the way a counter payment was keyed (收費方式更正): cash keyed as card, or card
as cash, found after the fact, when the receipt can no longer be voided (``receipt
.earlier_day``) and the day's closing never balanced with its drawer.

A supervisor approves it, with the clerk's reason; it is one ``case.payment_method_corrected``
event through the one ingest path (``cases.record``), synced like every event. The payment
event and its receipt are never rewritten: a reprint says what the first print said. The
``receipts`` projection carries the method corrected to, so the closing of the receipt's day
counts the money where it lay, and both that closing and the closing of the day the correction
was made list it (``services.closing_corrections``). Rules: ``domain.method_correction_rule``.
"""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import APPROVE_METHOD_CORRECTION
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.method_correction_rule import method_error
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases
from eservice_desktop.services.approvals import Approval, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments import REFERENCE
from eservice_desktop.services.payments_corrections import check_reason
from eservice_desktop.services.payments_receipts import (
    PaymentResult,
    load_state,
    payment_result,
    receipt_row,
)

#: The correction's reason as a refusal names it.
CORRECTION_REASON = ("更正理由", "Correction reason")


def correctable(app: App, number: str, to_method: str, reference: str | None = "") -> str:
    """The receipt number as stored when its payment may be corrected to ``to_method``; else
    the refusal saying why (unknown, void, online, refunded, already that method, a card
    correction without its terminal reference), before a supervisor is asked. ``reference``
    None: the reference is not asked yet (the fees page asks it after this check)."""
    require(app, Action.VOID)
    with app.reading() as s:
        row = receipt_row(s, number)
        pay = load_state(s, row.case_id).payment(row.payment_id)
    refusal = method_error(pay, row.number, to_method, reference)
    if refusal is not None:
        raise refusal
    return row.number


def correct_method(
    app: App,
    number: str,
    to_method: str,
    reason: str,
    *,
    reference: str = "",
    approval: Approval | None = None,
) -> PaymentResult:
    """Records that receipt ``number``'s payment was paid by ``to_method`` (``cash``/``card``,
    a card's terminal ``reference``), approved by a supervisor (``approval``, recorded just
    before it). Nothing is stored when refused."""
    require(app, Action.VOID)
    target = correctable(app, number, to_method, reference)
    if reference:
        values.check_text(reference, "reference", max_len=values.REFERENCE_MAX, label=REFERENCE)
    if not reason.strip():
        raise DomainError(
            "case.reason_required", "請填寫更正理由", "A correction reason is required", "reason"
        )
    reason = check_reason(reason, CORRECTION_REASON)
    granted = grant(app, approval, APPROVE_METHOD_CORRECTION, reason=reason, target=target)
    with app.transaction() as s:
        row = receipt_row(s, number)
        pay = load_state(s, row.case_id).payment(row.payment_id)
        payload: dict[str, object] = {
            "payment_id": row.payment_id,
            "receipt_number": row.number,
            "from_method": pay.method,
            "to_method": to_method,
            "amount": row.amount,
            "reason": reason,
        }
        if to_method == "card":
            payload["reference"] = reference.strip()
        state = cases.record(
            app, s, row.case_id, ev.PAYMENT_METHOD_CORRECTED, payload, granted=granted
        )
        return payment_result(row, state)
