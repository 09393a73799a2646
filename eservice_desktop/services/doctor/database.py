"""The office database without changing it: opens, current schema, whole event chain, recent
backup."""

from __future__ import annotations

from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.report import Check, Verdict, _check

_DATABASE = ("資料庫完整性與版本", "Database integrity and revision")


def _openable(settings: Settings) -> None:
    """Exists (a file of zero bytes is none) and is encrypted, or the verdict."""
    from eservice_desktop.services.database import present
    from eservice_desktop.storage import cipher

    path = settings.db_path
    if not present(settings):
        raise Verdict(
            "warn",
            ("資料庫尚未建立", "No database yet"),
            (
                "執行 eservice-desktop db upgrade（或開啟櫃檯程式一次）",
                "Run `eservice-desktop db upgrade` (or open the counter window once)",
            ),
        )
    if cipher.is_plain(path):
        raise Verdict(
            "fail",
            ("資料庫未加密", "The database is not encrypted"),
            (
                "執行 eservice-desktop db upgrade（就地轉為加密資料庫）",
                "Run `eservice-desktop db upgrade` (encrypts it in place)",
            ),
        )


def _integrity_and_revision(settings: Settings) -> tuple[list[str], str | None]:
    """``PRAGMA integrity_check`` rows and the Alembic revision, read-only."""
    from eservice_desktop.storage import cipher, db, dbkey, disk_full

    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            try:
                found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except cipher.DatabaseError:
                found = None
        finally:
            conn.close()
    except cipher.DatabaseError as e:
        if "unable to open" in str(e):
            raise _cannot_open(settings) from None
        raise _unreadable(e) from None
    except (cipher.WrongKey, dbkey.KeyUnavailable) as e:
        raise _unreadable(e, key=True) from None
    except disk_full.DiskFull:
        raise _no_room(settings) from None
    except OSError as e:  # the key file itself: not this user's to read, or a folder
        raise _key_file_unreadable(settings, e) from None
    return [str(r[0]) for r in rows], (str(found[0]) if found else None)


def _key_file_unreadable(settings: Settings, e: OSError) -> Verdict:
    """The key file cannot be read by this user (a clerk outside the ``eservice`` group, a
    folder where the file should be): the whole report stopped with "cannot access …/db.key"
    (exit 2), where doctor is what IT runs to find that out."""
    from eservice_desktop.domain.text_values import os_reason
    from eservice_desktop.domain.values import printable

    where = printable(str(e.filename or settings.data_dir / "keys"), 200)
    zh, en = os_reason(e)
    return Verdict(
        "fail",
        (
            f"無法讀取資料庫金鑰檔 {where}（{zh}）",
            f"Cannot read the database key file {where} ({en})",
        ),
        (
            "Linux：usermod -aG eservice 使用者（金鑰資料夾屬於 eservice 群組）；金鑰檔須為檔案，"
            "否則以保管的金鑰執行 eservice-desktop db key import 檔案",
            "Linux: usermod -aG eservice USER (the key folder is the eservice group's); the "
            "key must be a file, else put the escrowed key back with `db key import FILE`",
        ),
    )


def _no_room(settings: Settings) -> Verdict:
    """The database's disk is full: SQLite cannot even open it (its -shm file needs room), and
    the key and the file are not in question (it read 金鑰不符或檔案損毀, sending IT to import a
    key or restore a backup onto the full disk). A disk full of files (no inode left, bytes
    free) is named as such: ``df -h`` shows room there, and it read 唯讀或沒有權限."""
    from eservice_desktop.storage import disk_full

    where = settings.db_path.parent
    if disk_full.out_of_files(where):
        return Verdict(
            "fail",
            (
                f"磁碟的檔案數已滿（inode 用盡）：{where} 無法再建立檔案，資料庫無法開啟"
                "（金鑰與資料未受影響）",
                f"The disk is full of files (no inode left): nothing more can be made in {where},"
                " so the database cannot be opened (the key and the data are not affected)",
            ),
            (
                "刪除該磁碟上不需要的檔案（多為大量小檔案；df -i 顯示各磁碟的檔案數），再開啟程式",
                "Delete files not needed on that disk (usually many small ones; `df -i` shows"
                " each disk's files), then start the program again",
            ),
        )
    return Verdict(
        "fail",
        (
            f"磁碟空間已滿：{where} 沒有空間，資料庫無法開啟（金鑰與資料未受影響）",
            f"The disk is full: no room in {where}, so the database cannot be opened (the key"
            " and the data are not affected)",
        ),
        (
            "清出磁碟空間（至少 1 GB），可將舊備份 backups/ 移至外部儲存，再開啟程式",
            "Free disk space (at least 1 GB), e.g. move old backups/ to external storage, then"
            " start the program again",
        ),
    )


