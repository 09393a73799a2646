"""The copy of the office database kept before a schema upgrade (``DATA_DIR/backups``), as a
start after a killed upgrade finds it.

An upgrade is the copy, then the migrations in one transaction. Killed after the copy (the PC
switched off, the installer or the window ended), the database is still at its old revision and
the next start upgraded it again: a second full copy of the same database was written (minutes
on a large one, and its size again on the data disk, kept until IT removes it). The copy already
made is taken instead when it still holds what the database holds (:func:`kept_copy`).

Killed while copying, the upgrade left ``NAME.sqlite3.partial`` (and SQLite's
``.partial-journal`` beside it) in ``DATA_DIR/backups``; only a backup taken into that folder
removed it, so with ``backup_dir`` on another disk a database-sized unfinished copy stayed for
ever. The next upgrade removes it first (:func:`drop_unfinished`).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from eservice_desktop.storage import cipher

log = logging.getLogger("eservice.storage")

#: A table of at most this many rows is compared row by row; a larger one (events, cases, the
#: access log) by its count and its last rowid, so the comparison stays seconds on millions.
WHOLE_TABLE_ROWS = 5000


def drop_unfinished(folder: Path) -> None:
    """Removes what an upgrade's copy killed while writing left in ``folder``: the
    ``.partial`` file and SQLite's files beside it (its ``-journal``). Called under the
    database's upgrade lock, so no upgrade is writing one now."""
    if not folder.is_dir():
        return
    for p in sorted(folder.glob("*-before-*.sqlite3.partial*")):
        if p.is_file():
            p.unlink(missing_ok=True)
            log.warning("unfinished copy before an upgrade removed: %s", p.name)


def kept_copy(folder: Path, db_path: Path, head: str, key: bytes) -> Path | None:
    """The copy taken before an upgrade to ``head`` that was then killed, when it holds what
    the database holds now (every table's rows, a large one's count and last row): the one to
    keep instead of writing another. None when there is none, or the database has changed
    since (an older build ran on it meanwhile): a new copy is taken then."""
    copies = [p for p in folder.glob(f"{db_path.stem}-before-{head}-*.sqlite3") if p.is_file()]
    if not copies:
        return None
    now = _fingerprint(db_path, key)
    for copy in sorted(copies, reverse=True):  # newest first: the stamp sorts by time
        try:
            if _fingerprint(copy, key) == now:
                return copy
        except (cipher.DatabaseError, cipher.WrongKey):
            continue  # damaged, or another key's: not a copy of this database
    return None


def _fingerprint(path: Path, key: bytes) -> list[tuple[str, Any]]:
    """What ``path`` holds, table by table (read-only)."""
    conn = cipher.connect(path, key, read_only=True)
    try:
        tables = [
            (name, "WITHOUT ROWID" not in (sql or "").upper())
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        return [(name, _table(conn, name, rowid)) for name, rowid in tables]
    finally:
        conn.close()


def _table(conn: Any, name: str, rowid: bool) -> Any:
    quoted = '"' + name.replace('"', '""') + '"'
    count = conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    if count > WHOLE_TABLE_ROWS:
        last = conn.execute(f"SELECT max(rowid) FROM {quoted}").fetchone()[0] if rowid else None
        return (count, last)
    digest = hashlib.sha256()
    for row in sorted(repr(r) for r in conn.execute(f"SELECT * FROM {quoted}")):
        digest.update(row.encode("utf-8", "surrogatepass"))
    return (count, digest.hexdigest())
