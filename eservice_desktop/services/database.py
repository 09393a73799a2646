"""IT's database chores: the schema version, the upgrade (after a backup), the key's custody.

These act on the database file before (or instead of) opening the application core, so they
take the settings, not an :class:`~eservice_desktop.services.core.App`. SQLAlchemy (``storage.db``)
is imported by the chores that need it: every command imports :data:`KEY_ERRORS`, the window's
start included, which opens the login screen before it opens the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.storage import cipher, dbkey

if TYPE_CHECKING:
    from eservice_desktop.services.core import App

#: The database key is missing or does not open the database: IT's to fix (docs/it-guide.md).
KEY_ERRORS: tuple[type[Exception], ...] = (dbkey.KeyUnavailable, cipher.WrongKey)
#: Any error of the SQLCipher driver met outside SQLAlchemy (a raw connection's: a backup, a
#: demo seed put back); not a subclass of the standard ``sqlite3.Error``.
CIPHER_ERROR: type[Exception] = cipher.DriverError


def too_new(error: BaseException) -> DomainError | None:
    """The refusal of a database written by a newer build (``storage.db.DatabaseTooNew``,
    imported only on this error path), or of an upgrade while another program holds the
    database open (``storage.in_use.DatabaseInUse``), or None for any other error."""
    from eservice_desktop.storage import db, in_use

    if isinstance(error, in_use.DatabaseInUse):
        return bilingual("database.in_use", error, "database")
    if not isinstance(error, db.DatabaseTooNew):
        return None
    return bilingual("database.too_new", error, "database")


def bilingual(code: str, error: BaseException, field: str | None = None) -> DomainError:
    """A storage error worded "zh / en" (the key's and the schema's) as a refusal."""
    zh, _, en = str(error).partition(" / ")
    return DomainError(code, zh.strip(), (en or zh).strip(), field)


def present(settings: Settings) -> bool:
    """The database file is there and holds something. A file of zero bytes is no database:
    what a PC switched off while the file was made, a failed copy or a wiped disk leaves.
    Opened, SQLite would start an empty database in its place (a lost one, like a missing
    file, is restored from a backup)."""
    try:
        return settings.db_path.stat().st_size > 0
    except OSError:
        return False


def upgrade(settings: Settings, on_start: Callable[[], None] | None = None) -> dict[str, Any]:
    """Brings the schema to this build's head, after a backup copy; says what it did.
    ``on_start``: called when an existing database is about to be backed up and upgraded, or
    a plain one encrypted; once."""
    from eservice_desktop.storage import db

    on_start = db.once(on_start)
    engine, key = db.open_office_engine(settings, on_convert=on_start)
    try:
        before = db.current_revision(engine)
        backup = db.upgrade(engine, settings.db_url, settings.db_path, key, on_start=on_start)
        after = db.current_revision(engine)
    finally:
        engine.dispose()
    return {
        "before": before,
        "after": after,
        "head": db.head_revision(),
        "backup": backup,
        "database": str(settings.db_path),
    }


def current(settings: Settings) -> dict[str, Any]:
    """The schema version of the database file (none yet: ``current`` is None)."""
    from eservice_desktop.storage import db

    exists = settings.db_path.exists()
    revision = None
    if exists:
        engine, _key = db.open_office_engine(settings)
        try:
            revision = db.current_revision(engine)
        finally:
            engine.dispose()
    head = db.head_revision()
    return {
        "current": revision,
        "head": head,
        "up_to_date": revision == head,
        "database": str(settings.db_path),
        "exists": exists,
    }


def export_key(settings: Settings) -> str:
    """The database key as 64 hex characters, for sealed safekeeping."""
    return dbkey.database_key(settings, create=False).hex()


def export_key_recorded(app: App) -> str:
    """The key for escrow, asked by an ``it`` session (``db_admin``) and recorded in the access
    log (an export, detail ``database key``) before it is shown: whoever holds it and a backup
    reads every personal datum, and the session the command asked for named nobody afterwards
    (no record, no log line)."""
    from eservice_desktop.domain.operators import Action
    from eservice_desktop.services import access
    from eservice_desktop.services.operators import require

    require(app, Action.DB_ADMIN)
    key = export_key(app.settings)
    access.record(app, access.EXPORT, detail="database key")
    return key


def import_key(settings: Settings, text: str) -> dict[str, Any]:
    """Stores a kept key on this machine, only if it opens the database here and no other key
    is held already."""
    try:
        key = dbkey._parse(text.removeprefix("\ufeff"))  # a BOM on standard input too
    except dbkey.KeyUnavailable as e:
        zh, _, en = str(e).partition(" / ")
        raise DomainError("key.format", zh, en, "file") from e
    path = settings.db_path
    if path.exists() and path.stat().st_size > 0 and not cipher.is_plain(path):
        try:
            cipher.connect(path, key, read_only=True).close()
        except cipher.WrongKey as e:
            raise DomainError(
                "key.wrong",
                "此金鑰無法開啟本機資料庫，未匯入",
                "This key does not open this database; nothing imported",
                "file",
            ) from e
    held = dbkey.read_key(settings)
    if held is not None and held != key:
        raise DomainError(
            "key.exists",
            "本機已有不同的金鑰，未匯入（請先移除原金鑰檔）",
            "This machine already holds a different key; nothing imported",
            "file",
        )
    dbkey.store_key(settings, key)
    return {"ok": True, "store": dbkey.store_kind(settings)}


#: SQLite's page caches of the counter window's process, every connection together (bytes).
#: The window reads a page or two per keystroke of a search and a screenful per list; what it
#: reads again soon (the indexes' upper levels) fits here. A larger budget only grows over an
#: hour of random searches: 80 MiB held at 1,000,000 cases (make bench, bench_memory). At
#: 1,000,000 cases 12 MiB against 16 took 6 MiB off the peak after the scripted hour (195
#: against 201) with searches and queue tabs no slower (the file's pages stay in the OS cache).
WINDOW_SQLITE_HEAP = 12 * 1024 * 1024


def limit_page_caches(limit: int = WINDOW_SQLITE_HEAP) -> None:
    """Keeps SQLite's page caches of this process within ``limit`` bytes (soft: SQLite recycles
    its least recently used pages beyond it), for connections open now and opened later."""
    cipher.limit_process_heap(limit)


def check_counter(settings: Settings) -> None:
    """Refuses settings naming another counter than the one whose events the database holds
    (``db.device_identity``, the refusal every command and the window would then give): read
    only, before ``setup`` writes them. A database that does not open says nothing here."""
    if not present(settings):
        return
    from eservice_desktop.services.core import device_identity_error
    from eservice_desktop.storage import db

    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            heads = conn.execute("SELECT office, device FROM event_chain_heads").fetchall()
        finally:
            conn.close()
    except (cipher.DatabaseError, RuntimeError, OSError):  # no key, damaged, older schema
        return
    chained = [(str(o), str(d)) for o, d in heads]
    if chained and (settings.office_code, settings.device_id) not in chained:
        raise device_identity_error(chained, (settings.office_code, settings.device_id))
