"""The short-code look-up reads ix_cases_ready_pickup_number (migration 0010), not every ready
case: the statement the service really runs is explained by SQLite and must use the index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.services import pickup
from eservice_desktop.services.core import App
from eservice_desktop.storage import db

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def test_short_code_look_up_uses_the_pickup_number_index(app: App, county: County) -> None:
    ready_case(app, county, pickup_number="0815", applicant_id="B123456780")
    number, token = ready_case(app, county, pickup_number="0427")
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "json_extract" in statement and "FROM cases" in statement:
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        result = pickup.verify(app, pt.short_code(token))
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    assert result.ok and result.case_number == number and result.via == "short"
    assert len(seen) == 1
    statement, params = seen[0]
    conn = db.raw_connect(app.settings)
    try:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
    finally:
        conn.close()
    details = " / ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_cases_ready_pickup_number" in details, details


def test_short_code_of_another_number_is_not_found(app: App, county: County) -> None:
    _number, token = ready_case(app, county, pickup_number="0427")
    code = pt.short_code(token)
    other = "0428" + code[4:]
    assert pickup.verify(app, other).reason == pickup.UNKNOWN_SHORT_CODE


def test_a_short_code_no_ready_case_has_reads_one_range_of_the_ready_events(
    app: App, county: County
) -> None:
    """A wrong short code (or an old one) looks through the codes sent in the last 32 days:
    one range of ix_events_type_at, never every event of the database."""
    ready_case(app, county, pickup_number="0427")
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "json_extract" in statement and "FROM events" in statement:
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        assert pickup.verify(app, "0427-ZZZZ").reason == pickup.UNKNOWN_SHORT_CODE
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    [(statement, params)] = seen
    conn = db.raw_connect(app.settings)
    try:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
    finally:
        conn.close()
    details = " / ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_events_type_at (type=? AND at>?)" in details, details
