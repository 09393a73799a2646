"""The county schema under Alembic (county/migrate.py, migrations/county): its own version table,
a baseline equal to the models, adoption of a county database made before Alembic, and the
IT commands ``db current`` / ``db upgrade``.

tests/data/county/pre-alembic.sqlite3 was written by the county code as it was before the
schema went under Alembic (``create_all``, no version table): a vault and signing keys
(passphrase ``fixture-county-passphrase``), one enrolled device H01-01, two enrolment codes,
a target, and three accepted intakes pushed by H01-01 (events, cases, facts, routes, feed,
notifications).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.orm import Session
from sync_helpers import _fresh_pg_db

from eservice_desktop.county import migrate
from eservice_desktop.county import service as county_service
from eservice_desktop.county.cli import main as county_main
from eservice_desktop.county.store import CountyEventRow, create_schema, make_engine, utcnow
from eservice_desktop.county.vault import unlock

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "county" / "pre-alembic.sqlite3"
FIXTURE_SECRET = b"fixture-county-passphrase"


def _copy_fixture(tmp_path: Path) -> str:
    path = tmp_path / "county.sqlite3"
    shutil.copy(FIXTURE, path)
    return f"sqlite:///{path}"


def _schema_diff(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": migrate.VERSION_TABLE})
        return [
            d
            for d in compare_metadata(ctx, migrate.metadata())
            if not (d[0] == "remove_table" and d[1].name == migrate.VERSION_TABLE)
        ]


def _rows(engine: Engine, like: Engine | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every county table, in primary-key order (tables a database does not
    have yet, or that are empty, have no entry: a later revision's new table is no change),
    of the columns the database has (``like``: those that one had, before an upgrade added
    some)."""
    out = {}
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table in migrate.metadata().sorted_tables:
            if table.name not in present:
                continue
            had = _columns(like or conn, table.name)
            if not had:  # a table ``like`` did not have yet
                continue
            pk = list(table.primary_key.columns)
            rows = conn.execute(select(*(c for c in table.c if c.name in had)).order_by(*pk))
            found = [tuple(_utc(v) for v in r) for r in rows]
            if found:
                out[table.name] = found
    return out


def _columns(bind: Engine | Connection, table: str) -> set[str]:
    """The columns ``table`` has there (none: it has no such table)."""
    seen = inspect(bind)
    return {c["name"] for c in seen.get_columns(table)} if seen.has_table(table) else set()


