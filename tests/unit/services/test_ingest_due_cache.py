"""The bulk ingest shares a due date between cases whose waiting windows cover no closing time
(domain.deadline.may_cover_a_closing): for such a case the deadline rule gives the very date it
gives without the windows, at every edge (a window ending at, or a second after, the closing; one
crossing midnight or starting after closing; a window on a day off)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar
from eservice_desktop.domain.deadline import due_date, may_cover_a_closing
from eservice_desktop.domain.office_zone import TAIPEI

HOURS = OfficeHours()
CALENDAR = WorkingCalendar()
BASE = datetime(2026, 3, 2, 8, 0, tzinfo=TAIPEI)  # a Monday's opening
#: Offsets (seconds) within a day from its opening: around the opening, the closing (17:00) and
#: midnight.
DAY = (-1, 0, 1, 3600, 9 * 3600 - 1, 9 * 3600, 9 * 3600 + 1, 16 * 3600 - 1, 16 * 3600)
MOMENT = st.tuples(st.integers(0, 6), st.sampled_from(DAY)).map(
    lambda ds: BASE + timedelta(days=ds[0], seconds=ds[1])
)
#: Mostly windows within one day (the ones the cache shares), some across days.
WINDOW = st.one_of(
    st.tuples(st.integers(0, 6), st.sampled_from(DAY), st.sampled_from(DAY)).map(
        lambda w: (
            BASE + timedelta(days=w[0], seconds=w[1]),
            BASE + timedelta(days=w[0], seconds=w[2]),
        )
    ),
    st.tuples(MOMENT, MOMENT),
)


@given(
    received=MOMENT,
    windows=st.lists(WINDOW, max_size=3),
    limit=st.integers(0, 5),
)
@settings(max_examples=500)
def test_windows_that_cover_no_closing_leave_the_due_date(
    received: datetime, windows: list[tuple[datetime, datetime]], limit: int
) -> None:
    pauses = tuple((min(a, b).astimezone(UTC), max(a, b).astimezone(UTC)) for a, b in windows)
    if not may_cover_a_closing(pauses, HOURS):
        with_windows = due_date(received, limit, CALENDAR, HOURS, pauses)
        assert with_windows == due_date(received, limit, CALENDAR, HOURS, ())


def test_the_edges_are_judged() -> None:
    monday = date(2026, 3, 2)
    closing = HOURS.closing_at(monday)

    def counts(start: datetime, end: datetime | None) -> bool:
        return may_cover_a_closing(((start, end),), HOURS)

    at_nine = datetime(2026, 3, 2, 9, tzinfo=TAIPEI)
    assert not counts(at_nine, at_nine + timedelta(minutes=4))  # paid at the counter
    assert not counts(at_nine, closing)  # ends at the closing: the day still counts
    assert counts(at_nine, closing + timedelta(seconds=1))  # covers the closing
    assert counts(closing + timedelta(hours=1), closing + timedelta(hours=2))  # left to the rule
    assert counts(at_nine, None)  # still open
    assert counts(at_nine, at_nine - timedelta(seconds=1))  # out of order: the rule refuses it
