"""Engine setup and the automatic schema upgrade.

The office database is encrypted with SQLCipher (storage/cipher.py) under a key the OS holds
(storage/dbkey.py); ``open_office_engine`` is the one way in for every face (GUI, CLI, sync
service, Alembic, backups, benchmarks, tests): it finds the key, converts a plain database in
place on first open, and returns an engine whose every connection is keyed.

SQLite runs in WAL mode with ``synchronous=FULL``: a committed case survives power loss (WAL with
NORMAL could lose the last transactions). Before an upgrade the database file is copied aside with
SQLite's online backup API, so a failed migration never leaves the office without its data. A
database written by a newer build is refused with a message IT can act on.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.config import Settings
from eservice_desktop.storage import cipher, dbkey, disk_full, in_use, revision, upgrade_copy

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
    # Up to 256 MiB of page cache per connection (SQLite's default is 2 MiB; it grows only as
    # pages are read): with SQLCipher a page taken from the OS cache is decrypted again on every
    # read, so the search indexes stay decrypted here. make bench (bench_crypt): 64 MiB left the
    # search p95 at 1.7x plain, 256 MiB within 1.3x.
    cur.execute("PRAGMA cache_size=-262144")
    # ... but all connections of the process together keep at most SQLITE_HEAP_LIMIT of heap
    # (or what the process chose, cipher.limit_process_heap: the counter window keeps less):
    # beyond it SQLite recycles the least recently used cache pages (process-wide, soft), so a
    # worker pool of connections cannot hold a quarter GiB each (make bench, bench_memory).
    cur.execute(f"PRAGMA soft_heap_limit={cipher.heap_limit()}")
    cur.close()


#: Connection execution option marking a read-only transaction (see make_engine).
READ_ONLY_OPTION = "eservice_read_only"


def make_engine(url: str, key: bytes | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url``; with ``key`` (SQLite files only) every connection is SQLCipher's,
    keyed before anything else runs on it. Its errors never hold the bound values (an
    applicant's name, ID number, address: ``hide_parameters``), so no log or message that
    shows a database error carries them."""
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        if key is not None:
            # The pysqlite dialect over the sqlcipher3 module (what ``sqlite+pysqlcipher`` uses,
            # without its passphrase-in-URL and one-connection-per-thread pool).
            import sqlcipher3.dbapi2

            kwargs["module"] = sqlcipher3.dbapi2

            def _key(dbapi_conn: Any, _record: Any) -> None:
                cipher.apply_key(dbapi_conn, key)

            # Last returned, first lent (LIFO): one thread after the other (the window's
            # database writer) gets the same connection and its warm page cache, instead of
            # rotating through the pool, each cache re-read after another connection's write.
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, pool_use_lifo=True, **kwargs
            )
            event.listen(engine, "connect", _key, insert=True)
        else:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, pool_use_lifo=True, **kwargs
            )
        database = engine.url.database
        path = Path(database) if database and database != ":memory:" else None

        def _pragmas(dbapi_conn: Any, record: Any) -> None:
            try:  # the first statements that read the file
                _sqlite_pragmas(dbapi_conn, record)
            except Exception as e:  # the driver's error, sqlite3's or SQLCipher's
                if path is not None:  # "disk I/O error": no room for the -shm file
                    disk_full.raise_if_full(e, path)
                raise

        event.listen(engine, "connect", _pragmas)

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


#: Where a session keeps the (office, counter) its database belongs to (``Session.info``).
COUNTER_INFO = "counter"


def session_factory(
    engine: Engine, counter: tuple[str, str] | None = None
) -> sessionmaker[Session]:
    """Sessions over ``engine``, each knowing the ``counter`` (office, device) the database
    belongs to, for the queries that take this counter's rows only (the sync outbox)."""
    return sessionmaker(engine, expire_on_commit=False, info={COUNTER_INFO: counter})


def counter_of(session: Session) -> tuple[str, str]:
    """The office and counter the session's database belongs to (:func:`session_factory`)."""
    counter = session.info.get(COUNTER_INFO)
    if counter is None:
        raise RuntimeError("the session was made without its counter")
    office, device = counter
    return str(office), str(device)


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


