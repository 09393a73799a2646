"""A case's state: ``CaseState`` (the fold of its events), its payments, lifecycle and labels.

Only ``case_fold`` builds a state (``project``/``apply``); ``case_rules`` reads it to refuse an
impossible next event. Everything here is importable from ``domain.case``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.status_labels import STATUS_LABELS
from eservice_desktop.domain.values import ONLINE_CHANNELS

OPEN = "open"
CLOSED = "closed"
REJECTED = "rejected"
CANCELLED = "cancelled"
READY = "ready_for_pickup"
PICKED_UP = "picked_up"


#: The exceptions a supervisor approves (the ``action`` of a ``case.approval_granted``).
APPROVE_VOID = "void"
APPROVE_REFUND = "refund"
APPROVE_FEE_REDUCTION = "fee_reduction"
APPROVE_IDENTITY_REVOCATION_UNKNOWN = "identity_revocation_unknown"
APPROVE_REPRINT = "reprint"
APPROVE_CLOSE_WITH_BALANCE = "close_with_balance"
APPROVE_HANDOVER_WITH_BALANCE = "handover_with_balance"
APPROVE_STALE_SYNC_INTAKE = "stale_sync_intake"
APPROVE_METHOD_CORRECTION = "method_correction"
APPROVE_REOPEN = "reopen"

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
    APPROVE_METHOD_CORRECTION: ("更正收費方式", "correct a payment's method"),
    APPROVE_REOPEN: ("結案案件重新開啟", "reopen a closed case"),
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
    #: The receipt is a counter's paper for a fee paid online elsewhere
    #: (``case.online_receipt_issued``): the money never passed the counter, so it voids neither.
    online_receipt: bool = False
    #: Of the receipts two counters issued offline for one online payment, the one kept is the
    #: earlier (then the smaller number), on every counter whatever order they came in: its
    #: time; the others' numbers are void papers to take back from the citizen.
    online_issued_at: datetime | None = None
    spare_receipts: tuple[str, ...] = ()
    #: When the receipt was last printed (first or again) and when it was voided: a counter
    #: offline that reprinted it after another counter voided it put a void paper in the
    #: citizen's hand (:attr:`printed_after_void`), whichever act reached the county first.
    printed_at: datetime | None = None
    voided_at: datetime | None = None

    @property
    def net(self) -> int:
        return 0 if self.voided else self.amount - self.refunded

    @property
    def printed_after_void(self) -> bool:
        at, void = self.printed_at, self.voided_at
        return at is not None and void is not None and at > void


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
    #: The time and event id of the ``case.phone_changed`` ``phone`` is from (None: intake's):
    #: of two changes made offline at two counters the later one holds, in any order pulled.
    phone_changed: tuple[datetime, str] | None = None
    #: What ``case.applicant_corrected`` changed since intake: (``name`` or ``fields.KEY``,
    #: the time and event id of the correction its value is from), sorted; of two corrections
    #: of one value made offline at two counters the later one holds, in any order pulled.
    corrected: tuple[tuple[str, datetime, str], ...] = ()
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
    #: The last request's day to supply by (ISO, "" for none) and the documents it named.
    supplement_by: str = ""
    supplement_items: tuple[str, ...] = ()
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
        # every folded event asks (the payment wait): most cases have no payment to sum, and
        # a paid one mostly one; each payment's ``net`` inline (no generator, no property call)
        total = 0
        for p in self.payments:
            if not p.voided:
                total += p.amount - p.refunded
        return total

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


def case_not_found() -> DomainError:
    """The refusal of an event for a case this device has never seen received."""
    return DomainError("case.not_found", "查無此案件", "No such case")


def open_pauses(state: CaseState) -> tuple[tuple[datetime, datetime | None], ...]:
    """All waiting windows, with the ongoing ones (end None) last."""
    ongoing: list[tuple[datetime, datetime | None]] = []
    if state.supplement_since is not None:
        ongoing.append((state.supplement_since, None))
    if state.payment_wait_since is not None:
        ongoing.append((state.payment_wait_since, None))
    return (*state.pauses, *ongoing)
