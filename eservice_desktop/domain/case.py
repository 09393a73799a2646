"""The case state machine: folds a case's event stream into its current state.

``decide_*`` style checks live in :func:`check` so that a use case can ask "may this event be
appended now?" before writing, and the projection (:func:`project`) stays a plain fold that also
accepts events from other offices which the county has already ordered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.payloads import payload_of
from eservice_desktop.domain.values import ONLINE_CHANNELS

_T = TypeVar("_T")

OPEN = "open"
CLOSED = "closed"
REJECTED = "rejected"
CANCELLED = "cancelled"
READY = "ready_for_pickup"
PICKED_UP = "picked_up"

#: Status shown to people; derived from lifecycle plus what the case is waiting for.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("收件", "Received"),
    "payment_due": ("待繳費", "Payment due"),
    "supplement_requested": ("補正中", "Supplement requested"),
    "closed": ("結案", "Closed"),
    "rejected": ("駁回", "Rejected"),
    "cancelled": ("撤件", "Cancelled"),
    "ready_for_pickup": ("待領件", "Ready for pickup"),
    "picked_up": ("已領件", "Picked up"),
}


#: The exceptions a supervisor approves (the ``action`` of a ``case.approval_granted``).
APPROVE_VOID = "void"
APPROVE_REFUND = "refund"
APPROVE_FEE_REDUCTION = "fee_reduction"
APPROVE_IDENTITY_REVOCATION_UNKNOWN = "identity_revocation_unknown"
APPROVE_REPRINT = "reprint"
APPROVE_CLOSE_WITH_BALANCE = "close_with_balance"
APPROVE_HANDOVER_WITH_BALANCE = "handover_with_balance"
APPROVE_STALE_SYNC_INTAKE = "stale_sync_intake"

#: Action -> (zh-TW, English) as a clerk and an auditor read it.
APPROVAL_ACTIONS: dict[str, tuple[str, str]] = {
    APPROVE_VOID: ("作廢收據", "void a receipt"),
    APPROVE_REFUND: ("退費", "refund"),
    APPROVE_FEE_REDUCTION: ("規費減免或免徵", "fee reduction or exemption"),
    APPROVE_IDENTITY_REVOCATION_UNKNOWN: (
        "憑證廢止狀態不明仍予受理",
        "identity accepted with revocation unknown",
    ),
    APPROVE_REPRINT: ("再次補印收據", "reprint a receipt again"),
    APPROVE_CLOSE_WITH_BALANCE: ("未繳清規費結案", "close with fees still due"),
    APPROVE_HANDOVER_WITH_BALANCE: ("未繳清規費交付文件", "hand over with fees still due"),
    APPROVE_STALE_SYNC_INTAKE: ("久未同步仍予收件", "intake while sync is overdue"),
}


@dataclass(frozen=True)
class Payment:
    payment_id: str
    method: str
    amount: int
    at: datetime
    receipt_number: str | None
    reference: str | None = None
    refunded: int = 0
    voided: bool = False
    #: Cash handed over and change given back (cash only; None when not recorded).
    tendered: int | None = None
    change: int = 0
    #: Online payments (seed appendix 22): payment tool (信用卡, 金融帳戶轉帳, 晶片金融卡),
    #: authorisation time (ISO), deposit date (ISO day), settlement number, deposited or not.
    payment_tool: str = ""
    authorised_at: str = ""
    deposit_date: str = ""
    settlement_number: str = ""
    deposited: bool = False
    #: The receipt was handed out (RECEIPT_ISSUED) and how often it was reprinted since.
    issued: bool = False
    reprints: int = 0

    @property
    def net(self) -> int:
        return 0 if self.voided else self.amount - self.refunded


@dataclass(frozen=True)
class CaseState:
    """Projection of one case. Invariant: only :func:`project`/:func:`apply` build it."""

    case_id: str
    case_number: str
    service_code: str
    office: str
    received_at: datetime
    time_limit_working_days: int
    applicant_kind: str
    applicant_id_type: str
    applicant_id: str
    applicant_name: str
    phone: str = ""
    email: str = ""
    copies: int = 1
    fields: dict[str, Any] = field(default_factory=dict)
    pickup_method: str = "counter"
    pickup_office: str = ""
    #: How the case reached the office (values.CHANNELS); the usage report counts it.
    channel: str = "counter"
    #: Web and kiosk cases: the reservation the citizen asked for (ISO time, "" for none) and
    #: when the office's clerk accepted the case (收件; None until then).
    reservation_at: str = ""
    accepted_at: datetime | None = None
    lifecycle: str = OPEN
    consent_kinds: frozenset[str] = frozenset()
    #: Document kinds looked up at the county with the citizen's consent (``case.lookup_done``).
    lookup_kinds: frozenset[str] = frozenset()
    #: The catalogue's required documents at intake, and those the clerk ticked as presented.
    documents_required: tuple[str, ...] = ()
    documents_presented: tuple[str, ...] = ()
    supplement_since: datetime | None = None
    supplement_reason: str = ""
    payment_wait_since: datetime | None = None
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()
    fees_due: int = 0
    fee_items: tuple[dict[str, Any], ...] = ()
    exemption_reason: str = ""
    payments: tuple[Payment, ...] = ()
    voided_receipts: frozenset[str] = frozenset()
    closed_at: datetime | None = None
    rejection_reason: str = ""
    cancel_reason: str = ""
    ready_at: datetime | None = None
    pickup_number: str = ""
    picked_up_at: datetime | None = None
    picked_up_office: str = ""
    picked_up_device: str = ""
    picked_up_by: dict[str, Any] = field(default_factory=dict)
    identity_checks: tuple[dict[str, Any], ...] = ()
    open_conflicts: frozenset[str] = frozenset()
    #: Every ``case.approval_granted`` payload, in order (who approved what, for which event).
    approvals: tuple[dict[str, Any], ...] = ()
    last_event_at: datetime | None = None
    #: The clerk of the latest event: who holds the case (the on-time report's overdue list).
    last_clerk: str = ""
    event_count: int = 0

    @property
    def paid(self) -> int:
        return sum(p.net for p in self.payments)

    @property
    def balance(self) -> int:
        return self.fees_due - self.paid

    @property
    def is_open(self) -> bool:
        return self.lifecycle == OPEN

    @property
    def online(self) -> bool:
        """Filed through a channel (web, kiosk) rather than at a counter."""
        return self.channel in ONLINE_CHANNELS

    @property
    def awaiting_acceptance(self) -> bool:
        """A web or kiosk case the office has not accepted (收件) yet."""
        return self.online and self.accepted_at is None and self.lifecycle == OPEN

    @property
    def clock_start(self) -> datetime:
        """When the legal time limit starts (docs/channels.md): the submission time for every
        channel. An online case submitted after hours or on a holiday starts counting on the
        next working day (the deadline rule: a day counts only when the case existed at its
        closing time). Acceptance never moves it later: a case the office leaves unaccepted
        still runs against its limit."""
        return self.received_at

    @property
    def waiting_for_citizen(self) -> bool:
        return self.supplement_since is not None or self.payment_wait_since is not None

    @property
    def status(self) -> str:
        if self.lifecycle == OPEN:
            if self.supplement_since is not None:
                return "supplement_requested"
            if self.balance > 0:
                return "payment_due"
            return "received"
        return self.lifecycle

    def status_label(self, lang: str = "zh_TW") -> str:
        zh, en = STATUS_LABELS[self.status]
        return zh if lang.startswith("zh") else en

    def approval_for(self, event_id: str, action: str) -> dict[str, Any] | None:
        """The approval granted for the event ``event_id`` (appended just before it)."""
        for a in reversed(self.approvals):
            if a.get("for_event") == event_id and a.get("action") == action:
                return dict(a)
        return None

    @property
    def closed_with_balance_approved(self) -> bool:
        """A supervisor approved closing this case with fees still due."""
        return any(a.get("action") == APPROVE_CLOSE_WITH_BALANCE for a in self.approvals)

    def payment(self, payment_id: str) -> Payment:
        for p in self.payments:
            if p.payment_id == payment_id:
                return p
        raise DomainError(
            "payment.unknown", f"查無此筆繳費紀錄：{payment_id}", f"No such payment: {payment_id}"
        )

    def payment_by_receipt(self, receipt_number: str) -> Payment:
        for p in self.payments:
            if p.receipt_number is not None and p.receipt_number == receipt_number:
                return p
        raise DomainError(
            "receipt.unknown",
            f"查無此收據號碼：{receipt_number}",
            f"No such receipt number: {receipt_number}",
        )


def _refuse(code: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en)


_FINISHED: dict[str, tuple[str, str]] = {
    CLOSED: ("本案已結案", "The case is already closed"),
    REJECTED: ("本案已駁回", "The case was rejected"),
    CANCELLED: ("本案已撤件", "The case was cancelled"),
    READY: ("本案已待領件", "The case is already ready for pickup"),
    PICKED_UP: ("本案已領件", "The case was already picked up"),
}

#: The stable reason every face reports when money is still owed.
FEES_DUE = "fees_due"

#: What the refused action is called, per event type (zh-TW, English).
_UNPAID_ACTIONS: dict[str, tuple[str, str]] = {
    ev.CLOSED: ("結案", "close the case"),
    ev.READY_FOR_PICKUP: ("通知領件", "make it ready for pickup"),
    ev.PICKED_UP: ("交付文件", "hand the documents over"),
}


def fees_due_error(balance: int, event_type: str = ev.CLOSED) -> DomainError:
    """Nothing closes or leaves the office unpaid: the refusal names the amount and the way to
    pay (or the one way past: an exemption with its reason, recorded as an assessment)."""
    zh_action, en_action = _UNPAID_ACTIONS.get(event_type, ("辦理此動作", "do this"))
    return DomainError(
        FEES_DUE,
        f"尚有規費 {balance:,} 元未繳，不能{zh_action}。請先收費（規費收費頁 F6，或指令 "
        "payment record），或經核准免徵並記錄理由（payment assess --exempt --reason）。",
        f"NT${balance:,} in fees is still due, so you cannot {en_action}. Take the payment first "
        "(Fees page F6, or `payment record`), or record an approved exemption with its reason "
        "(`payment assess --exempt --reason`).",
        "balance",
        {"amount": balance},
    )


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
#: How one event type changes a case: the state, the typed payload, the event.
Fold = Callable[[CaseState, Any, ev.Event], CaseState]


def check(state: CaseState | None, event: ev.Event) -> None:
    """Raises DomainError when ``event`` may not follow ``state``; the message is for the clerk.

    The rules common to every type come first; then the type's own rule from ``_CHECKS``, given
    the event's typed payload (``domain.payloads``; its values were checked by
    ``domain.event_values`` before)."""
    t = event.type
    if state is None:
        if t != ev.RECEIVED:
            raise _refuse("case.not_found", "查無此案件", "No such case")
        return
    if t == ev.RECEIVED:
        raise _refuse("case.duplicate", "此案件已收件", "This case was already received")
    if t in _NEEDS_OPEN and not state.is_open:
        zh, en = _FINISHED[state.lifecycle]
        raise _refuse(
            "case.not_open", zh + "，無法再辦理此動作", en + "; this action is not possible"
        )
    if t in _BALANCE_EXCEPTIONS:
        _check_balance_exception(state, event)
        return
    if t == ev.APPROVAL_GRANTED:
        _check_approval(pl.ApprovalGranted.read(event.payload), event.clerk)
        return
    rule = _CHECKS.get(t)
    if rule is not None:
        rule(state, payload_of(event), t)


def _require_reason(p: pl.EventPayload, zh: str, en: str) -> None:
    if not (p.reason or "").strip():
        raise _refuse("case.reason_required", zh, en)


NOT_ACCEPTED = (
    "本案為線上申辦，請先收件（案件明細 Alt+A 或 case accept）",
    "Accept this online case first (Alt+A in the case detail, or `case accept`)",
)


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


def _check_balance_exception(state: CaseState, event: ev.Event) -> None:
    """Closing, making ready and handing over: the type's own rule, then the balance. A balance
    due refuses unless the supervisor's approval for this event was appended just before it (for
    the ready notice: the case was closed with an approved balance)."""
    t = event.type
    _CHECKS[t](state, payload_of(event), t)
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


def _check_ended(_state: CaseState, p: pl.Rejected | pl.Cancelled, _t: str) -> None:
    _require_reason(p, "請填寫理由（民眾會看到）", "A reason is required (the citizen will see it)")


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
    if p.total < state.paid:
        raise _refuse(
            "fee.below_paid",
            "核定金額低於已繳金額，請先辦理退費",
            "The assessed fee is below what was paid; refund first",
        )


def _check_payment_recorded(state: CaseState, p: pl.PaymentRecorded, _t: str) -> None:
    if state.lifecycle in (REJECTED, CANCELLED):
        zh, en = _FINISHED[state.lifecycle]
        raise _refuse("case.not_open", zh + "，不能收費", en + "; no payment can be taken")
    amount = p.amount
    if amount <= 0:
        raise _refuse("payment.amount", "繳費金額必須大於零", "The amount must be positive")
    if amount > state.balance:
        raise _refuse(
            "payment.over_balance",
            f"繳費金額 {amount} 元超過應繳餘額 {state.balance} 元",
            f"Amount {amount} exceeds the balance due {state.balance}",
        )
    if any(x.payment_id == p.payment_id for x in state.payments):
        raise _refuse("payment.duplicate", "此筆繳費已登錄", "This payment is already recorded")
    _check_payment_method(p)


def _check_payment_refunded(state: CaseState, p: pl.PaymentRefunded, _t: str) -> None:
    pay = state.payment(p.payment_id)
    if pay.voided or p.amount <= 0 or p.amount > pay.net:
        raise _refuse("payment.refund_amount", "退費金額不正確", "Invalid refund amount")
    _require_reason(p, "請填寫退費理由", "A refund reason is required")


def _check_payment_voided(state: CaseState, p: pl.PaymentVoided, _t: str) -> None:
    if state.payment(p.payment_id).voided:
        raise _refuse("payment.already_voided", "此筆繳費已作廢", "This payment is already void")
    _require_reason(p, "請填寫作廢理由", "A void reason is required")


def _check_payment_settled(state: CaseState, p: pl.PaymentSettled, _t: str) -> None:
    if state.payment(p.payment_id).method != "online":
        raise _refuse(
            "payment.not_online", "只有線上繳費有入庫資料", "Only online payments are settled"
        )


def _check_receipt(state: CaseState, p: pl.ReceiptPayload, t: str) -> None:
    number = p.receipt_number
    state.payment_by_receipt(number)
    if number in state.voided_receipts:
        raise _refuse("receipt.already_voided", "此收據已作廢", "This receipt is already void")
    if t != ev.RECEIPT_ISSUED:
        zh = "請填寫作廢理由" if t == ev.RECEIPT_VOIDED else "請填寫重印原因"
        _require_reason(p, zh, "A reason is required")


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
        raise _refuse(
            "notice.stage",
            "通知階段不正確（received、payment_due、supplement_requested、closed、rejected、"
            "ready_for_pickup）",
            "Unknown notice stage (received, payment_due, supplement_requested, closed, "
            "rejected, ready_for_pickup)",
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
    ev.PAYMENT_REFUNDED: _check_payment_refunded,
    ev.PAYMENT_VOIDED: _check_payment_voided,
    ev.PAYMENT_SETTLED: _check_payment_settled,
    ev.RECEIPT_ISSUED: _check_receipt,
    ev.RECEIPT_REPRINTED: _check_receipt,
    ev.RECEIPT_VOIDED: _check_receipt,
    ev.READY_FOR_PICKUP: _check_ready,
    ev.PICKED_UP: _check_picked_up,
    ev.NOTICE_RESEND_REQUESTED: _check_notice_resend,
    ev.LOOKUP_DONE: _check_lookup_done,
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


def _close_pause(state: CaseState, since: datetime | None, at: datetime) -> tuple[Any, ...]:
    if since is None:
        return state.pauses
    return (*state.pauses, (since, at))


def apply(state: CaseState | None, event: ev.Event) -> CaseState:
    """Folds one event; unknown-but-valid types only bump the counters (forward compatible)."""
    if state is None:
        if event.type != ev.RECEIVED:
            raise _refuse("case.not_found", "查無此案件", "No such case")
        return _received(event, pl.Received.read(event.payload))
    s = replace(
        state, last_event_at=event.at, last_clerk=event.clerk, event_count=state.event_count + 1
    )
    fold = _FOLDS.get(event.type)
    if fold is not None:
        s = fold(s, payload_of(event), event)
    return _track_payment_wait(s, event.at)


def _or(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def _received(event: ev.Event, p: pl.Received) -> CaseState:
    docs = p.documents if isinstance(p.documents, dict) else {}
    pickup = _or(p.pickup, pl.Pickup())
    return CaseState(
        case_id=event.case_id,
        case_number=str(p.case_number),
        service_code=str(p.service_code),
        office=event.office,
        received_at=event.at,
        time_limit_working_days=int(p.time_limit_working_days),
        applicant_kind=str(p.applicant.kind),
        applicant_id_type=str(p.applicant.id_type),
        applicant_id=str(p.applicant.id),
        applicant_name=str(p.applicant.name),
        phone=str(_or(p.phone, "")),
        email=str(_or(p.email, "")),
        copies=int(_or(p.copies, 1)),
        fields=dict(_or(p.fields, {})),
        pickup_method=str(_or(pickup.method, "counter")),
        pickup_office=str(_or(pickup.office, event.office)),
        channel=str(_or(p.channel, "counter")),
        reservation_at=str(p.reservation_at or ""),
        consent_kinds=frozenset(_or(p.consent, [])),
        documents_required=tuple(str(d) for d in docs.get("required", [])),
        documents_presented=tuple(str(d) for d in docs.get("presented", [])),
        last_event_at=event.at,
        last_clerk=event.clerk,
        event_count=1,
    )


def _fold_accepted(s: CaseState, _p: pl.Accepted, e: ev.Event) -> CaseState:
    return replace(s, accepted_at=e.at)


def _fold_consent(s: CaseState, p: pl.ConsentRecorded, _e: ev.Event) -> CaseState:
    return replace(s, consent_kinds=frozenset(_or(p.kinds, [])))


def _fold_lookup(s: CaseState, p: pl.LookupDone, _e: ev.Event) -> CaseState:
    return replace(s, lookup_kinds=s.lookup_kinds | {p.kind})


def _fold_identity(s: CaseState, p: pl.IdentityVerified, _e: ev.Event) -> CaseState:
    return replace(s, identity_checks=(*s.identity_checks, p.to_payload()))


def _fold_supplement_requested(s: CaseState, p: pl.SupplementRequested, e: ev.Event) -> CaseState:
    return replace(s, supplement_since=e.at, supplement_reason=str(_or(p.reason, "")))


def _fold_supplement_received(s: CaseState, _p: pl.SupplementReceived, e: ev.Event) -> CaseState:
    return replace(s, pauses=_close_pause(s, s.supplement_since, e.at), supplement_since=None)


def _fold_fee_assessed(s: CaseState, p: pl.FeeAssessed, _e: ev.Event) -> CaseState:
    return replace(
        s,
        copies=int(_or(p.copies, s.copies)),
        fees_due=int(p.total),
        fee_items=tuple(dict(i) for i in _or(p.items, [])),
        exemption_reason=str(_or(p.exemption_reason, "")),
    )


def _fold_payment_recorded(s: CaseState, p: pl.PaymentRecorded, e: ev.Event) -> CaseState:
    pay = Payment(
        payment_id=str(p.payment_id),
        method=str(p.method),
        amount=int(p.amount),
        at=e.at,
        receipt_number=p.receipt_number,
        reference=p.reference,
        tendered=None if p.tendered is None else int(p.tendered),
        change=int(_or(p.change, 0)),
        payment_tool=str(_or(p.payment_tool, "")),
        authorised_at=str(_or(p.authorised_at, "")),
        deposit_date=str(_or(p.deposit_date, "")),
        settlement_number=str(_or(p.settlement_number, "")),
        deposited=bool(_or(p.deposited, False)),
    )
    return replace(s, payments=(*s.payments, pay))


def _fold_payment_settled(s: CaseState, p: pl.PaymentSettled, _e: ev.Event) -> CaseState:
    return _update_payment(
        s,
        lambda x: x.payment_id == p.payment_id,
        lambda x: replace(
            x,
            deposit_date=str(_or(p.deposit_date, x.deposit_date)),
            settlement_number=str(_or(p.settlement_number, x.settlement_number)),
            deposited=bool(_or(p.deposited, x.deposited)),
        ),
    )


def _fold_receipt_issued(s: CaseState, p: pl.ReceiptIssued, _e: ev.Event) -> CaseState:
    number = str(p.receipt_number)
    return _update_payment(
        s, lambda x: x.receipt_number == number, lambda x: replace(x, issued=True)
    )


def _fold_receipt_reprinted(s: CaseState, p: pl.ReceiptReprinted, _e: ev.Event) -> CaseState:
    number = str(p.receipt_number)
    return _update_payment(
        s,
        lambda x: x.receipt_number == number,
        lambda x: replace(x, issued=True, reprints=x.reprints + 1),
    )


def _fold_payment_refunded(s: CaseState, p: pl.PaymentRefunded, _e: ev.Event) -> CaseState:
    return _update_payment(
        s,
        lambda x: x.payment_id == p.payment_id,
        lambda x: replace(x, refunded=x.refunded + int(p.amount)),
    )


def _fold_payment_voided(s: CaseState, p: pl.PaymentVoided, _e: ev.Event) -> CaseState:
    return _update_payment(
        s, lambda x: x.payment_id == p.payment_id, lambda x: replace(x, voided=True)
    )


def _fold_receipt_voided(s: CaseState, p: pl.ReceiptVoided, _e: ev.Event) -> CaseState:
    return replace(s, voided_receipts=s.voided_receipts | {str(p.receipt_number)})


def _fold_closed(s: CaseState, _p: pl.Closed, e: ev.Event) -> CaseState:
    return replace(s, lifecycle=CLOSED, closed_at=e.at)


def _fold_rejected(s: CaseState, p: pl.Rejected, e: ev.Event) -> CaseState:
    return replace(s, lifecycle=REJECTED, closed_at=e.at, rejection_reason=str(_or(p.reason, "")))


def _fold_cancelled(s: CaseState, p: pl.Cancelled, e: ev.Event) -> CaseState:
    return replace(s, lifecycle=CANCELLED, closed_at=e.at, cancel_reason=str(_or(p.reason, "")))


def _fold_ready(s: CaseState, p: pl.ReadyForPickup, e: ev.Event) -> CaseState:
    return replace(
        s,
        lifecycle=READY,
        ready_at=e.at,
        pickup_office=str(_or(p.office, s.pickup_office)),
        pickup_number=str(_or(p.pickup_number, "")),
    )


def _fold_picked_up(s: CaseState, p: pl.PickedUp, e: ev.Event) -> CaseState:
    return replace(
        s,
        lifecycle=PICKED_UP,
        picked_up_at=e.at,
        picked_up_office=e.office,
        picked_up_device=e.device,
        picked_up_by=dict(_or(p.by, {})),
    )


def _fold_conflict_recorded(s: CaseState, p: pl.ConflictRecorded, _e: ev.Event) -> CaseState:
    return replace(s, open_conflicts=s.open_conflicts | {str(p.conflict_id)})


def _fold_conflict_resolved(s: CaseState, p: pl.ConflictResolved, _e: ev.Event) -> CaseState:
    return replace(s, open_conflicts=s.open_conflicts - {str(p.conflict_id)})


def _fold_approval(s: CaseState, p: pl.ApprovalGranted, _e: ev.Event) -> CaseState:
    return replace(s, approvals=(*s.approvals, p.to_payload()))


#: How each type changes a case (types without an entry only bump the counters).
_FOLDS: dict[str, Fold] = {
    ev.ACCEPTED: _fold_accepted,
    ev.CONSENT_RECORDED: _fold_consent,
    ev.IDENTITY_VERIFIED: _fold_identity,
    ev.SUPPLEMENT_REQUESTED: _fold_supplement_requested,
    ev.SUPPLEMENT_RECEIVED: _fold_supplement_received,
    ev.FEE_ASSESSED: _fold_fee_assessed,
    ev.PAYMENT_RECORDED: _fold_payment_recorded,
    ev.PAYMENT_SETTLED: _fold_payment_settled,
    ev.RECEIPT_ISSUED: _fold_receipt_issued,
    ev.RECEIPT_REPRINTED: _fold_receipt_reprinted,
    ev.PAYMENT_REFUNDED: _fold_payment_refunded,
    ev.PAYMENT_VOIDED: _fold_payment_voided,
    ev.RECEIPT_VOIDED: _fold_receipt_voided,
    ev.CLOSED: _fold_closed,
    ev.REJECTED: _fold_rejected,
    ev.CANCELLED: _fold_cancelled,
    ev.READY_FOR_PICKUP: _fold_ready,
    ev.PICKED_UP: _fold_picked_up,
    ev.CONFLICT_RECORDED: _fold_conflict_recorded,
    ev.CONFLICT_RESOLVED: _fold_conflict_resolved,
    ev.NOTICE_RESEND_REQUESTED: lambda s, _p, _e: s,  # the county acts on it; nothing to fold
    ev.LOOKUP_DONE: _fold_lookup,
    ev.APPROVAL_GRANTED: _fold_approval,
}


def _update_payment(
    s: CaseState, which: Callable[[Payment], bool], change: Callable[[Payment], Payment]
) -> CaseState:
    return replace(s, payments=tuple(change(x) if which(x) else x for x in s.payments))


def _track_payment_wait(s: CaseState, at: datetime) -> CaseState:
    """Waiting for payment pauses the clock while an open case has a balance due."""
    waiting = s.is_open and s.balance > 0
    if waiting and s.payment_wait_since is None:
        return replace(s, payment_wait_since=at)
    if not waiting and s.payment_wait_since is not None:
        return replace(s, pauses=_close_pause(s, s.payment_wait_since, at), payment_wait_since=None)
    return s


def project(events: Iterable[ev.Event]) -> CaseState:
    state: CaseState | None = None
    for e in events:
        state = apply(state, e)
    if state is None:
        raise _refuse("case.not_found", "查無此案件", "No such case")
    return state


def open_pauses(state: CaseState) -> tuple[tuple[datetime, datetime | None], ...]:
    """All waiting windows, with the ongoing ones (end None) last."""
    ongoing: list[tuple[datetime, datetime | None]] = []
    if state.supplement_since is not None:
        ongoing.append((state.supplement_since, None))
    if state.payment_wait_since is not None:
        ongoing.append((state.payment_wait_since, None))
    return (*state.pauses, *ongoing)
