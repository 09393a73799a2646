"""A pulled event read and checked in one pass, when nothing about it is in doubt.

Every pulled event used to be validated twice over: against the wire schema
(:class:`county_link.protocol.WireEvent`, its payload walked by ``values.check_json``) and then
by the value rules every office applies (:func:`domain.event_values.check_event`, which walks
the payload again, stricter, and checks the same ids, codes, clerk and time). For an event
whose every field has the plain form the county writes, the value rules imply the wire
schema's checks, so :func:`plainly_valid_event` runs the value rules once. Anything else (a
field of another type or form, an unknown key, a time with another offset or precision, a
value the rules refuse) returns None and the caller takes the old way, schema first, which
finds and names the problem exactly as before: the fast way only ever accepts what the old
way accepts, and builds the same event.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from eservice_desktop.domain import chain, values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import ALL_TYPES, Event
from eservice_desktop.services.ingest import PreChecked

#: WireEvent's fields; the first eight must be there (``payload`` has a default on the wire,
#: but every event the county stores carries it).
_KEYS: Final = frozenset(
    ("event_id", "case_id", "type", "office", "device", "clerk", "at", "payload", "prev", "hash")
)
_REQUIRED: Final = frozenset(
    ("event_id", "case_id", "type", "office", "device", "clerk", "at", "payload")
)
#: WireEvent's hash pattern (anchored there; ``fullmatch`` here, so no newline slips through
#: ``$``). Its id, office and device patterns are those ``check_envelope`` applies (values.py:
#: ID_RE, OFFICE_RE, DEVICE_RE) but for the event id's least length, checked here.
_HASH: Final = re.compile(r"[0-9a-f]{64}")
#: UTC times as events are written (``isoformat`` of a UTC time, or with ``Z``): the form both
#: pydantic and ``datetime.fromisoformat`` read to the same instant (``fromisoformat`` gives
#: ``UTC`` itself as the zone, as the wire's ``check_time`` does; the range is check_event's).
_AT: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6})?(?:Z|\+00:00)"
)


def plainly_valid_event(data: Any, known: str | None = None) -> PreChecked | None:
    """The event of a pulled change's ``data``, its typed payload and its payload's canonical
    text (``services.ingest.PreChecked``) when it is in the plain form and passes
    :func:`check_event` and its own hash; None when the schema and the rules must look at it
    one by one. ``known``: a hash that passed this very test (the event before in the page,
    whose hash the next event of its chain names as ``prev``): a ``prev`` equal to it needs
    no second pattern match.

    The payload's text is the one the hash was taken over: the ``events`` row stores it
    (storage/event_rows.py) instead of encoding the payload a second time, as a local event's
    row stores the text its link encoded."""
    if type(data) is not dict or not data.keys() <= _KEYS or not data.keys() >= _REQUIRED:
        return None
    event_id, case_id, type_ = data["event_id"], data["case_id"], data["type"]
    office, device, clerk, at = data["office"], data["device"], data["clerk"], data["at"]
    prev, hash_, payload = data.get("prev"), data.get("hash"), data["payload"]
    if not (
        type(event_id) is str
        and type(case_id) is str
        and type(type_) is str
        and type(office) is str
        and type(device) is str
        and type(clerk) is str
        and type(at) is str
        and type(payload) is dict
        and len(event_id) >= 8
        and type_ in ALL_TYPES
        and 1 <= len(clerk) <= values.CLERK_MAX
        and _AT.fullmatch(at)
        and (prev is None or (type(prev) is str and (prev == known or _HASH.fullmatch(prev))))
        and (hash_ is None or (type(hash_) is str and _HASH.fullmatch(hash_)))
    ):
        return None
    try:
        when = datetime.fromisoformat(at)
        # checked by check_event just below (domain/events.py: Event.unchecked)
        e = Event.unchecked(
            {
                "event_id": event_id,
                "case_id": case_id,
                "type": type_,
                "office": office,
                "device": device,
                "clerk": clerk,
                "at": when,
                "payload": payload,
                "prev": prev,
                "hash": hash_,
            }
        )
        typed = check_event(e)
    except (DomainError, ValueError):
        return None
    if not hash_ or not prev:  # no link: holds its own hash trivially (chain.holds_own_hash)
        return e, typed, None
    digest, encoded = chain.digest_encoded(e, prev)
    return (e, typed, encoded) if digest == hash_ else None
