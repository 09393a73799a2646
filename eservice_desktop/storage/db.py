"""Engine setup and the automatic schema upgrade.

SQLite runs in WAL mode with ``synchronous=FULL``: a committed case survives power loss (WAL with
NORMAL could lose the last transactions). Before an upgrade the database file is copied aside with
SQLite's online backup API, so a failed migration never leaves the office without its data. A
database written by a newer build is refused with a message IT can act on.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("eservice.storage")

ROOT = Path(__file__).resolve().parents[2]


class DatabaseTooNew(RuntimeError):
    """The database was upgraded by a newer build; this build must not touch it."""


def migrations_dir() -> Path:
    """Migrations ship next to the package (source tree) or inside the frozen bundle."""
    import sys

    candidates = [ROOT / "migrations", Path(getattr(sys, "_MEIPASS", ROOT)) / "migrations"]
    for c in candidates:
        if (c / "env.py").exists():
            return c
    raise FileNotFoundError("migrations directory not found")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


#: Connection execution option marking a read-only transaction (see make_engine).
READ_ONLY_OPTION = "eservice_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)

        # Take the write lock at BEGIN so concurrent writers queue instead of failing on upgrade.
        # Read-only sessions (App.reading) begin deferred: WAL readers never block each other
        # or the writer, and must not queue behind the write lock.
        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


#: The newest revision under migrations/versions, known without loading Alembic (a unit test
#: compares it with the migrations directory, so a new revision must update it).
HEAD_REVISION = "0010"


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at :data:`HEAD_REVISION`: one plain SELECT, so a start on a
    current database never imports Alembic (a cold-start cost of about a second)."""
    try:
        with engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except exc.DBAPIError:  # no version table yet: a new database
        return False
    return [r[0] for r in rows] == [HEAD_REVISION]


def backup_sqlite(db_path: Path, backup_dir: Path, label: str) -> Path:
    """Copies a live SQLite database consistently (online backup API, WAL included)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{db_path.stem}-{label}-{stamp}.sqlite3"
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine, url: str, db_path: Path | None = None) -> str | None:
    """Brings the schema to this build's head; returns the backup path when one was taken."""
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return None
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseTooNew(
            f"資料庫版本 {current} 比本程式新，請升級 eservice-desktop 後再開啟。"
            f" / The database (revision {current}) was written by a newer eservice-desktop;"
            " install that version or newer."
        )
    backup = None
    if db_path is not None and db_path.exists() and current is not None:
        backup = backup_sqlite(db_path, db_path.parent / "backups", f"before-{head}")
        log.info("database backed up before upgrade to %s: %s", head, backup.name)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database upgraded from %s to %s", current, head)
    return str(backup) if backup else None
