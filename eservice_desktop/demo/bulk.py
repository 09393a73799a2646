"""Bulk demo data for benchmarks: a million realistic cases, through the bulk ingest.

:func:`demo.seeding.seed_demo` builds each case with the per-event helpers of the demo; this
path builds the very same streams from plain tuples in a hot loop and hands each batch of
20,000 cases to :func:`services.ingest.ingest_many`, the door every event comes through: the
domain checks every event, the projection rows and due dates come from the same code as an
intake's. Case numbers are reserved per batch from the same counters, so the numbering stays
gapless and later intakes continue it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from eservice_desktop.demo import seeding
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import APPROVE_FEE_REDUCTION
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.ids import generate_national_id, generate_ubn
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services.approvals import demo_granted
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.services.payments_demo import DemoTill
from eservice_desktop.storage import repo

TAIPEI = ZoneInfo("Asia/Taipei")
#: SQLite page cache for bulk writes, in KiB.
BULK_CACHE_KIB = 512 * 1024


def seed_demo_bulk(
    app: App,
    cases: int,
    *,
    seed: int | None = None,
    days: int = 1000,
    batch: int = 20000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Adds ``cases`` synthetic cases received over the last ``days`` office days."""
    if app.engine.dialect.name != "sqlite":
        return seeding.seed_demo(app, cases, seed=seed, progress=progress)
    rng = random.Random(seed)
    now = app.now()
    services = app.services
    cum = list(accumulate(max(s.usage_share, 1e-6) for s in services))
    office_days = seeding._office_days(app, now, days)
    actor = app.actor
    office, device, clerk = actor.office, actor.device, actor.clerk
    counts: dict[str, int] = {}
    done = 0
    randbits = rng.getrandbits
    rand = rng.random

    def new_id() -> str:
        return str(uuid.UUID(int=randbits(128), version=4))

    approval = _ApprovalPayloads(app)  # the demo supervisor's, as in ``seeding.seed_demo``
    while done < cases:
        n = min(batch, cases - done)
        received_list = sorted(
            seeding._received_time(app, rng.choice(office_days), rng, now) for _ in range(n)
        )
        events: list[Event] = []
        with app.transaction() as session:
            # Random UUID keys touch pages all over the indexes: give SQLite room to keep
            # them cached, or a million rows take many times longer.
            session.connection().exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
            numbers = _reserve_numbers(session, app, received_list)
            till = DemoTill(app, session)
            pay = till.payer(rng, clerk)
            for received, number in zip(received_list, numbers, strict=True):
                service = rng.choices(services, cum_weights=cum)[0]
                case_id = new_id()
                start = len(events)
                for type_, at, payload in _one_case(
                    app, service, number, received, now, rng, rand, case_id, pay, approval
                ):
                    events.append(
                        Event(new_id(), case_id, type_, office, device, clerk, at, payload)
                    )
                approval.link(events, start)
            till.flush()
            report = ingest_many(app, session, events, strict=True)
        for state in report.states.values():
            counts[state.status] = counts.get(state.status, 0) + 1
        done += n
        if progress:
            progress(done, cases)
    return _summary(app, cases, counts)


def _summary(app: App, cases: int, counts: dict[str, int]) -> dict[str, Any]:
    with app.reading() as s:
        total = repo.count_cases(s)
    return {"added": cases, "total_cases": total, "by_status": counts}


def _reserve_numbers(session: Any, app: App, received: list[datetime]) -> list[str]:
    """Case numbers for a batch from the device's counters (one bump per ROC year)."""
    s = app.settings
    years = [to_roc(r.astimezone(TAIPEI).date())[0] for r in received]
    out: list[str] = []
    next_seq: dict[int, int] = {}
    for year in sorted(set(years)):
        name = f"case:{s.office_code}:{s.device_id}:{year}"
        need = years.count(year)
        first = repo.next_counter(session, name)
        row_value = first + need - 1
        if need > 1:
            from eservice_desktop.storage.models import CounterRow

            row = session.get(CounterRow, name)
            row.value = row_value
            session.flush()
        next_seq[year] = first
    for year in years:
        seq = next_seq[year]
        next_seq[year] = seq + 1
        out.append(str(CaseNumber(s.office_code, s.device_id, year, seq)))
    return out


class _ApprovalPayloads:
    """The demo supervisor's ``case.approval_granted`` payloads of the exceptions a case makes
    (an exemption at intake), linked to the event each approves once the loop has given that
    event its id (the approval is appended just before it, as ``seeding.build_case`` does)."""

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


