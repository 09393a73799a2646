"""The case rules of the corrections of a payment and of its receipt's paper: a refund, a
void, the treasury's settlement, a print, a reprint and a void of the receipt. Apart from
``case_rules`` (which dispatches to them) as the rules of money going back and papers out."""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.online_receipt_rule import online_void_error, spare_paper_error
from eservice_desktop.domain.refunds import refund_error, refunded_receipt_error


def _refuse(code: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en)


def _require_reason(p: pl.EventPayload, zh: str, en: str) -> None:
    if not (p.reason or "").strip():
        raise _refuse("case.reason_required", zh, en)


def check_payment_refunded(state: CaseState, p: pl.PaymentRefunded, _t: str) -> None:
    refusal = refund_error(state.payment(p.payment_id), p.amount)
    if refusal is not None:
        raise refusal
    _require_reason(p, "請填寫退費理由", "A refund reason is required")


def check_payment_voided(state: CaseState, p: pl.PaymentVoided, _t: str) -> None:
    pay = state.payment(p.payment_id)
    if pay.voided:
        raise _refuse("payment.already_voided", "此筆繳費已作廢", "This payment is already void")
    if pay.online_receipt:
        raise online_void_error(pay.receipt_number)
    if pay.refunded > 0:
        raise refunded_receipt_error()
    _require_reason(p, "請填寫作廢理由", "A void reason is required")


def check_payment_settled(state: CaseState, p: pl.PaymentSettled, _t: str) -> None:
    if state.payment(p.payment_id).method != "online":
        raise _refuse(
            "payment.not_online", "只有線上繳費有入庫資料", "Only online payments are settled"
        )


def check_receipt(state: CaseState, p: pl.ReceiptPayload, t: str) -> None:
    number = p.receipt_number
    if (spare := spare_paper_error(state, number)) is not None:
        raise spare
    pay = state.payment_by_receipt(number)
    if number in state.voided_receipts:
        raise _refuse("receipt.already_voided", "此收據已作廢", "This receipt is already void")
    if t == ev.RECEIPT_VOIDED and pay.refunded > 0 and not pay.voided:
        raise refunded_receipt_error()
    if t == ev.RECEIPT_VOIDED and pay.online_receipt:
        raise online_void_error(number)
    if t != ev.RECEIPT_ISSUED:
        zh = "請填寫作廢理由" if t == ev.RECEIPT_VOIDED else "請填寫重印原因"
        _require_reason(p, zh, "A reason is required")
