"""Typed payloads: one small frozen dataclass per case event type (``domain.events``).

``Cls.from_payload(p)`` checks every value the way every office and the county must accept it
(the field rules live here, once; ``domain.event_values`` runs them); ``Cls.read(p)`` takes an
already checked payload; ``to_payload()`` gives back exactly the dict (see ``base``).
:data:`PAYLOADS` maps each event type to its class.
"""

from __future__ import annotations

from collections.abc import Mapping

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.payloads.base import EventPayload, Fields
from eservice_desktop.domain.payloads.case import (
    PICKUP_METHODS,
    Accepted,
    Applicant,
    ApplicantCorrected,
    ApprovalGranted,
    Cancelled,
    Closed,
    CodeReissueRequested,
    ConflictRecorded,
    ConflictResolved,
    ConsentRecorded,
    IdentityVerified,
    LookupDone,
    NoticeResendRequested,
    PhoneChanged,
    PickedUp,
    Pickup,
    ReadyForPickup,
    Received,
    Rejected,
    Reopened,
    SupplementReceived,
    SupplementRequested,
    check_case_number,
)
from eservice_desktop.domain.payloads.money import (
    FeeAssessed,
    OnlineReceiptIssued,
    PaymentMethodCorrected,
    PaymentRecorded,
    PaymentRefunded,
    PaymentSettled,
    PaymentVoided,
    ReceiptIssued,
    ReceiptPayload,
    ReceiptReprinted,
    ReceiptVoided,
)

__all__ = [
    "PAYLOADS",
    "PICKUP_METHODS",
    "Accepted",
    "Applicant",
    "ApplicantCorrected",
    "ApprovalGranted",
    "Cancelled",
    "Closed",
    "CodeReissueRequested",
    "ConflictRecorded",
    "ConflictResolved",
    "ConsentRecorded",
    "EventPayload",
    "FeeAssessed",
    "Fields",
    "IdentityVerified",
    "LookupDone",
    "NoticeResendRequested",
    "OnlineReceiptIssued",
    "PaymentMethodCorrected",
    "PaymentRecorded",
    "PaymentRefunded",
    "PaymentSettled",
    "PaymentVoided",
    "PhoneChanged",
    "PickedUp",
    "Pickup",
    "ReadyForPickup",
    "ReceiptIssued",
    "ReceiptPayload",
    "ReceiptReprinted",
    "ReceiptVoided",
    "Received",
    "Rejected",
    "Reopened",
    "SupplementReceived",
    "SupplementRequested",
    "check_case_number",
    "payload_of",
]

#: Event type -> its payload class (every type of ``events.ALL_TYPES``).
PAYLOADS: Mapping[str, type[EventPayload]] = {
    c.TYPE: c
    for c in (
        Received,
        Accepted,
        ConsentRecorded,
        IdentityVerified,
        SupplementRequested,
        SupplementReceived,
        FeeAssessed,
        PaymentRecorded,
        PaymentRefunded,
        PaymentVoided,
        PaymentSettled,
        ReceiptIssued,
        ReceiptReprinted,
        ReceiptVoided,
        OnlineReceiptIssued,
        PaymentMethodCorrected,
        Closed,
        Reopened,
        Rejected,
        Cancelled,
        ReadyForPickup,
        PickedUp,
        ConflictRecorded,
        ConflictResolved,
        NoticeResendRequested,
        LookupDone,
        PhoneChanged,
        CodeReissueRequested,
        ApplicantCorrected,
        ApprovalGranted,
    )
}


def payload_of(event: ev.Event) -> EventPayload:
    """The typed payload of an event that passed ``event_values.check_event``."""
    return PAYLOADS[event.type].read(event.payload)
