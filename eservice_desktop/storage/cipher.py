"""SQLCipher: raw connections with the key applied, and the crash-safe conversion of a plain
database into an encrypted one.

Why SQLCipher through ``sqlcipher3``: its wheels (Linux manylinux and Windows win_amd64, one
self-contained extension module with SQLCipher and its crypto linked in statically) install with
pip, SQLAlchemy speaks to it with its own ``sqlite+pysqlcipher`` dialect, and PyInstaller bundles
it as an ordinary extension module (no external DLL to find). SQLCipher 4 encrypts every page of
the database and of its WAL (AES-256-CBC, HMAC-SHA512 per page); temporary tables and indices stay
in memory (``temp_store = MEMORY``), so no plain temporary file is written either.

The key is raw (``x'…'``, 256 bits from the OS store, see dbkey.py): no passphrase derivation
runs on each connection.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from eservice_desktop.storage import disk_full


def _null(value: None) -> None:
    """The adapter of ``None`` (see below): NULL, as the driver binds it anyway."""
    return value


# The driver binds a parameter that is not exactly an int, float, str or bytearray through its
# adapter registry, and ``None`` has no adapter there: for each NULL it then asks the protocol
# for ``__adapt__`` and the value for ``__conform__``, two AttributeErrors built (message and
# all) and cleared before it binds NULL after all. A pulled page of 2,000 events binds some
# 5,000 NULLs (no ``acked_at``; no due date while a case waits, no closing): 7% of applying
# it went there. With an adapter registered the same NULL is bound after one dict look-up.
# Process-wide, like the registry itself: every connection of this module binds NULL so.
sqlcipher.register_adapter(type(None), _null)

PLAIN_HEADER = b"SQLite format 3\x00"
DatabaseError = sqlcipher.DatabaseError
#: Every error of the SQLCipher driver: its own classes, not the standard ``sqlite3``'s, so a
#: full disk met on a raw connection (a backup, a demo seed put back) is told by this name.
DriverError = sqlcipher.Error


#: SQLite's process-wide soft heap limit (bytes): page caches of every connection together.
SQLITE_HEAP_LIMIT = 80 * 1024 * 1024
#: This process's limit now: SQLITE_HEAP_LIMIT unless a process set its own (limit_process_heap).
_heap_limit = [SQLITE_HEAP_LIMIT]


def heap_limit() -> int:
    """The soft heap limit each new connection sets (``storage.db``'s pragmas)."""
    return _heap_limit[0]


def limit_process_heap(limit: int) -> None:
    """Sets SQLite's process-wide soft heap limit to ``limit`` bytes, now and for every
    connection opened later (each connection sets it again on connect). The limit belongs to
    the SQLite library, not to a connection, so a throwaway in-memory connection of each library
    (SQLCipher's, the standard one) sets it. Here rather than in ``storage.db`` so the window's
    database writer sets it without loading SQLAlchemy."""
    _heap_limit[0] = int(limit)
    import sqlite3

    for module in (sqlcipher, sqlite3):
        conn = module.connect(":memory:")
        try:
            conn.execute(f"PRAGMA soft_heap_limit={_heap_limit[0]}")
        finally:
            conn.close()


#: What SQLite says of a file SQLCipher cannot decrypt with the key given (another key's
#: file, or one whose pages are damaged): a failure of the key or the file, where any other
#: (a disk I/O error, a full disk, a lock) is the machine's.
_NOT_DECRYPTED = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


class WrongKey(RuntimeError):
    """The key does not open this database (or the file is no database at all)."""


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(dbapi_conn: Any, key: bytes) -> None:
    """First statements on a new connection: the key, quiet logging, memory temp store."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cipher_log_level = NONE")
    cur.execute(key_pragma(key))
    cur.execute("PRAGMA temp_store = MEMORY")
    cur.close()


def is_plain(path: Path) -> bool:
    """True when the file is an ordinary (unencrypted) SQLite database. Only a regular file
    is read: a folder or a pipe named ``*.sqlite3`` among the backups stopped (or, a pipe,
    hung) every command at the conversion of old plain backups."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as f:
            return f.read(16) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def connect(path: Path, key: bytes | None, read_only: bool = False) -> Any:
    """A raw SQLCipher connection (backups, conversion, doctor); checks the key at once."""
    if read_only:
        conn = sqlcipher.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    else:
        conn = sqlcipher.connect(str(path), timeout=10)
    try:
        if key is not None:
            apply_key(conn, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as e:
        conn.close()
        disk_full.raise_if_full(e, path)  # no room for the -shm file's bytes, or for the file
        if "unable to open" in str(e):
            raise  # the file or its folder cannot be opened (permissions, read-only): not the key
        if getattr(e, "sqlite_errorname", None) not in _NOT_DECRYPTED:
            raise  # the disk or the lock, not the key nor the file's content
        raise WrongKey(
            f"無法以本機金鑰開啟 {path.name}（金鑰不符或檔案損毀）。"
            f" / {path.name} does not open with this machine's key (wrong key or damaged file)."
        ) from e
    return conn


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: MoveFileEx (os.replace) is durable without a directory handle
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LockHeld(Exception):
    """Another process holds the lock ``file_lock(..., wait=False)`` asked for."""


@contextlib.contextmanager
def file_lock(path: Path, wait: bool = True) -> Iterator[None]:
    """An exclusive lock between processes (the window and the service opening at once);
    ``wait=False``: :class:`LockHeld` at once when another process holds it."""
    lock = path.with_name(path.name + ".lock")
    fd = _lock_file(lock)
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            if wait:
                raise
            raise LockHeld(str(lock)) from e
        yield
    finally:
        os.close(fd)


def _lock_file(lock: Path) -> int:
    """The lock file, opened for locking. In a folder shared with the clerks' group (the .deb's
    setgid 2770 data directory and its backups) it is the group's too (0660): made 0600 by
    whoever took the first backup, it stopped every other account's backups (the service's
    hourly ones, a clerk's closing) with 無法存取 …/.backup.lock（沒有權限）. One an older version
    made so is opened for reading, which locks as well on POSIX."""
    shared = shared_with_group(lock.parent)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o660 if shared else 0o600)
    except PermissionError:
        if sys.platform == "win32" or not lock.exists():
            raise
        return os.open(lock, os.O_RDONLY)
    if shared and os.fstat(fd).st_uid == os.geteuid():
        os.fchmod(fd, 0o660)  # whatever the umask
    return fd


#: Byte of the ``-shm`` file on which every open WAL connection holds a shared POSIX lock
#: (SQLite's unix VFS: WALINDEX_LOCK_OFFSET 120 + SQLITE_SHM_NLOCK 8, the "DMS" lock).
_SHM_DMS_BYTE = 128


def open_elsewhere(path: Path) -> bool:
    """True when another process has the database ``path`` open (the window or the sync
    service): its connection holds a shared lock on the ``-shm`` file's DMS byte, so an
    exclusive one cannot be had. This process's own connections never count (POSIX locks are
    per process); on Windows, where the file cannot be replaced while open, always False."""
    shm = path.with_name(path.name + "-shm")
    if sys.platform == "win32" or not shm.exists():
        return False
    import fcntl

    fd = os.open(shm, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE, os.SEEK_SET)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def encrypt_in_place(path: Path, key: bytes) -> bool:
    """Converts a plain database file into an encrypted one with ``key``; False if it already
    was encrypted. Crash-safe: the plain file is made self-contained (WAL checkpointed, rollback
    journal mode), exported into ``NAME.encrypting`` with ``sqlcipher_export``, fsynced, checked,
    then renamed over the original in one atomic step. Killed at any moment, the path holds
    either the old plain database (converted again on the next open) or the new encrypted one."""
    with file_lock(path):
        if not is_plain(path):
            return False
        tmp = path.with_name(path.name + ".encrypting")
        _remove_sidecars(tmp)
        tmp.unlink(missing_ok=True)
        # 1. Opening the plain file recovers any hot journal / WAL; then fold the WAL in and
        #    leave WAL mode so the file alone holds every committed transaction.
        plain = sqlcipher.connect(str(path), timeout=30, isolation_level=None)
        try:
            plain.execute("PRAGMA cipher_log_level = NONE")
            plain.execute("PRAGMA busy_timeout = 30000")
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            plain.execute("PRAGMA journal_mode = DELETE").fetchone()
            version = plain.execute("PRAGMA user_version").fetchone()[0]
            plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(tmp),))
            plain.execute("BEGIN IMMEDIATE")  # no writer slips in during the export
            plain.execute("SELECT sqlcipher_export('encrypted')").fetchone()
            plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            plain.execute("COMMIT")
            plain.execute("DETACH DATABASE encrypted")
        finally:
            plain.close()
        # 2. The new file is complete and checked before it takes the old one's place.
        check = connect(tmp, key)
        try:
            result = check.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            check.close()
        if result != "ok":
            tmp.unlink(missing_ok=True)
            raise DatabaseError(f"encrypted copy failed its check: {result}")
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        fsync_path(tmp)
        # 3. Atomic switch; the plain file's sidecars (none after step 1) must not outlive it.
        os.replace(tmp, path)
        fsync_dir(path.parent)
        _remove_sidecars(path)
        return True


