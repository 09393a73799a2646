"""The county server's own database: append-only event store, routing, change feed, devices.

One schema for PostgreSQL (production) and SQLite (embedded default), under Alembic with its
own script directory and version table (county/migrate.py, migrations/county): the county
server is a separate deployable with its own tables. A change to these models comes with one
new revision file in migrations/county/versions.

Cursor allocation: the change feed's ``seq`` is the cursor. A plain sequence is not enough with
several server processes: PostgreSQL hands out sequence values at INSERT but transactions commit
in any order, so a puller could see seq 11 committed, advance its cursor past 10, and never see
10 when it commits a moment later. Every transaction that appends to the feed therefore first
takes one transaction-scoped advisory lock (:func:`lock_feed`): feed appends are serialised,
commit order equals seq order, and a cursor can only move forward over rows that are all visible.
SQLite needs no lock (its writers are serialised by ``BEGIN IMMEDIATE``; a transaction that only
reads begins deferred, :func:`reading`, and reads its snapshot while a writer works).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from eservice_desktop.county.tables import (
    AttachmentChunkRow,
    AttachmentRow,
    BigId,
    ConflictRow,
    CountyAccessRow,
    CountyBase,
    CountyCaseFactRow,
    CountyCaseLookupRow,
    CountyCaseRow,
    CountyChainHeadRow,
    CountyChainRow,
    CountyEventRow,
    CountyPaymentRefRow,
    CountyTargetRow,
    FeedRow,
    LookupLogRow,
    NotificationRow,
    RegistryRow,
    RouteRow,
)
from eservice_desktop.county.tables_credentials import (
    DeviceAuditRow,
    DeviceRow,
    EnrolCodeRow,
    KeyRow,
    OperatorRow,
    VaultRow,
)
from eservice_desktop.domain.events import Event

#: The table models live in tables.py (cases, events, feed and what travels with them) and
#: tables_credentials.py (devices, codes, keys, vault, operators); importing this module
#: registers every one of them on ``CountyBase.metadata`` (county/migrate.py). The names the
#: county imports are importable from here.
__all__ = [
    "FEED_LOCK_KEY",
    "AttachmentChunkRow",
    "AttachmentRow",
    "BigId",
    "ConflictRow",
    "CountyAccessRow",
    "CountyBase",
    "CountyCaseFactRow",
    "CountyCaseLookupRow",
    "CountyCaseRow",
    "CountyChainHeadRow",
    "CountyChainRow",
    "CountyEventRow",
    "CountyPaymentRefRow",
    "CountyTargetRow",
    "DeviceAuditRow",
    "DeviceRow",
    "EnrolCodeRow",
    "FeedRow",
    "KeyRow",
    "LookupLogRow",
    "NotificationRow",
    "OperatorRow",
    "RegistryRow",
    "RouteRow",
    "VaultRow",
    "aware",
    "create_schema",
    "event_of",
    "lock_feed",
    "make_engine",
    "published",
    "reading",
    "scrub",
    "utcnow",
]

#: Key of the advisory lock that serialises feed appends on PostgreSQL.
FEED_LOCK_KEY = 0x6573_7663  # "esvc"


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def event_of(r: CountyEventRow, prev: str | None = None, hash_: str | None = None) -> Event:
    """The domain event a stored county row holds (its chain link when given)."""
    return stored_event(
        r.event_id, r.case_id, r.type, r.office, r.device, r.clerk, r.at, r.payload, prev, hash_
    )


def stored_event(  # noqa: PLR0917 - a stored event's columns, in the table's order
    event_id: str,
    case_id: str,
    type_: str,
    office: str,
    device: str,
    clerk: str,
    at: datetime,
    payload: dict[str, Any],
    prev: str | None = None,
    hash_: str | None = None,
) -> Event:
    """The domain event of a stored event's columns (a read that selects them, not rows)."""
    return Event(
        event_id=event_id,
        case_id=case_id,
        type=type_,
        office=office,
        device=device,
        clerk=clerk,
        at=aware(at),
        payload=dict(payload),
        prev=prev,
        hash=hash_,
    )


#: The tables an SQLite file holds.
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"


def is_county_or_new(names: list[str]) -> bool:
    """An SQLite file with no table yet, or with the county's (``county_*``), by its tables'
    ``names``: anything else is another program's, never changed."""
    return not names or any(n.startswith("county_") for n in names)


