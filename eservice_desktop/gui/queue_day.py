"""The queue's rollover at the office's midnight (Taipei), with no write to set it off.

A written case already finds a list read on another day and reads it again
(``QueueModel.place``), but a counter left open overnight with nothing written stayed on
yesterday's list ("today" had yesterday's intake, days left counted from yesterday) until the
clerk switched tabs. :class:`DayWatch` arms a single-shot timer for the next midnight by the
application's clock (the injected clock in tests, never the wall clock directly), then compares
the office's day with the day the list shown was read on and has the page read it again when
they differ.

The wait is capped (``MAX_WAIT_MS``) so a clock set forward, a county clock correction or a
machine woken from sleep is noticed within minutes rather than at the next midnight. The
queue also rolls at the counters' closing: from then its deadlines are judged from tomorrow (a
case due today and still open can no longer be closed on time), seen within that capped wait.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QObject, QTimer

from eservice_desktop.domain.catalogue_records import Office
from eservice_desktop.domain.deadline import deadline_day
from eservice_desktop.domain.office_zone import TAIPEI

#: The longest wait between two looks at the day.
MAX_WAIT_MS = 10 * 60 * 1000
#: Fire this long after midnight, so the office's day has turned when the timer runs.
MARGIN_MS = 500


def wait_ms(now: datetime) -> int:
    """Milliseconds from ``now`` (aware) to just past the next midnight in Taipei, capped."""
    local = now.astimezone(TAIPEI)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=TAIPEI)
    left = int((midnight - local).total_seconds() * 1000) + MARGIN_MS
    return max(0, min(left, MAX_WAIT_MS))


def office_day(now: datetime) -> date:
    """The office's calendar day at ``now`` (Taipei)."""
    return now.astimezone(TAIPEI).date()


def queue_days(office: Office, now: datetime) -> tuple[date, date]:
    """The office's day at ``now`` and the day the queue's deadlines are judged from then
    (``domain.deadline.deadline_day``: tomorrow once the counters have closed), as
    ``QueueModel.days_read`` gives them for the list shown."""
    return office_day(now), deadline_day(now, office.hours)


class DayWatch(QObject):
    """Calls ``roll()`` once the office's days at ``now()`` (``day_at``: the queue's
    :func:`queue_days`) are no longer ``shown_day()``, those the list on screen was read on
    (None: no list yet, nothing to roll); the closing's turn is seen within the capped wait."""

    def __init__(
        self,
        parent: QObject,
        now: Callable[[], datetime],
        shown_day: Callable[[], object | None],
        roll: Callable[[], None],
        day_at: Callable[[datetime], object],
    ) -> None:
        super().__init__(parent)
        self._now, self._shown_day, self._roll = now, shown_day, roll
        self._day_at = day_at
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.schedule()

    def schedule(self) -> None:
        """Arms the timer for the next midnight (or the capped wait)."""
        self.timer.start(wait_ms(self._now()))

    def check(self) -> bool:
        """The timer ran: True (and the list read again) when the day turned since it was
        read; the timer is armed for the next midnight either way."""
        shown = self._shown_day()
        rolled = shown is not None and shown != self._day_at(self._now())
        if rolled:
            self._roll()
        self.schedule()
        return rolled
