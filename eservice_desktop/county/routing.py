"""Which offices see a case: where it was filed, where it is collected, and any office that
wrote to it. A case routed to an office later (pickup moved there) gets its whole history
replayed into that office's feed, so an office never holds half a case."""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.events import Event


def offices_for(state: CaseState, event: Event) -> set[str]:
    offices = {state.office, event.office}
    if state.pickup_office:
        offices.add(state.pickup_office)
    if event.type == ev.READY_FOR_PICKUP and event.payload.get("office"):
        offices.add(str(event.payload["office"]))
    return {o for o in offices if o}
