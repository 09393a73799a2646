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
from datetime import date, datetime
from functools import partial
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from eservice_desktop.demo import seeding
from eservice_desktop.demo.bulk_cases import ApprovalPayloads, one_case
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services.collection import collection_paused
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.services.payments_demo import DemoTill
from eservice_desktop.storage import repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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
    hours = app.hours  # built from the catalogue on every call: once here
    services = app.services
    cum = list(accumulate(max(s.usage_share, 1e-6) for s in services))
    office, device, clerk = app.actor.office, app.actor.device, app.actor.clerk
    counts: dict[str, int] = {}
    done = 0
    randbits = (ids or rng).getrandbits
    rand = rng.random

    def new_id() -> str:
        return uuid4_text(randbits(128))

    approval = ApprovalPayloads(app)  # the demo supervisor's, as in ``seeding.seed_demo``
    case_events = partial(one_case, app, hours=hours)
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
                    for type_, at, payload in case_events(
                        service, number, received, now, rng, rand, case_id, pay, approval
                    ):
                        events.append(
                            _event(new_id(), case_id, type_, office, device, clerk, at, payload)
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


def _event(  # noqa: PLR0917 - Event's own fields, in its order
    event_id: str,
    case_id: str,
    type_: str,
    office: str,
    device: str,
    clerk: str,
    at: datetime,
    payload: dict[str, Any],
) -> Event:
    """An event of the seed (Event.unchecked: a seed makes millions; the one door checks each
    envelope again)."""
    return Event.unchecked(
        {
            "event_id": event_id,
            "case_id": case_id,
            "type": type_,
            "office": office,
            "device": device,
            "clerk": clerk,
            "at": at,
            "payload": payload,
            "prev": None,
            "hash": None,
        }
    )


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
    ``transaction()``: a session in one write transaction on that connection.

    The cyclic garbage collector is paused meanwhile (``services.collection``: a batch holds
    some 130,000 events whose full collections found no cycle, a tenth of a seed's CPU)."""
    with collection_paused(), app.write_lock, app.engine.connect() as conn:
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
