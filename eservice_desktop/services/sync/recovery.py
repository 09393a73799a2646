"""Recovery of a restored (or wiped) device from the county's copy of the office's history."""

from __future__ import annotations

import logging

from eservice_desktop.county_link.client import CountyClient
from eservice_desktop.services import restore_guard
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.inbox import apply_page
from eservice_desktop.services.sync.round import PULL_PAGE
from eservice_desktop.services.sync.state import set_state

log = logging.getLogger("eservice.sync")


def recover_from_county(app: App, client: CountyClient) -> dict[str, int]:
    """After restoring an older copy of the database (or none at all): pulls the office's whole
    history again, *including this device's own events*, and adds what the copy lacks through
    the one ingest path. Own events come back as acknowledged local events, and the ingest
    moves this device's case and receipt number counters past every number it already used,
    so no number is issued twice; every projection (cases, receipts, pickups) is rebuilt."""
    me = (app.settings.office_code, app.settings.device_id)
    cursor = ""
    restored = added = 0
    while True:
        page = client.pull(cursor, PULL_PAGE, include_own=True)
        with app.transaction() as s:
            out = apply_page(app, s, page.changes, events_only=True, own=True)
        for e in out.report.applied:
            if (e.office, e.device) == me:
                restored += 1
            else:
                added += 1
        cursor = page.cursor
        if not page.more:
            break
    with app.transaction() as s:
        # The whole history just came from the county: the device is as fresh as after a round
        # (a restored copy's own last_success would make intake ask for a supervisor).
        now = app.now()
        set_state(s, "last_success", now.isoformat(), now)
        restore_guard.clear(s)  # the numbers and the chain are the county's again
    log.info("recovery: %d own events restored, %d others added", restored, added)
    return {"restored": restored, "added": added}
