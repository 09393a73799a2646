"""What the status bar, ``sync status`` and doctor show about the link."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.services import access
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.catch_up import stored as catch_up_stored
from eservice_desktop.services.sync.conflict_pairs import open_void_rows, receipt_rows
from eservice_desktop.services.sync.credentials import credential
from eservice_desktop.services.sync.quarantine import quarantined_count
from eservice_desktop.services.sync.state import get_state, waiting_counts
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncConflictRow


def _events_of(s: Session, origin: str) -> int:
    """Every event of ``origin`` (the outbox index's first column: its entries alone)."""
    query = select(func.count()).select_from(EventRow).where(EventRow.origin == origin)
    return int(s.scalar(query) or 0)


#: The figures of :func:`status` that count every event of an origin.
TOTALS = ("acknowledged", "local_events", "pulled_events")


def status(app: App, *, totals: bool = True) -> dict[str, Any]:
    """The link as ``sync status --json`` shows it. ``totals=False``: without :data:`TOTALS`,
    counts of every event the device made or pulled, which the window's sync status does not
    show and reads after every round and every case saved (a second at 6.6 million events,
    however short the outbox)."""
    with app.reading() as s:
        pending, other_counters = waiting_counts(s)  # one read of the outbox's index entries
        conflicts = int(
            s.scalar(
                select(func.count())
                .select_from(SyncConflictRow)
                .where(SyncConflictRow.resolved_at.is_(None))
            )
            or 0
        ) - len(receipt_rows(s, open_void_rows(s)))  # a void's two rows: one conflict
        enrolled = get_state(s, "enrolled")
        catch_up = catch_up_stored(s)
        offset = get_state(s, "clock_offset_s")
        local = _events_of(s, "local") if totals else 0
        out: dict[str, Any] = {
            "pending": pending,
            "acknowledged": local - pending - other_counters,
            # events under another counter's number (``state.stray_count``): never pushed here
            "other_counters_pending": other_counters,
            "local_events": local,
            "pulled_events": _events_of(s, "county") if totals else 0,
            "last_success": get_state(s, "last_success") or None,
            "last_attempt": get_state(s, "last_attempt") or None,
            "last_error": get_state(s, "last_error") or None,
            "conflicts": conflicts,
            "quarantined": quarantined_count(s),
            # the access log's records waiting (an older county's refused actions among them)
            "access_pending": access.pending_count(s),
            "cursor": get_state(s, "cursor") or "",
            # an unfinished catch-up: received so far of the total (services/sync/catch_up.py)
            "catch_up": {"done": catch_up[0], "total": catch_up[1]} if catch_up else None,
            "clock_offset_s": float(offset) if offset else None,
            "enrolled": json.loads(enrolled) if enrolled else None,
            "server": app.settings.county_url,
            "has_credential": credential(app) is not None,
        }
    if not totals:
        for key in TOTALS:
            del out[key]
    return out