def shared_with_group(directory: Path) -> bool:
    """IT shares a directory with the clerks' group by making it setgid (the .deb's 2770 data
    directory); files there are then group-readable, elsewhere the owner's only."""
    import stat

    return os.name == "posix" and bool(stat.S_IMODE(directory.stat().st_mode) & stat.S_ISGID)


def private_dir(directory: Path) -> None:
    """Creates ``directory`` for the owner only (0700), or for the owner and the group when its
    parent is shared with the group (setgid: 2770)."""
    if directory.exists():
        return
    parent = directory.parent
    parent.mkdir(parents=True, exist_ok=True)
    shared = shared_with_group(parent)
    directory.mkdir(mode=0o770 if shared else 0o700)
    if os.name == "posix":  # whatever the umask
        os.chmod(directory, 0o2770 if shared else 0o700)


def backup_to(src_path: Path, target: Path, key: bytes) -> None:
    """Copies a live encrypted database consistently with SQLite's online backup API into a new
    encrypted file (same key), written beside ``target`` first and renamed into place; a copy
    that fails (full disk) is removed, so only complete backups carry a backup's name."""
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = connect(src_path, key)
    try:
        try:
            dst = sqlcipher.connect(str(tmp))
            try:
                apply_key(dst, key)
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE").fetchone()
            finally:
                dst.close()
            os.chmod(tmp, 0o660 if shared_with_group(target.parent) else 0o600)
            fsync_path(tmp)
        except BaseException:
            _remove_sidecars(tmp)  # a full disk: nothing unfinished is left beside the backups
            tmp.unlink(missing_ok=True)
            raise
    finally:
        src.close()
    os.replace(tmp, target)
    fsync_dir(target.parent)
