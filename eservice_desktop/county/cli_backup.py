"""``eservice-county-server backup --out FILE``: a copy of the county's database taken while the
server runs, checked before it is kept.

The guide told county IT how to restore the database, not how to copy it, and a plain ``cp``
of a running SQLite county (WAL mode) can miss what is still in the ``-wal`` file, or copy the
database half-written. SQLite's online backup API copies a consistent state while offices
push; PostgreSQL's own ``pg_dump`` does the same (custom format, for ``pg_restore``). Either
copy is written beside its name as ``.partial``, readable by its owner only (it holds every
office's events and the registry), checked (``PRAGMA integrity_check`` and the copy's schema
revision; ``pg_restore --list``), and only then renamed into place: a copy cut off by a full
disk or a kill never stands where the last good one is looked for. An existing file is never
overwritten. The ``.partial`` is locked while it is written: a second backup to the same name
(a scheduled one and IT's own, a long dump) took the first's copy in progress for a killed
backup's leftover and removed it, and the first put the second's unchecked copy in place.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eservice_desktop.county.cli_common import Refused, add_command, check_out_name, db_url
from eservice_desktop.county.cli_lang import said
from eservice_desktop.domain.text_values import os_reason, printable_path


@dataclass(frozen=True)
class Copied:
    """What ``backup`` wrote: where, how large, the database's kind and schema revision."""

    out: str
    bytes: int
    database: str  # "sqlite" | "postgresql"
    revision: str | None


