"""Migration 0020: the report counts get the kinds each case looked up, filled from the
look-ups already recorded, and lose them again on the way down."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import report_support as mix
from alembic import command
from db_support import connect_db
from sqlalchemy import text

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.services.core import App, open_app
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.storage import case_stats, db

FIXTURES = Path(__file__).parents[2] / "data" / "migrations"
_COUNTS = "SELECT * FROM case_stats WHERE n != 0"


def _looked_up_case(app: App) -> None:
    c = mix._Case("H01", 900, "ED-CRAM-SCHOOL-REGISTER", 30)
    c.received(mix._t(3, 20), "counter", mix.CRAM_KINDS)
    for kind in ("land_transcript", "household_transcript"):
        payload = {"kind": kind, "result_id": str(uuid.uuid4()), "sha256": "ab" * 32}
        c.add(ev.LOOKUP_DONE, mix._t(3, 20, 11), payload)
    c.add(ev.CLOSED, mix._t(3, 20, 12), {})
    with app.transaction() as s:
        assert not ingest_many(app, s, c.events).refused


def _downgrade(settings: Settings, revision: str) -> None:
    engine, _key = db.open_office_engine(settings)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def _columns(settings: Settings, table: str) -> set[str]:
    with connect_db(settings) as conn:
        return {r[1] for r in conn.execute(f"pragma table_info({table})")}


def _counts_are_a_recount(app: App) -> None:
    with app.transaction() as s:
        kept = set(s.execute(text(_COUNTS)))
        case_stats.recount(s.connection())
        assert set(s.execute(text(_COUNTS))) == kept
        s.rollback()


def test_the_kinds_looked_up_come_back_from_the_lookups_recorded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, office_code="H01", device_id="01")
    shutil.copy(FIXTURES / "0019.sqlite3", settings.db_path)
    app = open_app(settings, clock=lambda: mix.NOW)  # 0019 -> head: the fixture's cases
    _counts_are_a_recount(app)
    _looked_up_case(app)
    app.close()

    _downgrade(settings, "0019")
    assert "lookup_kinds" not in _columns(settings, "cases")
    assert "lookups" not in _columns(settings, "case_stats_month")
    with connect_db(settings) as conn:  # the delete trigger of the old key still counts
        conn.execute("DELETE FROM cases WHERE case_number NOT LIKE '%-000900-%'")
        conn.commit()
        month = "SELECT sum(n), count(*) FROM case_stats_month WHERE n != 0"
        assert conn.execute(month).fetchone() == (1, 1)

    app = open_app(settings, clock=lambda: mix.NOW)  # up again: the kinds from the look-ups
    try:
        with app.reading() as s:
            kinds = s.execute(text("SELECT lookup_kinds FROM cases")).scalars().all()
            assert kinds == ['["household_transcript","land_transcript"]']
            month = s.execute(text("SELECT lookups, n FROM case_stats_month WHERE n != 0"))
            assert month.all() == [('["household_transcript","land_transcript"]', 1)]
        _counts_are_a_recount(app)
    finally:
        app.close()
