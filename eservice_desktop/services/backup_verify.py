"""Verifying a backup: a private copy is opened with this office's key and checked (SQLite's
integrity, every chain of events, every case's projection against its events), so a backup
is known good before anyone relies on it; and the quick check (``newest_good``) doctor makes
of the newest backups. Re-exported by ``services.backup``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.config import Settings
from eservice_desktop.domain.case import CaseState, project
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import audit
from eservice_desktop.services.backup_files import (
    BackupInfo,
    backup_error,
    list_backups,
    parse_name,
)
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import cipher, db, dbkey, repo
from eservice_desktop.storage.models import CaseRow, EventRow

log = logging.getLogger("eservice.backup")


def _integrity(copy: Path, key: bytes) -> tuple[list[str], str | None]:
    """SQLite's integrity check and the schema revision of a backup copy."""
    try:
        conn = cipher.connect(copy, key)
    except cipher.WrongKey as e:
        raise backup_error("key", str(e).split(" / ")[0], str(e).split(" / ")[-1]) from e
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
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


def _projections(c: Session) -> tuple[int, int, int, int]:
    """Cases, events, projections that differ from their events, projections without events."""
    rows = {r.case_id: r for r in c.scalars(select(CaseRow)).all()}
    by_case: dict[str, list[Any]] = {}
    events = 0
    for erow in c.scalars(select(EventRow).order_by(EventRow.seq)).all():
        by_case.setdefault(erow.case_id, []).append(erow)
        events += 1
    mismatched = sum(
        not _same_projection(rows.get(case_id), project([repo.row_to_event(e) for e in evs]))
        for case_id, evs in by_case.items()
    )
    return len(by_case), events, mismatched, len(set(rows) - set(by_case))


def _check_copy(
    copy: Path, key: bytes, revision: str | None, sound: bool, problems: list[str]
) -> tuple[audit.AuditResult, tuple[int, int, int, int]]:
    """Chain and projections of the copy, upgraded first when older (as a restore would open
    it); what is wrong is added to ``problems``."""
    engine = db.make_engine(f"sqlite:///{copy}", key=key)
    try:
        if sound and revision and revision != db.HEAD_REVISION:
            db.upgrade(engine, f"sqlite:///{copy}")
        with Session(engine) as c:
            chain = audit.verify_session(c)
        if not chain.ok:
            problems.append("chain: " + chain.message("en"))
        with Session(engine) as c:
            counts = _projections(c)
    finally:
        engine.dispose()
    if counts[2] or counts[3]:
        problems.append(
            f"projections: {counts[2]} differ from their events, {counts[3]} without events"
        )
    return chain, counts


def verify(app: App, path: Path) -> dict[str, Any]:
    """Opens a temporary copy of the backup with the office key: SQLite integrity, schema
    revision, and every case's stored projection equal to the one rebuilt from its events."""
    require(app, Action.BACKUP)
    info = parse_name(path)
    if not path.is_file():
        raise backup_error("missing", f"找不到備份檔 {path}", f"No backup file at {path}")
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="eservice-verify-") as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copy(path, copy)
        integrity, revision = _integrity(copy, app.db_key)
        if integrity != ["ok"]:
            problems.append("integrity: " + "; ".join(integrity[:5]))
        chain, (cases, events, _, _) = _check_copy(
            copy, app.db_key, revision, integrity == ["ok"], problems
        )
    now = app.now()
    return {
        "file": str(path),
        "ok": not problems,
        "problems": problems,
        "integrity": integrity,
        "revision": revision,
        "cases": cases,
        "events": events,
        "chain": chain.to_json(),
        "taken_at": info.taken_at.isoformat() if info else None,
        "age_h": round((now - info.taken_at).total_seconds() / 3600, 2) if info else None,
    }


def newest_good(settings: Settings) -> BackupInfo | None:
    """The newest backup that opens with the key and passes a quick check (doctor)."""
    key = dbkey.read_key(settings)
    if key is None:
        return None
    for b in list_backups(settings):
        try:
            conn = cipher.connect(b.path, key, read_only=True)
        except (cipher.WrongKey, cipher.DatabaseError):
            continue
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                return b
        except cipher.DatabaseError:
            continue
        finally:
            conn.close()
    return None
