"""``demo seed --cases N`` (``ESERVICE_BENCH_SEED_CASES``, default 200,000; goal <= 60 s) as the
CLI runs it (:func:`demo.seeding.seed_demo` over :func:`services.ingest.ingest_many`), beside its
baseline measured in the same run: the very event rows the seed stored, inserted again into a
fresh office database of the same kind with one ``executemany`` in one transaction (through
Core, and through the driver alone on rows converted beforehand: the stricter of the two).

Wall time and this process's CPU time are both printed, with the load average before and after
(the machine may be shared).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from benchmarks.fixtures import load_average

N_CASES = int(os.environ.get("ESERVICE_BENCH_SEED_CASES", "200000"))


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _open(data_dir: Path) -> Any:
    from eservice_desktop.config import Settings
    from eservice_desktop.services.core import open_app

    return open_app(Settings(data_dir=data_dir, office_code="H01", device_id="01", demo=True))


def run() -> list[tuple[str, str]]:
    from sqlalchemy import Table, insert, select

    from eservice_desktop.demo.seeding import seed_demo
    from eservice_desktop.storage.models import EventRow

    load_before = load_average()
    tmp = Path(tempfile.mkdtemp(prefix="bench-seed-"))
    try:
        app = _open(tmp / "seeded")
        result, seed_wall, seed_cpu = _timed(seed_demo, app, N_CASES, 1, days=40)
        events = cast(Table, EventRow.__table__)
        with app.reading() as s:
            rows = [dict(r._mapping) for r in s.execute(select(events))]
        app.close()
        fresh = _open(tmp / "raw")

        def raw_insert() -> None:
            with fresh.transaction() as s:
                s.connection().execute(insert(events), rows)

        _, raw_wall, raw_cpu = _timed(raw_insert)
        fresh.close()
        driver_wall, driver_cpu = _driver_insert(_open(tmp / "driver"), events, rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = f"{N_CASES:,}"
    return [
        (f"demo seed --cases {n} (goal ≤ 60 s)", f"{seed_wall:.1f} s (CPU {seed_cpu:.1f} s)"),
        ("demo seed events stored", f"{len(rows):,} ({result['total_cases']:,} cases)"),
        (
            f"baseline: one executemany of the same {len(rows):,} event rows",
            f"{raw_wall:.1f} s (CPU {raw_cpu:.1f} s)",
        ),
        (
            "ratio demo seed / raw insert (wall; CPU)",
            f"{seed_wall / raw_wall:.1f}× ; {seed_cpu / max(raw_cpu, 1e-3):.1f}×",
        ),
        (
            "baseline: the driver's executemany alone, rows converted beforehand",
            f"{driver_wall:.1f} s (CPU {driver_cpu:.1f} s)",
        ),
        (
            "ratio demo seed / driver insert (wall; CPU)",
            f"{seed_wall / driver_wall:.1f}× ; {seed_cpu / max(driver_cpu, 1e-3):.1f}×",
        ),
        ("load average (1, 5, 15 min) before ; after", f"{load_before} ; {load_average()}"),
    ]


def _driver_insert(app: Any, events: Any, rows: list[dict[str, Any]]) -> tuple[float, float]:
    """The strict baseline: the same rows converted to the driver's values before the clock
    starts (as Core binds them), then the driver's one ``executemany`` and the commit on it:
    the encrypted database and its driver alone (the raw insert above times Core's insert of
    the dicts too). Wall and CPU seconds; ``app`` is closed."""
    from eservice_desktop.storage.bulk_rows import as_tuples, driver_value

    names = list(rows[0])
    with app.reading() as s:
        dialect = s.connection().dialect
    steps = [(i, driver_value(events.c[n], dialect)) for i, n in enumerate(names)]
    values = as_tuples(rows, names, steps)
    sql = f"INSERT INTO {events.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"

    def insert() -> None:
        with app.transaction() as s:
            s.connection().exec_driver_sql(sql, values)

    _, wall, cpu = _timed(insert)
    app.close()
    return wall, cpu


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
