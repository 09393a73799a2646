"""The sync status widget's loop and the thread running it, kept outside the widget, and the
two steps that prepare it on the database writer (county reference data, then the loop with
its scheduled backups); what a window without a loop reads of the sync service's rounds (and
how the service's failed round is said), and
the last sync's time as the bar says it. Plain Python and threads: nothing here touches a
widget."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import roc_minute

if TYPE_CHECKING:
    from eservice_desktop.services.core import App
    from eservice_desktop.services.sync import SyncLoop


class LoopKeeper:
    """The status widget's loop and the thread running it, outside the widget.

    The loop must stop when the widget goes, whenever that happens: while the loop is being
    prepared on the database writer, or during a round. Qt calls no slot of an object that is
    being destroyed, so the widget's ``destroyed`` signal goes to :meth:`close` of this plain
    object. Once closed, a loop prepared meanwhile never runs, and a round that ends afterwards
    hands nothing to the deleted widget (:meth:`deliver`)."""

    def __init__(self) -> None:
        self.loop: SyncLoop | None = None
        self.thread: threading.Thread | None = None
        self.closed = False
        # close() (UI thread) never interleaves with deliver() (loop thread): after close
        # returns, no emit to the widget is under way or to come.
        self._lock = threading.Lock()

    def run(self, loop: SyncLoop) -> bool:
        """Runs ``loop`` on a thread of its own; False (and not run) once closed."""
        with self._lock:
            if self.closed:
                return False
            thread = threading.Thread(target=loop.run_forever, name="sync-loop", daemon=True)
            self.loop, self.thread = loop, thread
            thread.start()
        return True

    def halt(self) -> threading.Thread | None:
        """Stops the loop (the widget may run another); returns its thread to wait for."""
        with self._lock:
            loop, thread = self.loop, self.thread
            self.loop, self.thread = None, None
        if loop is not None:
            loop.stop()
        return thread

    def close(self, *_: object) -> None:
        """The widget is gone: stop the loop, run none later, deliver nothing more."""
        with self._lock:
            self.closed = True
        self.halt()

    def deliver(self, emit: Callable[[], None]) -> None:
        """Loop thread: ``emit()`` (a queued signal of the widget) unless closed."""
        with self._lock:
            if not self.closed:
                emit()


def load_reference(app: App) -> bool:
    """Database writer: the catalogue the county sent last applied; True when this device
    holds a sync credential (keyring)."""
    from eservice_desktop.services import sync

    sync.load_county_reference(app)
    return sync.credential(app) is not None


def read_status(app: App) -> dict[str, Any]:
    """Worker: the counts the bar shows (``sync status`` without its totals), with
    ``restore_pending``, whether a restored database still waits for its recovery from the
    county (``services/restore_guard.py``), which ``sync status`` does not carry."""
    from eservice_desktop.services import restore_guard, sync

    status = sync.status(app, totals=False)
    status["restore_pending"] = restore_guard.waiting(app)
    return status


def follow_others(app: App) -> dict[str, Any]:
    """Database writer, in a window that runs no loop of its own (the sync service syncs the
    office, its credential in the service account's keyring and none in the clerk's): the
    working calendar and the county catalogue another process stored since, as a round of the
    window's own loop takes them first (``services.sync.run_round``), the county's clock as the
    service's last round learned it, then the bar's counts."""
    from eservice_desktop.services import sync
    from eservice_desktop.services.sync.failure_words import LAST_ERROR_WORDS

    sync.follow_stored_offset(app)
    app.refresh_calendar()
    sync.refresh_county_reference(app)
    status = read_status(app)
    with app.reading() as s:  # the service's failed round in its own words (its hint too)
        status[LAST_ERROR_WORDS] = sync.get_state(s, LAST_ERROR_WORDS)
    return status


def service_failure(status: dict[str, Any], zh: bool) -> str:
    """The sync service's last round as a window without a loop says it: its failure in the
    clerk's words when its last try came after its last success (the service kept trying and
    failing: the bar said 已連線, or 尚未連線, all day while the office was offline), else
    ``""``. In the words the round said it (``last_error_words``): by the kind's name alone an
    unenrolled counter's 401 named no `sync enrol`."""
    from eservice_desktop.services.sync.failure_words import LAST_ERROR_WORDS, last_error_message

    error, tried, done = (status.get(k) for k in ("last_error", "last_attempt", "last_success"))
    if not error or not tried:
        return ""
    if done and datetime.fromisoformat(str(done)) >= datetime.fromisoformat(str(tried)):
        return ""
    words = status.get(LAST_ERROR_WORDS)
    return last_error_message(str(error), words, "zh_TW" if zh else "en")


def prepare_loop(
    app: App, on_result: Any, progress: tuple[Any, Any], request: int
) -> tuple[SyncLoop, int]:
    """Database writer: the loop of this device with its scheduled backups, ready to run;
    ``progress`` follows the push and the pull."""
    from eservice_desktop.services import backup, sync

    loop = sync.start(app, on_result=on_result, progress=progress[0], pull_progress=progress[1])
    loop.round_fn = backup.with_scheduled_backups(app, loop.round_fn)
    return loop, request


def last_sync_text(last: str | None, now: datetime, zh: bool) -> str:
    """When the last sync went well, as the bar says it: its time on the day it was made
    (Taipei), its day too after that (``115/12/01 09:12``; ``2026-12-01 09:12`` in English).
    The bar said ``09:12:03`` alone, so an office offline for three days read as synced this
    morning."""
    if not last:
        return "—"
    at = datetime.fromisoformat(last)
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(TAIPEI)
    if local.date() == now.astimezone(TAIPEI).date():
        return f"{local:%H:%M:%S}"
    return roc_minute(local) if zh else f"{local:%Y-%m-%d %H:%M}"
