"""A county restored from an older backup, as the office meets it.

The county's change feed numbers its rows (``seq``); the office keeps the seq it pulled up to
(its cursor) and asks for what came after. A county restored from a backup holds its feed
only up to the backup: every row it writes after the restore takes a seq the offices have
already passed, and they would never pull those changes (other counters' cases, notices,
keys). So the office keeps, with its cursor, the time the county wrote the row at that seq
(``cursor_at``, answered with each page) and sends it back; a county that no longer holds that
row as it was answers from the last row both hold (``rewound_to``, county/feed.py), and the
office's cursor goes back there. Events already applied are passed over by id; the page
goes on as any other.

What the office pushed after the backup is gone from the county too. A push asks the county
to say so (``on_behind=answer``): the county answers ``chain.behind`` with the last link it
holds of this device, and :func:`requeue_after` puts this device's events after that link
back in the outbox (services/sync/push.py sends them again, once). An office whose outbox was
empty would never push, so a rewound pull puts this device's last acknowledged event back
(:func:`probe_county`): the push after the pull sends it, the county answers it as a
duplicate when it still holds it, or ``chain.behind``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Final

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state, set_state
from eservice_desktop.storage import db
from eservice_desktop.storage.models import EventRow

log = logging.getLogger("eservice.sync")

#: ``sync_state`` name of the county's time of the row at the stored cursor.
CURSOR_AT: Final = "cursor_at"
#: ``sync_state`` name of the last rewind met: when, and the cursors from and to (JSON).
REWOUND: Final = "county_rewound"
#: ``sync_state`` name of the last time the county's chain was behind: when, how many events
#: went to it again (JSON).
REQUEUED: Final = "county_requeued"
#: ``sync_state`` name of the last ``seq`` of the acknowledged events put back in the outbox:
#: the push says they were (``acknowledged_through``), and the county queues none of their
#: notices again (a citizen got a second 已收件 of the same case).
RESENT_THROUGH: Final = "county_resent_through"


def resent_through(s: Session) -> int:
    """The ``seq`` up to which the outbox's events are ones the county acknowledged before."""
    said = get_state(s, RESENT_THROUGH) or ""
    return int(said) if said.isascii() and said.isdigit() else 0


def note_rewound(s: Session, cursor: str, rewound_to: str, now: datetime) -> None:
    """Says (log, ``sync_state``) that the county's feed went back from ``cursor`` to
    ``rewound_to``: IT and the county's operator learn the county was restored."""
    log.warning(
        "the county no longer holds its change feed as pulled up to %s (restored from an "
        "older backup?): pulling again from %s",
        cursor,
        rewound_to,
    )
    said = {"at": now.isoformat(), "from": cursor, "to": rewound_to}
    set_state(s, REWOUND, json.dumps(said), now)
    probe_county(s, now)


def _own(s: Session) -> tuple[ColumnElement[bool], ...]:
    """This device's own linked events (those the county keeps a chain of)."""
    office, device = db.counter_of(s)
    return (
        EventRow.origin == "local",
        EventRow.office == office,
        EventRow.device == device,
        EventRow.hash.is_not(None),
    )


def probe_county(s: Session, now: datetime) -> None:
    """Puts this device's last acknowledged event back in the outbox: the next push asks the
    county whether it still holds it (module docstring)."""
    own = _own(s)
    last = s.scalar(
        select(EventRow.seq)
        .where(*own, EventRow.acked_at.is_not(None))
        .order_by(EventRow.seq.desc())
        .limit(1)
    )
    if last is not None:
        s.execute(update(EventRow).where(EventRow.seq == last).values(acked_at=None))
        _resent_up_to(s, last, now)


def _resent_up_to(s: Session, seq: int, now: datetime) -> None:
    """Notes that the outbox's events up to ``seq`` were acknowledged before (the last probe's
    too, put back before the events after the county's head)."""
    set_state(s, RESENT_THROUGH, str(max(seq, resent_through(s))), now)


def requeue_after(app: App, head: str | None) -> int:
    """Puts this device's acknowledged events after its event of hash ``head`` (all of them
    for None) back in the outbox, in their order; how many. 0 when ``head`` is no event of
    this device's, or its last acknowledged one (an event deleted from this database after
    it): nothing is put back, and the push that follows has the county take the batch as it
    finds it (``chain.broken``), as before it asked."""
    with app.transaction() as s:
        own = _own(s)
        after = 0
        if head is not None:
            seq = s.scalar(select(EventRow.seq).where(*own, EventRow.hash == head))
            if seq is None:
                log.warning("the county's last link of this device is no event of its own")
                return 0
            after = seq
        put_back = (*own, EventRow.seq > after, EventRow.acked_at.is_not(None))
        last = s.scalar(select(func.max(EventRow.seq)).where(*put_back))
        back = update(EventRow).where(*put_back).values(acked_at=None)
        n = int(s.execute(back).rowcount or 0)  # type: ignore[attr-defined]
        if n:
            _resent_up_to(s, last or 0, app.now())
            log.warning(
                "the county holds this device's events only up to an earlier one (restored "
                "from an older backup?): %d acknowledged events go to it again",
                n,
            )
            now = app.now()
            set_state(s, REQUEUED, json.dumps({"at": now.isoformat(), "events": n}), now)
    return n
