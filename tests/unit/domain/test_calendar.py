from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar, parse_dgpa_csv
from eservice_desktop.domain.errors import DomainError

CALENDARS = Path(__file__).resolve().parents[3] / "resources" / "calendars"
SHIPPED_YEARS = (2025, 2026, 2027)


def _shipped_text(year: int) -> str:
    return (CALENDARS / f"{year}.csv").read_text(encoding="utf-8")


SHIPPED = {year: parse_dgpa_csv(_shipped_text(year)) for year in SHIPPED_YEARS}
CAL = WorkingCalendar.from_dgpa_csv(*(_shipped_text(y) for y in SHIPPED_YEARS))


# --- the shipped files -----------------------------------------------------------------------


@pytest.mark.parametrize("year", SHIPPED_YEARS)
def test_shipped_file_is_a_full_year(year: int) -> None:
    rows = SHIPPED[year]
    assert len(rows) == 365
    assert min(rows) == date(year, 1, 1)
    assert max(rows) == date(year, 12, 31)


def test_shipped_files_keep_the_published_bytes() -> None:
    raw = (CALENDARS / "2026.csv").read_bytes()
    assert raw.startswith("\ufeff西元日期,星期,是否放假,備註\r\n".encode())


@pytest.mark.parametrize(
    ("day", "note"),
    [
        (date(2026, 1, 1), "開國紀念日"),
        (date(2026, 2, 16), "農曆除夕"),
        (date(2026, 2, 17), "春節"),
        (date(2026, 2, 20), "補假"),
        (date(2026, 2, 27), "補假"),
        (date(2026, 4, 3), "補假"),
        (date(2026, 4, 6), "補假"),
        (date(2026, 5, 1), "勞動節"),
        (date(2026, 6, 19), "端午節"),
        (date(2026, 9, 25), "中秋節"),
        (date(2026, 9, 28), "孔子誕辰紀念日/教師節"),
        (date(2026, 10, 9), "補假"),
        (date(2026, 10, 26), "補假"),
        (date(2026, 12, 25), "行憲紀念日"),
        (date(2027, 2, 9), "補假"),
        (date(2027, 3, 1), "補假"),
        (date(2027, 4, 30), "補假"),
        (date(2027, 10, 25), "臺灣光復暨金門古寧頭大捷紀念日"),
        (date(2027, 12, 31), "補假"),
    ],
)
def test_known_weekday_holidays(day: date, note: str) -> None:
    assert day.weekday() < 5
    assert not CAL.is_working_day(day)
    assert CAL.note(day) == note


def test_2026_lunar_new_year_is_nine_days_off() -> None:
    days = [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]
    assert all(not CAL.is_working_day(d) for d in days)
    assert CAL.is_working_day(date(2026, 2, 13))
    assert CAL.is_working_day(date(2026, 2, 23))


def test_make_up_working_saturday_2025() -> None:
    saturday = date(2025, 2, 8)
    assert saturday.weekday() == 5
    assert CAL.is_working_day(saturday)
    assert CAL.note(saturday) == "補行上班"


def test_no_make_up_working_day_in_2026_or_2027() -> None:
    for year in (2026, 2027):
        weekend_working = [
            d for d, (off, _) in SHIPPED[year].items() if d.weekday() >= 5 and not off
        ]
        assert weekend_working == []


def test_2026_counts() -> None:
    rows = SHIPPED[2026]
    assert sum(1 for off, _ in rows.values() if off) == 120
    assert CAL.working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 245


# --- WorkingCalendar -------------------------------------------------------------------------


def test_covers_and_fallback() -> None:
    assert CAL.years() == {2025, 2026, 2027}
    assert CAL.covers(2026)
    assert not CAL.covers(2028)
    # 2028-01-03 is a Monday, 2028-01-01 a Saturday: weekends guessed off, weekdays working.
    assert CAL.is_working_day(date(2028, 1, 3))
    assert not CAL.is_working_day(date(2028, 1, 1))


def test_next_working_day_is_strictly_after() -> None:
    assert CAL.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)
    assert CAL.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)  # Friday -> Monday
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)  # over Lunar New Year
    assert CAL.next_working_day(date(2025, 2, 7)) == date(2025, 2, 8)  # make-up Saturday
    assert CAL.next_working_day(date(2027, 12, 30)) == date(2028, 1, 3)  # into the fallback


def test_working_day_on_or_after() -> None:
    assert CAL.working_day_on_or_after(date(2026, 3, 9)) == date(2026, 3, 9)
    assert CAL.working_day_on_or_after(date(2026, 2, 14)) == date(2026, 2, 23)


def test_working_days_between_is_inclusive() -> None:
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 13)) == 5
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 1
    assert CAL.working_days_between(date(2026, 3, 7), date(2026, 3, 8)) == 0
    assert CAL.working_days_between(date(2026, 3, 13), date(2026, 3, 9)) == 0
    # 2/9-2/13 then 2/23-2/26; the New Year break and 2/27 (補假) do not count.
    assert CAL.working_days_between(date(2026, 2, 9), date(2026, 2, 27)) == 9


def test_merge_prefers_the_other_calendar() -> None:
    base = WorkingCalendar({date(2026, 3, 9): False}, years=[2026])
    patch = WorkingCalendar({date(2026, 3, 9): True, date(2030, 1, 1): True})
    merged = base.merge(patch)
    assert not merged.is_working_day(date(2026, 3, 9))
    assert merged.years() == {2026, 2030}
    assert base.is_working_day(date(2026, 3, 9))  # merge does not mutate


