"""The receipts reprinted that day for the daily closing (``printing.closing_reprints``): the
``case.receipt_reprinted`` events of the day at this counter (``dev``; None: the whole office),
each with the supervisor whose approval was recorded for it; those the county refused are
the refused acts' (``services.closing_refused``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import TAIPEI, day_bounds
from eservice_desktop.printing.closing_reprints import ClosingReprint
from eservice_desktop.services.closing_approvers import approved_by
from eservice_desktop.services.payments_receipts import aware
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow


def day_reprints(s: Session, office: str, dev: str | None, day: date) -> list[ClosingReprint]:
    """Reprints made here on ``day`` (Taipei), in the order they were made: two statements
    for the day's reprints and their approvals, one for the receipts' case numbers."""
    start, end = day_bounds(day)

    def of_day(type_: str) -> list[EventRow]:
        stmt = select(EventRow).where(
            EventRow.type == type_, EventRow.office == office, EventRow.at >= start
        )
        if dev is not None:
            stmt = stmt.where(EventRow.device == dev)
        return list(s.scalars(stmt.where(EventRow.at < end).order_by(EventRow.seq)))

    reprints = of_day(ev.RECEIPT_REPRINTED)
    if not reprints:
        return []
    # A reprint the county refused (the receipt voided first at another counter) is listed
    # with the refused acts (services.closing_refused), not here: it counted as a reprint on
    # the counter that made it and on no other counter's office-wide closing.
    refused = refused_reprints(s, {e.case_id for e in reprints})
    reprints = [e for e in reprints if e.event_id not in refused]
    if not reprints:
        return []
    approved = approved_by(s, reprints)
    numbers = {str(e.payload.get("receipt_number", "")) for e in reprints}
    case_of = {
        r.number: r.case_number
        for r in s.scalars(select(ReceiptRow).where(among(ReceiptRow.number, numbers)))
    }
    return [
        ClosingReprint(
            receipt_number=str(e.payload.get("receipt_number", "")),
            time=hhmm(e.at),
            case_number=case_of.get(str(e.payload.get("receipt_number", "")), ""),
            reason=str(e.payload.get("reason", "")),
            clerk=e.clerk,
            approved_by=approved.get(e.event_id, ""),
            device=e.device,
        )
        for e in reprints
    ]


def refused_reprints(s: Session, case_ids: set[str]) -> set[str]:
    """The reprints of these cases the county refused (their conflict notes name them)."""
    notes = s.scalars(
        select(EventRow.payload).where(
            among(EventRow.case_id, list(case_ids)), EventRow.type == ev.CONFLICT_RECORDED
        )
    )
    return {
        str(p.get("event_id", "")) for p in notes if p.get("event_type") == ev.RECEIPT_REPRINTED
    }


def hhmm(at: datetime) -> str:
    return f"{aware(at).astimezone(TAIPEI):%H:%M}"
