"""A restored database writes nothing of its own until the county gave back what it lacks.

A backup is older than the database it replaces: the case numbers, receipt numbers and the
links of this device's hash chain issued after it are unknown to it. ``sync recover`` pulls
this device's own events back from the county and moves the counters past them. Before, a
restore whose ``sync recover`` did not run (the county unreachable at that moment, which a
restore lets stand, or the PC switched off between the switch and the recovery) left the
counter taking in cases at once: the next intake took a case number the county already held
and its payment a receipt number already printed for another citizen (two legal receipts
with one number), and every event after it was refused by the county as a broken chain.

So the copy that is switched in carries a mark (``sync_state`` :data:`PENDING`), written into
it before the switch, so no crash can leave a restored database without it. While it is
there, :func:`check` refuses every write of this device (``restore.recover_pending``, nothing
written, the clerk told to call IT); the recovery (``services/sync/recovery.py``) clears it
in its last transaction, and the next sync round of the window or the service runs the
recovery by itself once the county answers. A backup of a device never enrolled, replacing a
database never enrolled either, has nothing at the county to take back: it is not marked.

A backup taken before the device's enrolment (a counter set up and taking cases while its
link was not yet there, then enrolled: its first sync pushed every case) replacing the
enrolled database was not marked either, since the backup itself had no enrolment: the
counter took in at once a case number and a receipt number the county already held, chained
to a head the county knew to be longer, and its credential was lost with the copy's missing
installation id (every round refused: 401). The enrolment is the device's, not the copy's: the
replaced database's is carried into the copy, which is marked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App
from eservice_desktop.storage import cipher
from eservice_desktop.storage.models_sync import SyncStateRow

__all__ = ["PENDING", "check", "clear", "mark_copy", "pending", "refusal", "waiting"]

#: ``sync_state`` name of the mark: the restored file's name and when it was switched in.
PENDING: Final = "restore_recover_pending"


#: What makes a database this device's at the county: its enrolment, and the data directory's
#: own id that names its credential in the keyring (services/sync/credentials.py).
DEVICE_ROWS: Final = ("enrolled", "installation_id")


def _enrolment(db: Path | None, key: bytes | None) -> list[tuple[str, str, str]]:
    """The :data:`DEVICE_ROWS` (name, value, updated_at) of the database ``db`` replaces: none
    when it was never enrolled or does not open (the restore goes on without them)."""
    if db is None or not db.exists() or db.stat().st_size == 0:
        return []
    try:
        conn = cipher.connect(db, key, read_only=True)
    except (cipher.DatabaseError, cipher.WrongKey, OSError):
        return []
    try:
        rows = conn.execute(
            "SELECT name, value, updated_at FROM sync_state WHERE name IN (?, ?)", DEVICE_ROWS
        ).fetchall()
    except cipher.DatabaseError:
        return []
    finally:
        conn.close()
    named = {str(r[0]): (str(r[0]), str(r[1]), str(r[2])) for r in rows}
    return list(named.values()) if "enrolled" in named else []


def mark_copy(
    copy: Path, key: bytes | None, restored_from: str, replaced: Path | None = None
) -> bool:
    """Marks the copy about to be switched in (a raw connection: its schema may be older than
    this build's) when it or the database it ``replaced`` belongs to an enrolled device (the
    latter's enrolment and credential's name carried into a copy without them); returns
    whether it did. The copy is checkpointed and synced so the mark is in its one file, no
    ``-wal`` beside it."""
    conn = cipher.connect(copy, key)
    try:
        enrolled = conn.execute("SELECT 1 FROM sync_state WHERE name = 'enrolled'").fetchone()
        carried = [] if enrolled is not None else _enrolment(replaced, key)
        if enrolled is None and not carried:
            return False
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")  # as SQLAlchemy writes
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO sync_state (name, value, updated_at) VALUES (?, ?, ?)",
                (PENDING, restored_from, now),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO sync_state (name, value, updated_at) VALUES (?, ?, ?)",
                carried,
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    cipher.fsync_path(copy)
    return True


def pending(session: Session) -> bool:
    """Whether this database was restored and has not yet been recovered from the county."""
    return session.get(SyncStateRow, PENDING) is not None


def waiting(app: App) -> bool:
    """:func:`pending`, read on its own: the window asks it after every sync round (off its UI
    thread) to say a recovery is waiting, and that it is done, where the status bar said only
    離線 and the intake form kept its refusal after the round had recovered the counter."""
    with app.reading() as s:
        return pending(s)


def clear(session: Session) -> None:
    """The recovery is done: this device's numbers and chain are the county's again."""
    row = session.get(SyncStateRow, PENDING)
    if row is not None:
        session.delete(row)


def check(session: Session, origin: str = "local") -> None:
    """Refuses (``restore.recover_pending``) a write of this device's own while the restored
    database waits for ``sync recover``; pulled events and the recovery itself go through."""
    if origin != "local" or not pending(session):
        return
    raise refusal()


def refusal() -> DomainError:
    """The refusal :func:`check` raises (``restore.recover_pending``): the window tells a page
    still showing it from another refusal once the recovery is done (gui/restore_refusals.py)."""
    return DomainError(
        "restore.recover_pending",
        "本機資料庫剛由備份還原，尚未自縣府取回備份之後的資料（sync recover）：為免案號與收據"
        "號碼重複，本次未儲存。連線縣府後同步會自動取回；請通知資訊人員確認連線，或執行 "
        "eservice-desktop sync recover",
        "This PC's database was restored from a backup and has not yet got back from the "
        "county what came after it (sync recover): nothing was saved, so that no case or "
        "receipt number is issued twice. The next sync with the county gets it back by "
        "itself; ask IT to check the county link, or to run eservice-desktop sync recover",
    )
