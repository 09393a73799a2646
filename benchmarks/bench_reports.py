"""The supervisor reports over a year of a busy office: 1,000,000 cases received in 365 days.

Figures (median of 5 runs each, after one warm-up run):
- each report (``services.supervisor_reports``: on-time, usage, savings, targets) over the
  whole year, against the 2 s budget;
- baseline, measured in the same run on the same database: the plainest aggregate a report
  could be over the cases table itself, ``SELECT service_code, count(*) FROM cases WHERE
  office = ? AND received_day BETWEEN ? AND ? GROUP BY service_code`` (what every report would
  cost at least without ``case_stats``), and the ratio report / baseline.

The database (see :func:`report_db`) is built once and cached under
``ESERVICE_BENCH_CACHE``/``reports-1000000``, its own copy: the other benchmarks' cached
databases stay at the revision their build expects.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from benchmarks.bench_gui import _ms
from benchmarks.fixtures import cached_build
from eservice_desktop.domain.case_number import CaseNumber

CASES = int(os.environ.get("ESERVICE_BENCH_REPORT_CASES", "1000000"))
YEAR = 2025
SEED = 20261130
BUDGET_S = 2.0
RUNS = 5

BASELINE_SQL = (
    "SELECT service_code, count(*) FROM cases WHERE office = :office "
    "AND received_day BETWEEN :f AND :t GROUP BY service_code"
)


def _rows(app: Any, rng: random.Random, first: int, count: int, year: int) -> list[tuple]:
    """``count`` projection rows of cases received in ``year`` (Taipei office hours)."""
    from eservice_desktop.demo.seeding import demo_channel

    services = app.catalogue.services
    weights = list(accumulate(s.usage_share for s in services))
    jan1 = datetime(year, 1, 1, tzinfo=UTC) - timedelta(hours=8)
    out = []
    for i in range(first, first + count):
        svc = services[bisect_left(weights, rng.random() * weights[-1])]
        device, seq = divmod(i, 900_000)
        number = str(CaseNumber("H01", f"{device + 1:02d}", year - 1911, seq + 1))
        received = jan1 + timedelta(
            days=rng.randrange(365), hours=8 + rng.random() * 9, microseconds=i % 1000
        )
        day = (received + timedelta(hours=8)).date()
        due = day + timedelta(days=1 + svc.time_limit_working_days * 7 // 5)
        # finished by now, but for the last three weeks' cases and a few stuck ones
        recent = (date(year, 12, 31) - day).days < 21
        roll = rng.random() * (1.0 if recent and rng.random() < 0.5 else _FINISHED_EDGE)
        if not recent and rng.random() < 0.005:
            roll = _FINISHED_EDGE  # one in 200 older cases still open: overdue
        status = next(st for st, edge in _STATUSES if roll < edge)
        finished = status in ("closed", "ready_for_pickup", "picked_up", "rejected")
        closed = received + timedelta(hours=rng.random() * 24 * 12) if finished else None
        on_time = None if closed is None else (closed + timedelta(hours=8)).date() <= due
        consent = bool(svc.document_free_lookups) and rng.random() < 0.8
        updated = closed or received
        out.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128))), number, svc.code, "H01",
                f"A{100000000 + i}", "王小明", "person", status, _ts(received), day.isoformat(),
                due.isoformat(), _ts(closed), 0, 0, "H01", _ts(updated), "{}",
                int(received.timestamp() * 1_000_000) * 16 + i % 16,
                demo_channel(number), consent, on_time, f"clerk{i % 12:02d}",
            )
        )  # fmt: skip
    return out


_STATUSES = (
    ("closed", 0.45), ("picked_up", 0.75), ("ready_for_pickup", 0.80), ("rejected", 0.83),
    ("cancelled", 0.85), ("received", 0.95), ("payment_due", 0.98), ("supplement_requested", 1.01),
)  # fmt: skip
_FINISHED_EDGE = 0.85
_INSERT = (
    "INSERT INTO cases (case_id, case_number, service_code, office, applicant_id, "
    "applicant_name, applicant_kind, status, received_at, received_day, due_date, closed_at, "
    "fees_due, paid, pickup_office, updated_at, state, search_key, channel, consent, "
    "closed_on_time, holder) VALUES (" + ", ".join("?" * 22) + ")"
)


def _ts(v: datetime | None) -> str | None:
    return None if v is None else v.strftime("%Y-%m-%d %H:%M:%S.%f")


def report_db() -> tuple[Path, float | None]:
    """The cached data directory, and the build time when this call built it.

    The reports read the ``cases`` and ``case_lookups`` projections only, so the year is
    written as 1,000,000 projection rows (the columns an ingest writes, the statuses, channels
    and consents of a plausible mix) straight into a real office database at head, and a
    look-up row for each case with consent (the savings report counts them); seeding the
    events of a million cases through the bulk ingest takes hours on this machine (20,000 took
    250 s). The name holds "lookupkeys": a cache built before the counts kept the kinds looked
    up (migration 0020) is not taken for this one.
    """
    return cached_build(f"reports-lookupkeys-{CASES}", _write_year)


def _write_year(directory: Path) -> None:
    from eservice_desktop.config import Settings
    from eservice_desktop.services.core import open_app
    from eservice_desktop.storage import case_stats

    started = time.perf_counter()
    app = open_app(Settings(data_dir=directory, office_code="H01"))
    rng = random.Random(SEED)
    try:
        raw = app.engine.raw_connection()
        try:
            for first in range(0, CASES, 50_000):
                rows = _rows(app, rng, first, min(50_000, CASES - first), YEAR)
                raw.execute("BEGIN")  # one transaction per batch (the driver autocommits)
                raw.executemany(_INSERT, rows)
                raw.execute("COMMIT")
                print(
                    f"   wrote {first + 50_000:,} ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
            _write_lookups(app, raw)
            raw.execute("BEGIN")  # the rows were written around the writers that count them
            for sql in case_stats.RECOUNT:
                raw.execute(sql)
            raw.execute("COMMIT")
            raw.execute("ANALYZE")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    finally:
        app.close()


def _write_lookups(app: Any, raw: Any) -> None:
    """A look-up of its service's first document kind for every case with consent, as the
    counter records one (``case_lookups``): without them the savings report's look-up counts
    ran over an empty table, which no office with consents has."""
    kinds = [
        (svc.code, sorted(svc.document_free_lookups)[0])
        for svc in app.catalogue.services
        if svc.document_free_lookups
    ]
    raw.execute("BEGIN")
    raw.execute("CREATE TEMP TABLE bench_kinds (code TEXT PRIMARY KEY, kind TEXT)")
    raw.executemany("INSERT INTO bench_kinds VALUES (?, ?)", kinds)
    raw.execute(
        "INSERT INTO case_lookups (event_id, case_id, kind, result_id, sha256, at) "
        "SELECT lower(hex(randomblob(16))), c.case_id, k.kind, lower(hex(randomblob(16))), "
        "'', c.received_at FROM cases c JOIN bench_kinds k ON k.code = c.service_code "
        "WHERE c.consent = 1"
    )
    raw.execute(  # each case's kinds as its writers keep them (cases.lookup_kinds, 0020)
        "UPDATE cases SET lookup_kinds = json_array(k.kind) FROM bench_kinds k "
        "WHERE k.code = cases.service_code AND cases.consent = 1"
    )
    raw.execute("DROP TABLE bench_kinds")
    raw.execute("COMMIT")


def _time(fn: Any) -> list[float]:
    fn()  # warm the page cache once
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def run() -> list[tuple[str, str]]:
    from sqlalchemy import func, select, text

    from eservice_desktop.config import load_settings
    from eservice_desktop.services import supervisor_reports
    from eservice_desktop.services.core import open_app
    from eservice_desktop.storage.models import CaseRow

    data_dir, built = report_db()
    rows: list[tuple[str, str]] = []
    if built is not None:
        rows.append((f"build the {CASES:,}-case year (once, cached)", f"{built:.0f} s"))
    settings = load_settings(data_dir)
    settings.demo = True  # the demo operator signed in: reports need a supervisor
    app = open_app(settings)
    try:
        start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
        with app.reading() as s:
            n = int(
                s.scalar(
                    select(func.count())
                    .select_from(CaseRow)
                    .where(CaseRow.received_day.between(start, end))
                )
                or 0
            )
        rows.append(("cases in the period", f"{n:,} ({start} .. {end})"))
        params = {"office": app.settings.office_code, "f": str(start), "t": str(end)}

        def baseline() -> None:
            with app.reading() as s:
                s.execute(text(BASELINE_SQL), params).all()

        base = statistics.median(_time(baseline))
        rows.append(("baseline: cases COUNT(*) GROUP BY service over the year", _ms(base)))
        with app.reading() as s:
            days = int(s.scalar(text("SELECT count(*) FROM case_stats")) or 0)
            months = int(s.scalar(text("SELECT count(*) FROM case_stats_month")) or 0)
        rows.append(
            ("count rows of the year: per day (case_stats), per month", f"{days:,}, {months:,}")
        )
        # the year, and a period cutting two months (the edge days come from case_stats)
        cut = (date(YEAR, 1, 15), date(YEAR, 12, 14))
        for kind in supervisor_reports.REPORTS:
            for label, (f, t) in (("the year", (start, end)), (f"{cut[0]}..{cut[1]}", cut)):
                if label != "the year" and kind != "on-time":
                    continue
                times = _time(lambda k=kind, f=f, t=t: supervisor_reports.compute(app, k, f, t))
                med = statistics.median(times)
                verdict = "meets" if med <= BUDGET_S else "MISSES"
                rows.append(
                    (
                        f"report {kind}, {label} (median of {RUNS}; budget 2 s)",
                        f"{_ms(med)} (max {_ms(max(times))}), {base / med:,.0f}× faster than"
                        f" the baseline, {verdict} the budget",
                    )
                )
        load = os.getloadavg()[0]
        rows.append((f"load average at the end ({os.cpu_count()} cores)", f"{load:.1f}"))
    finally:
        app.close()
    return rows
