"""The offices' time zone. Times are stored in UTC and shown, dated and counted in office days
in Asia/Taipei (ROC years on screen and on prints): one constant for every layer, so no module
names the zone by its own string."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Asia/Taipei: no daylight saving time, UTC+8 all year.
TAIPEI = ZoneInfo("Asia/Taipei")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The office day ``day`` (a Taipei calendar day) as UTC times: from its midnight
    (included) to the next one (excluded)."""
    start = datetime.combine(day, time(0), TAIPEI).astimezone(UTC)
    return start, start + timedelta(days=1)