def sqlite_file(url: str) -> str | None:
    """The file of an SQLite URL; None for a database in memory or a URI one."""
    path = make_url(url).database or ""
    if os.name != "posix" or path in ("", ":memory:") or path.startswith("file:"):
        return None
    return path


def _new_owner_only(path: str | None) -> None:
    """A county's SQLite file made 0600 before SQLite opens it (its -wal and -shm take the
    file's mode): it holds every citizen's name, ID number, mobile and address in clear, and
    SQLite made it with the umask (0644), readable by every account on the county's machine,
    while the county's backups were 0600."""
    if (
        path is not None
        and not os.path.exists(path)
        and os.path.isdir(os.path.dirname(path) or ".")
    ):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _owner_only(path: str | None) -> None:
    """The county's SQLite file an older build made with the umask brought to 0600, with its
    -wal and -shm, by their owner (another account's, or another program's file, is left)."""
    for name in (path, f"{path}-wal", f"{path}-shm") if path is not None else ():
        try:
            st = os.stat(name)
            if stat.S_IMODE(st.st_mode) & 0o077 and st.st_uid == os.geteuid():
                os.chmod(name, 0o600)
        except OSError:  # not there, or not this account's to change
            continue


def make_engine(url: str) -> Engine:
    """SQLite: WAL, durable commits, writers queue at BEGIN. PostgreSQL: a pre-pinged pool.
    Either way its errors never hold the bound values (personal data: ``hide_parameters``)."""
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        _new_owner_only(path)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if is_county_or_new([row[0] for row in cur.execute(_TABLES)]):
                # another program's file, refused at the schema check, keeps its journal
                cur.execute("PRAGMA journal_mode=WAL")
                _owner_only(path)
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            # A writer's dirty pages may grow to 16,384 pages (64 MiB) before SQLite spills
            # them: a push of a thousand events dirties more than the default 2 MiB cache of
            # table and index pages, which then spilled into the WAL before the commit and
            # were read back. Only the dirty pages of a write grow past the cache: clean
            # pages are still recycled at the default size, so the pool's readers (up to 15
            # connections) keep 2 MiB each instead of 64
            cur.execute("PRAGMA cache_spill=16384")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            read = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )


#: The execution option of a transaction that only reads (:func:`reading`).
READ_ONLY = "eservice_read_only"


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that only reads. On SQLite it begins deferred: it reads its snapshot of
    the WAL while a writer works. Every transaction began ``BEGIN IMMEDIATE`` (a writer's, so
    that two writers queue instead of one failing at its first write), so an office's
    authentication, a pull or the keys waited behind another office's push of thousands of
    events. Nothing may be written in it (a write after a commit elsewhere fails at once)."""
    with sessions() as s, s.begin():
        s.connection(execution_options={READ_ONLY: True})
        yield s


def create_schema(engine: Engine) -> None:
    """Brings the county schema to this build's head with Alembic (county/migrate.py): creates
    a new database, adopts one created before the schema was under Alembic, and is safe when
    several processes start at once on PostgreSQL."""
    from eservice_desktop.county import migrate

    if migrate.is_current(engine):  # read without the write lock: a push may be under way
        return
    migrate.upgrade(engine)


def scrub(engine: Engine) -> None:
    """Rewrites the database file so no freed page keeps an overwritten secret (after keys
    stored in clear by an older build were sealed, or the look-up log's unkeyed hashes were
    keyed). SQLite: VACUUM and an emptied WAL; PostgreSQL: VACUUM FULL of those tables (old
    row versions)."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # autocommit (VACUUM cannot run in a transaction)
        try:
            cur = raw.cursor()
            checkpoint = "PRAGMA wal_checkpoint(TRUNCATE)"
            for sql in (checkpoint, "VACUUM", checkpoint):
                cur.execute(sql)
            cur.close()
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM FULL county_keys, county_lookup_log"))


def published(kind: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The conditions of the feed rows of reference data of ``kind`` published to every office
    (``office`` NULL, as ``publish`` writes a catalogue or calendar): the (office, seq) index
    finds them without reading the events' rows (``kind`` alone reads the whole feed, which
    every pushed event grows: 23 ms a push at 100,000 rows)."""
    return FeedRow.office.is_(None), FeedRow.kind == kind


def lock_feed(session: Session) -> None:
    """Serialises feed appends until the transaction ends (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})
