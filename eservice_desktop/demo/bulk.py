"""Bulk demo data for benchmarks: a million realistic cases, through the bulk ingest.

:func:`demo.seeding.seed_demo` builds each case with the per-event helpers of the demo; this
path builds the very same streams from plain tuples in a hot loop and hands each batch of
20,000 cases to :func:`services.ingest.ingest_many`, the door every event comes through: the
domain checks every event, the projection rows and due dates come from the same code as an
intake's. Case and receipt numbers come from the same counters, so the numbering stays
gapless and later intakes continue it; ids are time-ordered, as a counter's are.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from functools import partial
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Any

from eservice_desktop.demo import seeding
from eservice_desktop.demo.bulk_cases import ApprovalPayloads, Shared, one_case
from eservice_desktop.demo.timeline import OfficeDays
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import READY_FOR_PICKUP, Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.domain.uuid7 import new_id, new_ids
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import IngestReport, ingest_many
from eservice_desktop.services.payments_demo import DemoTill
from eservice_desktop.services.pickup_demo import DemoCodes
from eservice_desktop.storage import repo
from eservice_desktop.storage.collection import collection_paused

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

    A batch is written on a thread of its own, and the next one is built while it commits
    (:class:`_Pending`); a batch's failure is raised when the loop next waits for it
    (``seeding.seed_demo`` then undoes the whole seed).
    Ids are time-ordered (``domain.uuid7``, as every new event and case id of the product),
    their random bits drawn from ``ids`` (default: ``rng``)."""
    years = sorted({to_roc(d)[0] for d in office_days})
    approval = ApprovalPayloads(app)  # the demo supervisor's, as in ``seeding.seed_demo``
    codes = DemoCodes(app)  # the demo county's, for the cases made ready
    with bulk_writes(app) as transaction, ThreadPoolExecutor(1, "seed-writer") as writer:
        with transaction() as session:
            numbers = SeedNumbers(session, app, years)
        built = _batches(app, cases, rng, office_days, batch, numbers, (approval, codes), ids)
        # the loop's own function: the last batch (its events, its report's states) is freed
        # when it returns, before the collector comes back on (``bulk_writes``), whose first
        # collection would otherwise walk its million objects, still held here
        return _write_all(app, transaction, writer, built, (cases, progress))


def _write_all(
    app: App,
    transaction: Callable[[], AbstractContextManager[Session]],
    writer: ThreadPoolExecutor,
    built: Iterator[tuple[int, list[Event], dict[str, int]]],
    told: tuple[int, Callable[[int, int], None] | None],
) -> dict[str, int]:
    """:func:`add_cases`' batch loop: each batch built while the one before commits, and
    written on ``writer``; the cases by status. ``told``: the seed's case count and its
    progress callback."""
    cases, progress = told
    counts: dict[str, int] = {}
    done = 0
    pending: _Pending | None = None
    while True:
        if pending is not None:
            pending.wait_for_commit()
        next_batch = next(built, None)
        if pending is not None:
            done += _tally(counts, pending.cases, pending.written)
            if progress:
                progress(done, cases)
        if next_batch is None:
            break
        n, events, expected = next_batch
        committing = threading.Event()
        written = writer.submit(_write, app, transaction, events, expected, committing)
        written.add_done_callback(partial(_set_when_done, committing))
        pending = _Pending(n, written, committing)
    return counts


