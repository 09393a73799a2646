"""The events the county refused that a fold leaves out: a note of the refusal
(``case.conflict_recorded``) in the stream undoes the event it names, of these kinds only
(``case_fold.project``, ``services.refused``)."""

from __future__ import annotations

from collections.abc import Iterable

from eservice_desktop.domain import events as ev

#: Events the county's refusal undoes once its note is in the stream: a void, refund or fee
#: assessment counts on no drawer and in no balance here (another counter was first), nor does
#: a close made offline close the case (another office asked for a supplement first), nor a
#: correction of the applicant rename a case ended elsewhere first, nor a payment's method
#: corrected move its money (another counter voided, refunded or corrected it first).
UNDONE_WHEN_REFUSED: frozenset[str] = frozenset(
    {ev.PAYMENT_VOIDED, ev.RECEIPT_VOIDED, ev.PAYMENT_REFUNDED, ev.FEE_ASSESSED, ev.CLOSED}
    | {ev.APPLICANT_CORRECTED}  # the case ended elsewhere first: the name it had holds
    | {ev.PAYMENT_METHOD_CORRECTED}  # the method the county holds stays
    | {ev.REOPENED}  # another counter made it ready for pickup first: it stays closed
)


def refused_ids(events: Iterable[ev.Event]) -> set[str]:
    """The events the stream's conflict notes say the county refused, of the undone kinds."""
    return {
        str(e.payload.get("event_id", ""))
        for e in events
        if e.type == ev.CONFLICT_RECORDED and e.payload.get("event_type") in UNDONE_WHEN_REFUSED
    }
