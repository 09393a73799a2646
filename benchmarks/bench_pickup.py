"""Pickup desk: scan to case shown, with 1,000,000 cases in the office database.

Two figures: the service path alone (decode, key look-up, Ed25519 verification, case stream
load and projection, desk view) and the whole desk path (the scanned text handed to the page,
the worker, the result painted back on the UI thread). Codes are signed by the demo county key
for ready cases spread over the whole database.

The 1M-case database is the GUI benchmarks' (``bench_gui.million_db``: ``demo.bulk``, the bulk
path of the demo data) copied, plus ``demo.seeding.seed_pickup_codes``; it is cached under
``ESERVICE_BENCH_CACHE`` (default ``~/.cache/eservice-desktop-bench``). With another case count
(``ESERVICE_BENCH_PICKUP_CASES``) it is seeded on its own.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.fixtures import cached_build

CASES = int(os.environ.get("ESERVICE_BENCH_PICKUP_CASES", "1000000"))
SAMPLES = 200


def million_db() -> Path:
    """A data directory holding CASES demo cases plus signed pickup codes (built once, then
    reused). When the GUI benchmarks use the same case count, their cached database is copied
    and only the codes are added: one million-case seed per machine instead of two."""
    from benchmarks import bench_gui

    def build(building: Path) -> None:
        if CASES == bench_gui.CASES:
            source, _ = bench_gui.million_db()
            shutil.copytree(source, building)
            (building / ".complete").unlink(missing_ok=True)
            _seed(building, bulk=False)
        else:
            _seed(building, bulk=True)
        _analyze(building)

    target, _ = cached_build(f"pickup-{CASES}", build)
    return target


def _seed(data_dir: Path, bulk: bool) -> None:
    from eservice_desktop.config import Settings
    from eservice_desktop.demo.bulk import seed_demo_bulk
    from eservice_desktop.demo.seeding import seed_pickup_codes
    from eservice_desktop.services.core import open_app

    app = open_app(Settings(data_dir=data_dir, demo=True))
    try:
        if bulk:
            seed_demo_bulk(app, CASES, seed=20261129)
        seed_pickup_codes(app, CASES, seed=20261129)
    finally:
        app.close()


def _analyze(data_dir: Path) -> None:
    """Planner statistics and a folded WAL, outside the engine: its connections BEGIN
    IMMEDIATE on first use, and SQLite refuses a checkpoint inside a transaction."""
    from eservice_desktop.config import Settings
    from eservice_desktop.storage import db

    conn = db.raw_connect(Settings(data_dir=data_dir))
    conn.isolation_level = None
    try:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _open(data_dir: Path) -> Any:
    """Verification only reads; signing codes for ready cases writes nothing but the demo key."""
    from eservice_desktop.config import Settings
    from eservice_desktop.services.core import open_app

    return open_app(Settings(data_dir=data_dir, demo=True))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _tokens(app: Any, n: int) -> list[str]:
    """Codes of ``n`` ready cases, drawn among those whose code is still good: a code is good
    through the 30th day after the case was made ready, and the cached database's cases were
    made ready over years (and on the day it was built), so most stored codes have expired and
    the desk rightly refuses them."""
    from eservice_desktop.services import pickup

    recent = datetime.now(UTC) - timedelta(days=25)
    ready = pickup.ready_cases(app, limit=100_000)
    rows = [r for r in ready if datetime.fromisoformat(r.updated_at) > recent]
    rng = random.Random(4)
    picked = rng.sample(rows, min(n, len(rows)))
    tokens = [pickup.issue_demo(app, r.case_number)["payload"] for r in picked]
    return [t for t in tokens if _still_good(t)]


def _still_good(token: str) -> bool:
    """True while the code is good for another hour (the runs that verify it)."""
    from eservice_desktop.domain import pickup_token as pt

    expires = pt.parse_claims(pt.token_bytes(token)).expires_at
    return expires > datetime.now(UTC) + timedelta(hours=1)


def _service_times(app: Any, tokens: list[str]) -> list[float]:
    from eservice_desktop.services import pickup

    out = []
    for token in tokens:
        t0 = time.perf_counter()
        result = pickup.verify(app, token)
        out.append((time.perf_counter() - t0) * 1000)
        assert result.ok, result.reason
    return out


def _raw_lookup_times(app: Any, codes: list[str]) -> list[float]:
    """The baseline beside the short code: the least any look-up of those cases can cost, one
    indexed ``SELECT`` of the case row by its number (the numbers come from verifying each code
    once beforehand, untimed)."""
    from sqlalchemy import select

    from eservice_desktop.services import pickup
    from eservice_desktop.storage.models import CaseRow

    numbers = [pickup.verify(app, code).case_number for code in codes]
    out = []
    with app.reading() as s:
        for number in numbers:
            t0 = time.perf_counter()
            s.execute(select(CaseRow).where(CaseRow.case_number == number)).first()
            out.append((time.perf_counter() - t0) * 1000)
    return out


def _short_codes(app: Any) -> tuple[list[str], int]:
    """Short codes of the cases the demo county made ready with a stored code, and how many
    cases wait at this office (the short code is looked up among them)."""
    from sqlalchemy import func, select

    from eservice_desktop.domain import events as ev
    from eservice_desktop.domain.pickup_token import short_code
    from eservice_desktop.storage.models import CaseRow, EventRow

    with app.reading() as s:
        # the cases still waiting here (the cached database's may have been handed over by
        # another benchmark since), each by the code it was last made ready with
        payloads = s.scalars(
            select(EventRow.payload)
            .join(CaseRow, CaseRow.case_id == EventRow.case_id)
            .where(
                EventRow.type == ev.READY_FOR_PICKUP,
                EventRow.origin == "local",
                CaseRow.status == "ready_for_pickup",
                CaseRow.pickup_office == app.settings.office_code,
            )
            .order_by(EventRow.seq.desc())
            .limit(5000)
        ).all()
        waiting = s.scalar(
            select(func.count())
            .select_from(CaseRow)
            .where(
                CaseRow.pickup_office == app.settings.office_code,
                CaseRow.status == "ready_for_pickup",
            )
        )
    codes = [short_code(p["token"]) for p in payloads if p.get("token") and _still_good(p["token"])]
    return codes, int(waiting or 0)


def _ready_list_times(app: Any, repeats: int = 40) -> tuple[list[float], list[float], int]:
    """The desk's ready list as it is reloaded after every handover (``pickup.ready_cases``:
    the 500 oldest cases waiting here, in the order of ``ix_cases_pickup_ready``), beside its
    baseline measured in the same run: the very same rows fetched by their case numbers (the
    unique index), i.e. reading them without finding or ordering them."""
    from sqlalchemy import select

    from eservice_desktop.services import pickup
    from eservice_desktop.storage.models import CaseRow

    numbers = [r.case_number for r in pickup.ready_cases(app)]
    listed, baseline = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        pickup.ready_cases(app)
        listed.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with app.reading() as s:
            s.scalars(select(CaseRow).where(CaseRow.case_number.in_(numbers))).all()
        baseline.append((time.perf_counter() - t0) * 1000)
    return listed, baseline, len(numbers)


def _gui_times(app: Any, tokens: list[str]) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from eservice_desktop.gui.context import GuiContext
    from eservice_desktop.gui.pickup_desk import PickupDesk
    from eservice_desktop.gui.tasks import TaskRunner

    qapp = QApplication.instance() or QApplication([])
    previous = qInstallMessageHandler(lambda *_: None)  # offscreen plugin chatter
    ctx = GuiContext(app, TaskRunner())
    desk = PickupDesk(ctx)
    desk.show()
    out = []
    for token in tokens:
        loop = QEventLoop()
        desk.result_shown.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        t0 = time.perf_counter()
        desk.scan(token)
        loop.exec()
        qapp.processEvents()
        out.append((time.perf_counter() - t0) * 1000)
        desk.result_shown.disconnect(loop.quit)
        assert desk.result is not None and desk.result.ok
    desk.on_closing()
    ctx.tasks.shutdown()
    desk.deleteLater()
    qInstallMessageHandler(previous)
    return out


def run() -> list[tuple[str, str]]:
    data_dir = million_db()
    app = _open(data_dir)
    try:
        with app.reading() as s:
            from eservice_desktop.storage import repo

            total = repo.count_cases(s)
        tokens = _tokens(app, SAMPLES)
        _service_times(app, tokens[:10])  # warm caches
        svc = _service_times(app, tokens)
        gui = _gui_times(app, tokens)
        codes, waiting = _short_codes(app)
        shorts = _service_times(app, codes * 5)
        raw = _raw_lookup_times(app, codes * 5)
        listed, by_number, shown = _ready_list_times(app)
    finally:
        app.close()
    return [
        ("pickup: cases in database", f"{total:,}"),
        ("pickup: scan→case verified (service) median", f"{statistics.median(svc):.2f} ms"),
        ("pickup: scan→case verified (service) p95", f"{_percentile(svc, 95):.2f} ms"),
        ("pickup: scan→case shown (desk page) median", f"{statistics.median(gui):.2f} ms"),
        ("pickup: scan→case shown (desk page) p95", f"{_percentile(gui, 95):.2f} ms"),
        ("pickup: cases waiting for pickup at this office", f"{waiting:,}"),
        ("pickup: short code typed→case verified median", f"{statistics.median(shorts):.2f} ms"),
        (
            "pickup: short code typed→case verified p95 (goal ≤ 20 ms)",
            f"{_percentile(shorts, 95):.2f} ms",
        ),
        (
            "pickup: baseline: the same cases' rows by case number, one indexed SELECT each, p95",
            f"{_percentile(raw, 95):.3f} ms",
        ),
        (
            "pickup: ratio short code p95 / baseline p95",
            f"{_percentile(shorts, 95) / max(_percentile(raw, 95), 1e-6):.0f}×",
        ),
        (
            f"pickup: ready list ({shown} oldest waiting, index order) median",
            f"{statistics.median(listed):.2f} ms",
        ),
        (
            f"pickup: baseline: the same {shown} case rows fetched by number, median",
            f"{statistics.median(by_number):.2f} ms",
        ),
        (
            "pickup: ratio ready list / baseline (median)",
            f"{statistics.median(listed) / max(statistics.median(by_number), 1e-3):.1f}×",
        ),
        ("pickup: QR of the 168-character code", "version 7, error correction M"),
    ]


if __name__ == "__main__":
    for name, value in run():
        print(f"{name:50s} {value}")
