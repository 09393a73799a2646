"""The case's rules: :func:`check` refuses an event that may not follow the state.

The rules common to every type come first; then each type's own rule from ``_CHECKS`` (by event
type, given its typed payload). A refusal is a ``DomainError`` with the clerk's message in zh-TW
and English. Everything public is importable from ``domain.case``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain import reopen_rule
from eservice_desktop.domain.applicant_rule import check_applicant_corrected
from eservice_desktop.domain.case_state import (
    APPROVAL_ACTIONS,
    APPROVE_CLOSE_WITH_BALANCE,
    APPROVE_HANDOVER_WITH_BALANCE,
    CANCELLED,
    CLOSED,
    OPEN,
    PICKED_UP,
    READY,
    REJECTED,
    CaseState,
    case_not_found,
)
from eservice_desktop.domain.correction_rules import (
    check_payment_refunded,
    check_payment_settled,
    check_payment_voided,
    check_receipt,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.method_correction_rule import (
    check_method_corrected,
    require_approval,
)
from eservice_desktop.domain.online_receipt_rule import (
    ALREADY_ISSUED,
    ISSUED_TWICE,
    check_online_receipt,
)
from eservice_desktop.domain.payloads import payload_of
from eservice_desktop.domain.phone_rule import check_code_reissue, check_phone_changed
from eservice_desktop.domain.unpaid import FEES_DUE, fees_due_error


def _refuse(code: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en)


_FINISHED: dict[str, tuple[str, str]] = {
    CLOSED: ("本案已結案", "The case is already closed"),
    REJECTED: ("本案已駁回", "The case was rejected"),
    CANCELLED: ("本案已撤件", "The case was cancelled"),
    READY: ("本案已待領件", "The case is already ready for pickup"),
    PICKED_UP: ("本案已領件", "The case was already picked up"),
}

#: Events only an open case takes.
_NEEDS_OPEN = frozenset(
    {
        ev.ACCEPTED,
        ev.CONSENT_RECORDED,
        ev.LOOKUP_DONE,
        ev.SUPPLEMENT_REQUESTED,
        ev.SUPPLEMENT_RECEIVED,
        ev.CLOSED,
        ev.REJECTED,
        ev.CANCELLED,
    }
)

#: A rule of one event type: the state, the event's typed payload, the event type.
Rule = Callable[[CaseState, Any, str], None]


def check(state: CaseState | None, event: ev.Event, typed: pl.EventPayload | None = None) -> None:
    """Raises DomainError when ``event`` may not follow ``state``; the message is for the clerk.

    The rules common to every type come first; then the type's own rule from ``_CHECKS``, given
    the event's typed payload (``domain.payloads``; its values were checked by
    ``domain.event_values`` before, which made ``typed``: read from the event when not given)."""
    t = event.type
    if state is None:
        if t != ev.RECEIVED:
            raise case_not_found()
        return
    if t == ev.RECEIVED:
        raise _refuse("case.duplicate", "此案件已收件", "This case was already received")
    if t in _NEEDS_OPEN and not state.is_open:
        zh, en = _FINISHED[state.lifecycle]
        raise _refuse(
            "case.not_open", zh + "，無法再辦理此動作", en + "; this action is not possible"
        )
    if t in _BALANCE_EXCEPTIONS:
        _check_balance_exception(state, event, typed)
        return
    if t == ev.APPROVAL_GRANTED:
        approval = typed if isinstance(typed, pl.ApprovalGranted) else None
        _check_approval(approval or pl.ApprovalGranted.read(event.payload), event.clerk)
        return
    rule = _CHECKS.get(t)
    if rule is not None:
        rule(state, payload_of(event) if typed is None else typed, t)
    if t == ev.PAYMENT_METHOD_CORRECTED:  # approved as this very event, as a balance's is
        require_approval(state, event.event_id)
    elif t == ev.REOPENED:
        reopen_rule.require_approval(state, event.event_id)


def _require_reason(p: pl.EventPayload, zh: str, en: str) -> None:
    if not (p.reason or "").strip():
        raise _refuse("case.reason_required", zh, en)


NOT_ACCEPTED = (
    "本案為線上申辦，請先收件（案件明細 Alt+A 或 case accept）",
    "Accept this online case first (Alt+A in the case detail, or `case accept`)",
)
_TOLD = ("請填寫理由（民眾會看到）", "A reason is required (the citizen will see it)")


def _require_accepted(state: CaseState) -> None:
    if state.awaiting_acceptance:
        raise _refuse("case.not_accepted", *NOT_ACCEPTED)


def _check_accepted(state: CaseState, _p: pl.Accepted, _t: str) -> None:
    if not state.online:
        raise _refuse(
            "case.not_online", "臨櫃案件已於收件時受理", "A counter case was accepted at intake"
        )
    if state.accepted_at is not None:
        raise _refuse("case.already_accepted", "本案已收件", "This case was already accepted")


def _check_supplement_requested(state: CaseState, p: pl.SupplementRequested, _t: str) -> None:
    _require_accepted(state)
    if state.supplement_since is not None:
        raise _refuse(
            "case.supplement_pending",
            "已通知補正，尚待民眾補件",
            "A supplement is already pending",
        )
    _require_reason(p, "請填寫補正事項", "Say what must be supplied")


def _check_supplement_received(state: CaseState, _p: pl.SupplementReceived, _t: str) -> None:
    if state.supplement_since is None:
        raise _refuse("case.no_supplement", "本案未在補正中", "No supplement was requested")


def _check_closed(state: CaseState, _p: pl.Closed, _t: str) -> None:
    _require_accepted(state)
    if state.supplement_since is not None:
        raise _refuse(
            "case.supplement_pending",
            "補正中的案件不能結案，請先登錄補件",
            "Record the supplement before closing",
        )


#: The events a balance due refuses unless a supervisor approved this very event.
_BALANCE_EXCEPTIONS: dict[str, str] = {
    ev.CLOSED: APPROVE_CLOSE_WITH_BALANCE,
    ev.PICKED_UP: APPROVE_HANDOVER_WITH_BALANCE,
    ev.READY_FOR_PICKUP: APPROVE_CLOSE_WITH_BALANCE,
}


def _check_balance_exception(
    state: CaseState, event: ev.Event, typed: pl.EventPayload | None
) -> None:
    """Closing, making ready and handing over: the type's own rule, then the balance. A balance
    due refuses unless the supervisor's approval for this event was appended just before it (for
    the ready notice: the case was closed with an approved balance)."""
    t = event.type
    _CHECKS[t](state, payload_of(event) if typed is None else typed, t)
    if state.balance <= 0:
        return
    action = _BALANCE_EXCEPTIONS[t]
    if t == ev.READY_FOR_PICKUP:
        if state.closed_with_balance_approved:
            return
    elif state.approval_for(event.event_id, action) is not None:
        return
    raise fees_due_error(state.balance, t)


def _check_approval(p: pl.ApprovalGranted, clerk: str) -> None:
    """An approval names a known exception, the event it approves, both accounts (never the
    same one, nor the clerk appending it: nobody approves their own request) and the reason."""
    if p.action not in APPROVAL_ACTIONS:
        raise _refuse("approval.action", "核准事項不明", "Unknown approval action")
    if not str(p.for_event or "").strip():
        raise _refuse("approval.target", "核准未指明所核准的事件", "The approved event is missing")
    requested = str(p.requested_by or "").strip()
    approved = str(p.approved_by or "").strip()
    if not requested or not approved:
        raise _refuse(
            "approval.accounts", "核准須記錄申請人與核准主管帳號", "Both accounts must be named"
        )
    if approved in (requested, clerk):
        raise _refuse(
            "auth.self_approval",
            "不能核准自己的申請，請由其他主管核准",
            "Nobody can approve their own request; another supervisor must approve it",
        )
    _require_reason(p, "請填寫核准理由", "An approval needs a reason")


def _check_ended(_state: CaseState, p: pl.Rejected | pl.Cancelled, t: str) -> None:
    told = t == ev.REJECTED  # a withdrawal is told without its reason (county.notify)
    _require_reason(p, *(_TOLD if told else ("請填寫撤件理由", "A reason is required")))


def _check_fee_assessed(state: CaseState, p: pl.FeeAssessed, _t: str) -> None:
    # Fees can be (re-)assessed or exempted until the documents leave the office.
    if state.lifecycle not in (OPEN, CLOSED, READY):
        zh, en = _FINISHED[state.lifecycle]
        raise _refuse(
            "case.not_open", zh + "，無法再核計規費", en + "; fees can no longer be assessed"
        )
    if p.total < 0:
        raise _refuse("fee.invalid", "規費金額不正確", "Invalid fee total")
    if p.copies is not None and not 1 <= int(p.copies) <= 99:
        raise _refuse("copies.range", "份數須介於 1 到 99", "Copies must be between 1 and 99")
    if p.total < state.paid:  # how much to refund: the clerk worked it out from the totals
        total, paid, back = f"{p.total:,}", f"{state.paid:,}", f"{state.paid - p.total:,}"
        raise _refuse(
            "fee.below_paid",
            f"核定金額 {total} 元低於已繳金額 {paid} 元：請先退費 {back} 元，再核定",
            f"The assessed fee NT${total} is below the NT${paid} paid: refund NT${back} first, "
            "then assess",
        )


def _check_payment_recorded(state: CaseState, p: pl.PaymentRecorded, _t: str) -> None:
    amount = p.amount
    if amount <= 0:
        raise _refuse("payment.amount", "繳費金額必須大於零", "The amount must be positive")
    if any(x.payment_id == p.payment_id for x in state.payments):
        raise _refuse("payment.duplicate", "此筆繳費已登錄", "This payment is already recorded")
    _check_payment_method(p)
    # the last two the county takes anyway (``taken_anyway``): every rule above comes first
    if state.lifecycle in (REJECTED, CANCELLED):
        zh, en = _FINISHED[state.lifecycle]
        raise _refuse(ENDED, zh + "，不能收費", en + "; no payment can be taken")
    if amount > state.balance:
        raise _refuse(
            OVER_BALANCE,
            f"繳費金額 {amount} 元超過應繳餘額 {state.balance} 元",
            f"Amount {amount} exceeds the balance due {state.balance}",
        )


#: A payment above the balance due: refused at the counter, where the clerk takes no more than
#: is due. Every other rule of a payment is checked before this one (:func:`taken_anyway`).
OVER_BALANCE = "payment.over_balance"
#: A payment on a case cancelled or rejected: refused at the counter (the code every event an
#: ended case refuses has); taken by the county from a counter that took it offline.
ENDED = "case.not_open"


def taken_anyway(event_type: str, err: DomainError) -> bool:
    """Whether the county takes an event a counter made offline that its rules refuse now: a
    fact that cannot be undone. Money taken while another counter took the same fee (the case
    over-paid, 溢繳, until refunded); documents handed over while another counter voided the
    fee's receipt (the fee due is collected after: ``fees_due`` is checked after the handover's
    own rules). The counters list both as conflicts (services/conflict_rows.py). An online
    payment's receipt issued by two counters offline is taken too (both papers are out: the
    fold keeps the first number, the receipts projection logs the second). So is money taken
    offline on a case another counter cancelled or rejected meanwhile: the citizen holds the
    receipt, every drawer's closing counts it, and every counter lists it to refund
    (services/paid_after_end.py)."""
    return (event_type, err.code) in _TAKEN_ANYWAY


_TAKEN_ANYWAY = frozenset(
    {
        (ev.PAYMENT_RECORDED, OVER_BALANCE),
        (ev.PAYMENT_RECORDED, ENDED),
        (ev.PICKED_UP, FEES_DUE),
        (ev.ONLINE_RECEIPT_ISSUED, ALREADY_ISSUED),
        (ev.RECEIPT_ISSUED, ISSUED_TWICE),
    }
)


def _check_ready(state: CaseState, _p: pl.ReadyForPickup, _t: str) -> None:
    if state.lifecycle == OPEN:
        raise _refuse("case.not_closed", "案件尚未結案，不能通知領件", "Close the case first")
    if state.lifecycle != CLOSED:
        zh, en = _FINISHED[state.lifecycle]
        raise _refuse("case.not_open", zh, en)


def _check_picked_up(state: CaseState, _p: pl.PickedUp, _t: str) -> None:
    if state.lifecycle == PICKED_UP:
        raise _refuse("pickup.already_picked_up", "本案文件已領取", "Already picked up")
    if state.lifecycle != READY:
        raise _refuse("pickup.not_ready", "案件尚未可領件", "The case is not ready for pickup")


def _check_notice_resend(state: CaseState, p: pl.NoticeResendRequested, _t: str) -> None:
    if p.stage not in ev.NOTICE_STAGES:
        # every stage there is (the list was written out, and left cancelled and refunded out)
        raise _refuse(
            "notice.stage",
            f"通知階段不正確（{'、'.join(ev.NOTICE_STAGES)}）",
            f"Unknown notice stage ({', '.join(ev.NOTICE_STAGES)})",
        )


def _check_lookup_done(state: CaseState, p: pl.LookupDone, _t: str) -> None:
    if p.kind not in state.consent_kinds:
        raise _refuse(
            "lookup.no_consent",
            "民眾未同意查調此項書證，不能代為查詢；請先徵得同意並記錄",
            "The citizen has not consented to this document being looked up; record the "
            "consent first",
        )


_CHECKS: dict[str, Rule] = {
    ev.ACCEPTED: _check_accepted,
    ev.SUPPLEMENT_REQUESTED: _check_supplement_requested,
    ev.SUPPLEMENT_RECEIVED: _check_supplement_received,
    ev.CLOSED: _check_closed,
    ev.REJECTED: _check_ended,
    ev.CANCELLED: _check_ended,
    ev.FEE_ASSESSED: _check_fee_assessed,
    ev.PAYMENT_RECORDED: _check_payment_recorded,
    ev.PAYMENT_REFUNDED: check_payment_refunded,
    ev.PAYMENT_VOIDED: check_payment_voided,
    ev.PAYMENT_SETTLED: check_payment_settled,
    ev.RECEIPT_ISSUED: check_receipt,
    ev.RECEIPT_REPRINTED: check_receipt,
    ev.RECEIPT_VOIDED: check_receipt,
    ev.ONLINE_RECEIPT_ISSUED: check_online_receipt,
    ev.READY_FOR_PICKUP: _check_ready,
    ev.PICKED_UP: _check_picked_up,
    ev.NOTICE_RESEND_REQUESTED: _check_notice_resend,
    ev.LOOKUP_DONE: _check_lookup_done,
    ev.PHONE_CHANGED: check_phone_changed,
    ev.CODE_REISSUE_REQUESTED: check_code_reissue,
    ev.APPLICANT_CORRECTED: check_applicant_corrected,
    ev.PAYMENT_METHOD_CORRECTED: check_method_corrected,
    ev.REOPENED: reopen_rule.check_reopened,
}


PAYMENT_METHODS = ("cash", "card", "online")


def _check_payment_method(p: pl.PaymentRecorded) -> None:
    """Each way of paying carries what the closing and the reconciliation need later."""
    if p.method not in PAYMENT_METHODS:
        raise _refuse("payment.method", "繳費方式不正確", "Unknown payment method")
    if p.method == "cash" and p.tendered is not None:
        tendered = int(p.tendered)
        if tendered < p.amount:
            raise _refuse(
                "payment.tendered",
                f"收現金額 {tendered} 元不足應收 {p.amount} 元",
                f"Cash tendered {tendered} is less than the amount {p.amount}",
            )
    if p.method == "card" and not str(p.reference or "").strip():
        raise _refuse(
            "payment.reference_required",
            "刷卡繳費須輸入刷卡機交易序號（授權碼）",
            "Card payments need the terminal's reference number",
        )
    if p.method == "online" and not str(p.payment_tool or "").strip():
        raise _refuse(
            "payment.tool_required", "線上繳費須註明付費工具", "Online payments need a payment tool"
        )
