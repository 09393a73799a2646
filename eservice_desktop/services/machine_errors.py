"""Failures of the machine rather than of the input or the program: a full disk, a database
another program holds or that cannot be written, a path that cannot be reached. The command
line and the window both say them as one line in the user's language (the command line with
exit 2), where anything else is a bug with its traceback in the log."""

from __future__ import annotations

import errno
from pathlib import Path

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.text_values import os_reason

#: The database's failures by code, in zh-TW and English (kept by code: ``sync status``'s
#: ``last_error`` of a round this PC failed is said in these words again).
_WORDS: dict[str, tuple[str, str]] = {
    "env.disk_full": (
        "磁碟空間已滿，這次的資料都沒有儲存；請 IT 清出空間後再試",
        "The disk is full; nothing of this was stored. Ask IT to free space and retry",
    ),
    "env.db_locked": (
        "資料庫正由其他程式使用中，請稍候再試",
        "The database is in use by another program; try again shortly",
    ),
    "env.db_readonly": (
        "無法寫入資料庫檔案，請 IT 檢查資料夾權限",
        "The database file cannot be written; ask IT to check the folder's permissions",
    ),
    "env.db_error": (
        "資料庫無法完成這項作業，資料未變更；請 IT 執行 doctor 檢查",
        "The database could not do this; nothing changed. Ask IT to run `doctor`",
    ),
}


def machine_error(code: str) -> DomainError | None:
    """The refusal of a database failure by its code (``env.db_locked`` …); None for another."""
    words = _WORDS.get(code)
    return DomainError(code, *words) if words is not None else None


def environment_error(exc: BaseException) -> DomainError | None:
    """A failure of the machine rather than of the input: full disk, locked or read-only
    database, unwritable path. None for anything else (a bug)."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from eservice_desktop.services.database import CIPHER_ERROR

    inner = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(inner).lower()
    if isinstance(inner, (sqlite3.Error, CIPHER_ERROR)) or isinstance(exc, DBAPIError):
        if "full" in text:
            return machine_error("env.disk_full")
        if "locked" in text or "busy" in text:
            return machine_error("env.db_locked")
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return machine_error("env.db_readonly")
        return machine_error("env.db_error")
    if isinstance(exc, OSError):
        return _os_error(exc)
    return None


def _os_error(exc: OSError) -> DomainError:
    """A refusal of the system; one that names no file (a device's, a socket's) names none
    (it read 「無法存取 （OSError）」)."""
    zh, en = os_reason(exc)
    if not exc.filename:
        if exc.errno == 28:  # ENOSPC
            return DomainError(
                "env.disk_full",
                "磁碟空間已滿，這次的資料都沒有儲存；請 IT 清出空間後再試",
                "The disk is full; nothing of this was stored. Ask IT to free space and retry",
            )
        return DomainError(
            "env.path", f"無法存取檔案或裝置（{zh}）", f"Cannot access a file or device ({en})"
        )
    where = values.printable_path(str(exc.filename))
    if exc.errno == 28:
        return DomainError(
            "env.disk_full",
            f"磁碟空間已滿，無法寫入 {where}",
            f"The disk is full; cannot write {where}",
        )
    return DomainError("env.path", f"無法存取 {where}（{zh}）", f"Cannot access {where} ({en})")


def read_only_data_dir(exc: OSError, data_dir: Path) -> DomainError | None:
    """A data directory on a read-only file system (a write-protected disk, a share or a
    volume mounted read-only), said as that and what IT does: every command and the window
    stopped at start with 無法存取 …/logs/eservice.log（唯讀的磁碟）, which named a log
    file, not the data directory, and no way on. The reason stays ``env.path`` (the contract
    of that line); None for any other failure."""
    if exc.errno != errno.EROFS:
        return None
    where = values.printable_path(str(data_dir))
    return DomainError(
        "env.path",
        f"資料目錄 {where} 位於唯讀的磁碟（檔案系統），無法寫入紀錄與資料；請 IT 將該磁碟改為"
        "可寫入（重新掛載為讀寫），或以 --data-dir 或 ESERVICE_DATA_DIR 改用可寫入磁碟上的資料目錄",
        f"The data directory {where} is on a read-only file system: neither the log nor the "
        "data can be written there. Ask IT to make that disk writable (mount it read-write), "
        "or use a data directory on a writable disk (--data-dir or ESERVICE_DATA_DIR)",
    )
