"""The bulk demo path writes exactly what the domain fold would project from its events."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import project
from eservice_desktop.services import audit, operators
from eservice_desktop.services.cases import compute_due
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow

TAIPEI = ZoneInfo("Asia/Taipei")
_FIELDS = {
    "registered_address": "桃園市",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
}


def test_bulk_rows_match_the_domain_projection(app: App):
    result = seed_demo_bulk(app, 400, seed=11, days=30, batch=150)
    assert result["total_cases"] == 400
    assert len(result["by_status"]) >= 5  # every outcome shows up
    with app.reading() as s:
        rows = s.scalars(select(CaseRow)).all()
        assert len(rows) == 400
        for row in rows:
            state = project(repo.events_for(s, row.case_id))
            assert row.case_number == state.case_number
            assert row.status == state.status
            assert (row.fees_due, row.paid) == (state.fees_due, state.paid)
            assert row.applicant_id == state.applicant_id
            assert row.applicant_name == state.applicant_name
            assert repo._aware(row.received_at) == state.received_at
            assert row.due_date == compute_due(app, state)
            assert (repo._aware(row.closed_at) if row.closed_at else None) == state.closed_at
            assert row.state == repo.state_summary(state)
            assert row.received_day == state.received_at.astimezone(TAIPEI).date()
    numbers = sorted(r.case_number for r in rows)
    assert len(set(numbers)) == 400


def test_numbering_continues_after_bulk(app: App):
    seed_demo_bulk(app, 30, seed=1, days=1)
    view = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={
                "registered_address": "桃園市",
                "transcript_kind": "現戶",
                "record_detail": "省略記事",
            },
        ),
    )
    assert view.case_number.startswith("H01-01-115-000031-")


def test_bulk_exemptions_are_approved_by_the_demo_supervisor_and_the_chain_verifies(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: every exemption the bulk seeder writes is preceded by a ``case.approval_granted``
    event naming two different accounts (the demo supervisor approves the signed-in clerk),
    linked to the very assessment it approves; ``audit verify`` passes."""
    seed_demo_bulk(app, 300, seed=7, days=30, batch=120)
    exemptions = 0
    with app.reading() as s:
        for case_id in s.scalars(select(CaseRow.case_id)).all():
            stream = repo.events_for(s, case_id)
            for i, e in enumerate(stream):
                if e.type == ev.FEE_ASSESSED and e.payload["reduction"]:
                    exemptions += 1
                    approval = stream[i - 1]
                    assert approval.type == ev.APPROVAL_GRANTED
                    p = approval.payload
                    assert p["action"] == "fee_reduction" and p["for_event"] == e.event_id
                    assert p["for_type"] == ev.FEE_ASSESSED and p["target"]
                    assert p["approved_by"] == operators.DEMO_SUPERVISOR.account
                    assert p["requested_by"] == approval.clerk == e.clerk
                    assert p["approved_by"] != p["requested_by"]
                elif e.type == ev.APPROVAL_GRANTED:
                    assert stream[i + 1].payload.get("reduction"), "only exemptions are approved"
    assert exemptions >= 3
    capsys.readouterr()
    code = main(["--data-dir", str(settings.data_dir), "audit", "verify", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"] is True and out["events"] > 300


def test_uuid_text_is_the_uuid_modules() -> None:
    import random
    import uuid

    from eservice_desktop.demo.bulk import uuid4_text

    rng = random.Random(3)
    for bits in (0, 2**128 - 1, *(rng.getrandbits(128) for _ in range(2000))):
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_seed_puts_the_connections_settings_back(app: App) -> None:
    """The seed writes with synchronous=NORMAL and a large page cache on a connection of its
    own; afterwards every pooled connection is back at FULL, and the process-wide soft heap
    limit is what it was before (storage.db's, or the one a counter window of this process set,
    services.database.limit_page_caches)."""
    from eservice_desktop.demo.seeding import seed_demo

    probe = app.engine.raw_connection()
    try:
        before = probe.driver_connection.execute("PRAGMA soft_heap_limit").fetchone()[0]
    finally:
        probe.close()
    seed_demo(app, 30, seed=2)
    conns = [app.engine.raw_connection() for _ in range(3)]
    try:
        for c in conns:
            driver = c.driver_connection
            assert driver.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert driver.execute("PRAGMA cache_size").fetchone()[0] == -262144
            assert driver.execute("PRAGMA soft_heap_limit").fetchone()[0] == before
    finally:
        for c in conns:
            c.close()


#: What a seed writes, table by table: the full rows, but for what differs between any two
#: databases seeded alike (each database's receipt key and the till's random payment ids, so
#: the hashes of the events that carry them; both chains are verified instead).
_MONEY = "'$.payment_id', '$.verification', '$.key_id'"
_WRITTEN = (
    "SELECT seq, event_id, case_id, type, office, device, clerk, at, recorded_at, "
    f"json_remove(payload, {_MONEY}), origin, acked_at FROM events ORDER BY seq",
    "SELECT * FROM cases ORDER BY case_id",
    "SELECT * FROM case_stats ORDER BY 1, 2, 3, 4, 5, 6, 7",
    "SELECT * FROM case_stats_month ORDER BY 1, 2, 3, 4, 5, 6, 7",
    "SELECT number, case_id, amount, issued_at, seq FROM receipts ORDER BY number",
    "SELECT * FROM counters ORDER BY name",
    "SELECT office, device, event_id, case_id, length FROM event_chain_heads",
    # every index and trigger, as SQL (the deferred load drops and creates them again)
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type != 'table' ORDER BY name",
)


def _dump(app: App) -> list[list[tuple[object, ...]]]:
    with app.engine.connect() as conn:
        return [[tuple(r) for r in conn.exec_driver_sql(q)] for q in _WRITTEN]


def test_load_into_an_empty_database_equals_the_row_by_row_load(
    make_app: Callable[..., App], tmp_path: Path
) -> None:
    """Into an empty database the seed sets the indexes and the case_stats triggers aside and
    builds them at the end (storage.bulk_load): the database is the one the row-by-row load
    (indexes and triggers maintained per row) writes, row for row, count for count."""
    apps = [
        make_app(Settings(data_dir=tmp_path / name, office_code="H01", device_id="01"))
        for name in ("deferred", "per-row")
    ]
    for app, defer in zip(apps, (True, False), strict=True):
        seed_demo_bulk(app, 500, seed=5, days=60, batch=170, defer=defer)
    deferred, per_row = (_dump(app) for app in apps)
    assert len(deferred[0]) > 2000 and len(deferred[2]) > 50  # events and counts were written
    for query, a, b in zip(_WRITTEN, deferred, per_row, strict=True):
        assert a == b, query
    for app in apps:
        assert audit.verify(app).ok
    # the triggers are back: a case written now is counted as before
    view = intake(apps[0], IntakeRequest("HR-TRANSCRIPT", "A123456789", "王小明", fields=_FIELDS))
    with apps[0].reading() as s:
        day = s.execute(
            text("SELECT sum(n) FROM case_stats WHERE received_day = :d"),
            {"d": str(apps[0].now().astimezone(TAIPEI).date())},
        ).scalar()
    assert view.case_number and day is not None and day >= 1
    # and the second seed into a database with cases goes row by row, counted by the triggers
    seed_demo_bulk(apps[0], 50, seed=6, days=5)
    seed_demo_bulk(apps[1], 50, seed=6, days=5)
    with apps[0].reading() as s:
        counted = s.execute(text("SELECT sum(n) FROM case_stats")).scalar()
        assert counted == repo.count_cases(s) == 551


def test_failed_load_into_an_empty_database_leaves_it_empty_and_whole(app: App) -> None:
    """The deferred load is one transaction: a failure in a later batch rolls back every batch
    and the schema it had set aside."""
    schema = _dump(app)[-1]

    def fail(done: int, _total: int) -> None:
        if done > 100:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        seed_demo_bulk(app, 300, seed=3, days=30, batch=100, progress=fail)
    after = _dump(app)
    assert after[:4] == [[], [], [], []]
    assert after[-1] == schema and any(r[0] == "trigger" for r in schema)