def add_parser(sub: Any) -> None:
    b = add_command(
        sub, "backup", "伺服器運作中備份縣府資料庫（SQLite 線上備份；PostgreSQL pg_dump）"
    )
    b.add_argument("--out", required=True, help="備份檔（不覆寫已存在的檔案）")
    b.add_argument("--json", action="store_true", help="輸出 JSON")
    b.set_defaults(func=cmd_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    url = make_url(db_url(args))
    out = Path(args.out)
    _check_target(out)
    partial = out.with_name(out.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            revision = _sqlite_copy(Path(url.database or ""), partial)
        else:
            revision = _pg_copy(url, partial)
        put_in_place(partial, out)
    finally:
        if str(partial) in _HOLDING:  # another backup's copy in progress is never removed
            with suppress(FileNotFoundError):
                partial.unlink()
            _let_go(partial)
    done = Copied(str(out), out.stat().st_size, url.get_backend_name(), revision)
    if args.json:
        print(json.dumps(asdict(done)))
    else:
        size = f"{done.bytes / 1e6:,.1f} MB"
        shown = printable_path(str(out))
        print(
            said(
                f"已備份縣府資料庫至 {shown}（{size}，結構版本 {revision or '—'}）",
                f"The county database is backed up to {shown} ({size}, revision {revision or '—'})",
            )
        )
    return 0


def _check_target(out: Path) -> None:
    check_out_name(out, "--out")
    shown = printable_path(str(out))
    if out.exists() or out.is_symlink():
        raise Refused(
            f"{shown} 已存在：備份不覆寫既有的檔案，請另取檔名",
            f"{shown} exists: a backup never overwrites a file; name another one",
        )
    if not out.parent.is_dir():
        raise Refused(
            f"找不到資料夾 {printable_path(str(out.parent))}",
            f"No such folder: {printable_path(str(out.parent))}",
        )


def put_in_place(partial: Path, out: Path) -> None:
    """The checked copy under its name, never over a file made under that name while it was
    copied (a second backup to the same name, a long dump): a rename replaced it. A hard link
    fails when the name is taken; where the disk has none (a FAT or exFAT stick), the name is
    claimed first, then the copy renamed onto the claim."""
    try:
        os.link(partial, out, follow_symlinks=False)
    except FileExistsError:
        _check_target(out)  # says the name is taken
        raise
    except OSError:
        try:
            os.close(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        except FileExistsError:
            _check_target(out)
            raise
        os.replace(partial, out)


def _owner_only(path: Path) -> None:
    """An empty file only its owner may read, made before anything is written into it. What a
    killed backup left under its name (and its SQLite journal) is removed first: opened as it
    was, the copy kept that file's mode (readable by every account, when made so) and a
    symbolic link's target, and a hot journal would be rolled into the new copy. The file is
    held (:func:`_held`) until the backup ends: another backup's copy in progress under the
    name is no leftover, and is refused rather than removed."""
    if _held(path):
        raise Refused(
            f"{printable_path(str(path))} 正由另一個備份寫入：請待其完成，或另取檔名",
            f"{printable_path(str(path))} is being written by another backup: wait for it to "
            "end, or name another file",
        )
    for left in (path, path.with_name(path.name + "-journal")):
        with suppress(FileNotFoundError):
            left.unlink()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another backup made it between the removal and here
        return _owner_only(path)
    if not _hold(fd):
        os.close(fd)
        return _owner_only(path)
    _HOLDING[str(path)] = fd


#: The copies this process is writing, each by a descriptor that holds its lock (POSIX ``flock``,
#: apart from the ``fcntl`` locks SQLite takes on the same file) until :func:`_let_go`.
_HOLDING: dict[str, int] = {}


def _hold(fd: int) -> bool:
    """Locks ``fd``'s file for this backup; False when another holds it. Windows refuses to
    remove a file open in another backup, so nothing is locked there."""
    if os.name != "posix":
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _held(path: Path) -> bool:
    """Whether ``path`` is a copy another backup is writing (a killed backup's holds no lock)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # none, or a symbolic link: a leftover, removed
        return False
    try:
        return not _hold(fd)
    finally:
        os.close(fd)  # its lock, if taken, with it


def _let_go(path: Path) -> None:
    """The copy's lock released (the copy renamed into place, or removed)."""
    fd = _HOLDING.pop(str(path), None)
    if fd is not None:
        os.close(fd)


def _sqlite_copy(source: Path, partial: Path) -> str | None:
    """SQLite's online backup of ``source`` into ``partial``, checked; its revision."""
    if not source.is_file():
        raise Refused(
            f"找不到縣府資料庫 {printable_path(str(source))}",
            f"No county database at {printable_path(str(source))}",
        )
    _owner_only(partial)
    try:
        with (
            closing(sqlite3.connect(_read_only_uri(source), uri=True)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one file, as it is copied back
            checked = dst.execute("PRAGMA integrity_check").fetchone()[0]
            revision = _sqlite_revision(dst)
    except sqlite3.Error as e:
        raise _copy_failed(str(e)) from None
    except OSError as e:
        raise _copy_failed(*os_reason(e)) from None
    if checked != "ok":  # SQLite lists every fault found, one a line: the first says enough
        first = next((line for line in str(checked).splitlines() if "***" not in line), "?")
        raise _copy_failed(f"integrity_check: {first}")
    return revision


def _read_only_uri(source: Path) -> str:
    """``source`` as a read-only SQLite URI, its name percent-encoded: written as it is, a
    ``#`` or ``?`` in a folder's name ended the path there, and SQLite opened (and made) an
    empty database under the name before it, which was then kept as the backup."""
    return source.resolve().as_uri() + "?mode=ro"


def _sqlite_revision(db: sqlite3.Connection) -> str | None:
    from eservice_desktop.county.migrate import VERSION_TABLE

    try:
        row = db.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    except sqlite3.OperationalError:  # a database from before the schema was under Alembic
        return None
    return None if row is None else str(row[0])


def _pg_copy(url: Any, partial: Path) -> str | None:
    """``pg_dump`` of the database in its custom format into ``partial``, read back by
    ``pg_restore --list``; its revision. The password goes by the environment, never on the
    command line (every account on the machine can read that)."""
    dump, restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if dump is None or restore is None:
        raise Refused(
            "找不到 pg_dump／pg_restore：請安裝 PostgreSQL 用戶端工具（與伺服器同版或較新）",
            "pg_dump / pg_restore not found: install the PostgreSQL client tools (the "
            "server's version or newer)",
        )
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    _owner_only(partial)
    _run([dump, "--format=custom", f"--file={partial}", f"--dbname={conninfo}"], env)
    listed = _run([restore, "--list", str(partial)], env)
    if "county_events" not in listed:
        raise _copy_failed("pg_restore --list: no county_events table in the copy")
    return _pg_revision(url)


def _run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        # the tool's first line says what failed (``pg_dump: error: connection … failed: …``);
        # the lines after it are hints (``Is the server running …``)
        first = (done.stderr.strip().splitlines() or ["?"])[0].strip()
        raise _copy_failed(first if first.startswith(Path(argv[0]).name) else f"pg_dump: {first}")
    return done.stdout


def _pg_revision(url: Any) -> str | None:
    from eservice_desktop.county import migrate
    from eservice_desktop.county.store import make_engine

    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        return migrate.current(engine)
    finally:
        engine.dispose()


def _copy_failed(reason: str, reason_en: str = "") -> Refused:
    """``reason`` as the database or tool said it (or its zh-TW words, ``reason_en`` then
    their English)."""
    return Refused(
        f"備份未完成，未留下備份檔（{reason}）",
        f"The backup was not taken and no backup file was left ({reason_en or reason})",
    )