def _batches(  # noqa: PLR0917 - the batch loop's own settings
    app: App,
    cases: int,
    rng: random.Random,
    office_days: list[date],
    batch: int,
    numbers: SeedNumbers,
    signers: tuple[ApprovalPayloads, DemoCodes],
    ids: random.Random | None,
) -> Iterator[tuple[int, list[Event], dict[str, int]]]:
    """Each batch's case count, events and the counters it found (:meth:`SeedNumbers.values`),
    built in memory only: plain tuples in a hot loop, no query. ``signers``: the demo
    supervisor's approvals and the demo county's pickup codes."""
    approval, codes = signers
    now = app.now()
    hours = app.hours
    days = OfficeDays(hours, office_days, now - timedelta(seconds=30))
    services = app.services
    cum = list(accumulate(max(s.usage_share, 1e-6) for s in services))
    office, device, clerk = app.actor.office, app.actor.device, app.actor.clerk
    randbits = (ids or rng).getrandbits
    rand = rng.random
    case_events = partial(one_case, app)
    pay = numbers.till.payer(rng, clerk)
    # oldest first across the batches: case and receipt numbers follow the clock
    times = seeding.received_times(hours, office_days, cases, rng, now)
    done = 0
    while done < cases:
        n = min(batch, cases - done)
        received_list = list(islice(times, n))
        expected = numbers.expected()
        events: list[Event] = []
        # the batch's equal payloads (bulk_cases.one_case); the 經收人 its receipts printed
        shared: Shared = {"issued_clerk": {"clerk": numbers.till.clerk}}
        for received, number in zip(received_list, numbers.cases(received_list), strict=True):
            service = rng.choices(services, cum_weights=cum)[0]
            case_id = new_id(randbits)
            start = len(events)
            stream = case_events(
                service, number, received, days, rng, rand, case_id, pay, approval, shared
            )
            if stream[-1][0] == READY_FOR_PICKUP:  # left ready: its code, as the county sent it
                stream[-1] = _with_code(codes, case_id, number, *stream[-1])
            # the case's event ids in one go (``uuid7.new_ids``: the same bits, in order)
            event_ids = new_ids(len(stream), randbits)
            for event_id, (type_, at, payload) in zip(event_ids, stream, strict=True):
                events.append(_event(event_id, case_id, type_, office, device, clerk, at, payload))
            approval.link(events, start)
        yield n, events, expected
        done += n


def _with_code(  # noqa: PLR0917 - a case's ready-for-pickup event, as one_case gives it
    codes: DemoCodes, case_id: str, number: str, type_: str, at: datetime, payload: dict[str, Any]
) -> tuple[str, datetime, dict[str, Any]]:
    """A ready-for-pickup event of a case the seed leaves ready, with the code the demo county
    signed for it then. A case already picked up keeps the event without one: its handover
    consumed no code here (and the seed stays a bulk path: a consumed code is a row per
    handover)."""
    office, pickup_number = payload["office"], payload["pickup_number"]
    token = codes.token(case_id, number, office, pickup_number, at)
    return type_, at, {**payload, "token": token}


def _write(
    app: App,
    transaction: Callable[[], AbstractContextManager[Session]],
    events: list[Event],
    expected: dict[str, int],
    committing: threading.Event,
) -> IngestReport:
    """One batch through the one door in one transaction, on the seed's writer thread: its
    numbers were taken from :class:`SeedNumbers`, so the counters must still be where that
    batch found them, and the ingest moves them past its numbers (``projections``).
    ``committing`` is set once the batch is checked and appended, before its commit (SQLite
    writes the pages without Python's lock: the next batch is built meanwhile); a failed
    batch's is set once its future holds the failure (:func:`add_cases`), not before, so
    the loop cannot see it set and the future not yet done, and build one batch more."""
    with transaction() as session:
        SeedNumbers.check(session, expected)
        report = ingest_many(app, session, events, strict=True)
        committing.set()
    return report


def _set_when_done(committing: threading.Event, _written: Future[IngestReport]) -> None:
    """Sets ``committing`` once the batch's future is done (its failure held, if it failed)."""
    committing.set()


class _Pending:
    """The batch on the writer thread: its case count, its result, and when it commits.

    The next batch is built while this one commits, not while it is checked and folded: the
    building and the folding are both Python and would only take turns at Python's lock,
    while the commit (a batch's pages encrypted and written) runs without it."""

    def __init__(self, cases: int, written: Future[IngestReport], committing: threading.Event):
        self.cases, self.written, self.committing = cases, written, committing

    def wait_for_commit(self) -> None:
        """Returns once the batch commits; raises its failure if it failed (nothing is built
        after a failed batch)."""
        self.committing.wait()
        if self.written.done() and self.written.exception() is not None:
            self.written.result()


