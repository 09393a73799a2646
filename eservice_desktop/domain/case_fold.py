"""The case's fold: :func:`apply` one event to a state, :func:`project` a whole stream.

A plain fold by event type (``_FOLDS``): it also accepts events from other offices that the
county has already checked and ordered, and types it does not know only bump the counters.
Everything public is importable from ``domain.case``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import MISSING, fields
from datetime import datetime
from typing import Any, Final, TypeVar

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.applicant_rule import fold_applicant_corrected
from eservice_desktop.domain.case_state import (
    CANCELLED,
    CLOSED,
    PICKED_UP,
    READY,
    REJECTED,
    CaseState,
    Payment,
    case_not_found,
)
from eservice_desktop.domain.method_correction_rule import fold_method_corrected
from eservice_desktop.domain.online_receipt_rule import fold_online_receipt
from eservice_desktop.domain.payloads import payload_of
from eservice_desktop.domain.phone_rule import fold_phone_changed
from eservice_desktop.domain.refused_events import UNDONE_WHEN_REFUSED, refused_ids
from eservice_desktop.domain.reopen_rule import fold_reopened
from eservice_desktop.domain.state_copy import FIELDS as _FIELDS
from eservice_desktop.domain.state_copy import replace
from eservice_desktop.domain.supply_by import fold_supplement_requested

_T = TypeVar("_T")
_D = TypeVar("_D", CaseState, Payment)


#: How one event type changes a case: the state, the typed payload, the event. A fold returns
#: the state itself (no change) or a new one of its own (:func:`replace`), never a state
#: someone else holds: :func:`apply` finishes that new one in place.
Fold = Callable[[CaseState, Any, ev.Event], CaseState]


def _close_pause(state: CaseState, since: datetime | None, at: datetime) -> tuple[Any, ...]:
    """The waiting window from ``since`` to ``at``; one ended by an event dated before it
    began (a counter whose clock ran ahead, set right since) lasted nothing, as the county's
    arrival order has it: the payment was refused, "A pause ends before it starts"."""
    if since is None:
        return state.pauses
    return (*state.pauses, (since, max(at, since)))


def apply(
    state: CaseState | None, event: ev.Event, typed: pl.EventPayload | None = None
) -> CaseState:
    """Folds one event; unknown-but-valid types only bump the counters (forward compatible).
    ``typed``: the event's typed payload when the checks already made it (else read here)."""
    if state is None:
        if event.type != ev.RECEIVED:
            raise case_not_found()
        if not isinstance(typed, pl.Received):
            typed = pl.Received.read(event.payload)
        return _received(event, typed)
    seen = {
        "last_event_at": event.at,
        "last_clerk": event.clerk,
        "event_count": state.event_count + 1,
    }
    fold = _FOLDS.get(event.type)
    s = state if fold is None else fold(state, payload_of(event) if typed is None else typed, event)
    if s is state:
        s = replace(state, **seen)
    else:
        # the fold's own new copy (no fold reads these three fields): one copy per event
        s.__dict__.update(seen)
    _track_payment_wait(s, event.at)
    return s


def _or(value: _T | None, default: _T) -> _T:
    return default if value is None else value


#: Each fold dataclass's fields, in field order, each with its default (the required ones
#: None until set), the fields whose default is made anew for each object, and the required
#: fields (no default).
_NEW: dict[
    type, tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...], frozenset[str]]
] = {
    cls: (
        {f.name: None if f.default is MISSING else f.default for f in fields(cls)},
        tuple((f.name, f.default_factory) for f in fields(cls) if f.default_factory is not MISSING),
        frozenset(
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        ),
    )
    for cls in (CaseState, Payment)
}


