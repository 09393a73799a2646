"""A case paid more than its fees (溢繳): two counters of the office took the same fee offline,
and the county took both (money taken is a fact: ``domain.case_rules.OVER_BALANCE``). The
citizen paid twice; every counter that learns of it keeps a conflict the clerk and the
supervisor see in the conflicts list (``sync conflicts``), until the over-payment is refunded
(:func:`services.payments.refund`), which settles it here, on every counter, by itself.

Called by :mod:`services.ingest` (the one door of events, through
:mod:`services.conflict_rows`) with the balances of the cases before the events and their
states after: nothing else writes these rows."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.events import Event
from eservice_desktop.storage.models_sync import SyncConflictRow

log = logging.getLogger("eservice.sync")

#: The conflicts list's code of an over-paid case.
OVERPAID = "payment.overpaid"
SETTLED = "已退還溢繳金額 / The over-payment was refunded"


def balances(states: Mapping[str, CaseState | None]) -> dict[str, int]:
    """The balance of each case that has a state (before a batch)."""
    return {c: st.balance for c, st in states.items() if st is not None}


def follow(
    s: Session,
    before: Mapping[str, int],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    now: datetime,
) -> None:
    """Opens a conflict for each case the events left over-paid (it was not), and settles the
    open ones of each case they brought back to no over-payment."""
    for case_id, state in after.items():
        was = before.get(case_id, 0)
        if state.balance < 0 <= was:
            last = [e for e in applied if e.case_id == case_id][-1]
            _open(s, case_id, last, -state.balance, now)
        elif was < 0 <= state.balance:
            _settle(s, case_id, now)


def follow_one(
    s: Session, before: CaseState | None, after: CaseState, e: Event, now: datetime
) -> None:
    """:func:`follow` of one event."""
    follow(s, balances({e.case_id: before}), {e.case_id: after}, [e], now)


def _open(s: Session, case_id: str, e: Event, over: int, now: datetime) -> None:
    if s.scalar(select(SyncConflictRow.conflict_id).where(SyncConflictRow.event_id == e.event_id)):
        return
    s.add(
        SyncConflictRow(
            conflict_id=str(uuid.uuid4()),
            event_id=e.event_id,
            case_id=case_id,
            event_type=e.type,
            reason_code=OVERPAID,
            reason_zh=f"溢繳 {over} 元：本案規費已重複收取（他櫃離線時亦已收費），請辦理退費",
            reason_en=f"Over-paid by NT${over}: the fee was taken twice (another counter took "
            "it while offline); refund the over-payment",
            created_at=now,
            resolution="",
        )
    )
    log.warning("case %s over-paid by another counter's payment: conflict noted", case_id)


def _settle(s: Session, case_id: str, now: datetime) -> None:
    rows = s.scalars(
        select(SyncConflictRow).where(
            SyncConflictRow.case_id == case_id,
            SyncConflictRow.reason_code == OVERPAID,
            SyncConflictRow.resolved_at.is_(None),
        )
    )
    for row in rows:
        row.resolved_at, row.resolution = now, SETTLED