#: The newest revision under migrations/versions (``storage/revision.py``).
HEAD_REVISION = revision.HEAD_REVISION


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at :data:`HEAD_REVISION`: one plain SELECT, so a start on a
    current database never imports Alembic (a cold-start cost of about a second)."""
    try:
        with engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except exc.DBAPIError:  # no version table yet: a new database
        return False
    return [r[0] for r in rows] == [HEAD_REVISION]


def office_key(settings: Settings) -> bytes:
    """The key of this office database: made on first use, refused when the database is
    encrypted and the key is missing (dbkey.KeyUnavailable)."""
    path = settings.db_path
    exists = path.exists() and path.stat().st_size > 0
    return dbkey.database_key(settings, create=not exists or cipher.is_plain(path))


def once(fn: Callable[[], None] | None) -> Callable[[], None] | None:
    """``fn`` called the first time only: the notice of a database being converted and then
    upgraded is said once, not once per step."""
    if fn is None:
        return None
    done: list[bool] = []

    def call() -> None:
        if not done:
            done.append(True)
            fn()

    return call


def open_office_engine(
    settings: Settings,
    *,
    key: bytes | None = None,
    on_convert: Callable[[], None] | None = None,
    **kwargs: Any,
) -> tuple[Engine, bytes]:
    """The keyed engine of the office database (a plain database is encrypted in place first).
    ``key``: the stored key when the caller has just read it and opened the database with it
    (the window's first list). ``on_convert``: called before a plain database (of a build
    before encryption) is encrypted, so a face can say why it waits: the whole file is
    rewritten, as long as the copy before an upgrade, and the window sat silent through it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = key or office_key(settings)
    if cipher.is_plain(settings.db_path):
        if on_convert is not None:
            on_convert()
        cipher.encrypt_in_place(settings.db_path, key)
        log.info("database converted to an encrypted database")
    for old in sorted((settings.data_dir / "backups").glob("*.sqlite3")):
        # Copies taken before an upgrade by older builds were plain: encrypt them as well.
        if cipher.is_plain(old):
            cipher.encrypt_in_place(old, key)
    if not settings.db_path.exists():
        # Made here with its final mode: SQLite gives the -wal and -shm files the same one.
        os.close(os.open(settings.db_path, os.O_CREAT | os.O_WRONLY, 0o600))
    restrict_permissions(settings.db_path)
    dbkey.restrict_key_file(settings)
    return make_engine(settings.db_url, key=key, **kwargs), key


def restrict_permissions(path: Path) -> None:
    """Database files readable by their owner only, unless IT shares the data directory with a
    group (the .deb's setgid 2770 directory): then the group keeps its access, others none."""
    if os.name != "posix":
        return
    shared = bool(stat.S_IMODE(path.parent.stat().st_mode) & stat.S_ISGID)
    mode = 0o660 if shared else 0o600
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists() and stat.S_IMODE(p.stat().st_mode) != mode:
            try:
                os.chmod(p, mode)
            except PermissionError:  # another account's file: its owner sets the mode
                log.warning("cannot set the mode of %s (owned by another account)", p.name)


def backup_sqlite(db_path: Path, backup_dir: Path, label: str, key: bytes) -> Path:
    """Copies the live encrypted database consistently (online backup API, WAL included)."""
    cipher.private_dir(backup_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{db_path.stem}-{label}-{stamp}.sqlite3"
    cipher.backup_to(db_path, target, key)
    return target


def upgrade(
    engine: Engine,
    url: str,
    db_path: Path | None = None,
    key: bytes | None = None,
    on_start: Callable[[], None] | None = None,
) -> str | None:
    """Brings the schema to this build's head; returns the backup path when one was taken.
    ``on_start``: called when an existing database is about to be backed up and upgraded (not
    for a new one), so a face can say why it waits: a copy of the database and the
    migrations, minutes for a large one (6.6 million events: the copy 2-3 minutes, migration
    0019 under a minute).
    One upgrade of a database file at a time (the installer's ``db upgrade``, the window and
    the service opening it): two read the old revision, both backed it up under the one
    name, and one ended with "cannot access …before-REV….sqlite3.partial" (exit 2) while the
    other upgraded. The next one finds the revision current and does nothing.
    An existing database another program holds open (a window of the build before, left
    running) is not upgraded: ``storage.in_use.DatabaseInUse``."""
    if db_path is None:
        return _upgrade(engine, url, db_path, key, on_start)
    engine.dispose()  # none of its connections held open while it waits its turn (in_use.py)
    with cipher.file_lock(db_path):
        return _upgrade(engine, url, db_path, key, on_start)


def _upgrade(
    engine: Engine,
    url: str,
    db_path: Path | None,
    key: bytes | None,
    on_start: Callable[[], None] | None = None,
) -> str | None:
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
    if current is not None and db_path is not None and db_path.exists():
        engine.dispose()  # this program's own connections closed: only others' are counted
        in_use.refuse_if_open_elsewhere(db_path, key)
    if current is not None and on_start is not None:
        on_start()
    backup = None
    if db_path is not None and key is not None and db_path.exists() and current is not None:
        backup = _copy_before(db_path, str(head), key)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        cfg.attributes["key"] = key  # a revision sealing files again (0023) needs it
        command.upgrade(cfg, "head")
    log.info("database upgraded from %s to %s", current, head)
    return str(backup) if backup else None


def _copy_before(db_path: Path, head: str, key: bytes) -> Path:
    """The copy of the database kept before its upgrade to ``head``: what an earlier upgrade
    killed while copying left is removed first, and the copy an upgrade killed after it made
    it is taken again while it holds what the database holds (``storage/upgrade_copy.py``)."""
    folder = db_path.parent / "backups"
    upgrade_copy.drop_unfinished(folder)
    kept = upgrade_copy.kept_copy(folder, db_path, head, key)
    if kept is not None:
        log.info("copy kept before an interrupted upgrade to %s taken: %s", head, kept.name)
        return kept
    backup = backup_sqlite(db_path, folder, f"before-{head}", key)
    log.info("database backed up before upgrade to %s: %s", head, backup.name)
    return backup


def raw_connect(settings: Settings, read_only: bool = False) -> Any:
    """A DB-API connection to the office database with its key (doctor, tools, tests)."""
    key = dbkey.database_key(settings, create=False)
    return cipher.connect(settings.db_path, key, read_only=read_only)
