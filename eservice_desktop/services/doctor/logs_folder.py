"""The data directory's ``logs`` folder, for doctor's data directory line.

Every command and the counter window write their log there first: a file in the folder's
place, a log file that is a folder, or a folder or file this account may not write (made by
a command IT ran as root or as another user) stops every one of them at start with 無法存取
…/logs（已有同名的檔案） or （沒有權限）. doctor, which runs without the folder, said the data
directory was fine, and nothing in its report named the folder. Looked at here without
writing (doctor only reads).
"""

from __future__ import annotations

import os
from pathlib import Path

from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.report import Verdict

#: The log files the programs open (``logs.setup_logging``: the window and commands, the sync
#: service).
LOG_FILES = ("eservice.log", "sync.log")

_FIX = (
    "移除或更名擋住的項目（程式會重建紀錄資料夾與檔案）；權限不符時 Linux："
    "sudo chown -R eservice:eservice 資料目錄/logs（.deb 安裝）並將使用者加入 eservice 群組，"
    "Windows：資料夾權限給此帳號「修改」",
    "Move aside what is in the way (the programs make the log folder and files again); for "
    "permissions, Linux: sudo chown -R eservice:eservice DATA_DIR/logs (the .deb's) and add "
    "the user to the eservice group, Windows: grant this account Modify on the folder",
)


def _blocked(zh: str, en: str) -> Verdict:
    return Verdict(
        "fail",
        (f"{zh}：程式與指令都無法啟動", f"{en}: the window and every command stop at start"),
        _FIX,
    )


def _log_file_usable(path: Path) -> None:
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file():
        raise _blocked(f"紀錄檔 {path} 不是檔案", f"The log file {path} is not a file")
    if not os.access(path, os.W_OK):
        raise _blocked(f"此帳號無法寫入紀錄檔 {path}", f"This account cannot write the log {path}")


def logs_usable(settings: Settings) -> None:
    """The log folder is a folder this account writes in (or is not there yet, made at the
    first start), and each log file in it a file it may write; else the verdict."""
    logs = settings.log_dir
    if not logs.exists() and not logs.is_symlink():
        return
    if not logs.is_dir():
        raise _blocked(f"紀錄資料夾 {logs} 不是資料夾", f"The log folder {logs} is not a folder")
    if not os.access(logs, os.W_OK | os.X_OK):
        raise _blocked(
            f"此帳號無法寫入紀錄資料夾 {logs}",
            f"This account cannot write in the log folder {logs}",
        )
    for name in LOG_FILES:
        _log_file_usable(logs / name)


def can_log(settings: Settings) -> bool:
    """doctor writes its own log only where the folder and its files take it: it makes no
    folder, and a log file that is a folder (or not this account's) stopped doctor itself at
    start with 無法存取 …/eservice.log, the report IT ran it for never shown."""
    logs = settings.log_dir
    if not (logs.is_dir() and os.access(logs, os.W_OK)):
        return False
    try:
        logs_usable(settings)
    except Verdict:
        return False
    return True
