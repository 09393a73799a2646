"""The voids, refunds and reprints the county refused, for the daily closing
(``printing.closing_refused``): the ``case.conflict_recorded`` notes of a refused void or refund
(undone, :data:`domain.refused_events.UNDONE_WHEN_REFUSED`: a refused fee assessment is undone too,
but it is no money) or print, first or again (a receipt voided first at another counter: the
paper is out, listed here and not among the day's reprints; a first print was listed nowhere,
and the original of a void receipt stayed in the citizen's hand unnoticed), each with the act it
names when the act was made at this counter (``dev``; None: the whole office) on that day. A
void is one act of two events (the payment's and the receipt's): listed once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.printing.closing_refused import ClosingRefused
from eservice_desktop.services.closing_reprints import hhmm
from eservice_desktop.services.payments_receipts import aware
from eservice_desktop.services.sync.conflicts import CLOSING_ACTS
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

#: The refused acts listed, and each one's kind on the closing.
LISTED = CLOSING_ACTS
KINDS = {ev.PAYMENT_REFUNDED: "refund", ev.RECEIPT_REPRINTED: "reprint", ev.RECEIPT_ISSUED: "print"}


def day_refused(s: Session, office: str, dev: str | None, day: date) -> list[ClosingRefused]:
    """The refused voids, refunds and prints made here on ``day`` (Taipei), in the order they
    were made: the notes since that day, the acts they name (held here, or said by the note of
    another counter's), the receipts."""
    start, end = day_bounds(day)
    notes = [
        n
        for n in s.scalars(
            select(EventRow).where(EventRow.type == ev.CONFLICT_RECORDED, EventRow.at >= start)
        )
        if n.payload.get("event_type") in LISTED
    ]
    if not notes:
        return []
    why = {str(n.payload.get("event_id", "")): n for n in notes}
    stmt = select(EventRow).where(
        among(EventRow.event_id, list(why)),
        EventRow.office == office,
        EventRow.at >= start,
        EventRow.at < end,
    )
    if dev is not None:
        stmt = stmt.where(EventRow.device == dev)
    held = list(s.scalars(stmt.order_by(EventRow.seq)))
    acts = [_held(e, why[e.event_id]) for e in held]
    known = set(s.scalars(select(EventRow.event_id).where(among(EventRow.event_id, list(why)))))
    acts += [
        act
        for event_id, n in why.items()
        if event_id not in known and n.office == office and dev in (None, n.device)
        if (act := _told(n)) is not None and start <= act.at < end
    ]
    numbers = {a.receipt_number for a in acts}
    receipts = {
        r.number: r for r in s.scalars(select(ReceiptRow).where(among(ReceiptRow.number, numbers)))
    }
    out: dict[tuple[str, str], ClosingRefused] = {}
    for a in sorted(acts, key=lambda a: a.at):
        key = (a.kind, a.receipt_number) if a.kind == "void" else (a.kind, a.event_id)
        receipt = receipts.get(a.receipt_number)
        out.setdefault(
            key,
            ClosingRefused(
                kind=a.kind,
                receipt_number=a.receipt_number,
                device=a.device,
                time=hhmm(a.at),
                case_number=receipt.case_number if receipt else "",
                amount=a.amount or (receipt.amount if receipt else 0),
                reason=a.reason,
                clerk=a.clerk,
                refused_because=str(a.note.payload.get("reason_zh", "")),
            ),
        )
    return list(out.values())


@dataclass(frozen=True)
class _Act:
    """A refused act: held here, or as the note of another counter tells it."""

    event_id: str
    kind: str
    receipt_number: str
    device: str
    at: datetime
    amount: int
    reason: str
    clerk: str
    note: EventRow


def _held(e: EventRow, note: EventRow) -> _Act:
    kind = KINDS.get(e.type, "void")
    p = e.payload
    return _Act(
        e.event_id,
        kind,
        str(p.get("receipt_number", "")),
        e.device,
        aware(e.at),
        int(p.get("amount", 0)) if kind == "refund" else 0,
        str(p.get("reason", "")),
        e.clerk,
        note,
    )


def _told(n: EventRow) -> _Act | None:
    """The act another counter's note tells of (notes before these fields tell nothing)."""
    p = n.payload
    if not p.get("act_at"):
        return None
    try:
        at = aware(datetime.fromisoformat(str(p["act_at"])))
        amount = int(p.get("act_amount", 0) or 0)
    except (TypeError, ValueError):
        return None
    return _Act(
        str(p.get("event_id", "")),
        KINDS.get(str(p.get("event_type", "")), "void"),
        str(p.get("act_receipt", "")),
        n.device,
        at,
        amount,
        str(p.get("act_reason", "")),
        str(p.get("act_clerk", "")),
        n,
    )
