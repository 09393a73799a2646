"""The pages of one pull, the next one asked for while the current one is applied.

A pull used to ask for a page, apply it, commit, and only then ask for the next: the county's
read, the way over the network and the parse of the answer (a fifth to a quarter of a pull's
time) waited for the office's write, and the write for them. :class:`PageAhead` asks for the
next page on a thread of its own as soon as the current one has arrived, and runs the value
checks of its events there too (``inbox.check_page``: they need nothing of the database), so
the two overlap (the office's SQLite writes and the socket let the other thread run).

What stays as it was:

- the office's write transaction never waits for the network: it applies a page that has
  already arrived, and the page ahead is only taken after that transaction is committed;
- a page's changes and its cursor are still committed together, in order; the page ahead is
  asked with the cursor of the page being applied, which is the cursor that transaction
  stores (a page that fails to apply raises, and the page ahead is dropped unread);
- a request keeps its own deadline and the round's (``county_link/transport.py``), and no
  page is applied once the round's time is up: :meth:`PageAhead.take` then raises
  ``Offline`` as the next request would have (the page ahead is dropped; the next round asks
  for it again from the stored cursor), after the pages before it were committed, as before;
- leaving the ``with`` block (normally, or on an error) waits for a request still under way,
  so no thread uses the client after the round returns (the caller closes it;
  ``one_ahead.py``, as for the push).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from eservice_desktop.county_link.client import CountyClient
from eservice_desktop.county_link.errors import Offline
from eservice_desktop.county_link.protocol import PullResponse
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.clock import base_now
from eservice_desktop.services.sync.inbox import Checked, check_page
from eservice_desktop.services.sync.one_ahead import OneAhead
from eservice_desktop.storage.collection import collection_paused


@dataclass(frozen=True)
class Fetched:
    """A page and when it was asked for and answered (device clock, for ``learn_clock``)."""

    page: PullResponse
    asked: datetime
    answered: datetime
    #: The one-pass value checks of its events (services/sync/inbox.py: check_page).
    checked: Checked
    #: The time of the cursor asked after, as sent (``since_at``; "" when none).
    since_at: str = ""


class PageAhead(OneAhead[Fetched]):
    """Asks for pages of size ``limit`` one at a time, on a thread: :meth:`ask` starts the
    request of a page, :meth:`take` waits for it (raising what the request raised)."""

    def __init__(self, app: App, client: CountyClient, limit: int) -> None:
        super().__init__("sync-pull")
        self.app, self.client, self.limit = app, client, limit

    def ask(
        self, cursor: str, since_at: str = "", *, count: bool = False, pending: int | None = None
    ) -> None:
        """Starts asking for the page after ``cursor``, written at ``since_at`` as the county
        said (``count``: with what remains; ``pending``: this device's events left to push,
        with the office's counters asked for)."""
        self.start(lambda: self._fetch(cursor, since_at, count, pending))

    def take(self) -> Fetched:
        """The page asked for last, once it has arrived; Offline when the round's time is up
        (the page is not applied then, as a page asked for in turn would not be)."""
        fetched = super().take()
        ends = self.client.round_ends
        if ends is not None and time.monotonic() >= ends:
            raise Offline("the sync round ran out of time")  # as the request would have
        return fetched

    def _fetch(self, cursor: str, since_at: str, count: bool, pending: int | None) -> Fetched:
        asked = base_now(self.app)
        with collection_paused():  # a page parses into some 100,000 objects (inbox.py)
            page = self.client.pull(
                cursor, self.limit, count=count, since_at=since_at, pending=pending
            )
            answered = base_now(self.app)
            return Fetched(page, asked, answered, check_page(page.changes), since_at)
