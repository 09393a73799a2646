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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any
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

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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
    office_days = seeding._office_days(app, app.now(), days)
    counts = add_cases(app, cases, rng, office_days=office_days, batch=batch, progress=progress)
    return _summary(app, cases, counts)


def add_cases(
    app: App,
    cases: int,
    rng: random.Random,
    *,
    office_days: list[date],
    batch: int,
    progress: Callable[[int, int], None] | None = None,
    ids: random.Random | None = None,
) -> dict[str, int]:
    """The batch loop of both seeders: ``cases`` cases received on ``office_days``, built as
    plain tuples and handed to :func:`services.ingest.ingest_many` ``batch`` cases at a time
    (one transaction each, through :func:`bulk_writes`); returns the cases by status.

    Ids come from ``ids`` (default: ``rng``, so a seed gives the very same database)."""
    now = app.now()
    hours = app.hours  # built from the office's row on every call
    services = app.services
    cum = list(accumulate(max(s.usage_share, 1e-6) for s in services))
    office, device, clerk = app.actor.office, app.actor.device, app.actor.clerk
    counts: dict[str, int] = {}
    done = 0
    randbits = (ids or rng).getrandbits
    rand = rng.random

    def new_id() -> str:
        return uuid4_text(randbits(128))

    approval = _ApprovalPayloads(app)  # the demo supervisor's, as in ``seeding.seed_demo``
    with bulk_writes(app) as transaction:
        while done < cases:
            n = min(batch, cases - done)
            received_list = sorted(
                seeding._received_time(hours, rng.choice(office_days), rng, now) for _ in range(n)
            )
            events: list[Event] = []
            with transaction() as session:
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
    return counts


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without the UUID object (a seed makes a
    million ids)."""
    h = f"{bits & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


#: The variant (RFC 4122) and version (4) bits, as ``uuid.UUID(..., version=4)`` sets them.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


#: SQLite settings of the connection a seed writes through (see :func:`bulk_writes`).
BULK_PRAGMAS = {
    # WAL with NORMAL syncs at checkpoints, not at every commit: a power cut may lose the
    # last batches, never the database's consistency (the seed is demo data, and all or
    # nothing only while the process runs: ``seeding.seed_demo``).
    "synchronous": "NORMAL",
    # Random UUID keys touch pages all over the indexes: give SQLite room to keep them cached,
    # or a million rows take many times longer.
    "cache_size": f"-{BULK_CACHE_KIB}",
}


@contextmanager
def bulk_writes(app: App) -> Iterator[Callable[[], AbstractContextManager[Session]]]:
    """One connection of its own for a seed's batches, under the process's write lock, with
    :data:`BULK_PRAGMAS` while it writes and the connection's own settings (and SQLite's
    process-wide soft heap limit) put back afterwards, whatever happens. Yields
    ``transaction()``: a session in one write transaction on that connection."""
    with app.write_lock, app.engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None

        def pragma(name: str, value: str | None = None) -> Any:
            sql = f"PRAGMA {name}" if value is None else f"PRAGMA {name}={value}"
            row = driver.execute(sql).fetchone()
            return None if row is None else row[0]

        before = {name: pragma(name) for name in BULK_PRAGMAS}
        heap = pragma("soft_heap_limit")
        try:
            for name, value in BULK_PRAGMAS.items():
                pragma(name, value)
            # the limit is process-wide (storage.db): the cache above must not be recycled
            pragma("soft_heap_limit", str(max(int(heap), (BULK_CACHE_KIB + 65536) * 1024)))

            @contextmanager
            def transaction() -> Iterator[Session]:
                with app.sessions(bind=conn) as session, session.begin():
                    yield session

            yield transaction
        finally:
            if conn.in_transaction():
                conn.rollback()
            for name, value in before.items():
                pragma(name, str(value))
            pragma("soft_heap_limit", str(heap))
            pragma("shrink_memory")


def _summary(app: App, cases: int, counts: dict[str, int]) -> dict[str, Any]:
    with app.reading() as s:
        total = repo.count_cases(s)
    return {"added": cases, "total_cases": total, "by_status": counts}


def _reserve_numbers(session: Any, app: App, received: list[datetime]) -> list[str]:
    """Case numbers for a batch from the device's counters (one bump per ROC year)."""
    s = app.settings
    years = [to_roc(r.astimezone(TAIPEI).date())[0] for r in received]
    next_seq = {
        y: repo.reserve_counter(session, f"case:{s.office_code}:{s.device_id}:{y}", years.count(y))
        for y in sorted(set(years))
    }
    out: list[str] = []
    for year in years:
        seq = next_seq[year]
        next_seq[year] = seq + 1
        out.append(str(CaseNumber(s.office_code, s.device_id, year, seq)))
    return out


class _ApprovalPayloads:
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
    """One case's events as (type, time, payload), consistent with the domain's transitions
    (the fee assessed at intake and, for every case that finishes, paid at the counter first;
    old cases mostly finished, as offices close ~96 % on time)."""
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
    # Offices close ~96 % of cases on time (seed appendix 11): old cases are mostly finished.
    late = (now - received).days > service.time_limit_working_days * 1.5 + 3
    if outcome in ("received", "supplement") and late and rand() < 0.96:
        outcome = rng.choice(("closed", "picked_up", "picked_up"))
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
            t = seeding.payment_time(app.hours, received, rng)
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
    applicant = _applicant(service, rng, rand)
    fields = _required_fields(service, rng)
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


def _required_fields(service: Service, rng: random.Random) -> dict[str, Any]:
    """A plausible value for each field the service requires (its first choice, a land
    parcel, or an address)."""
    fields: dict[str, Any] = {}
    for spec in service.fields:
        if spec.required:
            if spec.choices:
                fields[spec.key] = spec.choices[0]
            elif spec.type == "land_parcel":
                fields[spec.key] = f"{rng.randint(1, 2000):04d}-{rng.randint(0, 999):04d}"
            else:
                fields[spec.key] = "桃園市桃園區中正路" + str(rng.randint(1, 999)) + "號"
    return fields


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
