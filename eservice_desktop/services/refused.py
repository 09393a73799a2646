"""What a refused event leaves behind: when the county refuses a void or a refund (another
counter of the office voided the receipt first, offline), the ``case.conflict_recorded`` note
that :mod:`services.sync.conflicts` appends through :func:`services.ingest.ingest` takes the
refused event out of the case's state (``domain.case_fold.project``) and out of its receipts
here: the refused void is no void and the refused refund gave nothing back, on this counter's
closing as on every other's. So is a fee assessment it refused (another counter handed the
documents over first): the case's fee is the one every other counter and the county hold. So
is a close it refused (another office asked for a supplement first): the case is open again. So
is a correction of the applicant it refused (the case was ended elsewhere first): the case keeps
the name and addresses the county and every other counter hold, in its row and search. The
event itself stays in the stream (append-only), listed with
its conflict until a clerk settles it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_fold import project
from eservice_desktop.domain.case_state import CaseState
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.refused_events import UNDONE_WHEN_REFUSED, refused_ids
from eservice_desktop.services.projections import ReceiptBook
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_payments import ReceiptRow


def undoes(event: Event) -> bool:
    """Whether ``event`` is the note of a refused void, refund or fee assessment."""
    return (
        event.type == ev.CONFLICT_RECORDED
        and event.payload.get("event_type") in UNDONE_WHEN_REFUSED
    )


def state_without_refused(session: Session, note: Event) -> CaseState:
    """The case's state once ``note`` is in its stream; its receipts made again without the
    voids and refunds the county refused (the note not written yet: the caller appends it)."""
    stream = [*repo.events_for(session, note.case_id), note]
    refused = refused_ids(stream)
    rows = list(session.scalars(select(ReceiptRow).where(ReceiptRow.case_id == note.case_id)))
    paid = {
        str(e.payload.get("payment_id")): e.payload for e in stream if e.type == ev.PAYMENT_RECORDED
    }
    for r in rows:
        r.status, r.voided_at, r.void_reason, r.refunded = "valid", None, "", 0
        if (p := paid.get(r.payment_id)) is not None and r.method in ("cash", "card"):
            # the method as taken; the corrections the county kept are replayed below
            r.method, r.reference = str(p.get("method", r.method)), str(p.get("reference") or "")
            r.tendered, r.change = p.get("tendered"), int(p.get("change") or 0)
    book = ReceiptBook(None, [])
    book.by_number = {r.number: r for r in rows}
    book.by_payment = {r.payment_id: r for r in rows}
    for e in stream:
        if e.type in UNDONE_WHEN_REFUSED and e.event_id not in refused:
            book.change(e)
    session.flush()
    return project(stream)
