"""The voids, refunds and reprints the county refused, for the daily closing
(``printing.closing_refused``): the ``case.conflict_recorded`` notes of a refused void or refund
(undone, :data:`domain.case_fold.UNDONE_WHEN_REFUSED`: a refused fee assessment is undone too,
but it is no money) or print, first or again (a receipt voided first at another counter: the
paper is out, listed here and not among the day's reprints; a first print was listed nowhere,
and the original of a void receipt stayed in the citizen's hand unnoticed), each with the act it
names when the act was made at this counter (``dev``; None: the whole office) on that day. A
void is one act of two events (the payment's and the receipt's): listed once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.printing.closing_refused import ClosingRefused
from eservice_desktop.services.closing_reprints import hhmm
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

#: The refused acts listed, and each one's kind on the closing.
LISTED = {
    ev.PAYMENT_VOIDED,
    ev.RECEIPT_VOIDED,
    ev.PAYMENT_REFUNDED,
    ev.RECEIPT_REPRINTED,
    ev.RECEIPT_ISSUED,
}
KINDS = {ev.PAYMENT_REFUNDED: "refund", ev.RECEIPT_REPRINTED: "reprint", ev.RECEIPT_ISSUED: "print"}


def day_refused(s: Session, office: str, dev: str | None, day: date) -> list[ClosingRefused]:
    """The refused voids and refunds made here on ``day`` (Taipei), in the order they were
    made: the notes since that day, the acts they name, the receipts."""
    start, end = day_bounds(day)
    notes = s.scalars(
        select(EventRow).where(EventRow.type == ev.CONFLICT_RECORDED, EventRow.at >= start)
    )
    why = {
        str(n.payload.get("event_id", "")): str(n.payload.get("reason_zh", ""))
        for n in notes
        if n.payload.get("event_type") in LISTED
    }
    if not why:
        return []
    stmt = select(EventRow).where(
        among(EventRow.event_id, list(why)),
        EventRow.office == office,
        EventRow.at >= start,
        EventRow.at < end,
    )
    if dev is not None:
        stmt = stmt.where(EventRow.device == dev)
    acts = list(s.scalars(stmt.order_by(EventRow.seq)))
    numbers = {str(e.payload.get("receipt_number", "")) for e in acts}
    receipts = {
        r.number: r for r in s.scalars(select(ReceiptRow).where(among(ReceiptRow.number, numbers)))
    }
    out: dict[tuple[str, str], ClosingRefused] = {}
    for e in acts:
        number = str(e.payload.get("receipt_number", ""))
        kind = KINDS.get(e.type, "void")
        key = (kind, number) if kind == "void" else (kind, e.event_id)
        receipt = receipts.get(number)
        amount = int(e.payload.get("amount", 0)) if kind == "refund" else 0
        out.setdefault(
            key,
            ClosingRefused(
                kind=kind,
                receipt_number=number,
                device=e.device,
                time=hhmm(e.at),
                case_number=receipt.case_number if receipt else "",
                amount=amount or (receipt.amount if receipt else 0),
                reason=str(e.payload.get("reason", "")),
                clerk=e.clerk,
                refused_because=why[e.event_id],
            ),
        )
    return list(out.values())
