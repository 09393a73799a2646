"""Case events: the only thing ever written about a case.

A case is an append-only stream of these; every view of a case (state, deadline, balance) is a
projection of its stream. Events are immutable and carry who/where/when so that the county can
merge streams from many offices without overwriting anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from itertools import takewhile
from typing import Any, Final

from eservice_desktop.domain.uuid7 import new_id

RECEIVED: Final = "case.received"
#: The office took in a case that arrived by a channel (web, kiosk): 收件 by its clerk.
ACCEPTED: Final = "case.accepted"
CONSENT_RECORDED: Final = "case.consent_recorded"
IDENTITY_VERIFIED: Final = "case.identity_verified"
SUPPLEMENT_REQUESTED: Final = "case.supplement_requested"
SUPPLEMENT_RECEIVED: Final = "case.supplement_received"
FEE_ASSESSED: Final = "case.fee_assessed"
PAYMENT_RECORDED: Final = "case.payment_recorded"
PAYMENT_REFUNDED: Final = "case.payment_refunded"
PAYMENT_VOIDED: Final = "case.payment_voided"
#: An online payment's money reached the treasury (入庫) or its settlement data changed.
PAYMENT_SETTLED: Final = "case.payment_settled"
RECEIPT_ISSUED: Final = "case.receipt_issued"
RECEIPT_REPRINTED: Final = "case.receipt_reprinted"
RECEIPT_VOIDED: Final = "case.receipt_voided"
#: A counter gave an online payment (recorded by the county without a receipt of this office)
#: its receipt number on request: the payment's values, the counter's number and code.
ONLINE_RECEIPT_ISSUED: Final = "case.online_receipt_issued"
#: A supervisor-approved correction of the way a counter payment was keyed (cash keyed as
#: card, or card as cash), found after the fact: ``payment_id``, ``receipt_number``,
#: ``from_method``, ``to_method``, ``amount``, the card's ``reference`` and a ``reason``. The
#: receipt and its payment event stay as they were; the closing of the receipt's day counts
#: the money under the method corrected to (docs/payments.md, "Correcting a payment's method").
PAYMENT_METHOD_CORRECTED: Final = "case.payment_method_corrected"
CLOSED: Final = "case.closed"
#: A case closed by mistake (a wrong Alt+C, the wrong case) opened again, with a ``reason`` and
#: a supervisor's approval appended just before it; only before its documents are ready or
#: handed over (``domain.reopen_rule``). Its clock runs on from receipt, as if never closed.
REOPENED: Final = "case.reopened"
REJECTED: Final = "case.rejected"
CANCELLED: Final = "case.cancelled"
READY_FOR_PICKUP: Final = "case.ready_for_pickup"
PICKED_UP: Final = "case.picked_up"
CONFLICT_RECORDED: Final = "case.conflict_recorded"
CONFLICT_RESOLVED: Final = "case.conflict_resolved"
#: A clerk asks the county to send the citizen's notice of one stage again (docs/protocol.md).
NOTICE_RESEND_REQUESTED: Final = "case.notice_resend_requested"
#: A document-free look-up (免書證免謄本) answered by the county, with the citizen's consent:
#: ``kind`` (a document kind of the service), ``result_id`` and the stored result's ``sha256``.
LOOKUP_DONE: Final = "case.lookup_done"
#: The applicant's mobile number changed after intake (a new phone): ``phone``, the stored
#: form. Later notices go to it; on a case ready for pickup the county issues a new code to it
#: and the old number's code is dead (docs/pickup.md, "A new mobile number").
PHONE_CHANGED: Final = "case.phone_changed"
#: A clerk asks the county for a new pickup code of a case ready for pickup (an MMS forwarded
#: to someone else, a phone lost): the code sent before no longer hands anything over.
CODE_REISSUE_REQUESTED: Final = "case.code_reissue_requested"
#: The clerk corrected what was typed about the applicant at intake (a misspelt name, a wrong
#: address field): the corrected values only (``name``, ``fields``) and a required ``reason``
#: (docs/architecture.md, "Correcting the applicant"). The ID number is never corrected.
APPLICANT_CORRECTED: Final = "case.applicant_corrected"

#: The notice stages of the seed the county sends (``county.notify.stage_of``).
NOTICE_STAGES: Final = (
    "received",
    "payment_due",
    "supplement_requested",
    "closed",
    "rejected",
    "ready_for_pickup",
    #: not one of the seed's four: a case withdrawn (撤件, often asked by phone) was told
    #: nothing, and its applicant waited for a ready notice that would never come
    "cancelled",
    #: money handed back (whole or part): told even on a case ready for pickup, so a refund
    #: recorded that the citizen never received shows
    "refunded",
)
#: A supervisor approved an exception (void, refund, ...) requested by another operator; it is
#: appended in the same transaction as the event it approves (``for_event``), just before it
#: (or, for an intake, just after the case's ``case.received``).
APPROVAL_GRANTED: Final = "case.approval_granted"

ALL_TYPES: Final = frozenset(
    {
        RECEIVED,
        ACCEPTED,
        CONSENT_RECORDED,
        IDENTITY_VERIFIED,
        SUPPLEMENT_REQUESTED,
        SUPPLEMENT_RECEIVED,
        FEE_ASSESSED,
        PAYMENT_RECORDED,
        PAYMENT_REFUNDED,
        PAYMENT_VOIDED,
        PAYMENT_SETTLED,
        RECEIPT_ISSUED,
        RECEIPT_REPRINTED,
        RECEIPT_VOIDED,
        ONLINE_RECEIPT_ISSUED,
        PAYMENT_METHOD_CORRECTED,
        CLOSED,
        REOPENED,
        REJECTED,
        CANCELLED,
        READY_FOR_PICKUP,
        PICKED_UP,
        CONFLICT_RECORDED,
        CONFLICT_RESOLVED,
        NOTICE_RESEND_REQUESTED,
        LOOKUP_DONE,
        PHONE_CHANGED,
        CODE_REISSUE_REQUESTED,
        APPLICANT_CORRECTED,
        APPROVAL_GRANTED,
    }
)


#: Events that move money or receipts (kept in the ``receipts`` projection as well).
MONEY_TYPES: Final = frozenset(
    {
        PAYMENT_RECORDED,
        PAYMENT_REFUNDED,
        PAYMENT_VOIDED,
        PAYMENT_SETTLED,
        RECEIPT_ISSUED,
        RECEIPT_REPRINTED,
        RECEIPT_VOIDED,
        ONLINE_RECEIPT_ISSUED,
        PAYMENT_METHOD_CORRECTED,
    }
)


@dataclass(frozen=True)
class Event:
    """One immutable fact about one case.

    Invariant: ``at`` is timezone-aware UTC; ``event_id`` is unique across every office and
    device (a UUID), so delivering an event twice is detectable and harmless.
    """

    event_id: str
    case_id: str
    type: str
    office: str
    device: str
    clerk: str
    at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    #: Its place in its device's hash chain (domain/chain.py): the previous event's hash and
    #: its own; None for an event not linked yet (a use case makes it, ingest links it).
    prev: str | None = None
    hash: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("event time must be timezone-aware")
        if self.type not in ALL_TYPES:
            raise ValueError(f"unknown event type {self.type!r}")

    @classmethod
    def unchecked(cls, fields: dict[str, Any]) -> Event:
        """The event of ``fields`` (every field, by name) without the frozen dataclass
        ``__init__``'s ``object.__setattr__`` per field, which cost as much as a pulled event's
        checks (a seed or a catch-up makes millions). ``__post_init__`` is left out too: only
        for callers whose event passes ``event_values.check_envelope`` (the one door), or a
        wire model's field checks (the county's push door), which refuse what it would (a time
        without zone, an unknown type)."""
        e = object.__new__(cls)
        object.__setattr__(e, "__dict__", fields)
        return e

    def chained(self, prev: str | None, hash_: str | None) -> Event:
        """The same event with its chain link (a copy of its fields: no second validation on
        the ingest path, where every local event is linked)."""
        return Event.unchecked({**self.__dict__, "prev": prev, "hash": hash_})

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event_id": self.event_id,
            "case_id": self.case_id,
            "type": self.type,
            "office": self.office,
            "device": self.device,
            "clerk": self.clerk,
            "at": self.at.astimezone(UTC).isoformat(),
            "payload": self.payload,
        }
        if self.hash is not None:
            data["prev"] = self.prev
            data["hash"] = self.hash
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        at = datetime.fromisoformat(str(data["at"]))
        return cls(
            event_id=str(data["event_id"]),
            case_id=str(data["case_id"]),
            type=str(data["type"]),
            office=str(data["office"]),
            device=str(data["device"]),
            clerk=str(data["clerk"]),
            at=at.astimezone(UTC),
            payload=dict(data.get("payload") or {}),
            prev=None if data.get("prev") is None else str(data["prev"]),
            hash=None if data.get("hash") is None else str(data["hash"]),
        )


#: The envelope of an :class:`Event`: its fields before the payload, in their order, the columns
#: every table of events holds before its own (the office's ``events``, the county's
#: ``county_events``).
ENVELOPE: Final = tuple(takewhile(lambda name: name != "payload", (f.name for f in fields(Event))))


@dataclass(frozen=True)
class Actor:
    """Who and where: stamped on every event a use case creates."""

    office: str
    device: str
    clerk: str

    def event(
        self, case_id: str, type_: str, at: datetime, payload: dict[str, Any] | None = None
    ) -> Event:
        return Event(
            event_id=new_id(),
            case_id=case_id,
            type=type_,
            office=self.office,
            device=self.device,
            clerk=self.clerk,
            at=at.astimezone(UTC),
            payload=payload or {},
        )