def test_empty_calendar_is_weekends_only() -> None:
    cal = WorkingCalendar()
    assert cal.years() == set()
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 16)


def test_days_off_past_the_loaded_ones_fall_back_to_weekends() -> None:
    start = date(2026, 1, 1)
    # Every weekday of five weeks off, weekends not loaded: the search must run past them all.
    weekdays_off = {
        start + timedelta(days=i): True
        for i in range(35)
        if (start + timedelta(days=i)).weekday() < 5
    }
    cal = WorkingCalendar(weekdays_off)
    assert cal.next_working_day(start) == date(2026, 2, 5)
    assert cal.is_day_off(date(2026, 1, 3))  # unloaded Saturday, by the fallback


def test_calendar_equality() -> None:
    assert WorkingCalendar.from_dgpa(SHIPPED[2026]) == WorkingCalendar.from_dgpa_csv(
        _shipped_text(2026)
    )
    assert WorkingCalendar.from_dgpa(SHIPPED[2026]) != CAL


@given(st.dates(min_value=date(2024, 12, 1), max_value=date(2028, 2, 1)))
def test_next_working_day_properties(d: date) -> None:
    nxt = CAL.next_working_day(d)
    assert nxt > d
    assert CAL.is_working_day(nxt)
    assert CAL.working_days_between(d + timedelta(days=1), nxt - timedelta(days=1)) == 0


# --- OfficeHours -----------------------------------------------------------------------------


def test_office_hours_defaults() -> None:
    hours = OfficeHours()
    closing = hours.closing_at(date(2026, 3, 6))
    assert closing == datetime(2026, 3, 6, 17, 0, tzinfo=ZoneInfo("Asia/Taipei"))
    assert closing.utcoffset() == timedelta(hours=8)


def test_office_hours_local_date_uses_the_office_zone() -> None:
    hours = OfficeHours()
    utc_evening = datetime(2026, 3, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert hours.local_date(utc_evening) == date(2026, 3, 6)
    with pytest.raises(DomainError) as info:
        hours.local_date(datetime(2026, 3, 6, 10, 0))
    assert info.value.code == "time.naive"


def test_office_hours_refuse_inverted_times() -> None:
    with pytest.raises(DomainError) as info:
        OfficeHours(opens=time(17, 0), closes=time(8, 0))
    assert info.value.code == "hours.order"


def test_office_hours_refuse_unknown_zone() -> None:
    with pytest.raises(Exception, match="Nowhere"):
        OfficeHours(tz="Asia/Nowhere")


# --- parse_dgpa_csv --------------------------------------------------------------------------

HEADER = "西元日期,星期,是否放假,備註"


def test_parse_tolerates_bom_crlf_blank_lines_and_spaces() -> None:
    text = (
        "\ufeff" + HEADER + "\r\n"
        "\r\n"
        " 20260101 , 四 , 2 , 開國紀念日 \r\n"
        "20260102,五,0,\r\n"
        "   \r\n"
        "20260103,六,2\r\n"
    )
    assert parse_dgpa_csv(text) == {
        date(2026, 1, 1): (True, "開國紀念日"),
        date(2026, 1, 2): (False, ""),
        date(2026, 1, 3): (True, ""),
    }


def test_parse_tolerates_trailing_empty_columns_and_quotes() -> None:
    text = HEADER + ",,\n" + '20250208,六,0,"補行上班",,\n'
    assert parse_dgpa_csv(text) == {date(2025, 2, 8): (False, "補行上班")}


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("20260101,四,2,開國紀念日\n20260132,六,2,\n", 3, "20260132"),
        ("20260101,四,1,開國紀念日\n", 2, "0 or 2"),
        ("20260101,五,2,開國紀念日\n", 2, "weekday"),
        ("20260101,四,2,開國紀念日\n\n20260101,四,2,開國紀念日\n", 4, "repeated"),
        ("2026-01-01,四,2,\n", 2, "invalid date"),
        ("20260101,四\n", 2, "number of fields"),
        ("20260101,四,2,a,b\n", 2, "number of fields"),
        # years no deadline is counted in (a calendar for 9999 was stored, and shown)
        ("99991231,五,2,\n", 2, "outside 2000..2099"),
        ("19991231,五,2,\n", 2, "outside 2000..2099"),
        ("21000101,五,2,\n", 2, "outside 2000..2099"),
        # a remark the date picker and the county's feed would show as it came
        ("20260101,四,2,開國\x00紀念日\n", 2, "U+0000"),
        ("20260101,四,2,\x1b[31m紀念日\n", 2, "U+001B"),
        ("20260101,四,2,紀念日\u202e\n", 2, "U+202E"),
        ("20260101,四,2," + "假" * 101 + "\n", 2, "too long"),
    ],
)
def test_parse_rejects_malformed_rows_with_line_number(body: str, line: int, fragment: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_dgpa_csv(HEADER + "\n" + body)
    err = info.value
    assert err.code == "calendar.csv"
    assert f"line {line} " in err.message_en
    assert f"第 {line} 行" in err.message_zh
    assert fragment in err.message_en


def test_parse_rejects_missing_header_and_empty_file() -> None:
    with pytest.raises(DomainError, match=r"line 1 .*header"):
        parse_dgpa_csv("20260101,四,2,開國紀念日\n")
    with pytest.raises(DomainError, match="empty"):
        parse_dgpa_csv("\ufeff\r\n\r\n")
