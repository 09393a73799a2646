"""The corrections of a payment's method for the daily closing (``printing
.closing_corrections``): those of the day's receipts in scope, whenever made (their money is
counted on this day under the corrected method: the ``receipts`` projection holds it), and
those made in scope that day of receipts of other days (listed, no money)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.printing.closing_corrections import ClosingCorrection
from eservice_desktop.services.closing_approvers import act_approvers
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.models_sync import SyncConflictRow
from eservice_desktop.storage.repo import aware


def day_corrections(
    s: Session, office: str, dev: str | None, day: date, receipts: list[ReceiptRow]
) -> list[ClosingCorrection]:
    """Two statements for the corrections and their receipts, two for their approvers."""
    start, end = day_bounds(day)
    own = {r.number for r in receipts}
    made_here = (EventRow.at >= start) & (EventRow.at < end) & (EventRow.office == office)
    if dev is not None:
        made_here = made_here & (EventRow.device == dev)
    case_ids = list({r.case_id for r in receipts})
    stmt = select(EventRow).where(
        EventRow.type == ev.PAYMENT_METHOD_CORRECTED,
        EventRow.event_id.not_in(select(SyncConflictRow.event_id)),  # the county refused it
        or_(made_here, among(EventRow.case_id, case_ids)),
    )
    found = [
        e
        for e in s.scalars(stmt.order_by(EventRow.at, EventRow.seq))
        if str(e.payload.get("receipt_number", "")) in own or _made(e, office, dev, start, end)
    ]
    if not found:
        return []
    numbers = {str(e.payload.get("receipt_number", "")) for e in found}
    rows = {
        r.number: r for r in s.scalars(select(ReceiptRow).where(among(ReceiptRow.number, numbers)))
    }
    approvers = act_approvers(s, found)
    out = []
    for e in found:
        p, number = e.payload, str(e.payload.get("receipt_number", ""))
        row = rows.get(number)
        out.append(
            ClosingCorrection(
                receipt_number=number,
                receipt_day=row.issued_day.isoformat() if row else "",
                device=row.device if row else "",
                case_number=row.case_number if row else "",
                amount=int(p.get("amount", 0)),
                from_method=str(p.get("from_method", "")),
                to_method=str(p.get("to_method", "")),
                at=roc_minute(e.at),
                clerk=e.clerk,
                approved_by=approvers.get(e.event_id, ""),
                reason=str(p.get("reason", "")),
                counts_here=number in own,
            )
        )
    return out


def _made(e: EventRow, office: str, dev: str | None, start: datetime, end: datetime) -> bool:
    """Made in this closing's scope on its day (the correction of another day's receipt)."""
    in_scope = e.office == office and (dev is None or e.device == dev)
    return in_scope and start <= aware(e.at) < end
