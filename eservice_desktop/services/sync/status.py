"""What the status bar, ``sync status`` and doctor show about the link."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.catch_up import stored as catch_up_stored
from eservice_desktop.services.sync.credentials import credential
from eservice_desktop.services.sync.quarantine import quarantined_count
from eservice_desktop.services.sync.state import get_state, waiting_counts
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncConflictRow


def status(app: App) -> dict[str, Any]:
    with app.reading() as s:
        local = int(
            s.scalar(select(func.count()).select_from(EventRow).where(EventRow.origin == "local"))
            or 0
        )
        pending, other_counters = waiting_counts(s)  # one read of the outbox's index entries
        conflicts = int(
            s.scalar(
                select(func.count())
                .select_from(SyncConflictRow)
                .where(SyncConflictRow.resolved_at.is_(None))
            )
            or 0
        )
        enrolled = get_state(s, "enrolled")
        catch_up = catch_up_stored(s)
        offset = get_state(s, "clock_offset_s")
        out = {
            "pending": pending,
            "acknowledged": local - pending - other_counters,
            # events under another counter's number (``state.stray_count``): never pushed here
            "other_counters_pending": other_counters,
            "local_events": local,
            "pulled_events": int(
                s.scalar(
                    select(func.count()).select_from(EventRow).where(EventRow.origin == "county")
                )
                or 0
            ),
            "last_success": get_state(s, "last_success") or None,
            "last_attempt": get_state(s, "last_attempt") or None,
            "last_error": get_state(s, "last_error") or None,
            "conflicts": conflicts,
            "quarantined": quarantined_count(s),
            "cursor": get_state(s, "cursor") or "",
            # an unfinished catch-up: received so far of the total (services/sync/catch_up.py)
            "catch_up": {"done": catch_up[0], "total": catch_up[1]} if catch_up else None,
            "clock_offset_s": float(offset) if offset else None,
            "enrolled": json.loads(enrolled) if enrolled else None,
            "server": app.settings.county_url,
            "has_credential": credential(app) is not None,
        }
    return out
