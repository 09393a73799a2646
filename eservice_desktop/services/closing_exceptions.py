"""The fees a supervisor let go uncollected that day, for the daily closing
(``printing.closing_exceptions``): the ``case.approval_granted`` events of the day at this
counter (``dev``; None: the whole office) approving a fee exemption or reduction, or a close or
handover with fees due, each with what it left uncollected: for an assessment what it took off
the fee (its subtotal less its total), for a close or a handover the balance the case had just
before it (its stream folded up to the approved event)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import (
    APPROVE_CLOSE_WITH_BALANCE,
    APPROVE_FEE_REDUCTION,
    APPROVE_HANDOVER_WITH_BALANCE,
    CaseState,
    apply,
)
from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.printing.closing_exceptions import ClosingException
from eservice_desktop.services.closing_reprints import hhmm
from eservice_desktop.storage import repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import CaseRow, EventRow
from eservice_desktop.storage.models_operators import OperatorRow

#: The approvals that let a fee go uncollected (void, refund and reprint have their sections).
UNCOLLECTED = (APPROVE_FEE_REDUCTION, APPROVE_CLOSE_WITH_BALANCE, APPROVE_HANDOVER_WITH_BALANCE)


def day_exceptions(s: Session, office: str, dev: str | None, day: date) -> list[ClosingException]:
    """Approved exemptions, reductions and closes or handovers with fees due made here on
    ``day`` (Taipei), in the order they were made: one read of the day's approvals, one of
    their cases' streams, one of the approvers' names and one of the case numbers."""
    start, end = day_bounds(day)
    stmt = select(EventRow).where(
        EventRow.type == ev.APPROVAL_GRANTED,
        EventRow.office == office,
        EventRow.at >= start,
        EventRow.at < end,
    )
    if dev is not None:
        stmt = stmt.where(EventRow.device == dev)
    approvals = [
        a for a in s.scalars(stmt.order_by(EventRow.seq)) if a.payload.get("action") in UNCOLLECTED
    ]
    if not approvals:
        return []
    wanted = {str(a.payload.get("for_event", "")) for a in approvals}
    found = _approved_events(s, {a.case_id for a in approvals}, wanted)
    names = _names(s, {str(a.payload.get("approved_by", "")) for a in approvals})
    ids = {a.case_id for a in approvals}
    rows = s.execute(
        select(CaseRow.case_id, CaseRow.case_number).where(among(CaseRow.case_id, ids))
    )
    numbers = {case_id: number for case_id, number in rows}
    out = []
    for a in approvals:
        p = a.payload
        approved = found.get(str(p.get("for_event", "")))
        if approved is None:  # the approved event is not here (refused by the county)
            continue
        kind, amount = approved
        account = str(p.get("approved_by", ""))
        out.append(
            ClosingException(
                kind=kind,
                time=hhmm(a.at),
                case_number=numbers.get(a.case_id, "") or str(p.get("target", "")),
                amount=amount,
                clerk=a.clerk,
                approved_by=f"{account} {names[account]}" if account in names else account,
                reason=str(p.get("reason", "")),
                device=a.device,
            )
        )
    return out


def _approved_events(
    s: Session, case_ids: Iterable[str], wanted: set[str]
) -> dict[str, tuple[str, int]]:
    """``approved event id -> (kind, amount uncollected)``, folding each case's stream once."""
    states: dict[str, CaseState] = {}
    out: dict[str, tuple[str, int]] = {}
    for e in repo.events_of(s, case_ids):
        before = states.get(e.case_id)
        if e.event_id in wanted:
            out[e.event_id] = _uncollected(e, before)
        states[e.case_id] = apply(before, e)
    return out


def _uncollected(e: ev.Event, before: CaseState | None) -> tuple[str, int]:
    if e.type == ev.FEE_ASSESSED:
        p = e.payload
        total = _int(p.get("total"))
        subtotal = _int(p.get("subtotal", total))
        return ("exemption" if total == 0 else APPROVE_FEE_REDUCTION), max(0, subtotal - total)
    kind = APPROVE_HANDOVER_WITH_BALANCE if e.type == ev.PICKED_UP else APPROVE_CLOSE_WITH_BALANCE
    return kind, max(0, before.balance) if before is not None else 0


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _names(s: Session, accounts: set[str]) -> dict[str, str]:
    return {
        o.account: o.name
        for o in s.scalars(select(OperatorRow).where(among(OperatorRow.account, accounts)))
    }
