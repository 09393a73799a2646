"""The backups: the newest good one's age, and why the backup location takes none.

That line said only 沒有可用的備份 / the newest is N hours old, with "run backup now and check
the backup location": IT had to run ``backup now`` to learn that the USB disk was unplugged,
full, full of files, mounted read-only or not this account's to write, and a backup disk
that had filled an hour after the last backup was "ok" until the backup was a day old. The
location is looked at here without writing to it (doctor only reads).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.values import printable
from eservice_desktop.services.doctor.report import Check, Status, _check
from eservice_desktop.storage.disk_full import out_of_files

Words = tuple[str, str]


def _read_only(folder: Path) -> bool:
    statvfs = getattr(os, "statvfs", None)  # Windows: none
    try:
        return statvfs is not None and bool(statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _room_words(folder: Path, needed: int) -> Words | None:
    """No room for one more backup (about the database's size), or no file to make."""
    if out_of_files(folder):
        return (
            "備份位置的磁碟檔案數已滿（inode 用盡）",
            "the backup disk is full of files (no inode left)",
        )
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free >= needed:
        return None
    free_mb, needed_mb = free / 2**20, needed / 2**20
    return (
        f"備份位置剩餘 {free_mb:.1f} MB，放不下一份備份（約 {needed_mb:.1f} MB）",
        f"the backup location has {free_mb:.1f} MB free, less than a backup ({needed_mb:.1f} MB)",
    )


def why_not(settings: Settings, folder: Path) -> Words | None:
    """The reason a backup cannot be written to ``folder`` now, or None when none is seen."""
    shown = printable(str(folder), 200)
    if settings.backup_dir and not folder.exists() and not folder.parent.is_dir():
        return (
            f"備份位置 {shown} 的上層資料夾不存在（USB 磁碟未接上、網路磁碟未連線？）",
            f"the folder holding the backup location {shown} is not there (a USB disk "
            "unplugged, a share not connected?)",
        )
    place = folder if folder.is_dir() else folder.parent
    if not place.is_dir():
        return None
    if _read_only(place):
        return (f"備份位置 {shown} 所在的磁碟為唯讀", f"the backup location {shown} is read-only")
    if not os.access(place, os.W_OK | os.X_OK):
        return (f"此帳號無法寫入備份位置 {shown}", f"this account cannot write to {shown}")
    try:
        needed = max(settings.db_path.stat().st_size, 1)
    except OSError:
        needed = 1
    return _room_words(place, needed)


def _device(path: Path) -> int | None:
    try:
        return os.stat(path).st_dev
    except OSError:
        return None


def same_disk(settings: Settings, folder: Path) -> Words | None:
    """The backups kept on the disk that holds the database (by default ``DATA_DIR/backups``):
    a disk that dies takes the database and every backup with it, while doctor said 正常. None
    when the backups are elsewhere, in a demo, or when the location is not there (an
    unplugged disk: :func:`why_not` says it, and the folders above it are the system disk's)."""
    if settings.demo or not (folder.is_dir() or folder.parent.is_dir()):
        return None
    database = _device(settings.db_path.parent)
    if database is None or database != _device(folder if folder.is_dir() else folder.parent):
        return None
    shown = printable(str(folder), 200)
    return (
        f"備份位置 {shown} 與資料庫在同一顆磁碟：磁碟故障時資料庫與備份一併損失",
        f"the backup location {shown} is on the database's own disk: a disk that fails takes "
        "the database and every backup with it",
    )


_OTHER_DISK_FIX = (
    "在 settings.json 將 backup_dir 設為另一顆磁碟（USB 磁碟）或網路磁碟的資料夾",
    "Set backup_dir in settings.json to a folder on another disk (a USB disk) or a network share",
)


def _has_events(settings: Settings) -> bool:
    """The database holds an event (a counter at work, whose missing backup fails); one that
    cannot be read counts as holding some."""
    from eservice_desktop.services import database
    from eservice_desktop.storage import cipher, db

    if not database.present(settings) or cipher.is_plain(settings.db_path):
        return False
    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            return bool(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            conn.close()
    except (cipher.DatabaseError, RuntimeError, OSError):
        return True


def _with(detail: tuple[str, str], why: Words | None) -> tuple[str, str]:
    """A finding with the location's reason after it."""
    if why is None:
        return detail
    return f"{detail[0]}；{why[0]}", f"{detail[1]}; {why[1]}"


def check_backup(
    settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Check:
    """The newest backup that opens and passes a quick check is younger than
    ``backup_max_age_h``; a database with no case yet only warns when none exists. Each
    finding says why the location takes no backup when that is seen (:func:`why_not`), and a
    fresh backup on a location that can take no next one warns."""
    from eservice_desktop.services import backup

    title = ("資料庫備份", "Database backups")
    folder = backup.backup_dir(settings)
    facts: dict[str, Any] = {"backup_dir": str(folder), "max_age_h": settings.backup_max_age_h}
    fix = (
        "執行 eservice-desktop backup now，並確認備份位置（USB 磁碟或網路磁碟）可寫入",
        "Run `eservice-desktop backup now` and check the backup location (USB disk or share)",
    )
    why = why_not(settings, folder)
    shared = same_disk(settings, folder)
    facts["same_disk"] = shared is not None
    if shared is not None:
        why = shared if why is None else (f"{why[0]}；{shared[0]}", f"{why[1]}; {shared[1]}")
        other = _OTHER_DISK_FIX[1]
        fix = (f"{fix[0]}；{_OTHER_DISK_FIX[0]}", f"{fix[1]}; {other[0].lower()}{other[1:]}")
    # backups count without a database too: the one left after the database was lost is what
    # IT restores (it said "no usable backup" then)
    moment = now()
    good = backup.newest_good(settings, before=moment)
    if good is None:
        status: Status = "fail" if _has_events(settings) else "warn"
        none = (f"{folder} 沒有可用的備份", f"No usable backup in {folder}")
        return _check("backup", title, status, _with(none, why), fix, **facts)
    age_h = (moment - good.taken_at).total_seconds() / 3600
    facts.update(newest=str(good.path), age_h=round(age_h, 2))
    limit = settings.backup_max_age_h
    if age_h > limit:
        old = (
            f"最近一次可用備份已是 {age_h:.0f} 小時前（上限 {limit:.0f}）",
            f"The newest good backup is {age_h:.0f} h old (limit {limit:.0f} h)",
        )
        return _check("backup", title, "fail", _with(old, why), fix, **facts)
    fresh = (
        f"最近備份 {age_h:.1f} 小時前：{good.path.name}",
        f"{age_h:.1f} h old: {good.path.name}",
    )
    if shared is not None and why == shared:  # only the disk: nothing to run backup now for
        return _check("backup", title, "warn", _with(fresh, why), _OTHER_DISK_FIX, **facts)
    if why is not None:
        return _check("backup", title, "warn", _with(fresh, why), fix, **facts)
    return _check("backup", title, "ok", fresh, **facts)
