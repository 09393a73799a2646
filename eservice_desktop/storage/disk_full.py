"""A database that fails because its disk is full, said as such.

SQLite says "database or disk is full" when a write finds no room, but a database opened on a
full disk fails earlier and says only "disk I/O error": its shared-memory file (``-shm``, 32
KiB, made by the first connection after the last one closed) cannot be written. A counter
whose disk filled overnight then could not start ("the database could not do this; run
doctor"), and doctor and ``db key import`` took the failure for another key or a damaged file,
sending IT to import keys or restore a backup onto the full disk. Such a failure is raised
here as :class:`DiskFull`, an ``OSError`` with ``ENOSPC`` naming the database file, which the
command line and the window already say as 磁碟空間已滿 (``services.machine_errors``).

A disk can also be full of files rather than of bytes: every inode taken (ext4 fixes their
number when it is made, a tmpfs by ``nr_inodes``; a program leaving small files by the
million), bytes still free. SQLite cannot make its -shm file there and says "unable to open
database file", which every command said as a folder's permissions (無法寫入資料庫檔案，請 IT
檢查資料夾權限) and doctor as a read-only folder, though ``df -h`` showed room: it is a full
disk too (:func:`out_of_files`), and doctor names the files (``df -i``).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

#: Free space below which a failed open or write is taken for a full disk (bytes): SQLite's
#: shared-memory file alone takes 32 KiB, a WAL frame a page.
NEARLY_FULL = 1024 * 1024


class DiskFull(OSError):
    """The database's disk has no room: nothing was read or written."""


def is_full(path: Path) -> bool:
    """True when the file system holding ``path`` (a file or a folder) has almost no room
    left for this account; False when that cannot be told (a folder that is not there)."""
    folder = path if path.is_dir() else path.parent
    try:
        if shutil.disk_usage(folder).free < NEARLY_FULL:
            return True
    except OSError:
        return False
    return out_of_files(folder)


def out_of_files(folder: Path) -> bool:
    """True when the file system holding ``folder`` can make no new file for this account:
    its every inode is taken. False where it keeps no count (btrfs, Windows: no ``statvfs``)
    or that cannot be told."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:
        return False
    try:
        fs = statvfs(folder)
    except OSError:
        return False
    return bool(fs.f_files > 0 and fs.f_favail == 0)


def full_disk_error(path: Path) -> DiskFull:
    return DiskFull(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


#: SQLite's names of the failures a full disk gives (``sqlite_errorname`` of the driver's
#: error, sqlite3's and SQLCipher's alike): no room for a write, or for the -shm file's bytes
#: (I/O error) or for the file itself (no inode left: it cannot be opened).
FULL_DISK_ERRORS = frozenset({"SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN"})


def raise_if_full(error: Exception, path: Path) -> None:
    """Raises :class:`DiskFull` from ``error`` (a driver's I/O or full-disk error) when the
    disk of ``path`` is full; returns otherwise (the caller re-raises ``error``)."""
    if getattr(error, "sqlite_errorname", None) in FULL_DISK_ERRORS and is_full(path):
        raise full_disk_error(path) from error
