"""The fees a supervisor let go uncollected that day, for the daily closing
(``printing.closing_exceptions``): the ``case.approval_granted`` events of the day at this
counter (``dev``; None: the whole office) approving a fee exemption or reduction, or a close or
handover with fees due, each with what it left uncollected: for an assessment what it took off
the fee (its subtotal less its total), for a close or a handover the balance the case had just
before it (its stream folded up to the approved event). A change of copies keeps an approved
exemption or reduction without a new approval (``fees.change_copies``); when that changes what
is taken off, the change is a row of its own, under the approval it kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
    ``day`` (Taipei), and the changes of copies that kept an approved exemption or reduction
    and changed what it takes off, in the order they were made: one read of the day's
    approvals and assessments, one of their cases' streams, one of the approvers' names and
    one of the case numbers."""
    start, end = day_bounds(day)
    stmt = select(EventRow).where(
        EventRow.type.in_((ev.APPROVAL_GRANTED, ev.FEE_ASSESSED)),
        EventRow.office == office,
        EventRow.at >= start,
        EventRow.at < end,
    )
    if dev is not None:
        stmt = stmt.where(EventRow.device == dev)
    day_events = [
        e
        for e in s.scalars(stmt.order_by(EventRow.seq))
        if e.type == ev.FEE_ASSESSED or e.payload.get("action") in UNCOLLECTED
    ]
    if not day_events:
        return []
    folded = _Folded(s, {e.case_id for e in day_events}, {e.event_id for e in day_events})
    names = _names(s, {x.account for x in folded.rows.values()})
    rows = s.execute(
        select(CaseRow.case_id, CaseRow.case_number).where(among(CaseRow.case_id, folded.cases))
    )
    numbers = {case_id: number for case_id, number in rows}
    out = []
    for e in day_events:
        row = folded.rows.get(e.event_id)
        if row is None:  # an assessment with nothing to say, or an approved event not here
            continue
        out.append(
            ClosingException(
                kind=row.kind,
                time=hhmm(row.at),
                case_number=numbers.get(e.case_id, "") or str(e.payload.get("target", "")),
                amount=row.amount,
                clerk=row.clerk,
                approved_by=f"{row.account} {names[row.account]}"
                if row.account in names
                else row.account,
                reason=row.reason,
                device=e.device,
            )
        )
    return out


@dataclass(frozen=True)
class _Row:
    kind: str
    amount: int
    at: datetime
    clerk: str  # who asked: the approved event's (or the change of copies') clerk
    account: str  # the approving supervisor's account
    reason: str


class _Folded:
    """Each case's stream folded once: for the day's approvals (``ids``), what the approved
    event left uncollected; for the day's assessments that kept an approved exemption or
    reduction with new copies (no approval of their own: ``fees.change_copies``), the change
    in what it takes off (15 exempted became 150 at ten copies, and the closing said 15; a
    reduction of 20 capped at a one-copy fee of 15 said 20), under the approval they kept."""

    def __init__(self, s: Session, cases: set[str], ids: set[str]) -> None:
        self.cases = cases
        self.rows: dict[str, _Row] = {}
        approvals: dict[str, ev.Event] = {}  # approved event id -> its approval
        kept: dict[str, ev.Event] = {}  # case id -> the approval of its fee's terms
        self.waived: dict[str, int] = {}  # case id -> what its last assessment took off
        states: dict[str, CaseState] = {}
        for e in repo.events_of(s, cases):
            before = states.get(e.case_id)
            if e.type == ev.APPROVAL_GRANTED:
                approvals[str(e.payload.get("for_event", ""))] = e
            approval = approvals.get(e.event_id)
            if approval is not None and approval.event_id in ids:
                kind, amount = _uncollected(e, before)
                self.rows[approval.event_id] = _Row(
                    kind, amount, approval.at, approval.clerk, _by(approval), _why(approval)
                )
            if e.type == ev.FEE_ASSESSED:
                if approval is None and e.event_id in ids and e.case_id in kept:
                    self._carried(e, before, kept[e.case_id])
                if approval is not None:
                    kept[e.case_id] = approval
                elif not _int(e.payload.get("reduction")):
                    kept.pop(e.case_id, None)  # the fee's terms are no longer an approved one
                self.waived[e.case_id] = _uncollected(e, before)[1]
            states[e.case_id] = apply(before, e)

    def _carried(self, e: ev.Event, before: CaseState | None, approval: ev.Event) -> None:
        kind, now = _uncollected(e, before)
        was = self.waived.get(e.case_id, 0)
        if now != was:
            copies = f"份數 {before.copies if before else '?'}→{e.payload.get('copies', '?')}"
            self.rows[e.event_id] = _Row(
                kind, now - was, e.at, e.clerk, _by(approval), f"{_why(approval)}（{copies}）"
            )


def _by(approval: ev.Event) -> str:
    return str(approval.payload.get("approved_by", ""))


def _why(approval: ev.Event) -> str:
    return str(approval.payload.get("reason", ""))


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
