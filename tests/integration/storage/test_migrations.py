"""Schema upgrades: an empty database, every kept old database with data, and the refusals."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from db_support import connect_db

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import audit, cases
from eservice_desktop.services.core import open_app
from eservice_desktop.services.sync import state as sync_state
from eservice_desktop.storage import db

FIXTURES = sorted((Path(__file__).parents[2] / "data" / "migrations").glob("*.sqlite3"))
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_chain_is_linear_with_one_head() -> None:
    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert revisions()[0] == "0001"


#: Revisions that never were the head of a release: they came in one commit with a later one, so
#: no office database can be at them (0002-0004 arrived together with 0005).
NEVER_A_HEAD = frozenset({"0002", "0003", "0004"})


def test_every_released_revision_has_a_fixture_database() -> None:
    """Each revision an office could be running has a real old database that the upgrade tests
    below carry to head; a new migration comes with one (tools/make-migration-fixture.py)."""
    have = {f.stem for f in FIXTURES}
    missing = [r for r in revisions() if r not in NEVER_A_HEAD and r not in have]
    assert missing == [], f"no fixture database for revisions {missing}"


def test_empty_database_upgrades_to_head_and_matches_models(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        assert db.current_revision(app.engine) == db.head_revision()
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        from eservice_desktop.storage.schema import include_name, metadata

        with app.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_name": include_name})
            diff = compare_metadata(ctx, metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        app.close()


def test_previous_revision_with_data_upgrades(tmp_path: Path) -> None:
    """Upgrade from head-1 with a case in it: the case survives and still works."""
    chain = revisions()
    if len(chain) < 2:
        pytest.fail("need at least two revisions")
    settings = Settings(data_dir=tmp_path)
    shutil.copy(FIXTURES[0], settings.db_path)
    engine = db.make_engine(settings.db_url)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, chain[-2])
    engine.dispose()
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        assert db.current_revision(app.engine) == chain[-1]
        assert {r.applicant_name for r in cases.queue(app, "all")} == {"王小明", "林美玲"}
    finally:
        app.close()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_kept_old_databases_upgrade_with_backup(tmp_path: Path, fixture: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    shutil.copy(fixture, settings.db_path)
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        rows = cases.queue(app, "all")
        assert {r.applicant_name for r in rows} == {"王小明", "林美玲"}
        waiting = cases.queue(app, "supplement")
        assert [r.applicant_name for r in waiting] == ["王小明"]
        # The case keeps working after the upgrade: the supplement can be recorded (databases
        # written since fees are assessed at intake then show the fee still due).
        status = cases.record_supplement(app, waiting[0].case_number).status
        assert status in {"received", "payment_due"}
        # the upgrade chained the rows this device had made (migration 0012), and the new
        # event went on from that chain's head: the whole database verifies
        result = audit.verify(app)
        assert result.ok and result.events >= 4, result.to_json()
    finally:
        app.close()
    backups = list((tmp_path / "backups").glob("*.sqlite3"))
    if fixture.stem != db.head_revision():
        assert len(backups) == 1
        from eservice_desktop.storage import cipher, dbkey

        key = dbkey.database_key(settings, create=False)
        with cipher.connect(backups[0], key) as conn:
            assert conn.execute("select count(*) from cases").fetchone()[0] == 2


def test_database_from_a_newer_build_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    open_app(settings, clock=lambda: NOW).close()
    with connect_db(settings) as conn:
        conn.execute("update alembic_version set version_num = '9999'")
    with pytest.raises(db.DatabaseTooNew) as info:
        open_app(settings, clock=lambda: NOW)
    assert "9999" in str(info.value) and "升級" in str(info.value)


def test_wal_and_full_sync_are_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        with app.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        app.close()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_kept_old_databases_are_searchable_by_substring_after_upgrade(
    tmp_path: Path, fixture: Path
) -> None:
    """Migration 0008 fills the search index from the cases already there."""
    settings = Settings(data_dir=tmp_path)
    shutil.copy(fixture, settings.db_path)
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        wang = [r.case_number for r in cases.queue(app, "all") if r.applicant_name == "王小明"]
        assert [r.case_number for r in cases.search(app, "小明")] == wang
        assert [r.case_number for r in cases.search(app, "6789")] == wang  # A123456789
        assert cases.search_count(app, "美玲") == 1
        seq = wang[0].split("-")[3]
        assert [r.case_number for r in cases.search(app, seq)] == wang
        # A case taken after the upgrade is indexed like the old ones, newest first.
        from eservice_desktop.services.intake import IntakeRequest, intake

        fields = {
            "registered_address": "桃園市桃園區中正路1號",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        }
        new = intake(app, IntakeRequest("HR-TRANSCRIPT", "B123456780", "陳小明", fields=fields))
        assert [r.case_number for r in cases.search(app, "小明")] == [new.case_number, *wang]
    finally:
        app.close()


def test_search_index_migration_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    shutil.copy(FIXTURES[-1], settings.db_path)
    open_app(settings, clock=lambda: NOW).close()
    engine, _key = db.open_office_engine(settings)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")  # through 0009 and 0008
    engine.dispose()
    with connect_db(settings) as conn:
        names = {r[0] for r in conn.execute("select name from sqlite_master")}
        columns = {r[1] for r in conn.execute("pragma table_info(cases)")}
    assert "case_search" not in names and "search_key" not in columns
    app = open_app(settings, clock=lambda: NOW)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        assert cases.search_count(app, "小明") == 1
    finally:
        app.close()


def _event_indexes(settings: Settings) -> dict[str, list[str]]:
    with connect_db(settings) as conn:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'index'")]
        return {
            n: [r[2] for r in conn.execute(f"pragma index_info({n})")]
            for n in names
            if n.startswith("ix_events_outbox")
        }


def test_outbox_index_migration_upgrades_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    """0019 replaces ix_events_outbox by the outbox index with the counter in it, on a database
    with events, and gives it back on the way down; the outbox counts hold either way."""
    settings = Settings(data_dir=tmp_path, office_code="H01", device_id="01")
    shutil.copy(FIXTURES[0].with_name("0018.sqlite3"), settings.db_path)
    app = open_app(settings, clock=lambda: NOW)
    with app.reading() as s:
        waiting = sync_state.pending_count(s)
    app.close()
    assert waiting >= 3  # the fixture's two intakes and its supplement request
    new = {"ix_events_outbox_counter": ["origin", "acked_at", "office", "device", "seq"]}
    assert _event_indexes(settings) == new
    engine, _key = db.open_office_engine(settings)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    engine.dispose()
    assert _event_indexes(settings) == {"ix_events_outbox": ["origin", "acked_at", "seq"]}
    app = open_app(settings, clock=lambda: NOW)
    try:
        assert _event_indexes(settings) == new
        with app.reading() as s:
            assert sync_state.waiting_counts(s) == (waiting, 0)
    finally:
        app.close()


def _index_columns(settings: Settings, name: str) -> list[str]:
    with connect_db(settings) as conn:
        return [r[2] for r in conn.execute(f"pragma index_info({name})")]


def test_events_by_type_and_time_index_upgrades_downgrades_and_upgrades_again(
    tmp_path: Path,
) -> None:
    """0024 adds the index the daily closing reads the day's events through, on a database with
    events, and drops it on the way down; the chain still verifies either way."""
    settings = Settings(data_dir=tmp_path, office_code="H01", device_id="01")
    shutil.copy(FIXTURES[0].with_name("0023.sqlite3"), settings.db_path)
    app = open_app(settings, clock=lambda: NOW)
    app.close()
    assert _index_columns(settings, "ix_events_type_at") == ["type", "at"]
    engine, _key = db.open_office_engine(settings)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0023")
    engine.dispose()
    assert _index_columns(settings, "ix_events_type_at") == []
    app = open_app(settings, clock=lambda: NOW)
    try:
        assert _index_columns(settings, "ix_events_type_at") == ["type", "at"]
        assert audit.verify(app).ok
    finally:
        app.close()
