"""This device's backup files: their names (office, device, label, UTC time), where they are,
and the retention that prunes them. Re-exported by ``services.backup``.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.text_values import NOT_REGULAR, os_reason, printable_path
from eservice_desktop.domain.values import printable
from eservice_desktop.storage import cipher, disk_full

log = logging.getLogger("eservice.backup")


NAME = re.compile(
    r"^eservice-(?P<office>[A-Z0-9]+)-(?P<device>\d+)-(?P<label>[a-z-]+)-(?P<stamp>\d{8}T\d{6}Z)"
    r"\.sqlite3$"
)

#: The copy ``storage.db.upgrade`` writes into ``DATA_DIR/backups`` before a schema upgrade
#: (``eservice-before-REV-TIME``, REV the revision it upgrades to).
UPGRADE_NAME = re.compile(r"^eservice-before-(?P<rev>\d{4})-(?P<stamp>\d{8}T\d{6}Z)\.sqlite3$")
UPGRADE_LABEL = "before-upgrade"


LABELS = ("hourly", "closing", "manual", "before-restore")

#: Each kind as people read it (zh-TW, English); the file's name keeps the code.
LABEL_NAMES = {
    "hourly": ("每小時", "hourly"),
    "closing": ("日結", "closing"),
    "manual": ("手動", "manual"),
    "before-restore": ("還原前保留", "before restore"),
    UPGRADE_LABEL: ("升級前保留", "before upgrade"),
}


KEEP_ALL_HOURS = 48

#: The suffix of the backup copied beside the database before a restore puts it in place.
RESTORING = ".restoring"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    label: str
    taken_at: datetime
    size: int

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": str(self.path),
            "label": self.label,
            "taken_at": self.taken_at.isoformat(),
            "size": self.size,
        }
        if now is not None:
            out["age_h"] = round((now - self.taken_at).total_seconds() / 3600, 2)
        return out


def backup_error(code: str, zh: str, en: str) -> DomainError:
    """A refusal about a backup file (``backup.<code>``), for the clerk in zh-TW and English."""
    return DomainError(f"backup.{code}", zh, en, "backup")


def no_backup_file(path: Path, field: str = "backup") -> DomainError:
    """``backup.missing`` for ``path``, which is no regular file: a device or a named pipe (and
    a folder) is said as such, where 「找不到備份檔 /dev/zero」 sent IT looking for a file that
    was there; the name is printable (a control character in it is shown as U+XXXX)."""
    shown = printable_path(str(path), 200)
    if path.exists():
        zh, en = ("是資料夾", "a folder") if path.is_dir() else NOT_REGULAR
        words = (f"{shown} 不是備份檔：{zh}", f"{shown} is no backup file: {en}")
    else:
        words = (f"找不到備份檔 {shown}", f"No backup file at {shown}")
    return DomainError("backup.missing", *words, field)


def backup_dir(settings: Settings) -> Path:
    return Path(settings.backup_dir) if settings.backup_dir else settings.data_dir / "backups"


def made_backup_dir(settings: Settings) -> Path:
    """The backup location, its own folder made when missing. A ``backup_dir`` whose parent is
    not there is a disk or share not mounted (a USB disk unplugged takes its mount point
    /media/usb with it): making the whole path put the backups on the system disk, under a
    folder the disk was then mounted beside, and every backup was taken as if nothing was
    wrong. It is refused as a backup not written (the closing warns, ``backup now`` exits 2)."""
    folder = backup_dir(settings)
    if settings.backup_dir and not folder.exists() and not folder.parent.is_dir():
        shown, parent = printable(str(folder), 200), printable(str(folder.parent), 200)
        raise backup_error(
            "not_written",
            f"備份未完成：備份位置 {shown} 的上層資料夾 {parent} 不存在（USB 磁碟未接上、網路"
            "磁碟未連線？）；接上後執行 backup now",
            f"The backup was not taken: the folder {parent} holding the backup location "
            f"{shown} is not there (a USB disk unplugged, a share not connected?); run "
            "`backup now` once it is back",
        )
    cipher.private_dir(folder)
    return folder


def parse_name(path: Path) -> BackupInfo | None:
    """The backup a file's name describes (office, device, label, UTC time), or the copy kept
    before a schema upgrade (``before-upgrade``); None for others."""
    m = NAME.match(path.name) or UPGRADE_NAME.match(path.name)
    if m is None:
        return None
    label = m["label"] if "label" in m.re.groupindex else UPGRADE_LABEL
    taken = datetime.strptime(m["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return BackupInfo(path, label, taken, path.stat().st_size)


def _named(folder: Path, pattern: str) -> list[BackupInfo]:
    """The regular files in ``folder`` matching ``pattern`` that name a backup. Only regular
    files: a folder (or a link to a device) named like a backup was listed, picked by
    ``backup verify`` as the newest and refused there, and made every prune fail on it."""
    if not folder.is_dir():
        return []
    found = [parse_name(p) for p in folder.glob(pattern) if p.is_file()]
    return [b for b in found if b is not None]


def _newest_first(backups: list[BackupInfo]) -> list[BackupInfo]:
    return sorted(backups, key=lambda b: b.taken_at, reverse=True)


def _taken_backups(settings: Settings) -> list[BackupInfo]:
    """The backups this device took (hourly, closing, manual, before a restore): the ones the
    retention prunes."""
    prefix = f"eservice-{settings.office_code}-{settings.device_id}-"
    return _newest_first(_named(backup_dir(settings), f"{prefix}*.sqlite3"))


def list_backups(settings: Settings) -> list[BackupInfo]:
    """This device's backups, newest first: those in the backup location, and the copies kept
    before each schema upgrade (in ``DATA_DIR/backups``, where the upgrade writes them). Those
    were left out: right after an upgrade ``backup list`` said 尚無備份, doctor failed on
    沒有可用的備份 and the window's restore list was empty, beside the copy the upgrade had just
    made; ``backup verify`` said its time was unknown."""
    found = {b.path: b for b in _taken_backups(settings)}
    for b in _named(settings.db_path.parent / "backups", "eservice-before-*.sqlite3"):
        found.setdefault(b.path, b)
    return _newest_first(list(found.values()))


def prune(settings: Settings, now: datetime) -> list[Path]:
    """Retention: every backup of the last 48 hours, then the newest of each (Taipei) day for
    ``backup_keep_days`` days; the newest backup is never removed. One that Windows will not
    remove while another program has it open waits for the next prune: ``backup now`` said
    the backup it had just written failed ("Cannot access …", exit 2), and every hourly
    backup was logged as failed. The copies kept before a schema upgrade are not pruned: the
    way back from an upgrade, removed by IT."""
    backups = _taken_backups(settings)
    keep: set[Path] = {b.path for b in backups[:1]}
    days_kept: set[Any] = set()
    for b in backups:  # newest first
        age = now - b.taken_at
        if age <= timedelta(hours=KEEP_ALL_HOURS):
            keep.add(b.path)
            continue
        day = b.taken_at.astimezone(TAIPEI).date()
        if age <= timedelta(days=settings.backup_keep_days) and day not in days_kept:
            days_kept.add(day)
            keep.add(b.path)
    removed = []
    for p in (b.path for b in backups if b.path not in keep):
        try:
            p.unlink(missing_ok=True)
        except PermissionError:  # Windows: open elsewhere (copied to a USB disk, scanned)
            log.warning("old backup not pruned now, open in another program: %s", p.name)
            continue
        removed.append(p)
    if removed:
        log.info("backups pruned: %d removed", len(removed))
    return removed


def _drop_partials(folder: Path) -> None:
    """Removes what a backup killed while writing left (``NAME.sqlite3.partial``: never listed,
    never restored, but a full copy of the database's pages kept for ever; and SQLite's
    ``.partial-journal`` beside it, which stayed when only the copy was removed). Called under
    the backup lock, so no backup is writing one now."""
    for p in sorted(folder.glob("eservice-*.sqlite3.partial*")):
        if p.is_file():
            p.unlink(missing_ok=True)
            log.warning("unfinished backup removed: %s", p.name)


#: SQLite's words for a copy that could not be written (rather than a source that is damaged).
WRITE_FAILURES = ("full", "disk i/o", "readonly", "unable to open")


def _not_written(folder: Path, error: BaseException, restoring: bool) -> DomainError:
    """A backup SQLite could not finish (the backup disk full or failing): one line that says
    where, and that no partial file is left behind (``cipher.backup_to`` removed it). A disk
    full of files (no inode left for the copy: SQLite says "unable to open database file") is
    a full disk too: it read 讀寫錯誤 / a read or write error."""
    shown = printable(str(folder), 120)
    if "full" in str(error).lower() or disk_full.out_of_files(folder):
        zh, en = "磁碟空間已滿", "the disk is full"
    else:
        zh, en = "讀寫錯誤", "a read or write error"
    if restoring:
        return backup_error(
            "not_written",
            f"還原前無法保留目前的資料庫（{zh}）：請檢查備份位置 {shown} 的空間與磁碟；"
            "未還原，資料庫未變更",
            f"The current database could not be kept before restoring ({en}): check the "
            f"space and the disk of {shown}; nothing was restored or changed",
        )
    return backup_error(
        "not_written",
        f"備份未完成（{zh}）：請檢查備份位置 {shown} 的空間與磁碟；未留下不完整的備份檔",
        f"The backup was not taken ({en}): check the space and the disk of {shown}; "
        "no partial backup file was left",
    )


def write_backup(db_path: Path, target: Path, key: bytes, restoring: bool = False) -> None:
    """The database copied into ``target`` (``cipher.backup_to``) under the backup folder's
    lock, what a killed backup left removed first; a copy SQLite cannot finish (the backup
    disk full or failing) is one refusal (``backup.not_written``), never a traceback.

    ``restoring``: the copy a restore keeps of the database in use. A database too damaged to
    copy is re-raised (nothing to keep, the restore goes on); a copy that could not be
    written is refused, or the restore would discard a database that still opens, with no
    copy left of the work it held."""
    folder = target.parent
    with cipher.file_lock(folder / ".backup"):
        _drop_partials(folder)
        try:
            cipher.backup_to(db_path, target, key)
        except cipher.DatabaseError as e:
            if restoring and not any(w in str(e).lower() for w in WRITE_FAILURES):
                raise
            log.warning("backup not taken: %s", type(e).__name__)
            raise _not_written(folder, e, restoring) from e


@contextlib.contextmanager
def one_restore(settings: Settings) -> Iterator[None]:
    """Held by a restore from its checks to the switch. Two restores at once (two of IT's
    windows, two terminals) each passed the check that no program had the database open,
    then both copied into the one ``.restoring`` file and both said "restored": the later
    switch silently replaced the earlier, or a mix of both files was put in place."""
    try:
        with cipher.file_lock(settings.data_dir / ".restore", wait=False):
            yield
    except cipher.LockHeld:
        raise backup_error(
            "in_use",
            "另一個還原正在進行：請待其完成；未還原",
            "Another restore is under way: wait for it to finish; nothing was restored",
        ) from None


def copy_in(source: Path, tmp: Path) -> None:
    """The verified backup copied beside the database (``tmp``), on disk, before the switch. A
    data disk that fills up (or fails) left the half copy there, the disk still full, so the
    database that was kept could not even be opened; the half copy is removed and the refusal
    names the data directory (the error named the backup, as if it were what failed). A copy
    stopped by Ctrl+C is removed too (a database-sized file was left for ever), and the copy
    is the owner's from its first byte."""
    try:
        tmp.unlink(missing_ok=True)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        shutil.copy(source, tmp)
        os.chmod(tmp, 0o600)
        cipher.fsync_path(tmp)
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        if not isinstance(e, OSError):
            raise
        where = printable(str(tmp.parent), 120)
        zh, en = os_reason(e)
        log.warning("restore not done: %s", type(e).__name__)
        raise backup_error(
            "not_copied",
            f"無法將備份複製到資料目錄 {where}（{zh}），未還原，資料庫未變更",
            f"The backup could not be copied into the data directory {where} ({en}); "
            "nothing was restored or changed",
        ) from e


