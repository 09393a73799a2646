"""The sync service: rounds on a :class:`~eservice_desktop.county_link.worker.SyncLoop`.

:func:`start` prepares the one loop both faces run: ``sync run`` on the main thread until
SIGTERM, the GUI's status widget on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eservice_desktop.county_link.client import AuthError
from eservice_desktop.county_link.worker import SyncLoop
from eservice_desktop.services.core import App
from eservice_desktop.services.machine_errors import environment_error
from eservice_desktop.services.sync import state
from eservice_desktop.services.sync.clock import install_clock_correction
from eservice_desktop.services.sync.credentials import demo_enrol, ensure_enrolled, make_client
from eservice_desktop.services.sync.failure_words import LAST_ERROR_WORDS, failure_words
from eservice_desktop.services.sync.reference import (
    load_county_reference,
    refresh_county_reference,
)
from eservice_desktop.services.sync.refused_why import explain_refusal
from eservice_desktop.services.sync.round import Progress, RoundResult, sync_round


def run_round(
    app: App, progress: Progress | None = None, pull_progress: Progress | None = None
) -> RoundResult:
    """One round with a fresh client (the credential may have just been enrolled);
    ``progress(done, total)`` follows the push, ``pull_progress`` the pull (see
    :func:`.round.sync_round`). First, the working calendar another process stored since
    (IT's ``calendar import`` while the window is open, the service's pull), and the county
    catalogue another process pulled: the loop of each process rounds every few seconds,
    reaching the county or not."""
    app.refresh_calendar()
    refresh_county_reference(app)
    now = app.now()
    with app.transaction() as s:
        state.set_state(s, "last_attempt", now.isoformat(), now)
    try:
        ensure_enrolled(app)
        client = make_client(app)
        try:
            return sync_round(app, client, progress=progress, pull_progress=pull_progress)
        except AuthError as e:
            # a demo server that was reset (401: the credential unknown): enrol again, once;
            # a device the county revoked (403) stays revoked and says so
            if e.status == 403 or not demo_enrol(app):
                raise
        finally:
            client.close()
        client = make_client(app)
        try:
            return sync_round(app, client, progress=progress, pull_progress=pull_progress)
        finally:
            client.close()
    except Exception as e:
        explain_refusal(app, e)  # a 401: which command IT runs, said with the failure
        said = environment_error(e)  # this PC failed it: kept by its code, said again by it
        with app.transaction() as s:
            now = app.now()
            state.set_state(s, "last_error", said.code if said else type(e).__name__, now)
            state.set_state(s, LAST_ERROR_WORDS, failure_words(e), now)
        raise


def has_pending(app: App) -> bool:
    """Cheap (index-only) check the service polls between rounds."""
    with app.reading() as s:
        return state.has_pending(s)


def make_loop(
    app: App,
    on_result: Callable[[Any, BaseException | None], None] | None = None,
    progress: Progress | None = None,
    pull_progress: Progress | None = None,
) -> SyncLoop:
    from eservice_desktop.services.machine_errors import environment_error

    return SyncLoop(
        lambda: run_round(app, progress, pull_progress),
        interval=app.settings.sync_interval_s,
        on_result=on_result,
        has_work=lambda: has_pending(app),
        machine_failure=lambda e: environment_error(e) is not None,
    )


def start(
    app: App,
    on_result: Callable[[Any, BaseException | None], None] | None = None,
    progress: Progress | None = None,
    pull_progress: Progress | None = None,
) -> SyncLoop:
    """Makes ``app.now()`` follow the county clock, applies the catalogue the county sent last
    and returns the loop, not yet running: the caller runs ``loop.run_forever()`` on the
    thread it chooses and ``loop.stop()`` ends it."""
    install_clock_correction(app)
    load_county_reference(app)
    return make_loop(app, on_result, progress, pull_progress)
