"""What follows a payment on its receipt: a refund, a void, the first print and the reprints.

Each asks the supervisor's approval the state machine names (every refund and void, a second
reprint and later) before it writes, and records its event through ``cases.record`` in one
transaction, like the payment itself. Apart from ``services.payments`` (which re-exports these)
because the payment takes the money while these correct or reprint what was taken.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import (
    APPROVE_REFUND,
    APPROVE_REPRINT,
    APPROVE_VOID,
    PICKED_UP,
    CaseState,
    refund_error,
    refunded_receipt_error,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.online_receipt_rule import online_void_error
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import format_roc, roc_minute
from eservice_desktop.services import cases
from eservice_desktop.services.approvals import Approval, Granted, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_receipts import (
    PaymentResult,
    load_state,
    payment_result,
    receipt_row,
    reprint_reason_needed,
)
from eservice_desktop.services.receipt_clerk import clerk_shown
from eservice_desktop.storage.models_payments import ReceiptRow

#: What each reason is called in a refusal (zh-TW, English).
VOID_REASON: Final[values.Label] = ("作廢理由", "Void reason")
REFUND_REASON: Final[values.Label] = ("退費理由", "Refund reason")
REPRINT_REASON: Final[values.Label] = ("重印原因", "Reprint reason")


def check_reason(reason: str, label: values.Label) -> str:
    """``reason`` stripped, as its event may hold it (the payloads' reason rule), else a
    refusal naming it: checked before a supervisor is asked or anything is printed."""
    return values.check_text(
        reason.strip(), "reason", max_len=values.REASON_MAX, multiline=True, label=label
    )


def _reason_given(reason: str, zh: str, en: str, label: values.Label) -> str:
    """The reason the state machine asks for, checked before a supervisor is asked."""
    if not reason.strip():
        raise DomainError("case.reason_required", zh, en, "reason")
    return check_reason(reason, label)


def _existing_receipt(app: App, number: str, *, void: bool = False) -> str:
    """The receipt number as stored; an unknown receipt (or, for a void, one already void, one
    with a refund or one of an earlier day) is refused before a supervisor is asked to approve."""
    with app.reading() as s:
        row = receipt_row(s, number)
        state = load_state(s, row.case_id) if void else None
    if state is not None:
        _voidable(app, row, state)
    return row.number


def _voidable(app: App, row: ReceiptRow, state: CaseState) -> None:
    """A void takes the receipt out of the closing of the day it was issued, so only that day
    (Taipei) may void it: a closed day's totals would change afterwards and the day the money
    went back would show nothing. Later the money goes back as a refund, in that day's closing.
    Nor once the case's documents were handed over: they left against this payment (nothing
    leaves the office unpaid), and the void left a case handed over with its fee owing. Nor an
    online payment's receipt (``domain.online_receipt_rule.online_void_error``)."""
    if row.status == "void":
        raise DomainError("receipt.already_voided", "此收據已作廢", "This receipt is already void")
    if row.refunded > 0:
        raise refunded_receipt_error()
    if state.payment(row.payment_id).online_receipt:
        raise online_void_error(row.number)
    if state.lifecycle == PICKED_UP and state.picked_up_at is not None:
        raise DomainError(
            "receipt.handed_over",
            f"收據 {row.number} 的案件 {row.case_number} 已於 {roc_minute(state.picked_up_at)} "
            "交付文件，不能作廢；須退還規費請以退費辦理",
            f"The documents of case {row.case_number} (receipt {row.number}) were handed over "
            f"at {state.picked_up_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}, so the receipt "
            "cannot be voided; refund it instead",
        )
    today = app.now().astimezone(TAIPEI).date()
    if row.issued_day > today:
        raise _later_day(row.number, row.issued_day, today)
    if row.issued_day != today:
        raise DomainError(
            "receipt.earlier_day",
            f"收據 {row.number} 為 {format_roc(row.issued_day)} 開立，已列入當日日結，不能作廢；"
            "請以退費辦理",
            f"Receipt {row.number} was issued on {row.issued_day.isoformat()} and is in that "
            "day's closing, so it cannot be voided; refund it instead",
        )


