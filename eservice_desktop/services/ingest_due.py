"""The due dates of a bulk ingest's cases (services/ingest.py), shared between the cases of a
batch where the deadline rule allows; importable from ``services.ingest`` too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar
from eservice_desktop.domain.case import CaseState, open_pauses
from eservice_desktop.domain.deadline import due_date, may_cover_a_closing

__all__ = ["DueCache", "shared_due"]


@dataclass
class DueCache:
    """What :func:`shared_due` shares within a batch: the due dates of cases without waiting
    windows by (limit, day received, received after its closing), and each day's closing."""

    dates: dict[tuple[int, date, bool], date | None] = field(default_factory=dict)
    closings: dict[date, datetime] = field(default_factory=dict)

    def closing(self, hours: OfficeHours, day: date) -> datetime:
        closing = self.closings.get(day)
        if closing is None:
            closing = self.closings[day] = hours.closing_at(day)
        return closing


def shared_due(
    state: CaseState, calendar: WorkingCalendar, hours: OfficeHours, cache: DueCache
) -> date | None:
    """:func:`compute_due` of ``state``, shared between the cases of a batch where the rule
    allows: closed waiting windows that cover no closing (``domain.deadline``:
    ``may_cover_a_closing``) leave the date ``D`` of a case without windows, which is shared
    per (limit, day, after closing); and a window still open (the case not closed) only asks
    whether it began by ``D``'s closing: then the rule reaches an undecided day by ``D`` and
    gives None, else ``D`` (the limit was reached before it began). A pulled page's cases
    mostly wait for something: each used to walk the calendar on its own."""
    opened = [t for t in (state.supplement_since, state.payment_wait_since) if t is not None]
    if (opened and state.closed_at is not None) or may_cover_a_closing(state.pauses, hours):
        return due_date(
            state.received_at,
            state.time_limit_working_days,
            calendar,
            hours,
            open_pauses(state),
            closed_at=state.closed_at,
        )
    day = hours.local_date(state.received_at)
    limit = state.time_limit_working_days
    key = (limit, day, state.received_at > cache.closing(hours, day))
    dates = cache.dates
    if key not in dates:
        dates[key] = due_date(state.received_at, limit, calendar, hours, state.pauses)
    due = dates[key]
    if opened and due is not None and min(opened) <= cache.closing(hours, due):
        return None
    return due