def drop_interrupted_restore(settings: Settings) -> None:
    """Removes the copy a restore stopped before its switch left beside the database
    (``NAME.restoring``, and SQLite's files beside it): the backup's pages, the database's size
    again on the data disk, kept for ever unless IT ran another restore (the PC switched off,
    or the command killed, while it copied the backup in). The database was not replaced: the
    log says so. Nothing is removed while a restore is under way (``one_restore``'s lock)."""
    tmp = settings.db_path.with_name(settings.db_path.name + RESTORING)
    if not tmp.parent.is_dir():
        return
    left = [p for p in tmp.parent.glob(glob.escape(tmp.name) + "*") if p.is_file()]
    if not left:
        return
    try:
        with cipher.file_lock(settings.data_dir / ".restore", wait=False):
            for p in left:
                p.unlink(missing_ok=True)
    except (cipher.LockHeld, OSError):
        return  # a restore under way (its copy), or not this account's file to remove
    log.warning("a restore stopped before its switch: its copy removed, the database not replaced")


def database_in_use() -> DomainError:
    """The refusal of a restore while the window or the sync service has the database open."""
    return backup_error(
        "in_use",
        "櫃檯程式或同步服務正開著資料庫：請先關閉櫃檯程式並停止同步服務，再還原；未還原",
        "The counter window or the sync service has the database open: close the window "
        "and stop the sync service, then restore; nothing was restored",
    )


def switch_in(tmp: Path, target: Path) -> None:
    """Puts the copied-in backup ``tmp`` in the database's place (its ``-wal``, ``-shm`` and
    ``-journal`` go). On Windows a file another program holds open is neither removed nor
    replaced (PermissionError, WinError 32) and the check for such a program only works on
    POSIX: a window or sync service still running there ended the restore in an unexplained
    error with the copy left beside the database; now the copy is removed and the refusal is
    the one a running program gets on Linux, nothing changed."""
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    except PermissionError as e:
        if sys.platform != "win32":
            raise
        tmp.unlink(missing_ok=True)
        log.warning("restore not done: the database is open in another program")
        raise database_in_use() from e
    cipher.fsync_dir(target.parent)
