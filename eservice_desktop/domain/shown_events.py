"""A case's events as a case view shows them (``services.cases.view_of``): the envelope's
who, where and when, and the payload with the county's pickup code left out.

Apart from ``services.cases`` so that what a view may show of an event is one rule to read
(and the case module keeps to the use cases)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eservice_desktop.domain import events as ev


def shown_events(events: Iterable[ev.Event]) -> list[dict[str, Any]]:
    """Each event as the view's ``events`` list holds it."""
    return [
        {
            "event_id": e.event_id,
            "type": e.type,
            "at": e.at.isoformat(),
            "office": e.office,
            "device": e.device,
            "clerk": e.clerk,
            "payload": shown_payload(e),
        }
        for e in events
    ]


def shown_payload(e: ev.Event) -> dict[str, Any]:
    """An event's payload as a case view shows it: the county's pickup code left out (its
    pickup number and expiry kept). The code hands the documents over at any desk without an
    ID card; ``case show --json`` printed it to every clerk and cashier who opened the case,
    while the access log said only that they viewed it. The desk reads it from the stored
    event (``pickup_views.ready_token``)."""
    if e.type == ev.READY_FOR_PICKUP and "token" in e.payload:
        return {k: v for k, v in e.payload.items() if k != "token"}
    return e.payload
