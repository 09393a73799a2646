"""The time-limit rule against the calendars the application ships (resources/calendars)."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar, parse_dgpa_csv
from eservice_desktop.domain.deadline import (
    Pause,
    closed_on_time,
    deadline_day,
    deadline_status,
    due_date,
    working_days_elapsed,
    working_days_left,
)
from eservice_desktop.domain.errors import DomainError

CALENDARS = Path(__file__).resolve().parents[3] / "resources" / "calendars"
TPE = ZoneInfo("Asia/Taipei")
UTC = ZoneInfo("UTC")
HOURS = OfficeHours()


def _load(*years: int) -> WorkingCalendar:
    calendar = WorkingCalendar()
    for year in years:
        text = (CALENDARS / f"{year}.csv").read_text(encoding="utf-8")
        calendar = calendar.merge(WorkingCalendar.from_dgpa(parse_dgpa_csv(text)))
    return calendar


CAL = _load(2025, 2026, 2027)


def tpe(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TPE)


# 2026-03-06 is an ordinary Friday; 3/9-3/13 an ordinary working week.
FRI = (2026, 3, 6)


def test_calendar_assumptions() -> None:
    assert date(*FRI).weekday() == 4
    assert all(CAL.is_working_day(date(2026, 3, d)) for d in range(9, 14))


# --- the examples the rule must reproduce ----------------------------------------------------


def test_received_friday_morning_three_days_due_tuesday() -> None:
    # Friday counts (received before closing), then Monday, Tuesday.
    assert due_date(tpe(*FRI, 10, 0), 3, CAL, HOURS) == date(2026, 3, 10)


def test_received_friday_after_hours_three_days_due_wednesday() -> None:
    assert due_date(tpe(*FRI, 18, 30), 3, CAL, HOURS) == date(2026, 3, 11)


def test_received_exactly_at_closing_counts_that_day() -> None:
    assert due_date(tpe(*FRI, 17, 0), 1, CAL, HOURS) == date(2026, 3, 6)
    assert due_date(tpe(*FRI, 17, 1), 1, CAL, HOURS) == date(2026, 3, 9)


def test_received_before_opening_counts_that_day() -> None:
    # An online filing at 02:00 exists at that day's closing.
    assert due_date(tpe(*FRI, 2, 0), 1, CAL, HOURS) == date(2026, 3, 6)


def test_received_on_a_weekend_starts_on_monday() -> None:
    assert due_date(tpe(2026, 3, 7, 11, 0), 1, CAL, HOURS) == date(2026, 3, 9)
    assert due_date(tpe(2026, 3, 8, 11, 0), 3, CAL, HOURS) == date(2026, 3, 11)


def test_lunar_new_year_2026_never_counts() -> None:
    # Thu 2/12 and Fri 2/13 count, then 2/14-2/22 is off; Monday 2/23 is day 3.
    assert due_date(tpe(2026, 2, 12), 3, CAL, HOURS) == date(2026, 2, 23)
    # Received on the last afternoon before the break: 2/13, 2/23, 2/24, 2/25, 2/26.
    assert due_date(tpe(2026, 2, 13, 16, 59), 5, CAL, HOURS) == date(2026, 2, 26)
    # After hours on 2/13: 2/23-2/26 are days 1-4, 2/27 is 補假 and 2/28-3/1 a weekend.
    assert due_date(tpe(2026, 2, 13, 17, 30), 5, CAL, HOURS) == date(2026, 3, 2)


def test_received_during_a_holiday_starts_after_it() -> None:
    assert due_date(tpe(2026, 2, 17, 9, 0), 1, CAL, HOURS) == date(2026, 2, 23)
    # 10/9 補假 and 10/10 國慶日 (Sat), 10/11 Sun: Monday 10/12 is day 1.
    assert due_date(tpe(2026, 10, 8, 18, 0), 2, CAL, HOURS) == date(2026, 10, 13)


def test_make_up_working_saturday_counts() -> None:
    # 2025-02-08 (Sat) was a 補行上班 day: offices worked, so the case clock ran.
    assert due_date(tpe(2025, 2, 7, 10, 0), 2, CAL, HOURS) == date(2025, 2, 8)
    assert due_date(tpe(2025, 2, 7, 18, 0), 1, CAL, HOURS) == date(2025, 2, 8)
    # The same Friday a year later has no such Saturday.
    assert due_date(tpe(2026, 2, 6, 10, 0), 2, CAL, HOURS) == date(2026, 2, 9)


def test_make_up_day_from_a_hand_written_calendar() -> None:
    text = "\ufeff西元日期,星期,是否放假,備註\r\n20300105,六,0,補行上班\r\n20300107,一,2,\r\n"
    cal = WorkingCalendar.from_dgpa(parse_dgpa_csv(text))
    # Fri 2030-01-04 after hours: Sat 1/5 worked, Mon 1/7 off, Tue 1/8.
    assert due_date(tpe(2030, 1, 4, 18, 0), 2, cal, HOURS) == date(2030, 1, 8)


def test_supplement_pause_monday_to_tuesday_skips_monday_only() -> None:
    pause: Pause = (tpe(2026, 3, 9, 9, 0), tpe(2026, 3, 10, 10, 0))
    # Fri counts, Mon is covered at 17:00, Tue (answered 10:00) and Wed count.
    assert due_date(tpe(*FRI), 3, CAL, HOURS, pauses=[pause]) == date(2026, 3, 11)


def test_pause_boundaries_at_closing_time() -> None:
    received = tpe(*FRI)
    ends_at_closing: Pause = (tpe(2026, 3, 9, 9, 0), tpe(2026, 3, 9, 17, 0))
    starts_at_closing: Pause = (tpe(2026, 3, 9, 17, 0), tpe(2026, 3, 10, 9, 0))
    # Ending at 17:00 means open at 17:00: Monday counts.
    assert due_date(received, 2, CAL, HOURS, [ends_at_closing]) == date(2026, 3, 9)
    # Starting at 17:00 means waiting at 17:00: Monday does not count.
    assert due_date(received, 2, CAL, HOURS, [starts_at_closing]) == date(2026, 3, 10)


def test_pause_within_office_hours_does_not_skip_a_day() -> None:
    pause: Pause = (tpe(2026, 3, 9, 9, 0), tpe(2026, 3, 9, 15, 0))
    assert due_date(tpe(*FRI), 3, CAL, HOURS, [pause]) == date(2026, 3, 10)


def test_payment_and_supplement_pauses_add_up() -> None:
    payment: Pause = (tpe(*FRI, 10, 5), tpe(2026, 3, 9, 11, 0))  # paid Monday morning
    supplement: Pause = (tpe(2026, 3, 10, 8, 30), tpe(2026, 3, 12, 16, 0))
    # Fri skipped (waiting for payment at 17:00), Mon 1, Tue & Wed skipped, Thu 2, Fri 3.
    assert due_date(tpe(*FRI), 3, CAL, HOURS, [payment, supplement]) == date(2026, 3, 13)


def test_ongoing_pause_makes_the_due_date_undeterminable() -> None:
    ongoing: Pause = (tpe(2026, 3, 9, 9, 0), None)
    assert due_date(tpe(*FRI), 3, CAL, HOURS, [ongoing]) is None


def test_ongoing_pause_after_the_limit_was_reached_keeps_the_due_date() -> None:
    late: Pause = (tpe(2026, 3, 11, 9, 0), None)
    assert due_date(tpe(*FRI), 3, CAL, HOURS, [late]) == date(2026, 3, 10)


def test_closing_ends_an_ongoing_pause() -> None:
    ongoing: Pause = (tpe(2026, 3, 9, 9, 0), None)
    closed = tpe(2026, 3, 12, 11, 0)
    # The pause ends at the closing (Thu 11:00): Fri 1, Thu 2, Fri 3/13 3.
    due = due_date(tpe(*FRI), 3, CAL, HOURS, [ongoing], closed_at=closed)
    assert due == date(2026, 3, 13)
    assert closed_on_time(due, closed, HOURS)


def test_closing_does_not_move_the_due_date() -> None:
    received = tpe(*FRI)
    assert due_date(received, 3, CAL, HOURS, closed_at=tpe(2026, 3, 9, 11, 0)) == date(2026, 3, 10)
    assert due_date(received, 3, CAL, HOURS, closed_at=tpe(2026, 3, 20, 11, 0)) == date(2026, 3, 10)


def test_zero_days_is_same_day() -> None:
    assert due_date(tpe(*FRI, 10, 0), 0, CAL, HOURS) == date(2026, 3, 6)
    assert due_date(tpe(*FRI, 18, 0), 0, CAL, HOURS) == date(2026, 3, 9)
    assert due_date(tpe(2026, 2, 14, 10, 0), 0, CAL, HOURS) == date(2026, 2, 23)


def test_utc_input_is_read_in_the_office_zone() -> None:
    # 09:30 UTC is 17:30 in Taipei: after hours on Friday.
    assert due_date(datetime(2026, 3, 6, 9, 30, tzinfo=UTC), 3, CAL, HOURS) == date(2026, 3, 11)
    # 23:30 UTC on Thursday is 07:30 Friday in Taipei: Friday counts.
    assert due_date(datetime(2026, 3, 5, 23, 30, tzinfo=UTC), 3, CAL, HOURS) == date(2026, 3, 10)


def test_other_office_hours() -> None:
    hours = OfficeHours(opens=time(8, 30), closes=time(12, 0))
    assert due_date(tpe(*FRI, 12, 30), 1, CAL, hours) == date(2026, 3, 9)


def test_into_a_year_without_a_loaded_calendar() -> None:
    # 2027-12-31 is 補假; 2028-01-01/02 a weekend by the fallback; Mon 1/3 and Tue 1/4 count.
    assert not CAL.covers(2028)
    assert due_date(tpe(2027, 12, 30, 18, 0), 2, CAL, HOURS) == date(2028, 1, 4)


def test_long_limit_across_a_year() -> None:
    # 2026 has 245 working days, all from Fri 1/2 on (1/1 is off); the last is Thu 12/31.
    assert due_date(tpe(2026, 1, 2), 244, CAL, HOURS) == date(2026, 12, 30)
    assert due_date(tpe(2026, 1, 2), 245, CAL, HOURS) == date(2026, 12, 31)
    # 2027-01-01 is a holiday (Fri), then a weekend.
    assert due_date(tpe(2026, 1, 2), 246, CAL, HOURS) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"received_at": datetime(2026, 3, 6, 10, 0)}, "time.naive"),
        ({"working_days": -1}, "deadline.negative"),
        ({"pauses": [(tpe(2026, 3, 9), tpe(2026, 3, 8))]}, "pause.order"),
        ({"pauses": [(datetime(2026, 3, 9, 9, 0), None)]}, "time.naive"),
        ({"closed_at": datetime(2026, 3, 9, 9, 0)}, "time.naive"),
    ],
)
def test_due_date_refuses_bad_input(kwargs: dict[str, object], code: str) -> None:
    args: dict[str, object] = {
        "received_at": tpe(*FRI),
        "working_days": 3,
        "calendar": CAL,
        "hours": HOURS,
    }
    args.update(kwargs)
    with pytest.raises(DomainError) as info:
        due_date(**args)  # type: ignore[arg-type]
    assert info.value.code == code


# --- elapsed, left, status -------------------------------------------------------------------


def test_working_days_elapsed() -> None:
    received = tpe(*FRI)
    assert working_days_elapsed(received, CAL, HOURS, as_of=tpe(*FRI, 16, 59)) == 0
    assert working_days_elapsed(received, CAL, HOURS, as_of=tpe(*FRI, 17, 0)) == 1
    assert working_days_elapsed(received, CAL, HOURS, as_of=tpe(2026, 3, 9, 12, 0)) == 1
    assert working_days_elapsed(received, CAL, HOURS, as_of=tpe(2026, 3, 9, 17, 0)) == 2
    assert working_days_elapsed(received, CAL, HOURS, as_of=tpe(2026, 3, 13, 18, 0)) == 6


def test_working_days_elapsed_with_pauses_and_closing() -> None:
    received = tpe(*FRI)
    pause: Pause = (tpe(2026, 3, 9, 9, 0), tpe(2026, 3, 10, 10, 0))
    as_of = tpe(2026, 3, 13, 18, 0)
    assert working_days_elapsed(received, CAL, HOURS, [pause], as_of=as_of) == 5
    ongoing: Pause = (tpe(2026, 3, 9, 9, 0), None)
    assert working_days_elapsed(received, CAL, HOURS, [ongoing], as_of=as_of) == 1
    closed = tpe(2026, 3, 10, 17, 0)  # closed at closing: only Friday and Monday count
    assert working_days_elapsed(received, CAL, HOURS, as_of=as_of, closed_at=closed) == 2


def test_elapsed_reaches_the_limit_on_the_due_date() -> None:
    received = tpe(2026, 2, 13, 17, 30)
    due = due_date(received, 5, CAL, HOURS)
    assert due == date(2026, 3, 2)
    assert working_days_elapsed(received, CAL, HOURS, as_of=HOURS.closing_at(due)) == 5
    before = HOURS.closing_at(due) - timedelta(minutes=1)
    assert working_days_elapsed(received, CAL, HOURS, as_of=before) == 4


def test_working_days_left() -> None:
    due = date(2026, 3, 10)  # Tuesday
    assert working_days_left(due, date(2026, 3, 6), CAL) == 3  # Fri, Mon, Tue
    assert working_days_left(due, date(2026, 3, 7), CAL) == 2  # Saturday
    assert working_days_left(due, date(2026, 3, 10), CAL) == 1
    assert working_days_left(due, date(2026, 3, 12), CAL) == -2
    assert working_days_left(date(2026, 3, 13), date(2026, 3, 14), CAL) == 0


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 3, 5), "on_track"),
        (date(2026, 3, 6), "on_track"),
        (date(2026, 3, 7), "due_soon"),
        (date(2026, 3, 9), "due_soon"),
        (date(2026, 3, 10), "due_soon"),
        (date(2026, 3, 11), "overdue"),
    ],
)
def test_deadline_status(today: date, status: str) -> None:
    assert deadline_status(date(2026, 3, 10), today, CAL) == status


def test_deadline_status_paused_and_weekend_after_due() -> None:
    assert deadline_status(None, date(2026, 3, 10), CAL) == "paused"
    assert deadline_status(date(2026, 3, 13), date(2026, 3, 14), CAL) == "overdue"


def test_due_soon_spans_a_holiday() -> None:
    # Due Mon 2/23 after Lunar New Year; on Fri 2/13 only 2/13 and 2/23 remain.
    assert deadline_status(date(2026, 2, 23), date(2026, 2, 13), CAL) == "due_soon"
    assert deadline_status(date(2026, 2, 23), date(2026, 2, 12), CAL) == "on_track"


def test_closed_on_time() -> None:
    due = date(2026, 3, 10)
    assert closed_on_time(due, tpe(2026, 3, 10, 17, 0), HOURS)
    assert not closed_on_time(due, tpe(2026, 3, 10, 17, 1), HOURS)
    assert closed_on_time(due, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), HOURS)  # 17:00 Taipei
    assert not closed_on_time(due, tpe(2026, 3, 11, 8, 0), HOURS)


# --- properties ------------------------------------------------------------------------------

received_times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 10, 31), timezones=st.just(TPE)
)
limits = st.integers(min_value=0, max_value=40)


@st.composite
def pause_lists(draw: st.DrawFn, received: datetime) -> list[Pause]:
    pauses: list[Pause] = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = received + timedelta(minutes=draw(st.integers(min_value=0, max_value=60 * 24 * 30)))
        length = timedelta(minutes=draw(st.integers(min_value=0, max_value=60 * 24 * 10)))
        pauses.append((start, start + length))
    return pauses


@given(received_times, limits)
def test_due_date_is_a_working_day_not_before_receipt(received: datetime, days: int) -> None:
    due = due_date(received, days, CAL, HOURS)
    assert due is not None
    assert CAL.is_working_day(due)
    assert due >= received.date()
    # The count is exactly the limit (at least 1) at that day's closing.
    assert working_days_elapsed(received, CAL, HOURS, as_of=HOURS.closing_at(due)) == max(days, 1)


@given(received_times, limits, st.integers(min_value=1, max_value=10))
def test_more_working_days_never_give_an_earlier_due_date(
    received: datetime, days: int, extra: int
) -> None:
    shorter = due_date(received, days, CAL, HOURS)
    longer = due_date(received, days + extra, CAL, HOURS)
    assert shorter is not None
    assert longer is not None
    assert longer >= shorter
    if days >= 1:
        assert CAL.working_days_between(shorter + timedelta(days=1), longer) == extra


@given(st.data(), received_times, limits)
def test_pauses_never_bring_the_due_date_forward(
    data: st.DataObject, received: datetime, days: int
) -> None:
    pauses = data.draw(pause_lists(received))
    plain = due_date(received, days, CAL, HOURS)
    paused = due_date(received, days, CAL, HOURS, pauses)
    assert plain is not None
    assert paused is not None
    assert paused >= plain
    assert CAL.is_working_day(paused)


@given(received_times, limits)
def test_later_receipt_never_gives_an_earlier_due_date(received: datetime, days: int) -> None:
    early = due_date(received, days, CAL, HOURS)
    late = due_date(received + timedelta(hours=7), days, CAL, HOURS)
    assert early is not None
    assert late is not None
    assert late >= early


def test_deadlines_are_judged_from_tomorrow_once_the_counters_close() -> None:
    """At the closing itself the day is still usable (closed_on_time counts it); a minute
    later a case due today can no longer be closed on time."""
    due = date(2026, 3, 10)
    assert deadline_day(tpe(2026, 3, 10, 16, 59), HOURS) == due
    assert deadline_day(tpe(2026, 3, 10, 17, 0), HOURS) == due
    assert deadline_day(tpe(2026, 3, 10, 17, 1), HOURS) == due + timedelta(days=1)
    # the office's day, not the machine's: 01:30 UTC on the 10th is 09:30 in Taipei
    assert deadline_day(datetime(2026, 3, 10, 1, 30, tzinfo=UTC), HOURS) == due
    assert deadline_status(due, deadline_day(tpe(2026, 3, 10, 17, 1), HOURS), CAL) == "overdue"
    assert closed_on_time(due, tpe(2026, 3, 10, 17, 0), HOURS)
    assert not closed_on_time(due, tpe(2026, 3, 10, 17, 1), HOURS)
