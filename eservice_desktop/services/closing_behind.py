"""Counters whose day may not be on a closing yet: another counter's receipts reach this one only
by sync, so an office-wide closing (or one of another counter) taken while that counter has
not synced since the day ended lists less than was taken, and said nothing of it.

Each sync round's first pull tells the county how many of this counter's events still wait to
be pushed (``pending``); the county keeps, per counter, when it last had none (``synced_at``)
and answers every counter's with the page (``devices``; county/feed.py). The round keeps the
answer (services/sync/office_devices.py) with the county's time. A closing then names
each counter in its scope, other than this one, that had not synced by the time the closing
covers: the end of its day, or for a day not over yet when the county last answered, that
answer's time. :data:`GRACE` allows for the county writing ``synced_at`` only every few minutes
while a counter is idle (county/http_common.py ``SEEN_EVERY``) and for the rounds' interval.

That answer stands for the counters only while it is recent: a counter that works offline
(its link down since yesterday) keeps the county's last word, and a closing judged by that
word's time named no counter that had synced just before it, though every receipt the others
took since never reached this one. A word older than the time the closing covers (less the
grace) says nothing of the counters after it: each other counter in scope is named then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.printing.closing_behind import CounterBehind
from eservice_desktop.services.sync.office_devices import CounterSeen, office_devices

#: How long before the time a closing covers a counter may have last synced and still count.
GRACE = timedelta(minutes=10)


def counters_behind(
    s: Session, day: date, own: str, scope: str | None, now: datetime
) -> tuple[CounterBehind, ...] | None:
    """The counters of the closing of ``day`` (``scope``: one counter, None the whole office)
    other than ``own`` that had not synced by the time it covers (the day's end, or ``now``
    for a day not over); None when the county never said (the closing cannot tell)."""
    known = office_devices(s)
    if known is None:
        return None
    until = min(day_bounds(day)[1], now) - GRACE
    said = min(day_bounds(day)[1], known.as_of) - GRACE
    covers = said if said >= until - GRACE else until  # a stale word: no counter is known
    live = tuple(
        CounterBehind(d.device, d.synced_at, d.last_seen_at)
        for d in known.devices
        if d.device != own
        and (scope is None or d.device == scope)
        and (d.synced_at is None or d.synced_at < covers)
    )
    return live + _revoked(known.revoked, day, own, scope)


def _revoked(
    revoked: tuple[CounterSeen, ...], day: date, own: str, scope: str | None
) -> tuple[CounterBehind, ...]:
    """The revoked counters in scope that may have taken money on ``day`` after they last
    synced: their last sync before the day's end, their revocation after its start. What a
    stolen counter took since never reaches the county, so no sync will bring it; and the
    county leaves revoked counters out of the office's counters, so the closing of the day of
    the theft named none and listed its drawer as complete."""
    start, end = day_bounds(day)
    return tuple(
        CounterBehind(d.device, d.synced_at, d.last_seen_at, d.revoked_at)
        for d in revoked
        if d.revoked_at is not None
        and d.device != own
        and (scope is None or d.device == scope)
        and (d.synced_at is None or (d.synced_at < end and d.synced_at < d.revoked_at))
        and d.revoked_at > start
    )
