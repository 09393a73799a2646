"""Correcting the way a counter payment was keyed (收費方式更正): cash keyed as card, or card
as cash, found after the day's closing.

A void is of the receipt's own day only (``receipt.earlier_day``) and a refund hands money
back, so neither puts right a cash payment keyed as card: the money is in the drawer, the
closing counts it as card, and the day never balanced with its drawer. The correction is its
own event, approved by a supervisor, naming the method the payment was recorded with and the
one it was paid with; the payment event and its receipt stay as they were (a reprint still
prints the receipt as first printed), and the closing of the receipt's day counts the money
under the method corrected to, while the closing of the day of the correction lists it.

Only the counter's own two ways of paying are corrected: an online payment was recorded by the
county from the bank's statement, never keyed at a counter. A void receipt has no money left to
count, and a receipt with a refund had that money handed back on the method it had then (the
refund's own record), so it is refused too: refund it in full and take the payment again."""

from __future__ import annotations

from typing import Final

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import APPROVE_METHOD_CORRECTION, CaseState, Payment
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.state_copy import replace

#: The methods a counter keys and so may correct to and from.
COUNTER_METHODS: Final = ("cash", "card")
METHOD_LABELS: Final = {
    "cash": ("現金", "cash"),
    "card": ("刷卡", "card"),
    "online": ("線上", "online"),
}


def method_error(
    pay: Payment, number: str, to_method: str, reference: str | None
) -> DomainError | None:
    """Why the payment ``pay`` (receipt ``number``) cannot be corrected to ``to_method``, else
    None: the checks a counter makes before asking a supervisor, and the case rule's.
    ``reference`` None: not asked yet (the fees page asks a card's reference after these)."""
    if to_method not in COUNTER_METHODS:
        return DomainError(
            "payment.method_correction_to",
            "更正後的收費方式須為現金（cash）或刷卡（card）",
            "The corrected method must be cash or card",
            "to",
        )
    if pay.voided:
        return DomainError("receipt.already_voided", "此收據已作廢", "This receipt is already void")
    if pay.method not in COUNTER_METHODS or pay.online_receipt:
        return DomainError(
            "payment.method_online",
            f"收據 {number} 為線上繳費，由縣府依銀行資料登錄，不能更正收費方式",
            f"Receipt {number} is an online payment, recorded by the county from the bank's "
            "data; its method cannot be corrected",
        )
    if pay.refunded > 0:
        return DomainError(
            "payment.method_refunded",
            f"收據 {number} 已退費 {pay.refunded} 元，退費已依原收費方式退還，不能更正收費方式；"
            "請全額退費後重新收費",
            f"Receipt {number} has NT${pay.refunded} refunded on its method, so its method "
            "cannot be corrected; refund it in full and take the payment again",
        )
    if pay.method == to_method:
        zh, en = METHOD_LABELS[to_method]
        return DomainError(
            "payment.method_unchanged",
            f"收據 {number} 已是{zh}收費，無須更正",
            f"Receipt {number} is already a {en} payment; nothing to correct",
            "to",
        )
    if reference is None:
        return None
    if to_method == "card" and not reference.strip():
        return DomainError(
            "payment.reference_required",
            "更正為刷卡須輸入刷卡機交易序號（授權碼）",
            "A correction to card needs the terminal's reference number",
            "reference",
        )
    if to_method == "cash" and reference.strip():
        return DomainError(
            "payment.reference_not_taken",
            "現金收費沒有刷卡交易序號：更正為現金時請勿輸入 --reference",
            "A cash payment has no terminal reference: leave out --reference",
            "reference",
        )
    return None


def check_method_corrected(state: CaseState, p: pl.PaymentMethodCorrected, _t: str) -> None:
    """The case rule: the payment exists with this receipt and was recorded with
    ``from_method``, the correction is possible and has a reason (its approval:
    :func:`require_approval`)."""
    pay = state.payment(p.payment_id)
    if pay.receipt_number != p.receipt_number or pay.amount != p.amount:
        raise DomainError(
            "payment.method_mismatch",
            "更正內容與收據不符（收據號碼或金額）",
            "The correction does not match the receipt (its number or amount)",
        )
    if pay.method != p.from_method:
        raise DomainError(
            "payment.method_changed",
            f"收據 {p.receipt_number} 的收費方式已被更正（目前為 {pay.method}）：請重新查看後再辦",
            f"Receipt {p.receipt_number}'s method was corrected already (now {pay.method}); "
            "look again before correcting it",
        )
    refusal = method_error(pay, p.receipt_number, p.to_method, p.reference or "")
    if refusal is not None:
        raise refusal
    if not (p.reason or "").strip():
        raise DomainError(
            "case.reason_required", "請填寫更正理由", "A correction reason is required", "reason"
        )


def require_approval(state: CaseState, event_id: str) -> None:
    """A supervisor's approval of this very correction, appended just before it: an event
    pulled without one is refused as a counter's would be."""
    if state.approval_for(event_id, APPROVE_METHOD_CORRECTION) is None:
        raise DomainError(
            "auth.approval_required",
            "更正收費方式須經主管核准",
            "Correcting a payment's method needs a supervisor's approval",
            "approver",
        )


def fold_method_corrected(s: CaseState, p: pl.PaymentMethodCorrected, _e: ev.Event) -> CaseState:
    """The payment as it was paid (cash or card); its receipt's paper is left as printed
    (``services.receipt_paper_method`` prints it as of its payment)."""
    card = p.to_method == "card"
    kept = p.reference if card else None
    return replace(
        s,
        payments=tuple(
            replace(x, method=p.to_method, reference=kept, tendered=None, change=0)
            if x.payment_id == p.payment_id
            else x
            for x in s.payments
        ),
    )
