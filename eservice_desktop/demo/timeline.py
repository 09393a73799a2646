"""When a demo case's later events happen: on the office's working days, within its hours.

A demo case used to move on at random moments after its receipt, night and weekend alike, up
to a fifth of its age later: a case with a one-day limit closed days after its due date, and the
on-time report of a fresh demo office showed about 8 % of cases closed on time, where offices
close about 96 % on time (seed appendix 11). Here a case closes within its time limit, counted
in the seed's office days, except for the share that runs late, and every later event falls
within office hours on an office day.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from eservice_desktop.domain.calendar import OfficeHours
from eservice_desktop.domain.office_zone import TAIPEI

#: Share of finished demo cases closed after their due date (offices close ~96 % on time).
LATE_SHARE = 0.04

#: The shortest step between two events of a case, when the day leaves room for it.
_STEP = timedelta(seconds=60)

#: How long after a payment its receipt is printed.
_PRINT = timedelta(seconds=5)


class OfficeDays:
    """The seed's office days, oldest first, with each day's opening and closing in UTC (a
    closing never later than ``latest``: nothing happens after the seed's now)."""

    def __init__(self, hours: OfficeHours, office_days: list[date], latest: datetime) -> None:
        days = sorted(office_days)
        self.index = {d: i for i, d in enumerate(days)}
        self.opens = [datetime.combine(d, hours.opens, TAIPEI).astimezone(UTC) for d in days]
        self.closes = [
            min(datetime.combine(d, hours.closes, TAIPEI).astimezone(UTC), latest) for d in days
        ]
        self.latest = latest

    def day_of(self, moment: datetime) -> int:
        """The index of the office day ``moment`` (a receipt time of the seed) falls on."""
        return self.index[moment.astimezone(TAIPEI).date()]

    def closing_offset(self, limit: int, rng: random.Random) -> int:
        """The office day a finished case closes on, counted from its receipt day (0: that
        day): within its limit of ``limit`` working days (the receipt day is the first), or
        a few days after it for :data:`LATE_SHARE` of cases."""
        days = max(limit, 1)
        if rng.random() < LATE_SHARE:
            return days + rng.randint(0, 4)
        return rng.randint(0, days - 1)


class CaseClock:
    """The moments of one case's events after its receipt: each on the office day asked for
    (counted from the receipt day), within its hours, and after the event before it."""

    def __init__(self, days: OfficeDays, received: datetime, rng: random.Random) -> None:
        self.days, self.rng = days, rng
        self.first = days.day_of(received)
        self.day, self.t = self.first, received

    def printed(self, paid: datetime) -> datetime:
        """The receipt of a payment made at ``paid`` on the receipt day: printed seconds later,
        before the day's closing."""
        close = self.days.closes[self.day]
        self.t = paid + min(_PRINT, (close - paid) / 2) if paid < close else paid
        return self.t

    def at(self, offset: int) -> datetime:
        """A moment on the office day ``offset`` days after the receipt day (no earlier than
        the last event's day; the last office day at most), after the last event."""
        days = self.days
        day = min(max(self.first + offset, self.day), len(days.opens) - 1)
        close = days.closes[day]
        low = max(self.t, days.opens[day])
        if low < close:
            low += min(_STEP, (close - low) / 2)
            t = low + (close - low) * self.rng.random()
        else:  # no room left that day (or the seed's now): just after the last event
            t = min(self.t + timedelta(seconds=1), days.latest)
        self.day, self.t = day, max(t, self.t)
        return self.t

    def after(self, most: int) -> datetime:
        """A moment up to ``most`` office days after the last event's day."""
        return self.at(self.day - self.first + self.rng.randint(0, most))
