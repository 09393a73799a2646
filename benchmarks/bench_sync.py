"""Sync figures over loopback: push 10,000 events, pull 10,000 on another device, the same rows
inserted straight into the county database with one ``executemany`` (the baseline, same run;
the median of three runs; ratio sync/raw, goal <= 3x; once through Core with the rows' building,
once the driver's alone on rows converted beforehand), the pull again with gzip forced on
(the client leaves it off over loopback: would it pay?), an idle round's latency, and a
catch-up of one office (``ESERVICE_BENCH_CATCHUP`` events, default 1,000,000) pulled into a
fresh device.

The county server runs in a process of its own (benchmarks/county_process.py: uvicorn on a
loopback socket), as a deployed county does: the figures measure the protocol, the server's
checks and both databases, not process start-up, and the office's Python and the county's no
longer take turns under one interpreter lock, as they did when the county ran on a thread of
this process. Beside each wall time the office's CPU (this process) and the county process's
CPU are printed: on a shared machine they move far less with the load than the wall time
does. The ratios are by wall time and by CPU, the office's and the county's together against
the baseline's (a PostgreSQL server's own CPU is in neither).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from benchmarks.county_process import CountyProcess

N_EVENTS = 10_000
#: Runs of the baseline, each into a fresh database; its median is the one the ratios use (a
#: single run moved between 0.28 and 0.53 s on SQLite from one run of the benchmark to the next).
RAW_RUNS = 3
#: Events of the catch-up figure (one office, pulled into a fresh device).
N_CATCHUP = int(os.environ.get("ESERVICE_BENCH_CATCHUP", "1000000"))


class _Clock:
    """Wall and CPU seconds of a block: this process's CPU (the office, all its threads) and,
    with ``county``, the county process's; ``cpu`` is the two together."""

    def __init__(self, county: CountyProcess | None = None) -> None:
        self.county = county
        self.county_cpu = 0.0

    def __enter__(self) -> _Clock:
        self.wall, self.office_cpu = time.perf_counter(), time.process_time()
        if self.county is not None:
            self.county_cpu = self.county.cpu()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.office_cpu = time.process_time() - self.office_cpu
        if self.county is not None:
            self.county_cpu = self.county.cpu() - self.county_cpu

    @property
    def cpu(self) -> float:
        return self.office_cpu + self.county_cpu

    def __str__(self) -> str:
        if self.county is None:
            return f"{self.wall:.2f} s (CPU {self.cpu:.2f} s)"
        return (
            f"{self.wall:.2f} s (CPU office {self.office_cpu:.2f} s"
            f" + county {self.county_cpu:.2f} s = {self.cpu:.2f} s)"
        )


def _memory_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    keyring.set_keyring(Memory())