def _cannot_open(settings: Settings) -> Verdict:
    """The file or its folder cannot be opened by this user (a WAL database needs its folder
    writable even to be read): permissions, not the key nor the file's content."""
    where = settings.db_path.parent
    return Verdict(
        "fail",
        (
            f"無法開啟資料庫：{where} 對此帳號唯讀或沒有權限",
            f"Cannot open the database: {where} is read-only or not permitted for this user",
        ),
        (
            "確認資料目錄可寫入（唯讀掛載、權限）；Linux：usermod -aG eservice 使用者，"
            "Windows：資料夾權限給此帳號「修改」",
            "Make the data directory writable (read-only mount, permissions); Linux: "
            "usermod -aG eservice USER, Windows: grant this account Modify on the folder",
        ),
    )


def _unreadable(e: Exception, key: bool = False) -> Verdict:
    """The database does not open: with ``key`` because the key is missing or another one (a
    backup is sealed with the same key, so the fix is the escrowed key, not a restore)."""
    zh, _, en = str(e).partition(" / ")
    if not en:  # SQLite's own words, English only: the zh-TW line said them as they came
        from eservice_desktop.services.integrity_words import finding_zh

        zh, en = finding_zh(zh) or zh, zh
    fix = (
        (
            "以保管的金鑰執行 eservice-desktop db key import 檔案（見 IT 手冊「金鑰保管」）；"
            "金鑰正確而檔案損毀時，再由 backups/ 還原最近的備份",
            "Put the escrowed key back: `eservice-desktop db key import FILE` (IT guide, 'Key "
            "custody'); only if the key is right and the file is damaged, restore the latest "
            "copy from backups/",
        )
        if key
        else (
            "由 backups/ 還原最近的備份（見 IT 手冊「備份與還原」）",
            "Restore the latest copy from backups/ (IT guide, 'Backup and restore')",
        )
    )
    return Verdict("fail", (f"無法讀取資料庫：{zh}", f"Cannot read the database: {en or zh}"), fix)


def _sound(problems: list[str]) -> None:
    if problems != ["ok"]:
        raise Verdict(
            "fail",
            (f"完整性檢查失敗：{problems[0]}", f"Integrity check failed: {problems[0]}"),
            (
                "停止程式與同步服務，由 backups/ 還原最近的備份（見 IT 手冊）",
                "Stop the program and the sync service, restore the latest copy from backups/ "
                "(IT guide)",
            ),
        )


def _revision_verdict(current: str | None, head: str) -> Verdict:
    if current == head:
        return Verdict("ok", (f"完整性正常，版本 {current}", f"Integrity ok, revision {current}"))
    if current is not None and current not in _known_revisions():
        return Verdict(
            "fail",
            (
                f"資料庫版本 {current} 比本程式（{head}）新",
                f"Database revision {current} is newer than this build ({head})",
            ),
            (
                "安裝與寫入此資料庫相同或更新版本的 eservice-desktop",
                "Install the eservice-desktop version that wrote it, or a newer one",
            ),
        )
    return Verdict(
        "warn",
        (
            f"完整性正常，版本 {current or '（無）'}，待升級至 {head}",
            f"Integrity ok, revision {current or '(none)'}, upgrade to {head} pending",
        ),
        (
            "執行 eservice-desktop db upgrade（會先自動備份）",
            "Run `eservice-desktop db upgrade` (it backs the database up first)",
        ),
    )


def _not_lost(settings: Settings) -> None:
    """No database, but this counter has backups: the database was lost (deleted, a disk
    replaced, or a file of zero bytes left). The advice for a new install (open the window
    once, ``db upgrade``) would start an empty one in its place; the database is restored
    from the newest backup instead."""
    from eservice_desktop.services import backup
    from eservice_desktop.services.database import present

    if present(settings) or not backup.list_backups(settings):
        return
    raise Verdict(
        "fail",
        ("找不到資料庫，但本櫃檯有備份", "The database is missing, but this counter has backups"),
        (
            "以 eservice-desktop backup restore 還原最新的備份（backup list），勿先開啟櫃檯程式",
            "Restore the newest backup (`backup list`) with `eservice-desktop backup restore "
            "FILE`; do not open the counter window first",
        ),
    )


