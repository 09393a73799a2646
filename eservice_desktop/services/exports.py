"""Files the operator asks for (``--out``, 存成 PDF/CSV): where they may go and how they are kept.

Every file in the office data directory that holds personal data is encrypted (the database,
its backups, drafts and archived slips), so an export is never written there in clear:

- an export with **personal data** (a receipt names the payer, a pickup slip the applicant, the
  MMS picture carries the pickup code that releases the documents, the daily closing lists
  clerks' accounts and free-text void and refund reasons) is refused inside the data directory
  (exit 2, ``export.in_data_dir``) and written elsewhere **owner-only (0600)**, atomically,
  through a temporary file that is 0600 from its creation; the command says so
  (``personal_data: true``, ``mode: "0600"``) and tells the operator to delete it when done;
- an export **without** personal data (the appendix-22 reconciliation: case numbers, amounts,
  settlement numbers; the county's signed receipt: case number, counts, signature) is written
  the same atomic way with ordinary permissions, anywhere but over a file the data directory
  already holds (``export.program_file``: the database, its key, settings, backups, logs).

A target that is a character device or a pipe (``/dev/null``, ``/dev/stdout``, a full disk's
``/dev/full``) is written into, never replaced by the renamed file; a full disk is then the
usual one-line refusal (``env.disk_full``, exit 2).

On Windows the mode bits do not restrict reading: the file takes the ACL of the folder it is
written to, so the operator chooses a personal folder (docs/it-guide.md).
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.file_names import check_file_name
from eservice_desktop.domain.values import printable_path

PRIVATE_MODE = 0o600


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    personal_data: bool
    mode: int

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "bytes": self.size,
            "personal_data": self.personal_data,
            "mode": f"{self.mode:04o}",
        }

    def notice(self, lang: str) -> str:
        """The line a command prints after writing a file with personal data ("" otherwise)."""
        if not self.personal_data:
            return ""
        shown = printable_path(str(self.path), 4096)  # one line, whatever the name holds
        if lang == "en":
            return (
                f"{shown} holds personal data: readable by this account only (0600); "
                "delete it when done"
            )
        return f"{shown} 含個人資料：僅限本帳號讀取（0600），用畢請刪除"


def written(path: Path, personal: bool) -> Written:
    """What a command reports about a file a service wrote with :func:`write`."""
    st = path.stat()
    return Written(path, st.st_size, personal, st.st_mode & 0o777)


def inside(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies under it (symbolic links resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_target(settings: Settings, out: Path, personal: bool) -> None:
    """Refuses, before any work is done, a name Windows cannot hold as typed (``report.pdf.``,
    ``report.xlsx:secret``, ``NUL.csv``: domain/file_names.py), a personal-data export aimed
    into the data directory, any export over a file the data directory holds, and a target
    that is there and not a regular file: the atomic write replaces what is at ``out``, and a
    folder, a device (``/dev/stdout`` run as root) or a pipe must never be."""
    check_name(out)
    if out.exists() and not out.is_file():
        where = printable_path(str(out))
        raise DomainError(
            "export.not_a_file",
            f"{where} 不是檔案（資料夾、裝置或管道），請指定要寫入的檔案名稱",
            f"{where} is not a file (a folder, a device or a pipe); give the name of a file",
            "out",
        )
    _check_folder(out)
    if personal and inside(out, settings.data_dir):
        raise DomainError(
            "export.in_data_dir",
            f"含個人資料的匯出檔不可存放在資料目錄 {settings.data_dir}（其中的個資一律加密）；"
            "請指定資料目錄以外的路徑",
            f"An export with personal data cannot be written into the data directory "
            f"{settings.data_dir} (personal data there is always encrypted); choose a path "
            "outside it",
            "out",
        )
    if out.is_file() and inside(out, settings.data_dir):
        # the program's own files: `report usage --xlsx DATA_DIR/eservice.sqlite3` replaced
        # the office database with a workbook (a report without personal data goes anywhere)
        where = printable_path(str(out))
        raise DomainError(
            "export.program_file",
            f"{where} 是資料目錄中已有的檔案（資料庫、金鑰、設定、備份或紀錄），不可覆寫；"
            "請指定其他檔名",
            f"{where} is a file the data directory already holds (the database, a key, the "
            "settings, a backup or a log) and cannot be overwritten; give another name",
            "out",
        )


def chosen_target(typed: Path, fmt: str) -> Path:
    """The file a save dialog's answer names for a ``fmt`` export (``pdf``, ``csv``, ``xlsx``):
    refused (``file.bad_name``) as typed when Windows cannot hold it, then given the format's
    suffix unless it has it. ``r.pdf.`` was given its suffix first and written as
    ``r.pdf..pdf``, a name the clerk never typed, where ``--out r.pdf.`` is refused."""
    check_name(typed)
    return typed if typed.suffix.lower() == f".{fmt}" else typed.with_name(f"{typed.name}.{fmt}")


def check_name(out: Path) -> None:
    """Refuses (``file.bad_name``) a file name, or the name of a folder still to be made, that
    Windows cannot hold as typed: asked first, before the suffix says which format."""
    check_file_name(out, _parts_to_make(out))


def _parts_to_make(out: Path) -> int:
    """How many of ``out``'s last parts name what does not exist yet: the file, and the folders
    :func:`write` makes (those that exist were named as the system allowed)."""
    count, folder = 1, out.parent
    while not folder.exists() and folder != folder.parent:
        count, folder = count + 1, folder.parent
    return count


def _check_folder(out: Path) -> None:
    """Refuses a target whose folder can take no new file (a regular file on the way, ``/proc``,
    a read-only folder) before anything is written: a report given several files checks each
    first, and one refused only when written left the others written before it. The nearest
    folder that exists takes a probe file (removed at once); the missing ones are made later."""
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        where, name = printable_path(str(folder)), printable_path(str(out))
        raise DomainError(
            "export.not_a_folder",
            f"{where} 不是資料夾，無法寫入 {name}；請指定資料夾中的檔案",
            f"{where} is not a folder, so {name} cannot be written; give a file in a folder",
            "out",
        )
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe-", suffix=".part")
    except OSError as e:  # name the export, never the probe
        raise OSError(e.errno, e.strerror, str(out)) from e
    os.close(fd)
    os.unlink(probe)


#: A temporary twin of an export (``.NAME-XXXXXXXX.part``) older than this was left by a write
#: that was killed (a power cut, the window ended): no write of one file takes so long.
STALE_PART_S = 3600


def _drop_stale_parts(out: Path) -> None:
    """Removes what earlier writes of ``out`` killed midway left beside it: a hidden file with
    the whole export in clear (a receipt, the day's closing with its clerks and void reasons),
    which the next export of the same file left there for ever, out of the operator's sight
    (told to delete the export when done, they deleted the one they saw). Only this account's
    regular files, and only old ones: another program's write of the same file may be under
    way."""
    now = time.time()
    for part in out.parent.glob(f".{glob.escape(out.name)}-*.part"):
        try:
            st = part.lstat()
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < STALE_PART_S:
                continue
            if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
                continue
            part.unlink()
        except OSError:
            continue  # gone meanwhile, or not this account's to remove: left as it was


def write(settings: Settings, out: Path, data: bytes, personal: bool) -> Written:
    """Writes ``data`` to ``out`` atomically: 0600 for personal data (refused inside the data
    directory), the process's ordinary permissions otherwise. What a killed write of the same
    file left beside it is removed (:func:`_drop_stale_parts`)."""
    check_target(settings, out, personal)
    out.parent.mkdir(parents=True, exist_ok=True)
    _drop_stale_parts(out)
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}-", suffix=".part")
    except OSError as e:  # a folder that takes no new file: the refusal named the temporary
        raise OSError(e.errno, e.strerror, str(out)) from e
    try:
        with os.fdopen(fd, "wb") as f:  # mkstemp creates it 0600
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if not personal:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        if e.filename is None:  # write/fsync name no file: the refusal names the export's
            raise OSError(e.errno, e.strerror, str(out)) from e
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    mode = out.stat().st_mode & 0o777
    return Written(out, len(data), personal, mode)
