"""``backup verify`` (and the check before every restore) compares each case's stored
projection with the one its events make a thousand cases at a time, with their events: the
copy's every case and event held at once took 4.2 GB for a year of a busy office."""

from __future__ import annotations

from typing import Any

import pytest
from alive_support import counting

from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.services import audit, backup, backup_verify
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow, EventRow

CASES = 20


def test_a_backup_is_verified_a_few_cases_at_a_time(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = seed_demo_bulk(app, 150, seed=3, days=10, batch=150)["total_cases"]
    taken = backup.take(app)
    monkeypatch.setattr(backup_verify, "CASES_AT_A_TIME", CASES, raising=False)
    monkeypatch.setattr(audit, "STREAM_ROWS", CASES, raising=False)
    with counting(monkeypatch, 40, EventRow, CaseRow) as alive:
        verified = backup_verify.verify(app, taken.path)
    assert verified["ok"], verified["problems"]
    assert verified["cases"] == added == 150 and verified["events"] > 900
    # a batch of cases and their events (some ten each), not the copy's thousand events
    assert alive.held and max(alive.held) <= 15 * CASES, (alive.held, verified["events"])


def test_a_case_whose_projection_was_changed_or_lost_is_still_found(app: App) -> None:
    """Read a batch at a time, a projection that differs, one without its events and events
    without their projection are still each counted."""
    seed_demo_bulk(app, 40, seed=4, days=5, batch=40)
    with app.transaction() as s:
        first, second, third = s.scalars(
            CaseRow.__table__.select().with_only_columns(CaseRow.case_id).limit(3)
        ).all()
        s.execute(CaseRow.__table__.update().where(CaseRow.case_id == first).values(paid=9999))
        s.execute(EventRow.__table__.delete().where(EventRow.case_id == second))
        s.execute(CaseRow.__table__.delete().where(CaseRow.case_id == third))
    taken = backup.take(app)
    verified = backup_verify.verify(app, taken.path)
    assert not verified["ok"]
    assert any("2 differ from their events, 1 without events" in p for p in verified["problems"])


def test_the_restore_plan_reads_the_events_in_use_a_few_at_a_time(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restore's plan (what comes back from the county, what would be lost) read every
    event of the database in use at once: 900 MB for a year of a busy office, before the
    dialog said anything. Here every event came after the backup and never reached the
    county: each is named as lost, read a few rows at a time."""
    import gc

    from sqlalchemy.engine import Row

    taken = backup.take(app)  # before any case
    seed_demo_bulk(app, 100, seed=5, days=5, batch=100)
    monkeypatch.setattr(backup, "STREAM_ROWS", CASES, raising=False)
    aware = repo.aware
    calls = [0]
    held: list[int] = []

    def counted(at: Any) -> Any:  # Row takes no weak reference: a heap sweep, every 100 rows
        calls[0] += 1
        if calls[0] % 100 == 0:
            held.append(sum(1 for o in gc.get_objects() if isinstance(o, Row)))
        return aware(at)

    monkeypatch.setattr(repo, "aware", counted)
    gc.collect()
    plan = backup.preview(app, taken.path)
    assert plan["ok"] and plan["come_back"] == 0
    lost = plan["will_be_lost"]
    assert len(lost) == calls[0] > 400 and all(e["case_number"].startswith("H01-") for e in lost)
    assert max(held) <= 3 * CASES, (max(held), len(lost))