def _one_case(  # noqa: PLR0917 - a private helper of the hot loop
    app: App,
    service: Service,
    number: str,
    received: datetime,
    now: datetime,
    rng: random.Random,
    rand: Callable[[], float],
    case_id: str,
    pay: seeding.PayFn,
    approval: _ApprovalPayloads,
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """One case's events as (type, time, payload); mirrors ``seeding.build_case`` (the fee
    assessed at intake and, for every case that finishes, paid at the counter first)."""
    evs, copies = _intake_events(app, service, number, received, rng, rand)
    if seeding.demo_channel(number) != "counter":
        evs.append((ev.ACCEPTED, received, {"note": ""}))
    roll = rand()
    outcome = "received"
    acc = 0.0
    for name, share in seeding.OUTCOMES:
        acc += share
        if roll < acc:
            outcome = name
            break
    t = received
    age = (now - received).total_seconds()
    latest = now - timedelta(seconds=30)

    def later(max_fraction: float = 0.4) -> datetime:
        nonlocal t
        t = min(t + timedelta(seconds=rng.uniform(60, max(120.0, age * max_fraction))), latest)
        return t

    assessed = seeding.fee_assessment(service, copies, rng)
    if assessed is not None:
        payload, fees_due = assessed
        if payload["reduction"]:  # an exemption: the demo supervisor approved it first
            approval.before(evs, ev.FEE_ASSESSED, number)
        evs.append((ev.FEE_ASSESSED, received, payload))
        finishes = outcome in ("closed", "ready", "picked_up")
        if fees_due > 0 and (finishes or rand() < seeding.OPEN_PAID_SHARE):
            t = seeding.payment_time(app, received, rng)
            receipt = pay(case_id, number, fees_due, t)
            evs.append((ev.PAYMENT_RECORDED, t, receipt))
            t = t + timedelta(seconds=5)
            evs.append((ev.RECEIPT_ISSUED, t, {"receipt_number": receipt["receipt_number"]}))
    _outcome_events(app, evs, outcome, later, rng, rand)
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
    business = service.office_kind == "land" and rand() < 0.1
    if business:
        applicant = {
            "kind": "business",
            "id_type": "ubn",
            "id": generate_ubn(rng),
            "name": rng.choice(seeding.BUSINESSES),
        }
    else:
        applicant = {
            "kind": "person",
            "id_type": "national_id",
            "id": generate_national_id(rng),
            "name": seeding._name(rng),
        }
    fields: dict[str, Any] = {}
    for spec in service.fields:
        if spec.required:
            if spec.choices:
                fields[spec.key] = spec.choices[0]
            elif spec.type == "land_parcel":
                fields[spec.key] = f"{rng.randint(1, 2000):04d}-{rng.randint(0, 999):04d}"
            else:
                fields[spec.key] = "桃園市桃園區中正路" + str(rng.randint(1, 999)) + "號"
    pickup = service.pickup_options[0] if service.pickup_options else "counter"
    phone = "09" + f"{rng.randint(0, 99999999):08d}"
    copies = rng.choice((1, 1, 1, 2, 3))
    lookups = sorted(service.document_free_lookups)
    consent = sorted(rng.sample(lookups, k=min(1, len(lookups))))
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
            },
        )
    ]
    return evs, copies


def _outcome_events(  # noqa: PLR0917 - a private helper of the hot loop
    app: App,
    evs: list[tuple[str, datetime, dict[str, Any]]],
    outcome: str,
    later: Callable[..., datetime],
    rng: random.Random,
    rand: Callable[[], float],
) -> None:
    """Appends what happened to the case after intake (``later()``: the next moment)."""
    if outcome == "supplement":
        reason = rng.choice(seeding.SUPPLEMENT_REASONS)
        evs.append((ev.SUPPLEMENT_REQUESTED, later(), {"reason": reason, "items": []}))
    elif outcome == "rejected":
        evs.append((ev.REJECTED, later(), {"reason": rng.choice(seeding.REJECT_REASONS)}))
    elif outcome in ("closed", "ready", "picked_up"):
        if rand() < 0.2:
            reason = rng.choice(seeding.SUPPLEMENT_REASONS)
            evs.append((ev.SUPPLEMENT_REQUESTED, later(0.2), {"reason": reason, "items": []}))
            evs.append((ev.SUPPLEMENT_RECEIVED, later(0.2), {"note": ""}))
        evs.append((ev.CLOSED, later(0.2), {"note": ""}))
        if outcome in ("ready", "picked_up"):
            pickup_number = f"{rng.randint(0, 9999):04d}"
            evs.append(
                (
                    ev.READY_FOR_PICKUP,
                    later(0.1),
                    {"office": app.settings.office_code, "pickup_number": pickup_number},
                )
            )
        if outcome == "picked_up":
            evs.append((ev.PICKED_UP, later(0.1), {"by": {"self": True}}))
