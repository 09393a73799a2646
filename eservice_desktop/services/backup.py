"""Backups of the office database: consistent, encrypted, scheduled, verified, restorable.

- A backup is SQLite's online backup API run on the live encrypted database into a new file
  encrypted with the same key (``storage/cipher.backup_to``): consistent while clerks work, and
  a copied backup disk holds nothing readable. Files are named
  ``eservice-<office>-<device>-<label>-<UTC stamp>.sqlite3`` in ``backup_dir`` (a USB disk or a
  network share; default ``DATA_DIR/backups``), mode 0600.
- Taken every ``backup_interval_h`` hours during office hours (by the sync loop of the service
  or of the window, whichever runs) and at the daily closing; kept: everything of the last 48
  hours, then the newest of each day for ``backup_keep_days`` days.
- ``verify`` opens a copy of the backup (the backup itself is never written), checks SQLite's
  integrity, every device's event hash chain (services/audit.py, on the copy upgraded first
  when it is older) and that every case's projection equals the one rebuilt from its events.
- ``restore`` verifies first (every check of ``verify``: a damaged, empty, foreign, tampered or
  newer backup, or one of another counter, is refused with nothing changed), keeps the
  current database aside, switches files atomically; the caller then runs ``sync recover``
  (``after_restore``) which pulls this device's acknowledged events back from the county and
  says what could not come back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from eservice_desktop.config import Settings
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import backup_files as _files
from eservice_desktop.services import backup_verify as _verify
from eservice_desktop.services import restore_guard
from eservice_desktop.services.backup_files import (
    KEEP_ALL_HOURS,
    LABELS,
    NAME,
    BackupInfo,
    backup_dir,
    backup_error,
    copy_in,
    list_backups,
    made_backup_dir,
    one_restore,
    parse_name,
    prune,
    write_backup,
)
from eservice_desktop.services.backup_verify import findings, newest_good, verify
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import cipher, db, dbkey, repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import CaseRow, EventRow

#: The files and their retention live in backup_files, verifying in backup_verify; every
#: name is importable from here.
__all__ = [
    "KEEP_ALL_HOURS",
    "LABELS",
    "NAME",
    "RESTORE_STEPS",
    "TAIPEI",
    "BackupInfo",
    "after_restore",
    "backup_dir",
    "backup_error",
    "due",
    "findings",
    "finish_restore",
    "list_backups",
    "newest_good",
    "parse_name",
    "preview",
    "prune",
    "recover_after_restore",
    "restore",
    "restore_in_place",
    "take",
    "take_scheduled",
    "verify",
    "with_scheduled_backups",
]

log = logging.getLogger("eservice.backup")


T = TypeVar("T")


def take(app: App, label: str = "manual") -> BackupInfo:
    """One consistent, encrypted backup now, asked for by an operator; old ones pruned
    afterwards."""
    require(app, Action.BACKUP)
    return take_scheduled(app, label)


def take_scheduled(app: App, label: str) -> BackupInfo:
    """The same backup taken on schedule (hourly by the sync loop, at the daily closing): the
    device's own work, so no operator's role is asked for."""
    if label not in LABELS:
        raise ValueError(f"unknown backup label {label!r}")
    folder = made_backup_dir(app.settings)
    now = app.now()
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    s = app.settings
    target = folder / f"eservice-{s.office_code}-{s.device_id}-{label}-{stamp}.sqlite3"
    write_backup(s.db_path, target, app.db_key)
    info = parse_name(target)
    assert info is not None
    log.info("backup taken: %s (%d bytes)", target.name, info.size)
    prune(app.settings, now)
    return info


def due(app: App) -> bool:
    """An hourly backup is due: office hours on this (Taipei) day and the interval passed
    since the newest backup taken before now. One stamped later (taken while the PC's clock
    ran ahead, or a file so named) had postponed every scheduled backup until its time."""
    now = app.now()
    local = now.astimezone(TAIPEI)
    hours = app.hours
    if not (hours.opens <= local.time() <= hours.closes):
        return False
    taken = [b for b in list_backups(app.settings) if b.taken_at <= now]
    if not taken:
        return True
    return now - taken[0].taken_at >= timedelta(hours=app.settings.backup_interval_h)


RETRY_AFTER = timedelta(minutes=10)  # a scheduled backup that failed is not tried before


def with_scheduled_backups(app: App, round_fn: Callable[[], T]) -> Callable[[], T]:
    """Wraps a sync round so that its loop (service or window) also takes the hourly backup; a
    failed one is logged with its reason, never stops the sync, and waits :data:`RETRY_AFTER`:
    it was tried at every round (5 s), each try on a full disk writing a database-sized copy."""
    failed: list[datetime] = []

    def round_and_backup() -> T:
        try:
            waited = app.now() - failed[-1] if failed else RETRY_AFTER
            if due(app) and not timedelta(0) <= waited < RETRY_AFTER:
                failed.clear()
                take_scheduled(app, "hourly")
        except Exception as e:
            failed.append(app.now())
            why = getattr(e, "code", type(e).__name__)
            log.warning("scheduled backup failed (%s): tried again in %s", why, RETRY_AFTER)
        return round_fn()

    return round_and_backup


# --- restore ----------------------------------------------------------------------------------


def restore(settings: Settings, path: Path, now: datetime | None = None) -> dict[str, Any]:
    """Puts a backup in the database's place (the program must not be running). The current
    database, if any, is kept as a ``before-restore`` backup; the switch is atomic. One
    restore at a time (``one_restore``)."""
    with one_restore(settings):
        return _restore(settings, path, now)


def _restore(settings: Settings, path: Path, now: datetime | None) -> dict[str, Any]:
    if cipher.open_elsewhere(settings.db_path):  # its work would go on in the replaced file
        raise _files.database_in_use()
    key = dbkey.database_key(settings, create=False)
    _verify.check_before_restore(settings, path, key)  # every check of `backup verify`
    now = now or datetime.now(UTC)
    target = settings.db_path
    kept: Path | None = None
    if target.exists() and target.stat().st_size > 0:
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        folder = made_backup_dir(settings)
        kept = folder / (
            f"eservice-{settings.office_code}-{settings.device_id}-before-restore-{stamp}.sqlite3"
        )
        try:  # a backup disk that is full refuses the restore (backup.not_written)
            write_backup(target, kept, key, restoring=True)
        except (cipher.DatabaseError, cipher.WrongKey):
            kept = None  # the current database is unreadable: nothing to keep
    tmp = target.with_name(target.name + _files.RESTORING)
    copy_in(path, tmp)
    try:  # marked before the switch: no restored database is without it (restore_guard)
        restore_guard.mark_copy(tmp, key, path.name, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _files.switch_in(tmp, target)
    log.info("database restored from %s", path.name)
    info = parse_name(path)
    return {
        "restored_from": str(path),
        "taken_at": info.taken_at.isoformat() if info else None,
        "previous_kept_as": str(kept) if kept else None,
        "verified": True,
    }


def preview(app: App, path: Path) -> dict[str, Any]:
    """What restoring ``path`` would mean, before anything changes: the backup verified (with
    its age), and the events this database holds that the backup lacks, split into those the
    county has (``sync recover`` brings them back) and this device's events the county never
    acknowledged, which the restore would lose."""
    require(app, Action.RESTORE)
    verified = verify(app, path)
    head = {
        "file": str(path),
        "verified": verified,
        "ok": bool(verified["ok"]),
        "taken_at": verified["taken_at"],
        "age_h": verified["age_h"],
    }
    unknown = {"current_readable": False, "last_sync": None, "come_back": None}
    if not head["ok"]:  # an empty, damaged or foreign file: no events of it to count
        return {**head, **unknown, "will_be_lost": None}
    in_backup = _event_ids(app, path)
    try:
        returns, lost, last_sync = _beyond_backup(app, in_backup)
    except (SQLAlchemyError, cipher.DatabaseError, cipher.WrongKey):
        # the database in use is damaged or gone: what it held beyond the county is unknown
        return {**head, **unknown, "will_be_lost": None}
    return {
        **head,
        "current_readable": True,
        "last_sync": last_sync,
        "come_back": returns,
        "will_be_lost": lost,
    }


def _event_ids(app: App, path: Path) -> set[str]:
    """The events a backup file holds (read-only, with this office's key)."""
    conn = cipher.connect(path, app.db_key, read_only=True)
    try:
        return {r[0] for r in conn.execute("SELECT event_id FROM events")}
    finally:
        conn.close()


#: Events of the database in use read at a time by the restore's preview.
STREAM_ROWS = 2000


def _beyond_backup(app: App, in_backup: set[str]) -> tuple[int, list[dict[str, str]], str | None]:
    """Of the events the database in use holds and the backup lacks: how many the county has,
    and this device's own the county never acknowledged (lost by a restore), with the last
    successful sync. The events are read a few thousand at a time, in order, and only those
    lost are kept (every event of a year's office held at once took 900 MB before the restore
    dialog could say anything)."""
    from eservice_desktop.services.sync.state import get_state

    returns = 0
    lost: list[tuple[str, dict[str, str]]] = []
    columns = (EventRow.event_id, EventRow.case_id, EventRow.type, EventRow.at)
    with app.reading() as s:
        rows = s.execute(
            select(*columns)
            .add_columns(EventRow.origin, EventRow.acked_at)
            .order_by(EventRow.seq)
            .execution_options(yield_per=STREAM_ROWS)
        )
        for event_id, case_id, type_, at, origin, acked_at in rows:
            if event_id in in_backup:
                continue
            if origin == "local" and acked_at is None:
                lost.append((case_id, {"type": type_, "at": repo.aware(at).isoformat()}))
            else:
                returns += 1
        ids = {case_id for case_id, _ in lost}
        of_lost = select(CaseRow.case_id, CaseRow.case_number).where(among(CaseRow.case_id, ids))
        numbers = {case_id: number for case_id, number in s.execute(of_lost)}
        last_sync = get_state(s, "last_success") or None
    return returns, [{"case_number": numbers.get(c) or "", **e} for c, e in lost], last_sync


def finish_restore(
    app: App,
    path: Path,
    result: dict[str, Any],
    recover: bool = True,
    make_client: Callable[[App], Any] | None = None,
) -> dict[str, Any]:
    """The part of a restore after the files were switched and the database opened: verify the
    restored copy, then ``sync recover`` and the account of what was lost."""
    require(app, Action.RESTORE)
    if not result.get("verified"):
        result["verified"] = verify(app, path)["ok"]
    result["recovery"] = recover_after_restore(app, result, make_client) if recover else None
    return result


def recover_after_restore(
    app: App, result: dict[str, Any], make_client: Callable[[App], Any] | None = None
) -> dict[str, Any]:
    """``sync recover`` after :func:`restore` (whose ``result`` names the database it kept
    aside). A county that cannot be reached leaves the restore standing: the answer says why
    (``error``), and ``sync recover`` is run later."""
    require(app, Action.RESTORE)
    if make_client is None:
        from eservice_desktop.services import sync

        make_client = sync.make_client
    previous = result["previous_kept_as"]
    try:
        client = make_client(app)
        try:
            return after_restore(app, client, Path(previous) if previous else None)
        finally:
            client.close()
    except Exception as e:  # county unreachable or not enrolled: the restore stands
        return {"ok": False, "error": type(e).__name__, "detail": str(e)}


#: The steps of :func:`restore_in_place` reported to ``progress(done, RESTORE_STEPS)``.
RESTORE_STEPS = 4


def restore_in_place(
    app: App,
    path: Path,
    recover: bool = True,
    make_client: Callable[[App], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The guided restore of the window (the office admin's): the same as ``backup restore``
    but on the App the window holds open. The caller stops its own sync loop first; every
    holder of ``app`` goes on with the restored database (``App.reopen``)."""
    require(app, Action.RESTORE)

    def step(done: int) -> None:
        if progress is not None:
            progress(done, RESTORE_STEPS)

    step(0)
    app.engine.dispose()  # no pooled connection may keep the old file
    result = restore(app.settings, path, now=app.now())
    step(1)
    app.reopen()
    step(2)
    if not result.get("verified"):
        result["verified"] = verify(app, path)["ok"]
    step(3)
    result["recovery"] = recover_after_restore(app, result, make_client) if recover else None
    step(4)
    recovery = result["recovery"]
    result["ok"] = recovery is None or "error" not in recovery
    return result


def after_restore(app: App, client: Any, previous: Path | None) -> dict[str, Any]:
    """``sync recover`` after a restore, and the account of what could not come back: this
    device's events that the previous database had (when it still opened) but neither the
    backup nor the county has; without it, the time after which unsynced work is unknown."""
    require(app, Action.RESTORE)
    from eservice_desktop.services import sync

    counts = sync.recover_from_county(app, client)
    me = (app.settings.office_code, app.settings.device_id)
    with app.reading() as s:
        present = set(s.scalars(select(EventRow.event_id)))
        last_own = s.scalar(
            select(EventRow.at)
            .where(EventRow.office == me[0], EventRow.device == me[1])
            .order_by(EventRow.at.desc())
            .limit(1)
        )
    lost: list[dict[str, str]] = []
    if previous is not None and previous.exists():
        engine = db.make_engine(f"sqlite:///{previous}", key=app.db_key)
        try:
            with Session(engine) as c:
                for e in c.scalars(select(EventRow)).all():
                    if e.event_id not in present:
                        state_row = c.execute(
                            select(CaseRow.case_number).where(CaseRow.case_id == e.case_id)
                        ).scalar()
                        lost.append(
                            {"case_number": state_row or "", "type": e.type, "at": str(e.at)}
                        )
        finally:
            engine.dispose()
    return {
        **counts,
        "lost": lost,
        "lost_known": previous is not None,
        "last_own_event_at": repo.aware(last_own).isoformat() if last_own else None,
    }
