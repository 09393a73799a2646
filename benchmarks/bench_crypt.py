"""What encryption costs: the same work on an encrypted (SQLCipher) and a plain database, in the
same run, on the same data.

Two data directories are seeded identically (``demo.bulk``, ``ESERVICE_BENCH_CRYPT_CASES``
cases, default 200,000) and cached under ``ESERVICE_BENCH_CACHE``: one through the product's path
(``open_app``: encrypted), one through a plain engine (how builds before encryption stored it).
Figures: search as you type (``services.cases.search`` per keystroke over case numbers, ID
prefixes and names; p95 and median) and intake commit (``services.intake.intake``, one write
transaction with fsync; median and p95 of 60), each as encrypted / plain with the ratio (goal
≤ 1.3 ×). The two runs alternate so that load on the machine hits both alike.
``ESERVICE_BENCH_CRYPT_STRINGS`` (default 8) strings of each kind are typed; the suite's check
that the benchmark runs types 2.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_gui import _p95, typed_strings

CASES = int(os.environ.get("ESERVICE_BENCH_CRYPT_CASES", "200000"))
STRINGS = int(os.environ.get("ESERVICE_BENCH_CRYPT_STRINGS", "8"))
SEED = 20261130
FIELDS = {
    "registered_address": "桃園市桃園區中正路1號",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
}


def _cache(kind: str) -> Path:
    base = os.environ.get("ESERVICE_BENCH_CACHE") or str(
        Path.home() / ".cache" / "eservice-desktop-bench"
    )
    return Path(base) / f"crypt-{kind}-{CASES}"


def _open(data_dir: Path, encrypted: bool) -> Any:
    from eservice_desktop.config import Settings
    from eservice_desktop.domain.calendar import WorkingCalendar
    from eservice_desktop.services.core import App, load_catalogue, open_app
    from eservice_desktop.storage import db

    # demo mode: the demo operator is signed in, as the seed and the searches require
    settings = Settings(data_dir=data_dir, office_code="H01", demo=True)
    if encrypted:
        return open_app(settings)
    from eservice_desktop.services.operators import sign_in_demo

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(settings.db_url)  # no key: a plain SQLite database
    db.upgrade(engine, settings.db_url)
    app = App(settings, engine, db.session_factory(engine), load_catalogue(), WorkingCalendar({}))
    app.reload_calendar()
    sign_in_demo(app)
    return app


def _built(encrypted: bool) -> Path:
    from eservice_desktop.demo.bulk import seed_demo_bulk

    target = _cache("encrypted" if encrypted else "plain")
    if (target / ".complete").exists():
        return target
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    app = _open(building, encrypted)
    try:
        seed_demo_bulk(app, CASES, seed=SEED, days=1000)
        raw = app.engine.raw_connection()
        try:
            raw.execute("ANALYZE")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    finally:
        app.close()
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    (target / ".complete").write_text("ok")
    return target


def _search(app: Any, strings: dict[str, list[str]]) -> list[float]:
    from eservice_desktop.services import cases

    times: list[float] = []
    for values in strings.values():
        for value in values:
            for i in range(1, len(value) + 1):
                started = time.perf_counter()
                cases.search(app, value[:i])
                times.append(time.perf_counter() - started)
    return times


def _intake(app: Any, rng: random.Random) -> float:
    from eservice_desktop.services.intake import IntakeRequest, intake

    started = time.perf_counter()
    intake(app, IntakeRequest("HR-TRANSCRIPT", "A123456789", "王小明", fields=FIELDS))
    return time.perf_counter() - started


def run() -> list[tuple[str, str]]:
    dirs = {True: _built(True), False: _built(False)}
    apps = {enc: _open(d, enc) for enc, d in dirs.items()}
    try:
        strings = typed_strings(apps[True], random.Random(SEED), each=STRINGS)
        search: dict[bool, list[float]] = {True: [], False: []}
        commit: dict[bool, list[float]] = {True: [], False: []}
        for enc in (True, False):
            _search(apps[enc], strings)  # warm the caches once
        for _ in range(3):  # alternate so that the machine's load hits both alike
            for enc in (True, False):
                search[enc] += _search(apps[enc], strings)
        rng = random.Random(SEED)
        for _ in range(30):
            for enc in (True, False):
                commit[enc].append(_intake(apps[enc], rng))
                commit[enc].append(_intake(apps[enc], rng))
    finally:
        for app in apps.values():
            app.close()

    def ms(v: float) -> str:
        return f"{v * 1000:.2f} ms"

    rows = [("crypt: cases in each database", f"{CASES:,}")]
    for label, values, fn in (
        ("search p95", search, _p95),
        ("search median", search, statistics.median),
        ("intake commit median", commit, statistics.median),
        ("intake commit p95", commit, _p95),
    ):
        enc, plain = fn(values[True]), fn(values[False])
        rows.append(
            (f"crypt: {label} encrypted / plain", f"{ms(enc)} / {ms(plain)} = {enc / plain:.2f} ×")
        )
    return rows


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
