"""Verifying a backup: a private copy is opened with this office's key and checked (SQLite's
integrity, every chain of events, every case's projection against its events), so a backup
is known good before anyone relies on it; and the quick check (``newest_good``) doctor makes
of the newest backups. Re-exported by ``services.backup``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from eservice_desktop.config import Settings
from eservice_desktop.domain.case import CaseState, project
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.values import printable
from eservice_desktop.services import audit
from eservice_desktop.services.backup_files import (
    BackupInfo,
    backup_error,
    list_backups,
    no_backup_file,
    parse_name,
)
from eservice_desktop.services.core import App
from eservice_desktop.services.integrity_words import integrity_zh
from eservice_desktop.services.operators import require
from eservice_desktop.storage import cipher, db, dbkey, repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import CaseRow, EventRow

log = logging.getLogger("eservice.backup")

#: What reading an edited backup's rows as events can raise: what the chain's walk can
#: (``audit.UNREADABLE``), and a table or a case's first event gone.
UNREADABLE = (*audit.UNREADABLE, SQLAlchemyError, cipher.DatabaseError, DomainError)


class Problems:
    """What a check found, in both languages: ``verify --json``'s ``problems`` are the English
    texts as they always were, ``problems_zh`` the same in Chinese (the window and the command
    line in Chinese showed 「驗證失敗：key: … does not open with this machine's key」)."""

    def __init__(self) -> None:
        self.en: list[str] = []
        self.zh: list[str] = []

    def add(self, zh: str, en: str) -> None:
        self.zh.append(zh)
        self.en.append(en)

    def __bool__(self) -> bool:
        return bool(self.en)


def findings(verified: dict[str, Any], lang: str) -> str:
    """A verification's ``problems`` in ``lang``, joined as the language writes a list."""
    if lang.startswith("zh"):
        return "；".join(verified["problems_zh"])
    return "; ".join(verified["problems"])


def _integrity(copy: Path, key: bytes, shown: str) -> tuple[list[str], str | None]:
    """SQLite's integrity check and the schema revision of a backup copy (``shown``: the
    backup's own name, for the refusal). A page that no longer decrypts and a file that is
    not one of this program's databases (empty, another program's) are findings, not errors."""
    try:
        conn = cipher.connect(copy, key)
    except cipher.WrongKey as e:
        raise backup_error(
            "key",
            f"無法以本機金鑰開啟 {shown}（金鑰不符或檔案損毀）",
            f"{shown} does not open with this machine's key (wrong key or damaged file)",
        ) from e
    try:
        try:
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        except cipher.DatabaseError as e:
            return [f"damaged: {e}"], None
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone():
            return integrity, None
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    return integrity, (revision[0] if revision else None)


def _same_projection(row: CaseRow | None, state: CaseState) -> bool:
    return row is not None and (
        row.status,
        row.fees_due,
        row.paid,
        row.case_number,
        row.applicant_name,
        row.state.get("event_count"),
    ) == (
        state.status,
        state.fees_due,
        state.paid,
        state.case_number,
        state.applicant_name,
        state.event_count,
    )


#: Cases whose projection is checked at a time (with their events): a copy is never held whole.
CASES_AT_A_TIME = 1000


def _projections(c: Session) -> tuple[int, int, int, int]:
    """Cases, events, projections that differ from their events, projections without events.

    The copy is read a thousand cases at a time, each with its events (the case index): every
    case and event of the copy held at once took 4.2 GB for a year of a busy office, in
    ``backup verify`` and in the check before every restore."""
    mismatched = without = 0
    after = ""
    while rows := list(
        c.scalars(
            select(CaseRow)
            .where(CaseRow.case_id > after)
            .order_by(CaseRow.case_id)
            .limit(CASES_AT_A_TIME)
        )
    ):
        after = rows[-1].case_id
        by_case: dict[str, list[Any]] = {}
        of_these = select(EventRow).where(among(EventRow.case_id, [r.case_id for r in rows]))
        for erow in c.scalars(of_these.order_by(EventRow.case_id, EventRow.seq)):
            by_case.setdefault(erow.case_id, []).append(erow)
        for row in rows:
            evs = by_case.get(row.case_id)
            if evs is None:
                without += 1
            elif not _same_projection(row, project([repo.row_to_event(e) for e in evs])):
                mismatched += 1
        c.expunge_all()
    with_events = c.scalar(select(func.count(distinct(EventRow.case_id)))) or 0
    events = c.scalar(select(func.count()).select_from(EventRow)) or 0
    # events of a case with no projection: that case's projection differs (it is missing)
    orphans = c.scalar(
        select(func.count(distinct(EventRow.case_id))).where(
            EventRow.case_id.not_in(select(CaseRow.case_id))
        )
    )
    return with_events, events, mismatched + (orphans or 0), without


def _check_copy(
    copy: Path, key: bytes, revision: str | None, problems: Problems, counters: list[str]
) -> tuple[audit.AuditResult | None, tuple[int, int, int, int]]:
    """Chain and projections of the copy, upgraded first when older (as a restore would open
    it); what is wrong is added to ``problems``, the counters whose chains it holds to
    ``counters``. A copy of a newer version is not read."""
    engine = db.make_engine(f"sqlite:///{copy}", key=key)
    chain: audit.AuditResult | None = None
    try:
        if revision != db.HEAD_REVISION:
            try:
                db.upgrade(engine, f"sqlite:///{copy}")
            except db.DatabaseTooNew:
                problems.add(
                    f"資料庫版本 {revision} 屬於較新的 eservice-desktop",
                    f"revision {revision} is of a newer eservice-desktop",
                )
                return None, (0, 0, 0, 0)
        try:
            with Session(engine) as c:
                chain = audit.verify_session(c)
                counters += [f"{o}-{d}" for o, d in sorted(repo.chained_devices(c))]
            if not chain.ok:
                problems.add("雜湊鏈：" + chain.message("zh_TW"), "chain: " + chain.message("en"))
            with Session(engine) as c:
                counts = _projections(c)
        except UNREADABLE as e:
            # an edited row that no longer reads as an event (its payload no JSON, a case's
            # first event deleted, a table dropped) is a finding like a broken link, never a
            # traceback or a refusal about "the case"; only the kind is said (rows hold
            # personal data)
            problems.add(
                f"事件：有資料列無法讀成事件（{type(e).__name__}）",
                f"events: a row does not read as an event ({type(e).__name__})",
            )
            return chain, (0, 0, 0, 0)
    finally:
        engine.dispose()
    if counts[2] or counts[3]:
        problems.add(
            f"案件資料：{counts[2]} 件與其事件不符，{counts[3]} 件沒有事件",
            f"projections: {counts[2]} differ from their events, {counts[3]} without events",
        )
    return chain, counts


def examine(path: Path, key: bytes) -> dict[str, Any]:
    """Every check of ``verify`` on a private copy of ``path``, without a session (a restore
    makes it before anything is switched): ``problems`` is empty when the backup is good;
    ``counters`` are the ones (``OFFICE-DEVICE``) whose chains it holds."""
    problems = Problems()
    chain: audit.AuditResult | None = None
    cases = events = 0
    counters: list[str] = []
    with tempfile.TemporaryDirectory(prefix="eservice-verify-") as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copy(path, copy)
        if copy.stat().st_size == 0:
            integrity, revision = ["empty file"], None
        else:
            integrity, revision = _integrity(copy, key, path.name)
        if integrity != ["ok"]:
            found = "; ".join(integrity[:5])
            problems.add(f"完整性檢查未通過：{integrity_zh(integrity[:5])}", f"integrity: {found}")
        elif revision is None:
            problems.add(
                "不是 eservice-desktop 的資料庫（沒有資料庫版本）",
                "not a database of eservice-desktop (no schema revision)",
            )
        else:
            chain, (cases, events, _, _) = _check_copy(copy, key, revision, problems, counters)
    return {
        "ok": not problems,
        "problems": problems.en,
        "problems_zh": problems.zh,
        "integrity": integrity,
        "revision": revision,
        "cases": cases,
        "events": events,
        "chain": chain.to_json() if chain is not None else None,
        "counters": counters,
    }


def verify(app: App, path: Path) -> dict[str, Any]:
    """Opens a temporary copy of the backup with the office key: SQLite integrity, schema
    revision, and every case's stored projection equal to the one rebuilt from its events."""
    require(app, Action.BACKUP)
    info = parse_name(path)
    if not path.is_file():
        raise no_backup_file(path)
    try:
        found = examine(path, app.db_key)
    except DomainError as e:
        if e.code != "backup.key":
            raise
        # another office's key, or a file cut short or no database at all: a backup that
        # failed its check, as an empty or damaged one (exit 1), not bad input (it was exit 2)
        found = {
            "ok": False,
            "problems": [f"key: {e.message_en}"],
            "problems_zh": [e.message_zh],
            "integrity": [],
        }
        found.update(revision=None, cases=0, events=0, chain=None, counters=[])
    del found["counters"]  # what restore checks; not part of verify's answer
    now = app.now()
    return {
        "file": str(path),
        **found,
        "taken_at": info.taken_at.isoformat() if info else None,
        "age_h": round((now - info.taken_at).total_seconds() / 3600, 2) if info else None,
    }


def check_before_restore(settings: Settings, path: Path, key: bytes) -> None:
    """Every check of ``verify``, and the counter the backup belongs to, before a restore moves
    anything: each refusal ends with "nothing was restored or changed" (a backup that does not
    open with this key said only "wrong key or damaged file", leaving IT to wonder)."""
    try:
        found = examine(path, key)
    except DomainError as e:  # backup.key: another office's key, a plain or truncated file
        raise DomainError(
            e.code,
            f"{e.message_zh}，未還原，資料庫未變更",
            f"{e.message_en}; nothing was restored or changed",
            e.field,
        ) from e
    if not found["ok"]:
        why_zh, why_en = (printable(found[k][0], 160) for k in ("problems_zh", "problems"))
        raise backup_error(
            "damaged",
            f"備份檔 {path.name} 未通過檢查（{why_zh}），未還原，資料庫未變更",
            f"The backup {path.name} does not verify ({why_en}); nothing was restored or changed",
        )
    refuse_another_counter(settings, path, found["counters"])


def refuse_another_counter(settings: Settings, path: Path, counters: list[str]) -> None:
    """A backup of another counter (its key imported here) would be put in place and then
    every command and the window refuse the database as that counter's (``db.device_identity``,
    services/core): refused before anything moves, by the same rule."""
    me = f"{settings.office_code}-{settings.device_id}"
    if counters and me not in counters:
        owner = "、".join(counters)
        raise backup_error(
            "another_counter",
            f"備份檔 {path.name} 屬於櫃檯 {owner}，不是本櫃檯 {me}，未還原，資料庫未變更",
            f"The backup {path.name} belongs to counter {owner.replace('、', ', ')}, not to "
            f"this counter {me}; nothing was restored or changed",
        )


def newest_good(settings: Settings, before: datetime | None = None) -> BackupInfo | None:
    """The newest backup that opens with the key and passes a quick check (doctor), taken no
    later than ``before`` when given (one stamped ahead of the clock read as fresh for as long
    as the clock had run ahead, whatever became of the backups since). None when the key
    cannot be read (a damaged key file, a keyring that fails): doctor's database check says
    why; the whole report ended in that refusal instead."""
    try:
        key = dbkey.read_key(settings)
    except (dbkey.KeyUnavailable, OSError):  # a key file this user cannot read, or a folder
        return None
    if key is None:
        return None
    for b in list_backups(settings):
        if before is not None and b.taken_at > before:
            continue
        try:
            conn = cipher.connect(b.path, key, read_only=True)
        except (cipher.WrongKey, cipher.DatabaseError):
            continue
        try:
            if (
                conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
                and conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
                ).fetchone()
            ):
                return b
        except cipher.DatabaseError:
            continue
        finally:
            conn.close()
    return None
