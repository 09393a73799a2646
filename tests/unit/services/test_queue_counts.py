"""The queue page's tab counts over a big database: each one an index range or a sum of the
per-month counts (no walk over every open case), and each equal to its list."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import check_digit
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.storage import db


def _web_cases(app: App, n: int) -> list[str]:
    """Web cases as the county sends them (device 00), waiting for the office's 收件."""
    office = app.settings.office_code
    actor = Actor(office, "00", "channel:web-portal")
    submitted = datetime.now(UTC) - timedelta(hours=2)
    numbers, events = [], []
    for i in range(1, n + 1):
        number = f"{office}-00-115-{i:06d}-"
        number += str(check_digit(number.replace("-", "")))
        numbers.append(number)
        payload = {
            "case_number": number,
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {"kind": "person", "id_type": "national_id", "id": "A123456789"}
            | {"name": "王小明"},
            "fields": {
                "registered_address": "桃園市桃園區縣府路1號",
                "transcript_kind": "全戶",
                "record_detail": "省略記事",
            },
            "channel": "web",
            "pickup": {"method": "counter", "office": office},
        }
        events.append(actor.event(str(uuid.uuid4()), ev.RECEIVED, submitted, payload))
    with app.transaction() as s:
        ingest_many(app, s, events, origin="county")
    return numbers


def test_every_tab_count_equals_its_list(app: App) -> None:
    seed_demo_bulk(app, 400, seed=7, days=40)
    waiting = _web_cases(app, 3)
    cases.accept_case(app, waiting[0])
    counts = cases.queue_counts(app)
    lists = {name: len(cases.queue(app, name, limit=1000)) for name in counts}
    assert counts == lists
    assert counts["online"] == 2
    assert counts["overdue"] > 0 and counts["supplement"] > 0 and counts["today"] > 0
    for name in cases.QUEUES:
        assert cases.queue_total(app, name) == len(cases.queue(app, name, limit=1000)), name


def test_each_tab_count_reads_an_index_not_the_table(app: App) -> None:
    _web_cases(app, 2)
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        assert cases.queue_counts(app)["online"] == 2
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    counts = [(st, p) for st, p in seen if "count(" in st or "sum(" in st]
    assert len(counts) >= len(cases.COUNTED_QUEUES)
    conn = db.raw_connect(app.settings)
    try:
        plans = [
            (st, " / ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {st}", p)))
            for st, p in counts
        ]
    finally:
        conn.close()
    for statement, plan in plans:
        assert "SCAN" not in plan, (statement, plan)
        assert plan.startswith("SEARCH") and "INDEX" in plan, (statement, plan)
    online = [plan for st, plan in plans if "awaiting_acceptance" in st]
    assert online and all("ix_cases_online_waiting" in plan for plan in online), online
