"""The access log (services/access.py) to the county, each round after the events.

This counter's own records go first, in batches, oldest first. Then the records this database
holds under another counter: those made before ``setup --office``/``--device`` corrected the
code it was installed with (the first admin's account, sign-ins, searches; a PC with a case of
its own cannot change its code, ``database.check_counter``). The county takes a device's
records from that device only, so they waited here for good, and its auditor's ``access
--operator``/``--subject`` never listed them. They are sent as this counter's, each naming the
counter it was made under (``recorded_as``; its row and its chain hash stay as made: the log
is append-only). A county older than that field refuses them (422): they wait, and the round
goes on.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError

from eservice_desktop.county_link.client import CountyClient, RequestRefused
from eservice_desktop.county_link.protocol import WireAccess
from eservice_desktop.services import access
from eservice_desktop.services.core import App
from eservice_desktop.storage import db

log = logging.getLogger("eservice.sync")


def push_access(app: App, client: CountyClient, size: int) -> int:
    """How many records the county stored this round: this counter's, then those made under
    another code (:func:`_push_recorded_elsewhere`)."""
    return _push_own(app, client, size) + _push_recorded_elsewhere(app, client, size)


def _push_own(app: App, client: CountyClient, size: int) -> int:
    """This counter's records in batches, oldest first. A batch the county refuses whole
    (400/422: a county older than an action in it, ``signin`` while the office is upgraded
    first) is sent again action by action: what it takes is acknowledged, an action it refuses
    waits here, unacknowledged, for a later round, left out of this one. Failing the round on
    it every time would stop the pull and the operators too; and holding the whole batch kept
    every view, search and print after the morning's first sign-in from the county's
    ``access --subject`` until its upgrade."""
    stored = 0
    refused: set[str] = set()
    while True:
        with app.reading() as s:
            batch = access.outbox(s, size, skip=refused)
        if not batch:
            return stored
        wire: list[WireAccess] = []
        for r in batch:
            try:
                wire.append(WireAccess.model_validate(r.to_json()))
            except ValidationError:  # never blocks the log: kept here, audit verify reads it
                log.warning("access record %s cannot be sent as it is", r.access_id)
        held: set[str] = set()
        if wire:
            sent, held = _send_access(client, wire, refused)
            stored += sent
        with app.transaction() as s:
            access.mark_acked(s, [r.access_id for r in batch if r.access_id not in held], app.now())
        if len(batch) < size:
            return stored


def _push_recorded_elsewhere(app: App, client: CountyClient, size: int) -> int:
    """The records made under another counter's code, sent as this counter's with
    ``recorded_as``; refused (400/422, a county without the field) they stay for a later
    round. Nothing of this counter's own is held back by them: they go apart, after it."""
    stored = 0
    while True:
        with app.reading() as s:
            office, device = db.counter_of(s)
            batch = access.outbox(s, size, elsewhere=True)
        if not batch:
            return stored
        wire: list[WireAccess] = []
        for r in batch:
            doc = {**r.to_json(), "office": office, "device": device}
            try:
                made = f"{r.office}-{r.device}"
                wire.append(WireAccess.model_validate(doc | {"recorded_as": made}))
            except ValidationError:  # never blocks the log: kept here, audit verify reads it
                log.warning("access record %s cannot be sent as it is", r.access_id)
        if wire:
            try:
                stored += client.push_access(wire).stored
            except RequestRefused as e:
                if e.status not in (400, 422):
                    raise
                log.warning("county refused the access records made under another code")
                return stored
        with app.transaction() as s:
            access.mark_acked(s, [r.access_id for r in batch], app.now())
        if len(batch) < size:
            return stored


def _send_access(
    client: CountyClient, wire: list[WireAccess], refused: set[str]
) -> tuple[int, set[str]]:
    """Sends ``wire``; refused whole, each action's records apart. Returns how many the county
    stored and the ids of the records it refused (their actions added to ``refused``)."""
    try:
        return client.push_access(wire).stored, set()
    except RequestRefused as e:
        if e.status not in (400, 422):
            raise
        log.warning("county refused the access records (%s): sent again by action", e.status)
    stored, held = 0, set[str]()
    actions = list(dict.fromkeys(r.action for r in wire))
    for action in actions:
        group = [r for r in wire if r.action == action]
        taken = _push_group(client, group) if len(actions) > 1 else None  # one: refused
        if taken is None:
            log.warning("county refused the access records of %s: kept for later", action)
            refused.add(action)
            held.update(r.access_id for r in group)
        else:
            stored += taken
    return stored, held


def _push_group(client: CountyClient, group: list[WireAccess]) -> int | None:
    """How many of ``group`` the county stored; None when it refused them (400/422)."""
    try:
        return client.push_access(group).stored
    except RequestRefused as e:
        if e.status not in (400, 422):
            raise
        return None
