"""Events the county refused: kept as conflicts, noted on the case, resolved by the clerk."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.text_values import printable
from eservice_desktop.services import cases
from eservice_desktop.services.conflict_money import check_no_money_held, money_held
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.sync.conflict_pairs import paired_with, receipt_rows
from eservice_desktop.storage import repo, sync_conflicts
from eservice_desktop.storage.models_sync import SyncConflictRow

log = logging.getLogger("eservice.sync")

#: The longest reason kept, in each language (the wire's own bound on a push answer's).
REASON_MAX = 2000
#: The refused acts the daily closing lists (services/closing_refused.py): money handed back
#: (a void, a refund) or a receipt's paper handed out (a print, first or again).
CLOSING_ACTS = frozenset(
    {
        ev.PAYMENT_VOIDED,
        ev.RECEIPT_VOIDED,
        ev.PAYMENT_REFUNDED,
        ev.RECEIPT_REPRINTED,
        ev.RECEIPT_ISSUED,
    }
)


def record_conflict(
    app: App, s: Session, e: Event, *, conflict_id: str, code: str, zh: str, en: str, now: datetime
) -> None:
    """Keeps the refusal and notes it on the case (a ``case.conflict_recorded`` event). The
    county's words are shown to the clerk and stored in an event: a control or direction
    character in them (a hostile county's) is written as ``U+XXXX``, as any text echoed back is,
    so the screen shows what was sent and the note is not refused for it."""
    code = printable(code, 64)[:64]  # its column's width (a U+XXXX is six characters)
    zh, en = printable(zh, REASON_MAX), printable(en, REASON_MAX)
    if sync_conflicts.noted(s, e.event_id):
        return
    if s.get(SyncConflictRow, conflict_id) is not None:
        # a county that named two conflicts alike: stored under the county's id, the second
        # broke the push's transaction, and every round sent the batch and failed again
        conflict_id = str(uuid.uuid4())
    sync_conflicts.add(
        s,
        conflict_id=conflict_id,
        event_id=e.event_id,
        case_id=e.case_id,
        event_type=e.type,
        reason=(code, zh, en),
        at=now,
    )
    if e.type in (ev.CONFLICT_RECORDED, ev.CONFLICT_RESOLVED):
        return  # never a conflict about a conflict: that could loop
    state = repo.load_state(s, e.case_id)
    if state is None:
        return
    note = app.device_actor.event(
        e.case_id,
        ev.CONFLICT_RECORDED,
        now,
        {
            "conflict_id": conflict_id,
            "event_id": e.event_id,
            "event_type": e.type,
            "reason_code": code,
            "reason_zh": zh,
            "reason_en": en,
            **act_note(e),
        },
    )
    try:
        cases.append(app, s, note, state, origin="local")
    except DomainError as err:  # the note itself cannot be stored (e.g. the case id is bad)
        log.warning("conflict note for %s not recorded: %s", e.event_id, err.code)
    log.warning("county refused event %s (%s): conflict %s", e.event_id, code, conflict_id)


def act_note(e: Event) -> dict[str, Any]:
    """What a conflict note says of a refused act the closing lists (its time, clerk, receipt,
    amount and reason), so every counter's office-wide closing lists it: the act reaches no
    other counter (the county refused it), and only the counter that made it listed it, where
    its clerk had handed money back or a paper out; the office-wide closing printed at another
    counter said nothing of it."""
    if e.type not in CLOSING_ACTS:
        return {}
    p = e.payload
    return {
        "act_at": e.at.isoformat(),
        "act_clerk": e.clerk,
        "act_receipt": str(p.get("receipt_number", "")),
        "act_amount": int(p.get("amount", 0) or 0) if e.type == ev.PAYMENT_REFUNDED else 0,
        "act_reason": str(p.get("reason", "") or ""),
    }


@dataclass(frozen=True)
class ConflictView:
    conflict_id: str
    case_id: str
    case_number: str
    event_type: str
    reason: str
    created_at: str
    #: The citizen's money it stands for, which a note cannot settle (services/conflict_money).
    money_held: int = 0


def open_conflicts(app: App, lang: str = "zh_TW") -> list[ConflictView]:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        rows = list(
            s.scalars(
                select(SyncConflictRow)
                .where(SyncConflictRow.resolved_at.is_(None))
                .order_by(SyncConflictRow.created_at)
            )
        )
        shown_with_payment = receipt_rows(s, rows)
        out = []
        for r in rows:
            if r.conflict_id in shown_with_payment:
                continue  # the void's receipt half: its payment's row stands for both
            state = repo.load_state(s, r.case_id)
            out.append(
                ConflictView(
                    r.conflict_id,
                    r.case_id,
                    state.case_number if state else "",
                    r.event_type,
                    r.reason_zh if lang.startswith("zh") else r.reason_en,
                    repo.aware(r.created_at).isoformat(),
                    money_held(state, r.reason_code),
                )
            )
    return out


def resolve_conflict(app: App, conflict_id: str, note: str) -> None:
    """The clerk's decision, recorded as a ``case.conflict_resolved`` event (synced like any),
    one for each row of the act (a void's two: services/sync/conflict_pairs.py); never for
    money still owed back to the citizen (services/conflict_money.py)."""
    require(app, Action.RESOLVE_CONFLICT)
    if not note.strip():
        raise DomainError(
            "case.reason_required", "請說明處理方式", "Say how the conflict was resolved"
        )
    with app.transaction() as s:
        row = s.get(SyncConflictRow, conflict_id)
        if row is None or row.resolved_at is not None:
            raise DomainError("sync.no_conflict", "查無待處理的衝突", "No such open conflict")
        check_no_money_held(s, row.case_id, row.reason_code)
        for each in [row, *paired_with(s, row)]:
            cases.record(
                app,
                s,
                each.case_id,
                ev.CONFLICT_RESOLVED,
                # its code: the other counters settle their own row of it (conflict_rows)
                {
                    "conflict_id": each.conflict_id,
                    "note": note.strip(),
                    "reason_code": each.reason_code,
                },
            )
            each.resolved_at, each.resolution = app.now(), note.strip()
