"""The sync loop without Qt or a database: when to run a round, and how to back off.

The headless service (``sync run``), the GUI (on a worker thread) and the tests all drive the
same :class:`SyncLoop`; the round itself (``services.sync.sync_round``) is injected.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eservice_desktop.county_link.client import SyncError

log = logging.getLogger("eservice.sync")


@dataclass
class Backoff:
    """Exponential back-off with full jitter (AWS style): sleep uniform(0, min(cap, base*2^n)),
    never below ``floor`` so a dead server is not hammered. The jitter comes from a generator of
    its own: the loop's thread never draws from (or moves) the process's shared ``random``
    state, which a test run seeds and other code may be drawing from at that moment."""

    base: float = 1.0
    cap: float = 300.0
    floor: float = 0.5
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** (self.failures - 1))
        r = self.rng.uniform(0, ceiling)
        return max(self.floor, r)

    def reset(self) -> None:
        self.failures = 0


class SyncLoop:
    """Runs ``round_fn`` every ``interval`` seconds, at once after :meth:`poke`, and backs off
    after failures. ``on_result(result, error)`` is called after every round. ``has_work`` (a
    cheap check, e.g. "is the outbox non-empty?") is polled every ``poll`` seconds while the
    link is healthy, so work recorded by another process leaves at once too; it is not polled
    while backing off. ``machine_failure(error)`` tells a failure of the machine (a full disk,
    a database another program holds) from a bug: logged as a warning, not as a crash with
    its traceback at every retry."""

    def __init__(
        self,
        round_fn: Callable[[], Any],
        interval: float = 5.0,
        *,
        on_result: Callable[[Any, BaseException | None], None] | None = None,
        backoff: Backoff | None = None,
        has_work: Callable[[], bool] | None = None,
        poll: float = 1.0,
        machine_failure: Callable[[BaseException], bool] | None = None,
    ) -> None:
        self.round_fn = round_fn
        self.machine_failure = machine_failure
        self.interval = interval
        self.on_result = on_result
        self.backoff = backoff or Backoff()
        self.has_work = has_work
        self.poll = poll
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        self.rounds = 0

    def poke(self) -> None:
        """Local work was just recorded: sync now rather than at the next tick."""
        self._wake.set()

    def stop(self) -> None:
        self.stop_event.set()
        self._wake.set()

    def run_once(self) -> float:
        """One round; returns how long to wait before the next one."""
        self.rounds += 1
        try:
            result = self.round_fn()
        except SyncError as e:
            delay = self.backoff.next_delay()
            if not e.transient:
                delay = max(delay, 60.0)
            if e.retry_after is not None:  # the county's own word: never sooner, at most the cap
                delay = max(delay, min(e.retry_after, self.backoff.cap))
            # what IT runs about it (a 401: sync enrol), where IT reads the service's failures
            hint = f"; {e.hint[1]}" if e.hint else ""
            log.warning(
                "sync round failed (%s: %s)%s; retry in %.1f s", type(e).__name__, e, hint, delay
            )
            self._report(None, e)
            return delay
        except Exception as e:  # a bug must not kill the service: report it and retry later
            delay = self.backoff.next_delay()
            if self.machine_failure is not None and self.machine_failure(e):
                # the disk full, the database held by another program: no bug, no traceback
                log.warning("sync round failed (%s); retry in %.1f s", type(e).__name__, delay)
            else:
                log.exception("sync round crashed; retry in %.1f s", delay)
            self._report(None, e)
            return max(delay, 10.0)
        self.backoff.reset()
        self._report(result, None)
        more = bool(getattr(result, "more", False))
        return 0.0 if more else self.interval

    def _report(self, result: Any, error: BaseException | None) -> None:
        if self.on_result is not None:
            try:
                self.on_result(result, error)
            except Exception:
                log.warning("sync result callback failed", exc_info=True)

    def wait(self, delay: float) -> None:
        """Sleeps ``delay`` seconds unless poked, stopped, or (link healthy) work appears.

        On Windows a wait on an event is not interrupted by Ctrl+C (how WinSW stops the
        service): the handler that stops the loop runs only once the wait returns, so there it
        waits ``poll`` seconds at a time, and a stop during a 300 s back-off is seen within
        one instead of after WinSW's stop timeout has killed the process."""
        deadline = time.monotonic() + delay
        while not self.stop_event.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            watching = self.has_work is not None and self.backoff.failures == 0
            sliced = watching or sys.platform == "win32"
            if self._wake.wait(min(remaining, self.poll) if sliced else remaining):
                self._wake.clear()
                return
            if watching and self.has_work is not None:
                try:
                    if self.has_work():
                        return
                except Exception:
                    log.warning("sync work check failed", exc_info=True)

    def run_forever(self) -> None:
        while not self.stop_event.is_set():
            delay = self.run_once()
            if self.stop_event.is_set():
                break
            self.wait(delay)