def _new(cls: type[_D], **values: Any) -> _D:
    """``cls(**values)`` (every required field among them) without the frozen dataclass
    ``__init__``'s ``object.__setattr__`` for each field (fifty for a case state), which cost
    more than the rest of a received event's fold: the same fields, in the same order, the
    same values (see :func:`replace`). A name that is not a field, or a required field left
    out, is refused as the constructor refuses it."""
    template, factories, required = _NEW[cls]
    if not required <= values.keys() <= _FIELDS[cls]:
        wrong = sorted((values.keys() - _FIELDS[cls]) | (required - values.keys()))
        raise TypeError(f"{cls.__name__}: wrong or missing fields {wrong}")
    obj = object.__new__(cls)
    new = obj.__dict__
    new.update(template)
    for name, factory in factories:
        new[name] = factory()
    new.update(values)
    return obj


#: A received payload without a pickup object: every default (frozen, so one serves all).
_NO_PICKUP: Final = pl.Pickup()


def _received(event: ev.Event, p: pl.Received) -> CaseState:
    # the defaults written out (``_or`` inline, ``map`` for the document lists): every case
    # of a pull, a recovery or a seed is made here
    docs = p.documents if isinstance(p.documents, dict) else {}
    pickup = _NO_PICKUP if p.pickup is None else p.pickup
    applicant = p.applicant
    return _new(
        CaseState,
        case_id=event.case_id,
        case_number=str(p.case_number),
        service_code=str(p.service_code),
        office=event.office,
        received_at=event.at,
        time_limit_working_days=int(p.time_limit_working_days),
        applicant_kind=str(applicant.kind),
        applicant_id_type=str(applicant.id_type),
        applicant_id=str(applicant.id),
        applicant_name=str(applicant.name),
        phone="" if p.phone is None else str(p.phone),
        email="" if p.email is None else str(p.email),
        copies=1 if p.copies is None else int(p.copies),
        fields={} if p.fields is None else dict(p.fields),
        pickup_method="counter" if pickup.method is None else str(pickup.method),
        pickup_office=str(event.office if pickup.office is None else pickup.office),
        channel="counter" if p.channel is None else str(p.channel),
        reservation_at=str(p.reservation_at or ""),
        consent_kinds=frozenset(() if p.consent is None else p.consent),
        documents_required=tuple(map(str, docs.get("required", []))),
        documents_presented=tuple(map(str, docs.get("presented", []))),
        last_event_at=event.at,
        last_clerk=event.clerk,
        event_count=1,
    )


def _fold_accepted(s: CaseState, _p: pl.Accepted, e: ev.Event) -> CaseState:
    return replace(s, accepted_at=e.at)


def _fold_consent(s: CaseState, p: pl.ConsentRecorded, _e: ev.Event) -> CaseState:
    return replace(s, consent_kinds=frozenset(_or(p.kinds, [])))


