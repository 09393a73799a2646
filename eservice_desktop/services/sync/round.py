"""One sync round: push the whole outbox in batches, then pull every page.

Exactly-once without distributed transactions:

- push (services/sync/push.py): events are sent in local order, one batch in flight, the next
  batch read and written while the county works on one; the county is idempotent by event id.
  The outbox rows are marked acknowledged only after the answer arrived, in one local
  transaction. A crash or a lost reply between the county's commit and ours just means the
  next round re-sends the batch and gets ``duplicate`` answers.
- pull: the changes of a page and the new cursor are written in the *same* local transaction,
  so a page is applied entirely or not at all, and events are skipped when already present.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from eservice_desktop.county_link.client import (
    ROUND_DEADLINE_S,
    CountyClient,
    CountyOlder,
)
from eservice_desktop.services import restore_guard
from eservice_desktop.services.calendar import redate_cases, redate_pending
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.access_push import push_access
from eservice_desktop.services.sync.attachments import upload_attachments
from eservice_desktop.services.sync.catch_up import CatchUp
from eservice_desktop.services.sync.clock import learn_clock
from eservice_desktop.services.sync.inbox import PageOutcome, apply_page, park_unparsed
from eservice_desktop.services.sync.office_devices import keep_if_changed, keep_office_devices
from eservice_desktop.services.sync.parked_retry import retry_parked
from eservice_desktop.services.sync.provisioning import pull_operators
from eservice_desktop.services.sync.pull_pages import PageAhead
from eservice_desktop.services.sync.pulled_crls import import_pulled_crls
from eservice_desktop.services.sync.push import CountyCannotRead, push_all
from eservice_desktop.services.sync.rewound import CURSOR_AT, note_rewound
from eservice_desktop.services.sync.state import (
    get_state,
    pending_count,
    set_state,
)
from eservice_desktop.storage.collection import collection_paused

PUSH_BATCH = 1000
PULL_PAGE = 2000

log = logging.getLogger("eservice.sync")


@dataclass
class RoundResult:
    pushed: int = 0
    duplicates: int = 0
    conflicts: int = 0
    pulled: int = 0
    pending: int = 0
    attachments: int = 0
    #: Access-log records the county stored this round.
    access: int = 0
    #: Operator records the county provisioned this round.
    operators: int = 0
    #: Pulled events an earlier build set aside, applied by this one (services/sync/
    #: parked_retry.py).
    unparked: int = 0
    server_time: str = ""
    clock_offset_s: float = 0.0
    more: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


#: ``progress(done, total)`` during a push: events acknowledged so far out of the outbox size
#: when the push began; during a pull (``pull_progress``): changes received so far out of
#: those the county said were waiting when the pull began (called from the sync thread).
Progress = Callable[[int, int], None]


def sync_round(
    app: App,
    client: CountyClient,
    *,
    progress: Progress | None = None,
    pull_progress: Progress | None = None,
) -> RoundResult:
    """Pushes the whole outbox in batches, then pulls every page; raises SyncError on failure
    (what was already acknowledged or applied stays so)."""
    started_here = client.round_ends is None
    if started_here:  # one overall deadline for every request of this round
        client.round_ends = time.monotonic() + ROUND_DEADLINE_S
    try:
        return _round(app, client, progress, pull_progress)
    finally:
        if started_here:
            client.round_ends = None


@dataclass
class _Pulled:
    """What the pages of a round brought besides events, acted on after the last page (the
    revocation lists are read from where the pages stored them: services/sync/pulled_crls)."""

    calendar_changed: bool = False
    #: The county no longer held its feed as pulled (services/sync/rewound.py).
    rewound: bool = False

    def take(self, out: PageOutcome) -> None:
        """What a page (or a change tried again) brought (its pickup keys are stored with it)."""
        self.calendar_changed |= out.calendar_changed


def _round(
    app: App,
    client: CountyClient,
    progress: Progress | None,
    pull_progress: Progress | None,
) -> RoundResult:
    result = RoundResult()
    held: list[CountyCannotRead] = []
    _recover_if_restored(app, client)

    def push() -> None:
        try:
            push_all(app, client, result, size=PUSH_BATCH, progress=progress)
        except CountyCannotRead as e:  # the rest of the round still goes (_held_back)
            held.append(e)

    push()
    result.access = push_access(app, client, PUSH_BATCH)
    result.attachments = upload_attachments(app, client)
    result.unparked, again = retry_parked(app)  # before the pull: this build's own stay aside
    pulled = _Pulled()
    pulled.take(again)  # older than what the pull brings, which wins
    _pull_all(app, client, result, pull_progress, pulled)
    if result.conflicts or pulled.rewound:
        push()  # the conflict notes; what a restored county lost of this device's events
    result.operators = pull_operators(app, client)
    if pulled.calendar_changed:
        before = app.calendar
        app.reload_calendar()
        redate_cases(app, before)
    elif redate_pending(app):  # a re-dating a counter stopped before it ran
        redate_cases(app, app.calendar)
    import_pulled_crls(app)
    if held:
        _held_back(held[0])
    with app.transaction() as s:
        now = app.now()
        set_state(s, "last_success", now.isoformat(), now)
        set_state(s, "clock_offset_s", f"{result.clock_offset_s:.3f}", now)
        set_state(s, "last_error", "", now)
        set_state(s, "last_error_words", "", now)
        result.pending = pending_count(s)
    return result


def _recover_if_restored(app: App, client: CountyClient) -> None:
    """A restored database whose ``sync recover`` did not run (the county unreachable then, or
    the PC switched off after the switch) writes nothing of its own (services/restore_guard.py)
    until it has: the first round that reaches the county runs it, before anything is pushed
    (its own events would otherwise be sent after a chain the county knows to be longer)."""
    from eservice_desktop.services.sync.recovery import recover_from_county

    with app.reading() as s:
        if not restore_guard.pending(s):
            return
    counts = recover_from_county(app, client)
    log.info("the restored database was recovered from the county by the sync round: %s", counts)


def _held_back(e: CountyCannotRead) -> None:
    """The round fails with the county's refusal once it has pulled: a county older than this
    counter cannot read one of its events, which waits with those after it for the county's
    upgrade; before, the refusal ended the round before the pull, so the counter got nothing
    of the county either (other counters' cases, notices, operators) until then."""
    what = f"{e.event.type} {e.event.event_id}" if e.event is not None else "?"
    # the event's type and id only: the county's text may quote what it could not read
    log.warning(
        "the county cannot read event %s (HTTP %s): the outbox waits for it", what, e.refused.status
    )
    refused = e.refused
    words = (refused.code, refused.message_zh, refused.message_en)
    raise CountyOlder(str(refused), refused.status, words) from refused


def _pull_all(
    app: App,
    client: CountyClient,
    result: RoundResult,
    progress: Progress | None,
    pulled: _Pulled,
) -> None:
    """Pulls every page, each applied with its cursor in one local transaction, the next one
    asked for meanwhile (services/sync/pull_pages.py). The first page asks the county how many
    changes wait (a long catch-up shows how far it is, with ``progress``); a county that does
    not say leaves the total at what arrived so far. A catch-up a round could not finish
    counts on in the next (services/sync/catch_up.py). What the pages bring besides events
    goes into ``pulled``."""
    track = CatchUp.resume(app)  # an unfinished catch-up of an earlier round counts on
    with app.reading() as s:
        start = get_state(s, "cursor") or ""
        start_at = get_state(s, CURSOR_AT) or ""
        pending = pending_count(s)  # after the push: 0 tells the county this counter is synced
    with PageAhead(app, client, PULL_PAGE) as pages:
        # the county's count on the first page, shown or not: a catch-up left unfinished
        # keeps its total for `sync status` (one count, and only when there is more); and the
        # office's counters, for the closings (services/closing_behind.py)
        pages.ask(start, start_at, count=True, pending=pending)
        cursor: str | None = start
        while cursor is not None:
            # the collector waits until the page's objects are gone (storage/collection.py:
            # back on while they live, it would walk them all and the heap behind them)
            with collection_paused():
                cursor = _pull_page(
                    app, pages, cursor, result=result, track=track, pulled=pulled, progress=progress
                )


def _pull_page(
    app: App,
    pages: PageAhead,
    cursor: str,
    *,
    result: RoundResult,
    track: CatchUp,
    pulled: _Pulled,
    progress: Progress | None,
) -> str | None:
    """Takes the page asked for and applies it with its cursor, the next page asked for
    first; the cursor to go on from, None when the pull is done."""
    got = pages.take()
    page = got.page
    result.clock_offset_s = learn_clock(app, got.asked, got.answered, page.server_time)
    result.server_time = page.server_time.isoformat()
    at = page.cursor_at.isoformat() if page.cursor_at is not None else ""
    if not page.changes and page.cursor == cursor and page.rewound_to is None:
        if track.kept:  # the catch-up ended exactly at the last round's last page
            with app.transaction() as s:
                track.keep(s, False, app.now())
        if at == got.since_at or not at:
            keep_if_changed(app, page.devices, page.server_time, page.revoked)  # every few min
            return None  # nothing new: no write transaction (an idle round stays cheap)
    if page.more:
        pages.ask(page.cursor, at)  # the cursor this page's transaction stores
    track.page(len(page.changes), page.remaining)
    with app.transaction() as s:
        if page.devices is not None:
            keep_office_devices(s, page.devices, page.server_time, app.now(), page.revoked)
        if page.rewound_to is not None:
            note_rewound(s, cursor, page.rewound_to, app.now())
            pulled.rewound = True
        if page.unreadable:
            park_unparsed(app, s, page.unreadable, page.cursor)
        out = apply_page(app, s, page.changes, checked=got.checked)
        set_state(s, "cursor", page.cursor, app.now())
        set_state(s, CURSOR_AT, at, app.now())
        track.keep(s, page.more, app.now())
    result.pulled += len(out.report.applied)
    if progress is not None:
        progress(track.done, track.total)
    pulled.take(out)
    return page.cursor if page.more else None