def _events(n: int, first: int = 0, prev: str = "") -> list[Any]:
    """n events: received + supplement requested per case, device H01-01, linked into the
    device's hash chain as ingest links them (so the push measures the county's check); case
    ids time-ordered, as intake makes them (``domain.uuid7``), like the events' own ids;
    ``first`` case number offset and ``prev`` hash continue an earlier chunk."""
    from eservice_desktop.domain import events as ev
    from eservice_desktop.domain.case_number import CaseNumber
    from eservice_desktop.domain.events import Actor
    from eservice_desktop.domain.uuid7 import new_id

    actor = Actor("H01", "01", "bench")
    t0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    out = []
    for i in range(first, first + n // 2):
        case_id = new_id()
        at = t0 + timedelta(seconds=i)
        out.append(
            actor.event(
                case_id,
                ev.RECEIVED,
                at,
                {
                    "case_number": str(CaseNumber("H01", "01", 115, i + 1)),
                    "service_code": "HR-TRANSCRIPT",
                    "time_limit_working_days": 1,
                    "applicant": {
                        "kind": "person",
                        "id_type": "national_id",
                        "id": "A123456789",
                        "name": "王小明",
                    },
                    "pickup": {"method": "counter", "office": "H01"},
                },
            )
        )
        out.append(
            actor.event(
                case_id,
                ev.SUPPLEMENT_REQUESTED,
                at + timedelta(minutes=5),
                {"reason": "缺少委託書", "items": []},
            )
        )
    from eservice_desktop.domain import chain

    prev, linked = prev or chain.GENESIS, []
    for e in out:
        e = chain.link(e, prev)  # noqa: PLW2901
        linked.append(e)
        prev = e.hash
    return linked


def run() -> list[tuple[str, str]]:
    """SQLite county always; PostgreSQL too when ESERVICE_BENCH_PG_URL (or the test suite's
    ESERVICE_TEST_PG_URL) names a server (a fresh database is created for the run)."""
    rows = _measure("sqlite", None)
    rows += _catch_up()
    return rows + _postgresql()


def _postgresql() -> list[tuple[str, str]]:
    """The PostgreSQL county's figures, or one row saying why there are none."""
    import psycopg

    pg = os.environ.get("ESERVICE_BENCH_PG_URL") or os.environ.get("ESERVICE_TEST_PG_URL")
    if not pg:
        why = (
            "not measured: no server named (set ESERVICE_BENCH_PG_URL, or source the "
            "ESERVICE_TEST_PG_URL that tools/test-services.sh prints)"
        )
        return [("[postgresql] county figures", why)]
    try:
        db = _fresh_pg(pg)
    except psycopg.Error as e:
        why = f"not measured: cannot reach the server ({type(e).__name__})"
        return [("[postgresql] county figures", why)]
    try:
        return _measure("postgresql", db)
    finally:
        _drop_pg(db)
        for i in range(RAW_RUNS):
            _drop_pg(f"{db}_raw{i}")


def _drop_pg(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(
        base.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_pg(url: str, name: str = "") -> str:
    import psycopg

    name = name or f"bench_sync_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _pull_into(county: CountyProcess, app: Any, gzip: bool | None = None) -> tuple[_Clock, int]:
    """One round of a device that only pulls; ``gzip`` True or False forces compression on
    or off both ways (None: the client's own choice, off over loopback)."""
    from eservice_desktop.services import sync

    client = sync.make_client(app)
    if gzip is not None:
        client.compress = gzip
        client.http.headers["Accept-Encoding"] = "gzip" if gzip else "identity"
    try:
        with _Clock(county) as clock:
            r = sync.sync_round(app, client)
    finally:
        client.close()
    return clock, r.pulled


def _measure(label: str, county_url: str | None) -> list[tuple[str, str]]:
    from eservice_desktop.services import sync
    from eservice_desktop.storage import repo

    _memory_keyring()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    rows: list[tuple[str, str]] = []
    try:
        with CountyProcess(county_url or f"sqlite:///{tmp / 'county.sqlite3'}", tmp) as county:
            pusher, puller, plain = county.office("01"), county.office("02"), county.office("03")
            evs = _events(N_EVENTS)
            now = datetime.now(UTC)
            # The pushing office has synced once, as any office has before a backlog builds
            # up: it holds the county's keys and reference data, so the push does what a real
            # one does.
            client = sync.make_client(pusher)
            sync.sync_round(pusher, client)
            with pusher.transaction() as s:
                for e in evs:
                    repo.insert_event(s, e, now)
            with _Clock(county) as push:
                r = sync.sync_round(pusher, client)
            client.close()
            assert r.pushed == N_EVENTS, r
            pull, pulled = _pull_into(county, puller)
            assert pulled == N_EVENTS, pulled
            pull_gzip, pulled = _pull_into(county, plain, gzip=True)
            assert pulled == N_EVENTS, pulled
            lat = _idle_latency(puller)
        raw = _median([_raw_insert(county_url, tmp, evs, now, i) for i in range(RAW_RUNS)])
        driver = _median([_driver_insert(county_url, tmp, evs, now, i) for i in range(RAW_RUNS)])
        pusher.close()
        puller.close()
        plain.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = f"{N_EVENTS:,}"
    rows += [
        (f"[{label}] push {n} events over loopback", str(push)),
        (f"[{label}] push throughput", f"{N_EVENTS / push.wall:,.0f} events/s"),
        (f"[{label}] pull {n} events (applied to the office DB)", str(pull)),
        (f"[{label}] pull throughput", f"{N_EVENTS / pull.wall:,.0f} events/s"),
        (
            f"[{label}] baseline: one executemany of the same {n} rows (median of {RAW_RUNS})",
            str(raw),
        ),
        (f"[{label}] ratio push / raw insert (wall; CPU office + county)", _ratio(push, raw)),
        (f"[{label}] ratio pull / raw insert (wall; CPU office + county)", _ratio(pull, raw)),
        (
            f"[{label}] baseline: the driver's executemany alone, rows converted beforehand "
            f"(median of {RAW_RUNS})",
            str(driver),
        ),
        (f"[{label}] ratio push / driver insert (wall; CPU office + county)", _ratio(push, driver)),
        (f"[{label}] ratio pull / driver insert (wall; CPU office + county)", _ratio(pull, driver)),
        (f"[{label}] pull {n} events with gzip forced on (loopback)", str(pull_gzip)),
        (f"[{label}] ratio pull with / without gzip (wall; CPU)", _ratio(pull_gzip, pull)),
        (f"[{label}] idle sync round latency (median / p95)", lat),
    ]
    return rows


def _ratio(a: _Clock, b: _Clock) -> str:
    return f"{a.wall / b.wall:.1f}× ; {a.cpu / max(b.cpu, 1e-3):.1f}×"


def _idle_latency(app: Any) -> str:
    from eservice_desktop.services import sync

    client = sync.make_client(app)
    lat = []
    for _ in range(30):
        t = time.perf_counter()
        sync.sync_round(app, client)
        lat.append((time.perf_counter() - t) * 1000)
    client.close()
    return f"{statistics.median(lat):.1f} / {sorted(lat)[int(len(lat) * 0.95) - 1]:.1f} ms"


def _median(clocks: list[_Clock]) -> _Clock:
    """The run of median wall time."""
    return sorted(clocks, key=lambda c: c.wall)[len(clocks) // 2]


def _raw_insert(
    county_url: str | None, tmp: Path, evs: list[Any], now: datetime, run: int
) -> _Clock:
    """The baseline: the pushed events' county rows (event and feed row) inserted with one
    executemany each, in one transaction, into a fresh database of the same kind (one per
    ``run``): on SQLite the driver's, elsewhere Core's (``storage.repo.insert_rows``; the push
    itself writes with ``COPY`` on PostgreSQL, the baseline stays the plain insert)."""
    from sqlalchemy import Table
    from sqlalchemy.orm import Session

    from eservice_desktop.county import service as county_service
    from eservice_desktop.county.store import CountyEventRow, FeedRow, create_schema, make_engine
    from eservice_desktop.storage import repo

    def insert_rows(s: Session, entity: Any, rows: list[dict[str, Any]]) -> None:
        repo.insert_rows(s, cast(Table, entity.__table__), rows)

    raw_engine = make_engine(
        _fresh_pg(county_url, f"{county_url.rsplit('/', 1)[1]}_raw{run}")
        if county_url
        else f"sqlite:///{tmp / f'raw{run}.sqlite3'}"
    )
    create_schema(raw_engine)
    with _Clock() as clock, Session(raw_engine) as s, s.begin():
        insert_rows(s, CountyEventRow, [county_service.event_row(e, now) for e in evs])
        insert_rows(s, FeedRow, [_feed(e, now) for e in evs])
    raw_engine.dispose()
    return clock


def _driver_insert(
    county_url: str | None, tmp: Path, evs: list[Any], now: datetime, run: int
) -> _Clock:
    """The strict baseline: the same county rows as :func:`_raw_insert`, built and converted
    to the driver's values before the clock starts (as Core binds them, ``_bound``), then one
    driver ``executemany`` per table and the commit on the clock: the database and its driver
    alone, no Python layer above them. :func:`_raw_insert` times Core's insert with the rows'
    building, which takes three times as long on SQLite; both are printed, as the issue's
    "raw executemany" can be read either way."""
    from sqlalchemy import Table

    from eservice_desktop.county import service as county_service
    from eservice_desktop.county.store import CountyEventRow, FeedRow, create_schema, make_engine
    from eservice_desktop.county.store_rows import _bound

    url = (
        _fresh_pg(county_url, f"{county_url.rsplit('/', 1)[1]}_drv{run}")
        if county_url
        else f"sqlite:///{tmp / f'driver{run}.sqlite3'}"
    )
    engine = make_engine(url)
    create_schema(engine)
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    statements = []
    for entity, rows in (
        (CountyEventRow, [county_service.event_row(e, now) for e in evs]),
        (FeedRow, [_feed(e, now) for e in evs]),
    ):
        table, names = cast(Table, entity.__table__), list(rows[0])
        values = _bound(table, names, engine.dialect, [tuple(r[n] for n in names) for r in rows])
        sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join([mark] * len(names))})"
        )
        statements.append((sql, values))
    conn = engine.raw_connection()
    try:
        cur = conn.cursor()
        with _Clock() as clock:
            if engine.dialect.name == "sqlite":
                cur.execute("BEGIN IMMEDIATE")  # the engine's connections autocommit
            for sql, values in statements:
                cur.executemany(sql, values)
            if engine.dialect.name == "sqlite":
                cur.execute("COMMIT")
            else:
                conn.commit()
    finally:
        conn.close()
        engine.dispose()
    if county_url:
        _drop_pg(url)
    return clock


def _feed(e: Any, now: datetime) -> dict[str, Any]:
    return {
        "office": "H01",
        "kind": "event",
        "case_id": e.case_id,
        "source": "H01-01",
        "data": e.to_dict(),
        "created_at": now,
    }


def _catch_up() -> list[tuple[str, str]]:
    """``N_CATCHUP`` events of office H01 in a SQLite county (written straight into its
    tables, as a county that took them over months holds them; built once and cached), pulled
    into a fresh device of the office: the wall time, the rate and the progress it reported."""
    _memory_keyring()
    tmp = Path(tempfile.mkdtemp(prefix="bench-catchup-"))
    try:
        shutil.copy(_catch_up_county(), tmp / "county.sqlite3")
        with CountyProcess(f"sqlite:///{tmp / 'county.sqlite3'}", tmp) as county:
            device = county.office("05")
            steps: list[tuple[int, int]] = []
            clock, rounds = _rounds_until_caught_up(
                county, device, lambda d, t: steps.append((d, t))
            )
        pulled = _events_held(device)
        device.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert pulled == N_CATCHUP, pulled
    n = f"{N_CATCHUP:,}"
    return [
        (f"[sqlite] catch-up: pull {n} events of one office into a fresh device", str(clock)),
        ("[sqlite] catch-up throughput", f"{N_CATCHUP / clock.wall:,.0f} events/s"),
        ("[sqlite] catch-up sync rounds (a round ends after 600 s; the next goes on)", f"{rounds}"),
        (
            "[sqlite] catch-up progress reports (first / last)",
            f"{len(steps)} ({steps[0][0]:,}/{steps[0][1]:,} … {steps[-1][0]:,}/{steps[-1][1]:,})",
        ),
    ]


def _rounds_until_caught_up(county: CountyProcess, app: Any, progress: Any) -> tuple[_Clock, int]:
    """Sync rounds until one ends normally: a round that runs out of its time (ROUND_DEADLINE_S)
    keeps the pages it applied, and the next round goes on from its cursor, as the sync loop
    does on a device."""
    from eservice_desktop.county_link.client import Offline
    from eservice_desktop.services import sync

    rounds = 0
    with _Clock(county) as clock:
        while True:
            rounds += 1
            client = sync.make_client(app)
            try:
                sync.sync_round(app, client, pull_progress=progress)
                break
            except Offline:  # the round's time is up (between pages, or during one)
                if rounds >= 50:
                    raise
            finally:
                client.close()
    return clock, rounds


def _events_held(app: Any) -> int:
    from sqlalchemy import func, select

    from eservice_desktop.storage.models import EventRow

    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


def _catch_up_county() -> Path:
    """The cached county database holding the catch-up's events (built on first use)."""
    from sqlalchemy.orm import Session

    from eservice_desktop.county import service as county_service
    from eservice_desktop.county.store import (
        CountyEventRow,
        FeedRow,
        create_schema,
        make_engine,
    )
    from eservice_desktop.county.store_rows import insert_rows

    base = os.environ.get("ESERVICE_BENCH_CACHE") or str(
        Path.home() / ".cache" / "eservice-desktop-bench"
    )
    target = Path(base) / f"county-catchup-{N_CATCHUP}.sqlite3"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_suffix(".building")
    building.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{building}")
    create_schema(engine)
    now, prev, chunk = datetime.now(UTC), "", 50_000
    for first in range(0, N_CATCHUP, chunk):
        evs = _events(min(chunk, N_CATCHUP - first), first // 2, prev)
        prev = evs[-1].hash
        with Session(engine) as s, s.begin():
            insert_rows(s, CountyEventRow, [county_service.event_row(e, now) for e in evs])
            insert_rows(s, FeedRow, [_feed(e, now) for e in evs])
    engine.dispose()
    building.rename(target)
    return target


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