def _fold_identity(s: CaseState, p: pl.IdentityVerified, _e: ev.Event) -> CaseState:
    return replace(s, identity_checks=(*s.identity_checks, p.to_payload()))


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
    pay = _new(
        Payment,
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


def _fold_receipt_issued(s: CaseState, p: pl.ReceiptIssued, e: ev.Event) -> CaseState:
    number = str(p.receipt_number)
    return _update_payment(
        s,
        lambda x: x.receipt_number == number,
        lambda x: replace(x, issued=True, printed_at=max(x.printed_at or e.at, e.at)),
    )


def _fold_receipt_reprinted(s: CaseState, p: pl.ReceiptReprinted, e: ev.Event) -> CaseState:
    number = str(p.receipt_number)
    return _update_payment(
        s,
        lambda x: x.receipt_number == number,
        lambda x: replace(
            x, issued=True, reprints=x.reprints + 1, printed_at=max(x.printed_at or e.at, e.at)
        ),
    )


def _fold_payment_refunded(s: CaseState, p: pl.PaymentRefunded, _e: ev.Event) -> CaseState:
    return _update_payment(
        s,
        lambda x: x.payment_id == p.payment_id,
        lambda x: replace(x, refunded=x.refunded + int(p.amount)),
    )


def _fold_payment_voided(s: CaseState, p: pl.PaymentVoided, e: ev.Event) -> CaseState:
    return _update_payment(
        s,
        lambda x: x.payment_id == p.payment_id,
        lambda x: replace(x, voided=True, voided_at=x.voided_at or e.at),
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
    """Picked up stays picked up: a new code crossing an offline handover (docs/pickup.md)."""
    return replace(
        s,
        lifecycle=PICKED_UP if s.lifecycle == PICKED_UP else READY,
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


#: How each type changes a case (types without an entry only bump the counters).
_FOLDS: dict[str, Fold] = {
    ev.ACCEPTED: _fold_accepted,
    ev.CONSENT_RECORDED: _fold_consent,
    ev.IDENTITY_VERIFIED: _fold_identity,
    ev.SUPPLEMENT_REQUESTED: fold_supplement_requested,
    ev.SUPPLEMENT_RECEIVED: _fold_supplement_received,
    ev.FEE_ASSESSED: _fold_fee_assessed,
    ev.PAYMENT_RECORDED: _fold_payment_recorded,
    ev.PAYMENT_SETTLED: _fold_payment_settled,
    ev.ONLINE_RECEIPT_ISSUED: fold_online_receipt,
    ev.RECEIPT_ISSUED: _fold_receipt_issued,
    ev.RECEIPT_REPRINTED: _fold_receipt_reprinted,
    ev.PAYMENT_REFUNDED: _fold_payment_refunded,
    ev.PAYMENT_VOIDED: _fold_payment_voided,
    ev.RECEIPT_VOIDED: _fold_receipt_voided,
    ev.PAYMENT_METHOD_CORRECTED: fold_method_corrected,
    ev.CLOSED: _fold_closed,
    ev.REOPENED: fold_reopened,
    ev.REJECTED: _fold_rejected,
    ev.CANCELLED: _fold_cancelled,
    ev.READY_FOR_PICKUP: _fold_ready,
    ev.PICKED_UP: _fold_picked_up,
    ev.CONFLICT_RECORDED: _fold_conflict_recorded,
    ev.CONFLICT_RESOLVED: _fold_conflict_resolved,
    ev.NOTICE_RESEND_REQUESTED: lambda s, _p, _e: s,  # the county acts on it; nothing to fold
    ev.LOOKUP_DONE: lambda s, p, _e: replace(s, lookup_kinds=s.lookup_kinds | {p.kind}),
    ev.PHONE_CHANGED: fold_phone_changed,
    ev.CODE_REISSUE_REQUESTED: lambda s, _p, _e: s,  # the county issues the code
    ev.APPLICANT_CORRECTED: fold_applicant_corrected,
    ev.APPROVAL_GRANTED: lambda s, p, _e: replace(s, approvals=(*s.approvals, p.to_payload())),
}


def _update_payment(
    s: CaseState, which: Callable[[Payment], bool], change: Callable[[Payment], Payment]
) -> CaseState:
    return replace(s, payments=tuple(change(x) if which(x) else x for x in s.payments))


def _track_payment_wait(s: CaseState, at: datetime) -> None:
    """Waiting for payment pauses the clock while an open case has a balance due. ``s``: the
    new state :func:`apply` just made (no one else holds it yet), changed in place."""
    waiting = s.is_open and s.fees_due - s.paid > 0  # ``balance`` inline: every event asks
    if waiting and s.payment_wait_since is None:
        s.__dict__["payment_wait_since"] = at
    elif not waiting and s.payment_wait_since is not None:
        pauses = _close_pause(s, s.payment_wait_since, at)
        s.__dict__.update(pauses=pauses, payment_wait_since=None)


def project(events: Iterable[ev.Event]) -> CaseState:
    stream = list(events)
    refused = refused_ids(stream)
    state: CaseState | None = None
    for e in stream:
        if e.event_id not in refused or e.type not in UNDONE_WHEN_REFUSED:
            state = apply(state, e)
    if state is None:
        raise case_not_found()
    return state
