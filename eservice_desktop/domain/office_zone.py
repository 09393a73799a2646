"""The offices' time zone. Times are stored in UTC and shown, dated and counted in office days
in Asia/Taipei (ROC years on screen and on prints): one constant for every layer, so no module
names the zone by its own string."""

from __future__ import annotations

from zoneinfo import ZoneInfo

#: Asia/Taipei: no daylight saving time, UTC+8 all year.
TAIPEI = ZoneInfo("Asia/Taipei")
