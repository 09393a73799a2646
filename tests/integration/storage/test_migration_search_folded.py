"""Migration 0021: the search index is made again with every name folded (no accents, no
variation selectors, compatibility forms folded), and as written again on the way down."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from factories import FIELDS
from test_migration_lookups import _downgrade

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import cases
from eservice_desktop.services.core import App, open_app
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage import db

FIXTURES = Path(__file__).parents[2] / "data" / "migrations"
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _open(settings: Settings) -> App:
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    return app


def _found(app: App, typed: str) -> list[str]:
    return [r.case_number for r in cases.search(app, typed, limit=100)]


def test_the_index_of_old_cases_is_folded_and_unfolded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    shutil.copy(FIXTURES / "0020.sqlite3", settings.db_path)
    app = _open(settings)
    wang = _found(app, "小明")
    assert wang  # the fixture's cases are found after the upgrade as before
    number = intake(
        app, IntakeRequest("HR-TRANSCRIPT", "A100001026", "Nguyễn Thị Hồng", fields=FIELDS)
    ).case_number
    assert _found(app, "NGUYEN THI") == [number]
    app.close()
    _downgrade(settings, "0020")  # the index as 0020 wrote it: names as written
    app = _open(settings)  # upgraded again: 0021 folds the names already indexed
    try:
        assert _found(app, "NGUYEN THI") == [number]
        assert _found(app, "Hồng") == [number]
        assert _found(app, "小明") == wang
        assert cases.search_count(app, "hong") == 1
    finally:
        app.close()


def test_on_the_way_down_the_index_holds_the_names_as_written(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    shutil.copy(FIXTURES / "0020.sqlite3", settings.db_path)
    app = _open(settings)
    intake(app, IntakeRequest("HR-TRANSCRIPT", "A100001026", "Nguyễn Thị Hồng", fields=FIELDS))
    app.close()
    _downgrade(settings, "0020")
    engine, _key = db.open_office_engine(settings)
    with engine.connect() as conn:
        hits = conn.exec_driver_sql(
            "SELECT count(*) FROM case_search WHERE case_search MATCH ?", ('name : "Nguyễn"',)
        ).scalar_one()
        folded = conn.exec_driver_sql(
            "SELECT count(*) FROM case_search WHERE case_search MATCH ?", ('name : "Nguyen"',)
        ).scalar_one()
    engine.dispose()
    assert (hits, folded) == (1, 0)
