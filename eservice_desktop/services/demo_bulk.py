"""Bulk demo data for benchmarks: a million realistic cases in minutes, on SQLite.

:func:`services.demo.seed_demo` writes cases through the domain fold and the ORM, about
600 cases a second: fine for a demo, half an hour for the benchmark's million. This path
writes the very same rows (same event payloads, same projection, same deadline rule) but
builds them as plain tuples: the projection is derived directly from the few outcomes demo
cases can have, due dates without pauses are cached per (limit, day), and rows go in with the
driver's ``executemany`` inside one transaction per batch. Case numbers are reserved per batch
from the same counters, so the numbering stays gapless and later intakes continue it.

``tests/unit/services/test_demo_bulk.py`` folds every stream written here through
``domain.case.project`` and checks the stored projection against it, so the two paths cannot
drift apart unnoticed.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.deadline import due_date
from eservice_desktop.domain.ids import generate_national_id, generate_ubn
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services import demo
from eservice_desktop.services.app import App
from eservice_desktop.storage import repo, search
from eservice_desktop.storage.models import CaseRow

TAIPEI = ZoneInfo("Asia/Taipei")
#: SQLite page cache for bulk writes, in KiB.
BULK_CACHE_KIB = 512 * 1024

_EVENT_SQL = (
    "INSERT INTO events (event_id, case_id, type, office, device, clerk, at, recorded_at, "
    "payload, origin, acked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'local', NULL)"
)
_CASE_SQL = (
    "INSERT INTO cases (case_id, case_number, service_code, office, applicant_id, "
    "applicant_name, applicant_kind, status, received_at, received_day, due_date, closed_at, "
    "fees_due, paid, pickup_office, updated_at, state, search_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)"
)


def _dt(value: datetime) -> str:
    """SQLAlchemy's SQLite DateTime storage format (UTC, naive, microseconds)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


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
        return demo.seed_demo(app, cases, seed=seed, progress=progress)
    rng = random.Random(seed)
    now = app.now()
    now_text = _dt(now)
    services = app.catalogue.services_for(app.office_kind)
    cum = list(accumulate(max(s.usage_share, 1e-6) for s in services))
    office_days = demo._office_days(app, now, days)
    actor = app.actor
    office, device, clerk = actor.office, actor.device, actor.clerk
    pickup_office = app.settings.office_code
    hours = app.hours
    due_cache: dict[tuple[int, date, bool], date | None] = {}
    counts: dict[str, int] = {}
    done = 0
    dumps = json.dumps
    randbits = rng.getrandbits
    rand = rng.random

    def new_id() -> str:
        return str(uuid.UUID(int=randbits(128), version=4))

    def plain_due(limit: int, received: datetime) -> date | None:
        local = received.astimezone(TAIPEI)
        day = local.date()
        late = received > hours.closing_at(day)
        key = (limit, day, late)
        if key not in due_cache:
            due_cache[key] = due_date(received, limit, app.calendar, hours)
        return due_cache[key]

    with app.reading() as session:
        # Search keys are unique receipt times (storage/search.py): ties move up by one.
        used_keys = set(
            session.scalars(select(CaseRow.search_key).where(CaseRow.search_key.is_not(None)))
        )
    while done < cases:
        n = min(batch, cases - done)
        received_list = sorted(
            demo._received_time(app, rng.choice(office_days), rng, now) for _ in range(n)
        )
        event_rows: list[tuple[Any, ...]] = []
        case_rows: list[tuple[Any, ...]] = []
        index_rows: list[tuple[int, str, str, str]] = []
        with app.transaction() as session:
            numbers = _reserve_numbers(session, app, received_list)
            for received, number in zip(received_list, numbers, strict=True):
                service = rng.choices(services, cum_weights=cum)[0]
                case_id = new_id()
                status, summary, evs, closed_at, pauses = _one_case(
                    app, service, number, received, now, rng, rand, new_id
                )
                limit = service.time_limit_working_days
                if pauses:
                    due = due_date(
                        received, limit, app.calendar, hours, pauses, closed_at=closed_at
                    )
                else:
                    due = plain_due(limit, received)
                for type_, at, payload in evs:
                    event_rows.append(
                        (
                            new_id(),
                            case_id,
                            type_,
                            office,
                            device,
                            clerk,
                            _dt(at),
                            now_text,
                            dumps(payload),
                        )
                    )
                applicant = evs[0][2]["applicant"]
                counts[status] = counts.get(status, 0) + 1
                key = search.base_key(received)
                while key in used_keys:
                    key += 1
                used_keys.add(key)
                index_rows.append((key, number, applicant["id"], applicant["name"]))
                case_rows.append(
                    (
                        case_id,
                        number,
                        service.code,
                        office,
                        applicant["id"],
                        applicant["name"],
                        applicant["kind"],
                        status,
                        _dt(received),
                        received.astimezone(TAIPEI).date().isoformat(),
                        due.isoformat() if due else None,
                        _dt(closed_at) if closed_at else None,
                        pickup_office,
                        now_text,
                        dumps(summary),
                        key,
                    )
                )
            conn = session.connection()
            # Random UUID keys touch pages all over the indexes: give SQLite room to keep
            # them cached, or a million rows take many times longer.
            conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
            conn.exec_driver_sql(_EVENT_SQL, event_rows)
            conn.exec_driver_sql(_CASE_SQL, case_rows)
            search.insert_many(session, index_rows)
        done += n
        if progress:
            progress(done, cases)
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