def check_database(settings: Settings) -> Check:
    """Integrity and schema revision, read-only (``mode=ro``: doctor never writes)."""
    from eservice_desktop.storage import db

    head = db.head_revision()
    facts: dict[str, Any] = {"path": str(settings.db_path), "head": head}
    try:
        _not_lost(settings)
        _openable(settings)
        problems, current = _integrity_and_revision(settings)
        facts.update(integrity=problems[:10], current=current)
        _sound(problems)
    except Verdict as v:
        return v.check("database", _DATABASE, **facts)
    return _revision_verdict(current, head).check("database", _DATABASE, **facts)


_CHAIN = ("事件雜湊鏈（防竄改）", "Event hash chain (tamper evidence)")


def _chain_unchecked(settings: Settings) -> Check | None:
    """The chain line of a database that cannot be checked (none, plain, unreadable), or None.
    A plain database (an older build's, or one whose encryption was stopped by a power cut) is
    checked once it is encrypted: it read 資料庫尚未建立 / No database yet, beside the database
    line naming it."""
    from eservice_desktop.services.database import present
    from eservice_desktop.storage import cipher, db, dbkey

    if not present(settings):
        return _check("chain", _CHAIN, "warn", ("資料庫尚未建立", "No database yet"))
    if cipher.is_plain(settings.db_path):
        return _check(
            "chain",
            _CHAIN,
            "warn",
            ("資料庫加密後才能檢查", "Checked once the database is encrypted"),
            (
                "執行 eservice-desktop db upgrade（就地轉為加密資料庫）",
                "Run `eservice-desktop db upgrade` (encrypts it in place)",
            ),
        )
    try:  # unreadable (key, permissions, damage) is not "upgrade first": check_database says why
        db.raw_connect(settings, read_only=True).close()
    except (cipher.DatabaseError, cipher.WrongKey, dbkey.KeyUnavailable, OSError):
        return _check(
            "chain",
            _CHAIN,
            "fail",
            ("無法讀取資料庫", "The database cannot be read"),
            ("見「資料庫完整性與版本」", "See 'Database integrity and revision'"),
        )
    return None


def check_chain(settings: Settings) -> Check:
    """Every device's event hash chain (``audit verify``), read-only."""
    from eservice_desktop.storage import cipher, db, dbkey

    title = _CHAIN
    unchecked = _chain_unchecked(settings)
    if unchecked is not None:
        return unchecked
    engine = db.make_engine(settings.db_url, key=dbkey.database_key(settings, create=False))
    try:
        if not db.schema_is_current(engine):
            return _check(
                "chain",
                title,
                "warn",
                ("資料庫升級後才能檢查", "Checked once the database is upgraded"),
                ("執行 eservice-desktop db upgrade", "Run `eservice-desktop db upgrade`"),
            )
        from sqlalchemy.orm import Session

        from eservice_desktop.services.audit import verify_session

        reading = engine.connect().execution_options(**{db.READ_ONLY_OPTION: True})
        with reading as conn, Session(conn) as s:
            result = verify_session(s)
    except (cipher.DatabaseError, cipher.WrongKey) as e:
        return _check("chain", title, "fail", (f"無法讀取資料庫：{e}", f"Cannot read it: {e}"))
    finally:
        engine.dispose()
    facts = result.to_json()
    if result.ok:
        return _check(
            "chain", title, "ok", (result.message("zh_TW"), result.message("en")), **facts
        )
    return _check(
        "chain",
        title,
        "fail",
        (result.message("zh_TW"), result.message("en")),
        (
            "資料庫曾被直接修改：保全此檔案與備份，通報主管與縣府，"
            "停用此櫃檯（見 IT 手冊「防竄改」）",
            "The database file was changed outside the program: keep this file and the backups, "
            "tell the office head and the county, stop the counter (IT guide, 'Tamper evidence')",
        ),
        **facts,
    )


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from eservice_desktop.storage import db

    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}