def _utc(value: Any) -> Any:
    """SQLite gives back naive UTC datetimes, PostgreSQL aware ones: compared as aware UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


@pytest.fixture
def pg_county(pg_url: str) -> Any:
    engine = make_engine(_fresh_pg_db(pg_url))
    yield engine
    engine.dispose()


def test_fresh_database_gets_baseline_equal_to_models_in_its_own_version_table(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert migrate.current(engine) is None
    assert migrate.upgrade(engine) == (None, migrate.head())
    assert migrate.current(engine) == migrate.head()
    tables = set(inspect(engine).get_table_names())
    assert migrate.VERSION_TABLE in tables
    assert "alembic_version" not in tables  # the office's version table is not touched
    assert _schema_diff(engine) == []  # a model change without a revision fails here
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())  # idempotent start
    engine.dispose()


@pytest.mark.postgres
def test_postgres_baseline_equals_models(
    pg_county: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    create_schema(pg_county)
    assert migrate.current(pg_county) == migrate.head()
    assert _schema_diff(pg_county) == []
    # the upgrade's in-use check is SQLite's: it made an empty file named as the database in
    # the working folder (the server's, IT's)
    assert list(tmp_path.iterdir()) == []


def test_pre_alembic_database_is_adopted_with_its_rows_intact(tmp_path: Path) -> None:
    engine = make_engine(_copy_fixture(tmp_path))
    assert migrate.current(engine) is None
    before = _rows(engine)
    (tmp_path / "as-it-was").mkdir()
    old = make_engine(_copy_fixture(tmp_path / "as-it-was"))
    assert len(before["county_events"]) == 3
    assert len(before["county_devices"]) == 1
    assert len(before["county_keys"]) == 2

    create_schema(engine)  # what the server does on start

    assert migrate.current(engine) == migrate.head()
    assert _rows(engine, like=old) == before
    old.dispose()
    assert _schema_diff(engine) == []
    # the adopted database still serves: the sealed keys open with its passphrase
    with Session(engine) as s, s.begin():
        box = unlock(s, FIXTURE_SECRET, utcnow())
    with Session(engine, info={"vault": box}) as s, s.begin():
        county_service.check_keys_open(s)
        assert s.scalar(select(CountyEventRow.case_id).order_by(CountyEventRow.seq)) == (
            "8f1d7a4e-2b6c-4e0a-9c1f-3d2e1b0a9f81"
        )
    engine.dispose()


@pytest.mark.postgres
def test_postgres_upgrade_from_baseline_keeps_the_old_rows(
    tmp_path: Path, pg_county: Engine
) -> None:
    """The same rows on PostgreSQL, in the schema the baseline revision creates, then up to
    head."""
    old = make_engine(_copy_fixture(tmp_path))
    rows = _rows(old)
    migrate.upgrade(pg_county, "0001")
    assert migrate.current(pg_county) == "0001"
    _insert_all(pg_county, rows, old)

    migrate.upgrade(pg_county)

    assert migrate.current(pg_county) == migrate.head()
    assert _rows(pg_county, like=old) == rows
    old.dispose()
    assert _schema_diff(pg_county) == []


@pytest.mark.postgres
def test_postgres_pre_alembic_database_is_adopted(pg_county: Engine) -> None:
    migrate.metadata().create_all(pg_county)  # how the server created its tables before
    with pg_county.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO county_targets (office, department, month, metric, value, set_at)"
                " VALUES ('H01', 'household', '2026-11', 'cases', 120, now())"
            )
        )
    assert migrate.current(pg_county) is None
    assert migrate.upgrade(pg_county) == (None, migrate.head())
    with pg_county.connect() as conn:
        assert conn.scalar(text("SELECT value FROM county_targets")) == 120


def _insert_all(engine: Engine, rows: dict[str, list[tuple[Any, ...]]], like: Engine) -> None:
    """``rows`` as :func:`_rows` read them from ``like``, of the columns it has."""
    with engine.begin() as conn:
        for table in migrate.metadata().sorted_tables:
            if rows.get(table.name):
                had = _columns(like, table.name)
                keys = [c.name for c in table.columns if c.name in had]
                conn.execute(
                    table.insert(), [dict(zip(keys, r, strict=True)) for r in rows[table.name]]
                )
        for table in ("county_events", "county_feed", "county_device_audit"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'seq'), "
                    f"(SELECT max(seq) FROM {table}))"
                )
            )


def test_it_commands_show_and_bring_the_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _copy_fixture(tmp_path)
    # the text form of an upgrade from no revision (it said "upgraded from None")
    before = tmp_path / "before.sqlite3"
    shutil.copy(FIXTURE, before)
    assert county_main(["db", "upgrade", "--db", f"sqlite:///{before}"]) == 0
    assert capsys.readouterr().out == f"已升級至 {migrate.head()}（原無版本）\n"
    assert county_main(["db", "upgrade", "--db", f"sqlite:///{before}"]) == 0
    assert capsys.readouterr().out == f"已是最新版本 {migrate.head()}\n"
    assert county_main(["--lang", "en", "db", "upgrade", "--db", f"sqlite:///{before}"]) == 0
    assert capsys.readouterr().out == f"already at {migrate.head()} (head)\n"
    assert county_main(["db", "current", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "current": None,
        "head": migrate.head(),
        "up_to_date": False,
    }
    assert county_main(["db", "upgrade", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "current": migrate.head(),
        "head": migrate.head(),
        "up_to_date": True,
        "from": None,
    }
    assert county_main(["db", "current", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == f"{migrate.head()}（本版最新 {migrate.head()}）"
    assert county_main(["db", "current", "--db", url, "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == f"{migrate.head()} (head {migrate.head()})"


def test_database_from_a_newer_build_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _copy_fixture(tmp_path)
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {migrate.VERSION_TABLE} SET version_num = '9999'"))
    before = _rows(engine)
    engine.dispose()
    assert county_main(["db", "upgrade", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "縣府資料庫版本 9999 比本程式新" in err and "revision" not in err
    assert county_main(["db", "upgrade", "--db", url, "--lang", "en"]) == 2
    assert "revision 9999" in capsys.readouterr().err
    engine = make_engine(url)
    assert _rows(engine) == before
    assert migrate.current(engine) == "9999"
    engine.dispose()


def test_a_database_of_another_program_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--db`` naming another program's SQLite file (an office's older plain database) had
    the county's tables added to it; a file that is no database (an office's encrypted one)
    gave a traceback. Both are one line now, exit 2, the file as it was."""
    import sqlite3

    office = tmp_path / "eservice.sqlite3"
    with sqlite3.connect(office) as conn:
        conn.execute("CREATE TABLE cases (case_id TEXT)")
    sealed = tmp_path / "sealed.sqlite3"
    sealed.write_bytes(b"\x8a" * 8192)  # what an encrypted database looks like
    for path, said in ((office, "no county database"), (sealed, "not a database file")):
        assert county_main(["stats", "--db", f"sqlite:///{path}", "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err and " / " not in err, err
    assert sealed.read_bytes() == b"\x8a" * 8192
    with sqlite3.connect(office) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("cases",)]
        # its journal as its program left it (a file switched to WAL stays so for every program)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_the_county_database_is_the_servers_accounts_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The county's SQLite file holds every citizen's name, ID number and address in clear:
    SQLite made it, its -wal and -shm with the umask (0644), readable by every account on the
    machine. A new one is 0600, an older build's is brought to 0600; another program's file is
    left as it was."""
    import sqlite3

    fresh = tmp_path / "fresh" / "county.sqlite3"
    fresh.parent.mkdir()
    older = tmp_path / "older.sqlite3"
    shutil.copy(FIXTURE, older)
    older.chmod(0o644)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE cases (case_id TEXT)")
    other.chmod(0o644)
    previous = os.umask(0o022)
    try:
        assert county_main(["db", "upgrade", "--db", f"sqlite:///{fresh}"]) == 0
        engine = make_engine(f"sqlite:///{fresh}")  # the -wal and -shm while it is open
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in fresh.parent.iterdir()}
        engine.dispose()
        assert county_main(["db", "upgrade", "--db", f"sqlite:///{older}"]) == 0
        assert county_main(["stats", "--db", f"sqlite:///{other}"]) == 2
    finally:
        os.umask(previous)
    capsys.readouterr()
    assert set(modes) >= {"county.sqlite3", "county.sqlite3-wal", "county.sqlite3-shm"}
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE(older.stat().st_mode) == 0o600
    assert stat.S_IMODE(other.stat().st_mode) == 0o644


def test_a_command_during_a_push_does_not_wait_for_its_write_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema check of every command began a write transaction: on SQLite `stats` (or a
    second server starting) waited behind a push for up to the 30 s busy timeout."""
    import sqlite3
    import threading

    url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    pushing = sqlite3.connect(tmp_path / "county.sqlite3", isolation_level=None)
    pushing.execute("BEGIN IMMEDIATE")  # a push holding the write lock
    codes: list[int] = []
    stats = threading.Thread(target=lambda: codes.append(county_main(["stats", "--db", url])))
    try:
        stats.start()
        stats.join(20)
        assert codes == [0], "stats waited for the push's write lock"
    finally:
        pushing.execute("ROLLBACK")
        pushing.close()
        stats.join()
    assert "事件 0" in capsys.readouterr().out


#: A program holding an SQLite file open, idle (an older server between two requests): the
#: file in WAL as every server kept it; another process, as an older server is.
_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
print("open", flush=True)
sys.stdin.readline()
conn.close()
"""


def _held_open(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    return holder


def test_an_upgrade_under_a_server_still_running_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server of the build before left running on the same SQLite file (here: another
    process holding it open, idle) while IT upgraded: ``db upgrade``, and the new server's
    start, upgraded the schema under it. Both are refused now, exit 2, the database as it was;
    once it is closed the upgrade goes ahead, and a database already at head is not held up."""
    from eservice_desktop.county import schema_in_use

    monkeypatch.setattr(schema_in_use, "WAIT_S", 0.2)
    url = _copy_fixture(tmp_path)
    older = _held_open(tmp_path / "county.sqlite3")
    try:
        for command in (["db", "upgrade"], ["stats"]):
            assert county_main([*command, "--db", url]) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "正由其他程式開啟中" in err and "未變更" in err, err
        assert county_main(["db", "upgrade", "--db", url, "--lang", "en"]) == 2
        assert "stop every server and command using it" in capsys.readouterr().err
        engine = make_engine(url)
        assert migrate.current(engine) is None  # not upgraded under it
        engine.dispose()
    finally:
        older.communicate("\n", timeout=60)
    assert county_main(["db", "upgrade", "--db", url]) == 0
    capsys.readouterr()
    current = _held_open(tmp_path / "county.sqlite3")  # a server of this build
    try:
        assert county_main(["db", "upgrade", "--db", url]) == 0
        assert capsys.readouterr().out == f"已是最新版本 {migrate.head()}\n"
    finally:
        current.communicate("\n", timeout=60)
