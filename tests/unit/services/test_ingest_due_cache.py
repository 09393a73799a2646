"""The bulk ingest shares a due date between cases whose waiting windows cover no closing time
(domain.deadline.may_cover_a_closing): for such a case the deadline rule gives the very date it
gives without the windows, at every edge (a window ending at, or a second after, the closing; one
crossing midnight or starting after closing; a window on a day off); a window still open only
asks whether it began by that date's closing (services.ingest.shared_due)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar
from eservice_desktop.domain.case import CaseState, open_pauses
from eservice_desktop.domain.deadline import due_date, may_cover_a_closing
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services.ingest import DueCache, shared_due

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


#: The default calendar (weekends off) and one with a weekday off (Tuesday 3 March) and a
#: make-up Saturday (7 March) inside the week the examples fall in.
CALENDARS = (
    CALENDAR,
    WorkingCalendar({date(2026, 3, 3): True, date(2026, 3, 7): False}, years=[2026]),
)
#: One cache per calendar for every example below: dates shared between cases received on the
#: same day, as in a batch.
_SHARED = (DueCache(), DueCache())


@given(
    received=MOMENT,
    windows=st.lists(WINDOW, max_size=2),
    supplement=st.one_of(st.none(), MOMENT),
    payment=st.one_of(st.none(), MOMENT),
    closed=st.one_of(st.none(), MOMENT),
    limit=st.integers(0, 5),
    which=st.sampled_from((0, 1)),
)
@settings(max_examples=1000)
def test_a_shared_due_date_is_the_rule_s_date(
    *,
    received: datetime,
    windows: list[tuple[datetime, datetime]],
    supplement: datetime | None,
    payment: datetime | None,
    closed: datetime | None,
    limit: int,
    which: int,
) -> None:
    """services.ingest.shared_due gives what the rule gives for the case's own windows, open
    ones too (None while one that began by the date's closing is open), closed or not, on a
    calendar of weekends only and on one with a weekday off and a make-up Saturday."""
    pauses = tuple((min(a, b).astimezone(UTC), max(a, b).astimezone(UTC)) for a, b in windows)
    state = CaseState(
        case_id="c",
        case_number="H01-01-115-000001-7",
        service_code="HR-TRANSCRIPT",
        office="H01",
        received_at=received.astimezone(UTC),
        time_limit_working_days=limit,
        applicant_kind="person",
        applicant_id_type="national_id",
        applicant_id="A123456789",
        applicant_name="王小明",
        supplement_since=supplement,
        payment_wait_since=payment,
        pauses=pauses,
        closed_at=closed,
    )
    calendar = CALENDARS[which]
    expected = due_date(
        state.received_at, limit, calendar, HOURS, open_pauses(state), closed_at=closed
    )
    assert shared_due(state, calendar, HOURS, _SHARED[which]) == expected


def test_an_open_window_after_the_date_leaves_it() -> None:
    """The two answers for an open window: None when it began by the date's closing, the date
    when the limit was reached before it began (the case was late when it began to wait)."""
    received = datetime(2026, 3, 2, 9, tzinfo=TAIPEI)  # Monday
    base = CaseState("c", "n", "s", "H01", received, 1, "person", "national_id", "A", "N")
    due = shared_due(base, CALENDAR, HOURS, DueCache())
    assert due == date(2026, 3, 2)
    closing = HOURS.closing_at(date(2026, 3, 2))
    late = replace(base, supplement_since=closing + timedelta(seconds=1))
    assert shared_due(late, CALENDAR, HOURS, DueCache()) == due
    at_closing = replace(base, payment_wait_since=closing)
    assert shared_due(at_closing, CALENDAR, HOURS, DueCache()) is None
