"""The report counts (``case_stats``, ``case_stats_month``) stay equal to a recount of the
``cases`` rows after every kind of write: a bulk batch of new cases, a batch that changes
cases already there, one event at the counter, a projection written again (retention), a
pulled page, and a deleted row (the one trigger left, migration 0017)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from factories import new_case
from sqlalchemy import text

from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Event
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.storage import case_stats, repo

_DAYS = "SELECT office, received_day, service_code, channel, status, consent, on_time, lookups, n "
_DAYS += "FROM "


def _counts(app: App) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    with app.reading() as s:
        days = {tuple(r) for r in s.execute(text(_DAYS + "case_stats WHERE n != 0"))}
        months = {
            tuple(r)
            for r in s.execute(
                text(_DAYS.replace("received_day", "month") + "case_stats_month WHERE n != 0")
            )
        }
    return days, months


def _recounted(app: App) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """The counts as :func:`case_stats.recount` makes them from the rows (rolled back)."""
    with app.transaction() as s:
        case_stats.recount(s.connection())
        days = {tuple(r) for r in s.execute(text(_DAYS + "case_stats WHERE n != 0"))}
        months = {
            tuple(r)
            for r in s.execute(
                text(_DAYS.replace("received_day", "month") + "case_stats_month WHERE n != 0")
            )
        }
        s.rollback()
    return days, months


def _assert_counted(app: App, cases_total: int) -> None:
    days, months = _counts(app)
    assert (days, months) == _recounted(app)
    assert sum(int(r[-1]) for r in days) == cases_total  # type: ignore[call-overload]


def test_only_the_delete_trigger_is_left(app: App) -> None:
    with app.reading() as s:
        names = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        assert sorted(names) == ["case_stats_delete"]


def test_the_counts_follow_every_writer_of_cases(app: App) -> None:
    seed_demo_bulk(app, 120, seed=5, days=40)  # bulk batches: new rows and changed ones
    _assert_counted(app, 120)
    number = new_case(app)  # one event at the counter: a new row
    _assert_counted(app, 121)
    cases.request_supplement(app, number, "缺件")  # one event: the row's status moves
    _assert_counted(app, 121)
    with app.reading() as s:
        case_id = repo.case_id_by_number(s, number)
        assert case_id is not None
        state = repo.load_state(s, case_id)
    assert state is not None
    moved = replace(state, channel="web", consent_kinds=frozenset({"household"}))
    with app.transaction() as s:  # a projection written again (retention's way), new key
        repo.upsert_projection(s, moved, None, app.now(), True)
    _assert_counted(app, 121)
    pulled = Event(
        "pulled-close-1", case_id, ev.CANCELLED, "H01", "02", "clerk-b", app.now(), {"reason": "x"}
    )
    with app.transaction() as s:  # a pulled page's batch changing a case already here
        report = ingest_many(app, s, [pulled], origin="county")
        assert report.applied and not report.refused
    _assert_counted(app, 121)
    looked_up = Event(
        "pulled-lookup-1", case_id, ev.LOOKUP_DONE, "H01", "02", "clerk-b", app.now(),
        {"kind": "land_transcript", "result_id": str(uuid.uuid4()), "sha256": "ab" * 32},
    )  # fmt: skip
    with app.transaction() as s:  # a look-up moves the case to the key of its kinds
        assert not ingest_many(app, s, [looked_up], origin="county").refused
    _assert_counted(app, 121)
    assert _lookups_counted(app) == {'["land_transcript"]': 1}
    with app.transaction() as s:
        s.execute(text("DELETE FROM cases WHERE case_id = :c"), {"c": case_id})
    _assert_counted(app, 120)
    assert _lookups_counted(app) == {}


def _lookups_counted(app: App) -> dict[str, int]:
    """The cases counted per kinds looked up, but for the ones that looked nothing up."""
    sql = "SELECT lookups, sum(n) FROM case_stats WHERE lookups != '[]' GROUP BY 1 HAVING sum(n)"
    with app.reading() as s:
        return {k: int(n) for k, n in s.execute(text(sql))}


def test_a_case_that_keeps_its_key_moves_no_count(app: App) -> None:
    number = new_case(app)
    before = _counts(app)
    with app.reading() as s:
        case_id = repo.case_id_by_number(s, number)
        assert case_id is not None
        state = repo.load_state(s, case_id)
    assert state is not None
    with app.transaction() as s:  # the phone changes: no key column does
        repo.upsert_projection(s, replace(state, phone="0912345678"), None, app.now())
    assert _counts(app) == before


def test_an_office_at_0016_keeps_its_counts_and_loses_two_triggers(
    tmp_path: Path, make_app: Callable[..., App]
) -> None:
    """Migration 0017 on the kept 0016 database: the counts its triggers kept are right as
    they are, and the writers carry them on."""
    fixture = Path(__file__).parents[2] / "data" / "migrations" / "0016.sqlite3"
    settings = Settings(data_dir=tmp_path / "old", office_code="H01", device_id="01")
    settings.data_dir.mkdir()
    shutil.copy(fixture, settings.db_path)
    app = make_app(settings)
    test_only_the_delete_trigger_is_left(app)
    with app.reading() as s:
        total = int(s.scalar(text("SELECT count(*) FROM cases")) or 0)
    assert total >= 1
    _assert_counted(app, total)
    new_case(app)
    _assert_counted(app, total + 1)
