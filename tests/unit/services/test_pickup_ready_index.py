"""The pickup desk's ready list is read in the order of ix_cases_pickup_ready (migration 0016):
the statement the service really runs is explained by SQLite and must walk that index without
sorting the ready cases, and still give the oldest first."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from eservice_desktop.services import pickup
from eservice_desktop.services.core import App
from eservice_desktop.storage import db

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def _plan(app: App, statement: str, params: Any) -> str:
    conn = db.raw_connect(app.settings)
    try:
        conn.execute("ANALYZE")  # planner statistics, as an office database has them
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
    finally:
        conn.close()
    return " / ".join(str(row[-1]) for row in plan)


def test_ready_list_reads_the_ready_index_in_order(app: App, county: County, clock: Any) -> None:
    numbers = []
    for i, applicant in enumerate(("A123456789", "B123456780", "F131104093")):
        clock.set(clock.now + timedelta(minutes=10 + i))
        numbers.append(ready_case(app, county, pickup_number=f"04{i:02d}", applicant_id=applicant))
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM cases" in statement and "ORDER BY" in statement:
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        rows = pickup.ready_cases(app)
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    assert [r.case_number for r in rows] == [n for n, _token in numbers]
    assert [r.updated_at for r in rows] == sorted(r.updated_at for r in rows)
    assert len(seen) == 1
    details = _plan(app, *seen[0])
    assert "USING INDEX ix_cases_pickup_ready" in details, details
    assert "TEMP B-TREE" not in details, details
