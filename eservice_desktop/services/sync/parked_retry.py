"""Pulled changes set aside by an earlier build, tried again by this one.

A county is upgraded before its offices: its feed starts to carry an event type, or a catalogue
field, the offices' build cannot read yet, and each office sets those changes aside while the
cursor moves on. Once the office was upgraded nothing pulled them again: a case stayed without
its events on this office for good though the county had them, and the office kept its old
catalogue (and its fees) until the county happened to publish another. So the first round of
a build that reads the feed differently (``county_link.build.reader_build``) goes once through
what earlier builds set aside, oldest first, through the page's one path
(``inbox.apply_page``): what it can apply now leaves the quarantine, what it still cannot stays
there with its new reason.

A reference change is tried again only while nothing newer replaced it: a catalogue, key set
or year's calendar whose name holds no later one, and any revocation (one more is only ever
stricter). Notices and targets are not: an older one would overwrite what came since.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eservice_desktop.county_link.build import reader_build
from eservice_desktop.county_link.protocol import Change
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.inbox import PageOutcome, apply_page
from eservice_desktop.services.sync.quarantine import PREFIX
from eservice_desktop.services.sync.state import get_state, set_state
from eservice_desktop.storage.models_sync import SyncReferenceRow

log = logging.getLogger("eservice.sync")

#: ``sync_state`` name of the build that last went through the quarantine.
STATE = "parked_reader"
#: Reference kinds held under one name each, replaced by a later ``seq``.
_REPLACED = frozenset({"catalogue", "county_keys", "pickup_keys"})
#: The kind of a reference change set aside before the kind was kept with it, from its reason.
_KIND_SAID = re.compile(r"^The county's ([a-z_]+) change cannot be applied")


def retry_parked(app: App) -> tuple[int, PageOutcome]:
    """Tries again, once per build, what earlier builds set aside: how many changes applied
    now, and what they brought for the round to act on (keys, revocations, a calendar)."""
    me, out, applied = reader_build(), PageOutcome(), 0
    with app.reading() as s:
        if get_state(s, STATE) == me:
            return 0, out
        parked = [
            (r.name, r.seq, r.data)
            for r in s.scalars(
                select(SyncReferenceRow)
                .where(SyncReferenceRow.name.startswith(PREFIX))
                .order_by(SyncReferenceRow.seq)
            )
        ]
    with app.transaction() as s:
        for name, seq, data in parked:
            change = _change_of(s, name, seq, data)
            if change is None:
                continue
            s.execute(delete(SyncReferenceRow).where(SyncReferenceRow.name == name))
            out.add(apply_page(app, s, [change]))
            applied += s.get(SyncReferenceRow, name) is None  # not set aside again
        set_state(s, STATE, me, app.now())
    if applied:
        log.info("%d pulled changes set aside by an earlier build applied now", applied)
    return applied, out


def _change_of(s: Session, name: str, seq: int, data: Any) -> Change | None:
    """The pulled change a row holds as it came, when it is to be tried again."""
    key = name[len(PREFIX) :]
    if key.startswith("operator-") or not isinstance(data, dict):
        return None
    if not key.isdigit():
        event = _raw(data) if "raw" in data else {k: v for k, v in data.items() if k != "refused"}
        if not isinstance(event, dict) or event.get("event_id") != key:
            return None
        return Change(seq=seq, kind="event", data=event)
    raw, kind = _raw(data), data.get("kind") or _kind_said(data)
    try:  # without a kind: a change this build's wire schema could not read, kept whole
        change = Change.model_validate(raw if not kind else {"seq": seq, "kind": kind, "data": raw})
    except ValidationError:
        return None
    return change if _still_newest(s, change) else None


def _raw(data: dict[str, Any]) -> Any:
    """The change's JSON text as kept; None when it was cut at its limit."""
    try:
        return json.loads(str(data.get("raw")))
    except ValueError:
        return None


def _kind_said(data: dict[str, Any]) -> str:
    refused = data.get("refused")
    found = _KIND_SAID.match(str(refused.get("en", ""))) if isinstance(refused, dict) else None
    return found.group(1) if found else ""


def _still_newest(s: Session, change: Change) -> bool:
    if change.kind == "revocation":
        return True
    if change.kind == "calendar":
        name = f"calendar:{change.data.get('year', '')}"
    elif change.kind in _REPLACED:
        name = change.kind
    else:
        return False
    held = s.get(SyncReferenceRow, name)
    return held is None or held.seq < change.seq
