"""Names of files a clerk gives (an export's ``--out``, a save dialog's name): those Windows
cannot hold as typed are refused on every platform, before anything is written.

On Windows ``report.xlsx:secret`` writes a hidden stream of ``report.xlsx`` (an alternate data
stream; the file seen stays empty), ``report.pdf.`` and ``report.pdf `` lose their trailing dots
and spaces (``report.pdf`` is overwritten), ``NUL.csv`` or ``CON`` go to a device (nothing is
written, yet the command says it was) and ``<>:"|?*`` or a control character fail late with an
"invalid argument". A file written so on Linux cannot be copied to a Windows PC or a USB disk
either, so the rule is the same everywhere.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Final

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.text_values import printable_path

__all__ = ["check_file_name", "file_name_fault", "path_fault_words"]

#: Windows' reserved device names (any case, with or without an extension; ``COM¹`` too).
_DEVICES: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)
_FORBIDDEN: Final = re.compile(r'[<>:"|?*\x00-\x1f]')

#: Each fault: zh-TW and English, ``{name}`` the part of the path at fault.
_FAULTS: Final = {
    "stream": (
        '「{name}」含有冒號（:）或 < > " | ? * 等字元，Windows 無法以此為檔名'
        "（冒號後會寫入隱藏的資料流）",
        "'{name}' holds a colon (:) or one of < > \" | ? * or a control character, which "
        "Windows cannot take in a file name (after a colon it writes a hidden data stream)",
    ),
    "trailing": (
        "「{name}」以句點或空格結尾，Windows 會將其去除而寫到另一個檔案",
        "'{name}' ends in a dot or a space, which Windows drops, writing another file",
    ),
    "device": (
        "「{name}」是 Windows 的保留裝置名稱（CON、PRN、AUX、NUL、COM1–9、LPT1–9），"
        "寫入的資料會消失",
        "'{name}' is a name Windows reserves for a device (CON, PRN, AUX, NUL, COM1-9, "
        "LPT1-9): what is written there is lost",
    ),
}


#: Each fault of a setting's path (a backup folder), said without the value: settings are
#: never echoed (settings_file.bad_settings).
_PATH_FAULTS: Final = {
    "stream": (
        '路徑中的名稱含有冒號（:）或 < > " | ? * 等字元，Windows 無法以此為資料夾或檔名',
        'a name in the path holds a colon (:) or one of < > " | ? * or a control character, '
        "which Windows cannot take in a folder or file name",
    ),
    "trailing": (
        "路徑中的名稱以句點或空格結尾，Windows 會將其去除而用到另一個資料夾",
        "a name in the path ends in a dot or a space, which Windows drops, using another folder",
    ),
    "device": (
        "路徑中的名稱是 Windows 的保留裝置名稱（CON、PRN、AUX、NUL、COM1–9、LPT1–9），"
        "寫入的資料會消失",
        "a name in the path is one Windows reserves for a device (CON, PRN, AUX, NUL, COM1-9, "
        "LPT1-9): what is written there is lost",
    ),
}


def path_fault_words(path: PurePath, *, colons: bool = False) -> tuple[str, str] | None:
    """(zh-TW, English) of the first name in ``path`` (every part but its anchor) Windows
    cannot hold as typed, the value itself not repeated; None when each is fine. ``colons``:
    a colon is taken (a Linux counter's share mounted by GVFS is
    ``/run/user/1000/gvfs/smb-share:server=nas,share=backup``; only Windows reads it as a
    stream)."""
    if colons:
        path = PurePath(*(part.replace(":", "_") for part in path.parts))
    found = file_name_fault(path, len(path.parts))
    return None if found is None else _PATH_FAULTS[found[0]]


def _fault(part: str) -> str | None:
    if part in (".", ".."):
        return None
    if _FORBIDDEN.search(part):
        return "stream"
    if part.endswith((".", " ")):
        return "trailing"
    if part.split(".", 1)[0].rstrip(" ").upper() in _DEVICES:
        return "device"
    return None


def file_name_fault(path: PurePath, checked_parts: int = 1) -> tuple[str, str] | None:
    """``(fault, part)`` for the first of the last ``checked_parts`` parts of ``path`` (the
    file's name, and the folders still to be made) that Windows cannot hold as typed; None when
    each is fine. The anchor (``/``, ``C:\\``) is never checked."""
    parts = path.parts[1:] if path.anchor else path.parts
    for part in parts[-checked_parts:] if checked_parts > 0 else ():
        fault = _fault(part)
        if fault is not None:
            return fault, part
    return None


def check_file_name(path: PurePath, checked_parts: int = 1, field: str = "out") -> None:
    """Refuses (``file.bad_name``) a name :func:`file_name_fault` finds at fault, naming the
    part and what Windows would do with it."""
    found = file_name_fault(path, checked_parts)
    if found is None:
        return
    fault, part = found
    zh, en = _FAULTS[fault]
    name = printable_path(part, 80)
    raise DomainError(
        "file.bad_name",
        zh.format(name=name) + "；請改用其他檔名",
        en.format(name=name) + "; choose another name",
        field,
        extra={"fault": fault},
    )
