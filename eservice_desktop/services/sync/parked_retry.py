"""Pulled events set aside by an earlier build, tried again by this one.

A county is upgraded before its offices: its feed starts to carry an event type the offices'
build does not know yet, and each office sets those events aside (``event.unreadable``) while
the cursor moves on. Once the office is upgraded nothing pulled them again: the case stayed
without them on this office for good, though the county had them, and IT saw them in
`sync conflicts` with no way to take them in but `sync recover`. So the first round of a build
that reads the wire differently (:func:`reader_build`) goes once through what earlier builds
set aside, oldest first, through the page's one ingest path: what it can apply now leaves the
quarantine, what it still cannot stays there with its new reason. Reference changes set aside
(``parked:<seq>``) are not tried again: a newer one has replaced them since.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eservice_desktop import __version__
from eservice_desktop.county_link.protocol import Change
from eservice_desktop.domain.events import ALL_TYPES
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.inbox import apply_page
from eservice_desktop.services.sync.quarantine import PREFIX
from eservice_desktop.services.sync.state import get_state, set_state
from eservice_desktop.storage.models_sync import SyncReferenceRow

log = logging.getLogger("eservice.sync")

#: ``sync_state`` name of the build that last went through the quarantine.
STATE = "parked_reader"


def reader_build(version: str = __version__, types: frozenset[str] = ALL_TYPES) -> str:
    """This build as a reader of the county's feed: its version and the event types it
    knows. A build that learns a type is another reader even when nobody bumped the version."""
    known = hashlib.sha256("\n".join(sorted(types)).encode()).hexdigest()[:12]
    return f"{version}+{known}"


def retry_parked(app: App) -> int:
    """Tries again, once per build, what earlier builds set aside; the number applied now."""
    me = reader_build()
    with app.reading() as s:
        if get_state(s, STATE) == me:
            return 0
        parked = [
            (r.name, r.seq, r.data)
            for r in s.scalars(
                select(SyncReferenceRow)
                .where(SyncReferenceRow.name.startswith(PREFIX))
                .order_by(SyncReferenceRow.seq)
            )
        ]
    with app.transaction() as s:
        applied = sum(_again(app, s, name, seq, data) for name, seq, data in parked)
        set_state(s, STATE, me, app.now())
    if applied:
        log.info("%d pulled events set aside by an earlier build applied now", applied)
    return applied


def _again(app: App, s: Session, name: str, seq: int, data: Any) -> int:
    """One row set aside, tried again when it is an event: 1 when it applied now (its row
    gone), 0 when it is no event or is set aside again (its row written anew)."""
    event = _event_of(name, data)
    if event is None:
        return 0
    s.execute(delete(SyncReferenceRow).where(SyncReferenceRow.name == name))
    out = apply_page(app, s, [Change(seq=seq, kind="event", data=event)], events_only=True)
    return len(out.report.applied) + len(out.report.duplicates)


def _event_of(name: str, data: Any) -> dict[str, Any] | None:
    """The pulled event a row holds as it came: the whole of it (``raw``, cut at its limit,
    is not), or None for a reference change or an operator record."""
    key = name[len(PREFIX) :]
    if key.isdigit() or key.startswith("operator-") or not isinstance(data, dict):
        return None
    if "raw" in data:
        try:
            event = json.loads(str(data["raw"]))
        except ValueError:  # cut at the limit: not the event any more
            return None
    else:
        event = {k: v for k, v in data.items() if k != "refused"}
    if not isinstance(event, dict) or event.get("event_id") != key:
        return None
    return event