def _one_case(  # noqa: PLR0917 - a private helper of the hot loop
    app: App,
    service: Service,
    number: str,
    received: datetime,
    now: datetime,
    rng: random.Random,
    rand: Callable[[], float],
    new_id: Callable[[], str],
) -> tuple[
    str,
    dict[str, Any],
    list[tuple[str, datetime, dict[str, Any]]],
    datetime | None,
    list[tuple[datetime, datetime | None]],
]:
    """One case as (status, projection summary, events, closed_at, pauses); mirrors
    ``demo.build_case`` and what ``domain.case.apply`` derives from it."""
    business = service.office_kind == "land" and rand() < 0.1
    if business:
        applicant = {
            "kind": "business",
            "id_type": "ubn",
            "id": generate_ubn(rng),
            "name": rng.choice(demo.BUSINESSES),
        }
    else:
        applicant = {
            "kind": "person",
            "id_type": "national_id",
            "id": generate_national_id(rng),
            "name": demo._name(rng),
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
                "pickup": {"method": pickup, "office": app.settings.office_code},
            },
        )
    ]
    roll = rand()
    outcome = "received"
    acc = 0.0
    for name, share in demo.OUTCOMES:
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

    status = "received"
    closed_at: datetime | None = None
    supplement_reason = ""
    rejection_reason = ""
    pickup_number = ""
    pauses: list[tuple[datetime, datetime | None]] = []
    if outcome == "supplement":
        supplement_reason = rng.choice(demo.SUPPLEMENT_REASONS)
        at = later()
        evs.append((ev.SUPPLEMENT_REQUESTED, at, {"reason": supplement_reason, "items": []}))
        pauses.append((at, None))
        status = "supplement_requested"
    elif outcome == "rejected":
        rejection_reason = rng.choice(demo.REJECT_REASONS)
        closed_at = later()
        evs.append((ev.REJECTED, closed_at, {"reason": rejection_reason}))
        status = "rejected"
    elif outcome in ("closed", "ready", "picked_up"):
        if rand() < 0.2:
            supplement_reason = rng.choice(demo.SUPPLEMENT_REASONS)
            start = later(0.2)
            evs.append((ev.SUPPLEMENT_REQUESTED, start, {"reason": supplement_reason, "items": []}))
            end = later(0.2)
            evs.append((ev.SUPPLEMENT_RECEIVED, end, {"note": ""}))
            pauses.append((start, end))
        closed_at = later(0.2)
        evs.append((ev.CLOSED, closed_at, {"note": ""}))
        status = "closed"
        if outcome in ("ready", "picked_up"):
            pickup_number = f"{rng.randint(0, 9999):04d}"
            evs.append(
                (
                    ev.READY_FOR_PICKUP,
                    later(0.1),
                    {"office": app.settings.office_code, "pickup_number": pickup_number},
                )
            )
            status = "ready_for_pickup"
        if outcome == "picked_up":
            evs.append((ev.PICKED_UP, later(0.1), {"by": {"self": True}}))
            status = "picked_up"
    summary = {
        "phone": phone,
        "copies": copies,
        "pickup_method": pickup,
        "supplement_reason": supplement_reason,
        "rejection_reason": rejection_reason,
        "pickup_number": pickup_number,
        "open_conflicts": [],
        "event_count": len(evs),
    }
    return status, summary, evs, closed_at, pauses
