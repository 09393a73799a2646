"""The daily closing reads the day's events by type and time through ix_events_type_at
(migration 0023): every statement a closing sends that reads ``events`` is explained by SQLite
and must search an index, never walk the table (a busy day over a year's 990,000 events took
five walks of the table, 20 s on a loaded counter PC)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from eservice_desktop.services import daily_closing, payments
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App
from eservice_desktop.storage import db

DAY = date(2026, 3, 10)


def _plans(app: App, reads: list[tuple[str, Any]]) -> dict[str, str]:
    conn = db.raw_connect(app.settings)
    try:
        # no ANALYZE: an office database has no planner statistics (on a test's few rows
        # they would have SQLite walk the table where the index is there for a large one)
        return {
            statement: " / ".join(
                str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            )
            for statement, params in reads
        }
    finally:
        conn.close()


def _event_reads(app: App, *devices: str | None) -> list[tuple[str, Any]]:
    """The SELECT statements reading ``events`` that closings of DAY send, with their values."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM events" in statement:
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        for device in devices:
            daily_closing.closing(app, DAY, device)
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    return seen


def test_a_closing_reads_the_days_events_through_the_type_and_time_index(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any, tmp_path: Path
) -> None:
    clock.set(datetime(2026, 3, 9, 2, 0, tzinfo=UTC))
    yesterday = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    payments.confirm_printed(app, yesterday)
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    a = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    b = payments.record_payment(app, make_case(), "card", 30, reference="T1").receipt_number
    payments.confirm_printed(app, a)
    daily_closing.write_closing(app, DAY, tmp_path / "first.csv")  # taken once already
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    payments.refund(app, a, 10, "溢收退還", approval=sup)
    payments.void_receipt(app, b, "開錯", approval=sup)
    payments.confirm_printed(app, yesterday, "民眾遺失")  # a reprint of yesterday's receipt
    reads = _event_reads(app, "", None)
    report = daily_closing.closing(app, DAY)
    assert (len(report.receipts), len(report.refunds), len(report.reprints)) == (2, 1, 1)
    assert report.earlier is not None and report.earlier.changed
    plans = _plans(app, reads)
    timed = [s for s in plans if "events.at >=" in s]
    assert len(timed) >= 5, plans  # refunds, voids, reprints, approvals, refusals, retake
    walked = {s: p for s, p in plans.items() if "SCAN events" in p}
    assert walked == {}, walked
    assert all("ix_events_type_at" in plans[s] for s in timed), plans
