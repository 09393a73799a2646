"""What follows a payment on its receipt: a refund, a void, the first print and the reprints.

Each asks the supervisor's approval the state machine names (every refund and void, a second
reprint and later) before it writes, and records its event through ``cases.record`` in one
transaction, like the payment itself. Apart from ``services.payments`` (which re-exports these)
because the payment takes the money while these correct or reprint what was taken.
"""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import (
    APPROVE_REFUND,
    APPROVE_REPRINT,
    APPROVE_VOID,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases
from eservice_desktop.services.approvals import Approval, Granted, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_receipts import (
    PaymentResult,
    load_state,
    payment_result,
    receipt_row,
)


def _reason_given(reason: str, zh: str, en: str) -> str:
    """The reason the state machine asks for, checked before a supervisor is asked."""
    if not reason.strip():
        raise DomainError("case.reason_required", zh, en, "reason")
    return reason.strip()


def _existing_receipt(app: App, number: str, *, void: bool = False) -> str:
    """The receipt number as stored; an unknown receipt (or, for a void, one already void) is
    refused before a supervisor is asked to approve."""
    with app.reading() as s:
        row = receipt_row(s, number)
    if void and row.status == "void":
        raise DomainError("receipt.already_voided", "此收據已作廢", "This receipt is already void")
    return row.number


def refund(
    app: App, number: str, amount: int, reason: str, *, approval: Approval | None = None
) -> PaymentResult:
    """Money handed back on a valid receipt (the receipt stays valid; the case balance grows).
    A supervisor approves every refund (``approval``, recorded just before the refund)."""
    require(app, Action.REFUND)
    target = _existing_receipt(app, number)
    _reason_given(reason, "請填寫退費理由", "A refund reason is required")
    granted = grant(app, approval, APPROVE_REFUND, reason=reason, target=target)
    return _refund_granted(app, number, amount, reason, granted)


def _refund_granted(
    app: App, number: str, amount: int, reason: str, granted: Granted
) -> PaymentResult:
    with app.transaction() as s:
        row = receipt_row(s, number)
        state = cases.record(
            app,
            s,
            row.case_id,
            ev.PAYMENT_REFUNDED,
            {
                "payment_id": row.payment_id,
                "receipt_number": row.number,
                "amount": amount,
                "method": row.method,
                "reason": reason.strip(),
            },
            granted=granted,
        )
        return payment_result(row, state)


def void_receipt(
    app: App, number: str, reason: str, *, approval: Approval | None = None
) -> PaymentResult:
    """Cancels a payment and its receipt; the number stays used and shows as void. A supervisor
    approves every void (``approval``, recorded just before the void's first event)."""
    require(app, Action.VOID)
    target = _existing_receipt(app, number, void=True)
    reason = _reason_given(reason, "請填寫作廢理由", "A void reason is required")
    return _void_granted(
        app, number, reason, grant(app, approval, APPROVE_VOID, reason=reason, target=target)
    )


def _void_granted(app: App, number: str, reason: str, approved: Granted) -> PaymentResult:
    granted: Granted | None = approved
    with app.transaction() as s:
        row = receipt_row(s, number)
        state = load_state(s, row.case_id)
        pay = state.payment(row.payment_id)
        if not pay.voided:
            cases.record(
                app,
                s,
                row.case_id,
                ev.PAYMENT_VOIDED,
                {"payment_id": row.payment_id, "receipt_number": row.number, "reason": reason},
                granted=granted,
            )
            granted = None
        state = cases.record(
            app,
            s,
            row.case_id,
            ev.RECEIPT_VOIDED,
            {"receipt_number": row.number, "payment_id": row.payment_id, "reason": reason},
            granted=granted,
        )
        return payment_result(row, state)


def confirm_printed(
    app: App, number: str, reprint_reason: str = "", *, approval: Approval | None = None
) -> PaymentResult:
    """Records that the receipt went to the printer (first time) or was reprinted (with reason).

    The first reprint needs only its reason; every later one a supervisor's approval
    (:func:`needs_reprint_approval`, asked before printing)."""
    require(app, Action.PRINT)
    granted = None
    if needs_reprint_approval(app, number):
        granted = grant(
            app,
            approval,
            APPROVE_REPRINT,
            reason=reprint_reason,
            target=_existing_receipt(app, number),
        )
    with app.transaction() as s:
        row = receipt_row(s, number)
        if row.status == "void":
            # A void receipt printed for the record is not an issue or a reprint of a receipt.
            return payment_result(row, load_state(s, row.case_id))
        if row.print_count == 0:
            state = cases.record(
                app, s, row.case_id, ev.RECEIPT_ISSUED, {"receipt_number": row.number}
            )
        else:
            state = cases.record(
                app,
                s,
                row.case_id,
                ev.RECEIPT_REPRINTED,
                {"receipt_number": row.number, "reason": reprint_reason.strip()},
                granted=granted,
            )
        return payment_result(row, state)


def needs_reprint_reason(app: App, number: str) -> bool:
    require(app, Action.PRINT)
    with app.reading() as s:
        return receipt_row(s, number).print_count > 0


def needs_reprint_approval(app: App, number: str) -> bool:
    """Printing this receipt again would be its second reprint or more: a supervisor approves
    (ask before printing; :func:`confirm_printed` checks again). A void receipt printed for the
    record is no reprint."""
    with app.reading() as s:
        row = receipt_row(s, number)
        if row.status == "void" or row.print_count == 0:
            return False
        return load_state(s, row.case_id).payment(row.payment_id).reprints >= 1
