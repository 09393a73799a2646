"""Rows of the conflicts list (``sync_conflicts``): one per event at most, whoever notes it (a
refusal of the county, a case over-paid or handed over unpaid, another counter's note)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.storage.models_sync import SyncConflictRow


def noted(s: Session, event_id: str) -> bool:
    """A row about ``event_id`` is there already."""
    found = select(SyncConflictRow.conflict_id).where(SyncConflictRow.event_id == event_id)
    return s.scalar(found) is not None


def add(
    s: Session,
    *,
    conflict_id: str,
    event_id: str,
    case_id: str,
    event_type: str,
    reason: tuple[str, str, str],
    at: datetime,
) -> None:
    """An open row; ``reason`` is (code, zh-TW, English)."""
    code, zh, en = reason
    s.add(
        SyncConflictRow(
            conflict_id=conflict_id,
            event_id=event_id,
            case_id=case_id,
            event_type=event_type,
            reason_code=code,
            reason_zh=zh,
            reason_en=en,
            created_at=at,
            resolution="",
        )
    )


def settle(s: Session, case_id: str, code: str, resolution: str, now: datetime) -> None:
    """Resolves the case's open rows of ``code``: what they asked for was done."""
    rows = s.scalars(
        select(SyncConflictRow).where(
            SyncConflictRow.case_id == case_id,
            SyncConflictRow.reason_code == code,
            SyncConflictRow.resolved_at.is_(None),
        )
    )
    for row in rows:
        row.resolved_at, row.resolution = now, resolution


def is_open(s: Session, case_id: str, code: str) -> bool:
    """Whether the case has an open row of ``code`` (one to say anew, not to open again)."""
    return (
        s.scalar(
            select(SyncConflictRow.conflict_id).where(
                SyncConflictRow.case_id == case_id,
                SyncConflictRow.reason_code == code,
                SyncConflictRow.resolved_at.is_(None),
            )
        )
        is not None
    )


def reword(s: Session, case_id: str, code: str, reason: tuple[str, str]) -> None:
    """Says the case's open rows of ``code`` anew (zh-TW, English): a partial refund left less
    to refund than the row first named, and the list still asked for the whole amount."""
    rows = s.scalars(
        select(SyncConflictRow).where(
            SyncConflictRow.case_id == case_id,
            SyncConflictRow.reason_code == code,
            SyncConflictRow.resolved_at.is_(None),
        )
    )
    for row in rows:
        row.reason_zh, row.reason_en = reason