def _tally(counts: dict[str, int], n: int, written: Future[IngestReport]) -> int:
    """Counts a written batch's cases by status; returns its case count."""
    for state in written.result().states.values():
        counts[state.status] = counts.get(state.status, 0) + 1
    return n


class SeedNumbers:
    """This device's case and receipt counters for a seed, read once and then numbered in
    memory, so a batch is built while the one before is still being written (no query
    between). Each batch's transaction checks that the counters are still where the batch
    found them (:meth:`check`: another writer took a number meanwhile, the seed fails and is
    undone), and its ingest raises them to the numbers it used, as for any event of this
    device."""

    def __init__(self, session: Session, app: App, years: list[int]) -> None:
        s = app.settings
        self.office, self.device = s.office_code, s.device_id
        #: the last case number used, by ROC year: the counter as read, then in memory
        self.last_case = {y: repo.peek_counter(session, self._counter(y)) for y in years}
        #: the device's receipts till, numbering from its counters read now
        self.till = DemoTill(app, session, years)

    def _counter(self, year: int) -> str:
        return f"case:{self.office}:{self.device}:{year}"

    def expected(self) -> dict[str, int]:
        """Every counter's value now, by name: where the next batch must find them."""
        out = {self._counter(y): v for y, v in self.last_case.items()}
        out.update({self.till.counter_name(y): v for y, v in self.till.last.items()})
        return out

    def cases(self, received: list[datetime]) -> list[str]:
        """The next case numbers, one per receipt time (the series of its ROC year)."""
        out: list[str] = []
        for r in received:
            year = to_roc(r.astimezone(TAIPEI).date())[0]
            self.last_case[year] = seq = _next(self.last_case, year)
            out.append(str(CaseNumber(self.office, self.device, year, seq)))
        return out

    @staticmethod
    def check(session: Session, expected: dict[str, int]) -> None:
        """Refuses the batch when a counter moved since its numbers were taken."""
        for name, value in expected.items():
            if repo.peek_counter(session, name) != value:
                raise DomainError(
                    "demo.counters",
                    "示範資料產生期間，號碼已被其他作業使用",
                    "A number series was used by another writer while the demo data was made",
                )


def _next(last: dict[int, int], year: int) -> int:
    """The number after ``last[year]``; a year whose counter was not read is a seed's own error
    (its receipt days are the ones whose counters it read)."""
    if year not in last:
        raise ValueError(f"no counter was read for ROC year {year}")
    return last[year] + 1


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


#: SQLite settings of the connection a seed writes through (see :func:`bulk_writes`).
BULK_PRAGMAS = {
    # WAL with NORMAL syncs at checkpoints, not at every commit: a power cut may lose the
    # last batches, never the database's consistency (the seed is demo data, and all or
    # nothing only while the process runs: ``seeding.seed_demo``).
    "synchronous": "NORMAL",
    # Most indexes take their keys out of order (receipt days spread over weeks, applicant
    # IDs, the search index's trigrams; the event and case ids are in order): give SQLite room
    # to keep their pages cached, or a million rows take many times longer.
    "cache_size": f"-{BULK_CACHE_KIB}",
}


@contextmanager
def bulk_writes(app: App) -> Iterator[Callable[[], AbstractContextManager[Session]]]:
    """One connection of its own for a seed's batches, under the process's write lock, with
    :data:`BULK_PRAGMAS` while it writes and the connection's own settings (and SQLite's
    process-wide soft heap limit) put back afterwards, whatever happens. Yields
    ``transaction()``: a session in one write transaction on that connection.

    The cyclic garbage collector is paused meanwhile (``storage.collection``: a batch holds
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
