"""Who approved the daily closing's refunds (its 退費 table), voids (作廢收據, 他櫃收據於本櫃作廢)
and reprints (``closing_reprints``).

Every refund is approved by a supervisor, and the approval is recorded with it: the
``case.approval_granted`` event just before it, in the same case, whose ``for_event`` names the
refund event. The closing named the clerk who handed the money back but not who allowed it,
which is what the supervisor signing the closing checks. A void is approved the same way (its
approval names the void's first event), and its table named no one at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_operators import OperatorRow


def approved_by(s: Session, acts: Sequence[EventRow]) -> dict[str, str]:
    """``act event id -> the approving account`` of the acts that had an approval (a refund, a
    reprint): one read of their cases' approvals."""
    if not acts:
        return {}
    ids = {e.event_id for e in acts}
    approvals = s.scalars(
        select(EventRow).where(
            EventRow.type == ev.APPROVAL_GRANTED,
            among(EventRow.case_id, {e.case_id for e in acts}),
        )
    )
    return {
        str(a.payload.get("for_event")): str(a.payload.get("approved_by", ""))
        for a in approvals
        if a.payload.get("for_event") in ids
    }


def act_approvers(s: Session, acts: Sequence[EventRow]) -> dict[str, str]:
    """``act event id -> "account name"`` of the day's refunds and voids (the account alone
    for an account unknown here); two reads for the whole day, none on a day without either."""
    by_refund = approved_by(s, acts)
    if not by_refund:
        return {}
    accounts = set(by_refund.values())
    names = {
        o.account: o.name
        for o in s.scalars(select(OperatorRow).where(among(OperatorRow.account, accounts)))
    }
    return {
        event: f"{account} {names[account]}" if account in names else account
        for event, account in by_refund.items()
    }
