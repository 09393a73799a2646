"""One demo case's events for the bulk builder (:mod:`demo.bulk`), as plain (type, time,
payload) tuples: the intake (a synthetic applicant, the service's required fields), the fee
with its approval when exempted, the payment at the counter, and what happened afterwards."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from eservice_desktop.demo import seeding
from eservice_desktop.demo.timeline import CaseClock, OfficeDays
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import APPROVE_FEE_REDUCTION
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.ids import generate_national_id, generate_ubn
from eservice_desktop.services.approvals import demo_granted
from eservice_desktop.services.core import App

#: A batch's payloads that are equal across its cases, one object each (see :func:`one_case`).
Shared = dict[Any, dict[str, Any]]


class ApprovalPayloads:
    """The demo supervisor's ``case.approval_granted`` payloads of the exceptions a case makes
    (an exemption at intake), linked to the event each approves once the loop has given that
    event its id (the approval is appended just before the assessment it approves)."""

    def __init__(self, app: App) -> None:
        self.granted = demo_granted(app, APPROVE_FEE_REDUCTION, reason=seeding.EXEMPT_REASON)
        #: (payload, position of the approval in its case's events) not linked yet
        self.pending: list[tuple[dict[str, Any], int]] = []

    def before(
        self, evs: list[tuple[str, datetime, dict[str, Any]]], for_type: str, number: str
    ) -> None:
        """Appends the approval of the event appended next (``for_type``) to ``evs``."""
        g = self.granted
        payload = {
            "action": g.action,
            "requested_by": g.requested_by,
            "approved_by": g.approved_by,
            "reason": g.reason,
            "for_event": "",
            "for_type": for_type,
            "target": number,
        }
        self.pending.append((payload, len(evs)))
        evs.append((ev.APPROVAL_GRANTED, evs[-1][1], payload))

    def link(self, events: list[Event], start: int) -> None:
        """Names the approved event (the next one) in each approval of the case just built,
        whose events begin at ``events[start]``."""
        for payload, i in self.pending:
            payload["for_event"] = events[start + i + 1].event_id
        self.pending.clear()


def one_case(  # noqa: PLR0917 - a helper of the bulk builder's hot loop
    app: App,
    service: Service,
    number: str,
    received: datetime,
    days: OfficeDays,
    rng: random.Random,
    rand: Callable[[], float],
    case_id: str,
    pay: seeding.PayFn,
    approval: ApprovalPayloads,
    shared: Shared,
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """One case's events as (type, time, payload), consistent with the domain's transitions
    (the fee assessed at intake and, for every case that finishes, paid at the counter first;
    old cases mostly finished, as offices close ~96 % on time).

    Payloads equal across the batch's cases (a note, a reason, an assessment) are one object
    of ``shared`` (the batch's, never changed): the ingest checks a payload object once per
    batch (``services.ingest``)."""
    evs, copies = _intake_events(app, service, number, received, rng, rand)
    if seeding.demo_channel(number) != "counter":
        evs.append((ev.ACCEPTED, received, shared.setdefault("note", {"note": ""})))
    roll = rand()
    outcome = "received"
    acc = 0.0
    for name, share in seeding.OUTCOMES:
        acc += share
        if roll < acc:
            outcome = name
            break
    # Offices close ~96 % of cases on time (seed appendix 11): old cases are mostly finished.
    late = (days.latest - received).days > service.time_limit_working_days * 1.5 + 3
    if outcome in ("received", "supplement") and late and rand() < 0.96:
        outcome = rng.choice(("closed", "picked_up", "picked_up"))
    clock = CaseClock(days, received, rng)
    assessed = seeding.fee_assessment(service, copies, rng, shared)
    if assessed is not None:
        payload, fees_due = assessed
        if payload["reduction"]:  # an exemption: the demo supervisor approved it first
            approval.before(evs, ev.FEE_ASSESSED, number)
        evs.append((ev.FEE_ASSESSED, received, payload))
        finishes = outcome in ("closed", "ready", "picked_up")
        if fees_due > 0 and (finishes or rand() < seeding.OPEN_PAID_SHARE):
            t, receipt = pay(
                case_id, number, fees_due, seeding.payment_time(app.hours, received, rng)
            )
            evs.append((ev.PAYMENT_RECORDED, t, receipt))
            t = clock.printed(t)
            printed = {"receipt_number": receipt["receipt_number"], **shared["issued_clerk"]}
            evs.append((ev.RECEIPT_ISSUED, t, printed))
    closing = days.closing_offset(service.time_limit_working_days, rng)
    _outcome_events(app, evs, outcome, (clock, closing), (rng, rand), shared)
    return evs


def _intake_events(  # noqa: PLR0917 - a private helper of the hot loop
    app: App,
    service: Service,
    number: str,
    received: datetime,
    rng: random.Random,
    rand: Callable[[], float],
) -> tuple[list[tuple[str, datetime, dict[str, Any]]], int]:
    """The case's ``case.received`` (a synthetic applicant) and its copies."""
    applicant = _applicant(service, rng, rand)
    fields = _required_fields(service, received, rng)
    pickup = service.pickup_options[0] if service.pickup_options else "counter"
    phone = "09" + f"{rng.randint(0, 99999999):08d}"
    copies = rng.choice((1, 1, 1, 2, 3))
    lookups = sorted(service.document_free_lookups)
    consent = sorted(rng.sample(lookups, k=min(1, len(lookups))))
    required = service.required_documents
    presented = [d for d in required if "時）" not in d]
    evs: list[tuple[str, datetime, dict[str, Any]]] = [
        (
            ev.RECEIVED,
            received,
            {
                "case_number": number,
                "service_code": service.code,
                "time_limit_working_days": service.time_limit_working_days,
                "applicant": applicant,
                "phone": phone,
                "email": "",
                "copies": copies,
                "fields": fields,
                "consent": consent,
                "channel": seeding.demo_channel(number),
                "pickup": {"method": pickup, "office": app.settings.office_code},
                # every document brought except those only needed in some cases ("…時）")
                "documents": {"required": list(required), "presented": presented},
            },
        )
    ]
    return evs, copies


def _applicant(service: Service, rng: random.Random, rand: Callable[[], float]) -> dict[str, Any]:
    """A synthetic applicant: a business for one land case in ten, else a person."""
    if service.office_kind == "land" and rand() < 0.1:
        return {
            "kind": "business",
            "id_type": "ubn",
            "id": generate_ubn(rng),
            "name": rng.choice(seeding.BUSINESSES),
        }
    return {
        "kind": "person",
        "id_type": "national_id",
        "id": generate_national_id(rng),
        "name": seeding._name(rng),
    }


def _required_fields(service: Service, received: datetime, rng: random.Random) -> dict[str, Any]:
    """A plausible value for each field the service requires, of the field's kind (its first
    choice, a land parcel, a date after ``received``, a small number, or an address)."""
    fields: dict[str, Any] = {}
    for spec in service.fields:
        if spec.required:
            if spec.choices:
                fields[spec.key] = spec.choices[0]
            elif spec.type == "land_parcel":
                lot = f"{rng.randint(1, 2000):04d}-{rng.randint(0, 999):04d}"
                fields[spec.key] = f"中正段 {lot}"  # as the counter takes it: section, lot
            elif spec.type == "date":  # a visit within the coming weeks
                fields[spec.key] = (
                    received.date() + timedelta(days=rng.randint(1, 30))
                ).isoformat()
            elif spec.type == "int":
                fields[spec.key] = str(rng.randint(1, 5))
            else:
                fields[spec.key] = "桃園市桃園區中正路" + str(rng.randint(1, 999)) + "號"
    return fields


def _outcome_events(  # noqa: PLR0917 - a private helper of the hot loop
    app: App,
    evs: list[tuple[str, datetime, dict[str, Any]]],
    outcome: str,
    when: tuple[CaseClock, int],
    draws: tuple[random.Random, Callable[[], float]],
    shared: Shared,
) -> None:
    """Appends what happened to the case after intake. ``when``: the case's clock and the
    office day it closes (or is rejected) on, counted from its receipt day
    (``timeline.OfficeDays.closing_offset``); a supplement is asked for by then. ``draws``:
    the generator and its ``random``; ``shared``: as :func:`one_case`'s."""
    clock, closing = when
    rng, rand = draws
    note = shared.setdefault("note", {"note": ""})
    if outcome == "supplement":
        reason = rng.choice(seeding.SUPPLEMENT_REASONS)
        at = clock.at(rng.randint(0, closing))
        evs.append((ev.SUPPLEMENT_REQUESTED, at, _supplement(shared, reason)))
    elif outcome == "rejected":
        reason = rng.choice(seeding.REJECT_REASONS)
        at = clock.at(closing)
        evs.append((ev.REJECTED, at, shared.setdefault(("rejected", reason), {"reason": reason})))
    elif outcome in ("closed", "ready", "picked_up"):
        if rand() < 0.2:
            reason = rng.choice(seeding.SUPPLEMENT_REASONS)
            asked = clock.at(rng.randint(0, closing))
            evs.append((ev.SUPPLEMENT_REQUESTED, asked, _supplement(shared, reason)))
            evs.append((ev.SUPPLEMENT_RECEIVED, clock.after(1), note))
        evs.append((ev.CLOSED, clock.at(closing), note))
        if outcome in ("ready", "picked_up"):
            pickup_number = f"{rng.randint(0, 9999):04d}"
            evs.append(
                (
                    ev.READY_FOR_PICKUP,
                    clock.after(1),
                    {"office": app.settings.office_code, "pickup_number": pickup_number},
                )
            )
        if outcome == "picked_up":
            by_self = shared.setdefault("picked_up", {"by": {"self": True}})
            evs.append((ev.PICKED_UP, clock.after(3), by_self))


def _supplement(shared: Shared, reason: str) -> dict[str, Any]:
    """The batch's supplement request for ``reason``."""
    return shared.setdefault(("supplement", reason), {"reason": reason, "items": []})