def _later_day(number: str, issued: date, today: date) -> DomainError:
    """A receipt dated after today: issued while the PC's clock ran ahead (less than a day
    ahead, which the clock guard lets through), or the clock is behind now. It was refused as
    of an earlier day, 「已列入當日日結」 of a day still to come, and sent to a refund."""
    return DomainError(
        "receipt.later_day",
        f"收據 {number} 的開立日期 {format_roc(issued)} 晚於今天（{format_roc(today)}）：開立時"
        "電腦時鐘超前，或現在的電腦時鐘落後；本次未作廢。請通知資訊人員校正電腦時鐘",
        f"Receipt {number} is dated {issued.isoformat()}, after today ({today.isoformat()}): "
        "the PC's clock was ahead when it was issued, or is behind now; it was not voided. "
        "Ask IT to set the PC's clock right",
        extra={"issued_day": issued.isoformat(), "today": today.isoformat()},
    )


def _refundable(app: App, number: str, amount: int) -> tuple[str, int]:
    """The receipt number as stored and what is left on it when ``amount`` can be refunded;
    else the refusal that says why (void, refunded in full, more than is left), before a
    supervisor is asked."""
    with app.reading() as s:
        row = receipt_row(s, number)
        pay = load_state(s, row.case_id).payment(row.payment_id)
    refusal = refund_error(pay, amount)
    if refusal is not None:
        raise refusal
    return row.number, pay.net


def refundable(app: App, number: str) -> int:
    """What is left to refund on receipt ``number``; a void receipt or one refunded in full is
    refused here, before the counter asks the amount and the reason."""
    require(app, Action.REFUND)
    return _refundable(app, number, 1)[1]


def voidable(app: App, number: str) -> str:
    """The receipt number as stored when it may be voided; one already void, with a refund or
    of an earlier day is refused here, before the counter asks the reason."""
    require(app, Action.VOID)
    return _existing_receipt(app, number, void=True)


def refund(
    app: App, number: str, amount: int, reason: str, *, approval: Approval | None = None
) -> PaymentResult:
    """Money handed back on a valid receipt (the receipt stays valid; the case balance grows).
    A supervisor approves every refund (``approval``, recorded just before the refund)."""
    require(app, Action.REFUND)
    target = _refundable(app, number, amount)[0]
    _reason_given(reason, "請填寫退費理由", "A refund reason is required", REFUND_REASON)
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
    reason = _reason_given(reason, "請填寫作廢理由", "A void reason is required", VOID_REASON)
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


def reprint_granted(
    app: App, number: str, reason: str, approval: Approval | None
) -> Granted | None:
    """The supervisor's approval of a receipt's second reprint or later, verified (the
    approver's scope against the receipt's case too); None when the reprint needs none. Asked
    before the receipt is printed or written (the window, ``receipt pdf``) and again when it is
    recorded: an approver out of scope, refused only at the record, let the reprint out with
    no record of it."""
    require(app, Action.PRINT)
    if not needs_reprint_approval(app, number):
        return None
    with app.reading() as s:
        row = receipt_row(s, number)
        service = load_state(s, row.case_id).service_code
    return grant(
        app, approval, APPROVE_REPRINT, reason=reason, target=row.number, service_code=service
    )


def confirm_printed(
    app: App, number: str, reprint_reason: str = "", *, approval: Approval | None = None
) -> PaymentResult:
    """Records that the receipt went to the printer (first time) or was reprinted (with reason).

    The first reprint needs only its reason; every later one a supervisor's approval
    (:func:`needs_reprint_approval`, asked before printing)."""
    require(app, Action.PRINT)
    if reprint_reason:
        check_reason(reprint_reason, REPRINT_REASON)
    granted = reprint_granted(app, number, reprint_reason, approval)
    with app.transaction() as s:
        row = receipt_row(s, number)
        if row.status == "void":
            # A void receipt printed for the record is not an issue or a reprint of a receipt.
            return payment_result(row, load_state(s, row.case_id))
        if row.print_count == 0:
            # the 經收人 the paper shows, kept for every reprint (services/receipt_clerk.py)
            issued = {"receipt_number": row.number, "clerk": clerk_shown(s, row.clerk)}
            state = cases.record(app, s, row.case_id, ev.RECEIPT_ISSUED, issued)
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


def check_reprint_reason(app: App, number: str, reason: str) -> None:
    """Refuses a reprint of a receipt printed before without a reason (before printing)."""
    require(app, Action.PRINT)
    with app.reading() as s:
        reprint_reason_needed(receipt_row(s, number), reason)


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
