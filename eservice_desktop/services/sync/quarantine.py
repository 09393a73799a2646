"""Pulled events set aside (``parked:<id>`` rows in ``sync_reference``): counted for the status
bar and ``sync status``, listed with their reason by ``sync conflicts`` for IT to review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_sync import SyncReferenceRow

PREFIX = "parked:"

#: English for the reason codes of events set aside before ``park`` kept an English text.
_EN = {
    "event.unreadable": "The event cannot be read",
    "case.number_taken": "The case number is already used by another case here",
}


@dataclass(frozen=True)
class QuarantineView:
    """Shaped like a conflict row of ``sync conflicts`` (same keys, no conflict id: nothing
    to resolve) with ``kind`` telling them apart."""

    kind: str
    conflict_id: str
    case_id: str
    case_number: str
    event_type: str
    reason: str
    created_at: str
    event_id: str
    seq: int
    reason_code: str
    reason_zh: str
    reason_en: str


def quarantined_count(s: Session) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(SyncReferenceRow)
            .where(SyncReferenceRow.name.startswith(PREFIX))
        )
        or 0
    )


def quarantined(app: App, lang: str = "zh_TW") -> list[QuarantineView]:
    with app.reading() as s:
        rows = list(
            s.scalars(
                select(SyncReferenceRow)
                .where(SyncReferenceRow.name.startswith(PREFIX))
                .order_by(SyncReferenceRow.seq)
            )
        )
        return [_view(r, lang) for r in rows]


def _view(r: SyncReferenceRow, lang: str) -> QuarantineView:
    data: dict[str, Any] = r.data if isinstance(r.data, dict) else {}
    refused = data.get("refused") if isinstance(data.get("refused"), dict) else {}
    assert isinstance(refused, dict)
    code = str(refused.get("code") or "")
    zh = str(refused.get("zh") or "")
    en = str(refused.get("en") or _EN.get(code, code))
    payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
    assert isinstance(payload, dict)
    return QuarantineView(
        kind="quarantined",
        conflict_id="",
        case_id=str(data.get("case_id") or ""),
        case_number=str(payload.get("case_number") or ""),
        event_type=str(data.get("type") or ""),
        reason=zh if lang.startswith("zh") else en,
        created_at=repo.aware(r.updated_at).isoformat(),
        event_id=r.name[len(PREFIX) :],
        seq=int(r.seq),
        reason_code=code,
        reason_zh=zh,
        reason_en=en,
    )
