"""The county database's schema under Alembic: its own script directory (migrations/county) and
version table (``county_alembic_version``), apart from the office database's migrations.

``upgrade`` runs on every start of the server (and of the IT commands). A county database made
before the schema was under Alembic has no version table: the baseline revision (0001) creates
only the tables it lacks and carries the old fix-ups, so such a database is adopted in place,
its rows untouched. On PostgreSQL one advisory lock serialises servers starting at once.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("eservice.county")

VERSION_TABLE = "county_alembic_version"

#: Key of the advisory lock held while the schema is upgraded on PostgreSQL.
SCHEMA_LOCK_KEY = 0x6573_7663 + 1

_ROOT = Path(__file__).resolve().parents[2]


class CountyDatabaseTooNew(RuntimeError):
    """The county database was upgraded by a newer build; this build must not touch it."""

    def __init__(self, revision: str) -> None:
        self.message_zh = f"縣府資料庫版本 {revision} 比本程式新，請升級伺服器後再啟動"
        self.message_en = (
            f"The county database (revision {revision}) was written by a newer "
            "eservice-county-server; install that version or newer"
        )
        super().__init__(self.message_en)


class NotACountyDatabase(RuntimeError):
    """An SQLite file holding tables, none of them the county's (an office's database, another
    program's): the county's tables were added to it."""

    def __init__(self) -> None:
        self.message_zh = (
            "--db 指定的 SQLite 資料庫不是縣府資料庫（內有其他程式的資料表），未做任何變更"
        )
        self.message_en = (
            "The SQLite database --db names is no county database (it holds another "
            "program's tables); nothing was changed"
        )
        super().__init__(self.message_en)


def script_location() -> Path:
    """migrations/county next to the package (source tree) or inside a frozen bundle."""
    for base in (_ROOT, Path(getattr(sys, "_MEIPASS", _ROOT))):
        candidate = base / "migrations" / "county"
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("migrations/county not found")


def metadata() -> MetaData:
    """Every county table: the models of store.py and the modules that add their own."""
    from eservice_desktop.county import channel_requests, channels  # noqa: F401  (their tables)
    from eservice_desktop.county.store import CountyBase

    return CountyBase.metadata


def alembic_config(url: str = "sqlite://") -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty or a pre-Alembic database."""
    with engine.connect() as conn:
        return _current_on(conn)


def is_current(engine: Engine) -> bool:
    """The database is at this build's head, read in a transaction that only reads: on SQLite
    the check no longer takes the write lock, and a command started during a push (`stats`,
    `devices`, a second server) no longer waits behind it, up to the busy timeout."""
    from eservice_desktop.county.store import READ_ONLY

    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        return _current_on(conn) == head()


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Brings the county schema to ``target`` (default this build's head); returns (from, to).
    Raises CountyDatabaseTooNew when the database is at a revision this build does not know,
    ``schema_in_use.CountyDatabaseInUse`` when another program has its SQLite file open."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from eservice_desktop.county import schema_in_use

    if not is_current(engine):
        schema_in_use.refuse_if_served_elsewhere(engine, lambda: not is_current(engine))
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    script = ScriptDirectory.from_config(cfg)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
        was = _current_on(conn)
        if was is not None and was not in {r.revision for r in script.walk_revisions()}:
            raise CountyDatabaseTooNew(was)
        if was is None and engine.dialect.name == "sqlite":
            _refuse_a_stranger(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
        now = _current_on(conn)
    assert now is not None
    if was != now:
        log.info("county database upgraded from %s to %s", was or "(none)", now)
    return was, now


def _refuse_a_stranger(conn: Connection) -> None:
    """NotACountyDatabase for an SQLite file with tables and none of the county's (a county
    database made before Alembic has them: it is adopted)."""
    from eservice_desktop.county.store import is_county_or_new

    if not is_county_or_new(inspect(conn).get_table_names()):
        raise NotACountyDatabase


def _current_on(conn: object) -> str | None:
    from alembic.runtime.migration import MigrationContext

    ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})  # type: ignore[arg-type]
    return ctx.get_current_revision()
