"""The government offices' working calendar and office hours, the clock that time limits run on.

Legal time limits (處理時限) are counted in working days as the DGPA publishes them each year
(政府行政機關辦公日曆表): national holidays, their observed days and, in some years, Saturdays
on which offices work to make up for a bridged day (補行上班). Weekends are only a fallback for
years whose calendar has not been loaded yet; :meth:`WorkingCalendar.covers` tells the caller when
that fallback is in use so it can warn that due dates are provisional.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.text_values import bad_char
from eservice_desktop.domain.values import EARLIEST, LATEST

__all__ = ["DGPA_HEADER", "OfficeHours", "WorkingCalendar", "parse_dgpa_csv"]

DGPA_HEADER = ("西元日期", "星期", "是否放假", "備註")
_WEEKDAY_NAMES = "一二三四五六日"
_DAY_OFF = "2"
_WORKING = "0"
_SATURDAY = 5
#: The longest remark (備註) kept: the DGPA's run to a dozen characters (農曆除夕前一日調整放假).
NOTE_MAX = 100


@dataclass(frozen=True)
class OfficeHours:
    """When an office's counters are open; the closing time is when each day's count is taken."""

    opens: time = time(8, 0)
    closes: time = time(17, 0)
    tz: str = "Asia/Taipei"

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise DomainError(
                "hours.order",
                "辦公時間設定錯誤：開始時間須早於結束時間",
                "Office hours are wrong: opening must be before closing",
                field="office_hours",
            )
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("office hours are wall-clock times; give the zone in tz")
        self.zone()  # fail at construction, not at the first deadline computed

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def closing_at(self, d: date) -> datetime:
        """The instant, in the office's zone, at which day ``d`` is counted or not."""
        return datetime.combine(d, self.closes, tzinfo=self.zone())

    def local_date(self, moment: datetime) -> date:
        """The office's calendar date of an aware instant (the server may run in UTC)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise DomainError(
                "time.naive",
                "時間缺少時區資訊",
                "The time has no time zone",
            )
        return moment.astimezone(self.zone()).date()


def _fallback_day_off(d: date) -> bool:
    return d.weekday() >= _SATURDAY


class WorkingCalendar:
    """Which days government offices work, from loaded DGPA years plus a weekend fallback.

    Immutable: :meth:`merge` returns a new calendar, so one loaded at start-up can be shared by
    every thread (GUI, sync service) without locking.
    """

    __slots__ = ("_days_off", "_notes", "_years")

    def __init__(
        self,
        days_off: Mapping[date, bool] | None = None,
        notes: Mapping[date, str] | None = None,
        years: Iterable[int] | None = None,
    ) -> None:
        """``days_off`` maps a date to True when offices are closed that day.

        The loaded years default to the years that appear in ``days_off``; pass ``years`` to
        claim coverage explicitly (a test calendar of a few dates, for instance).
        """
        self._days_off: dict[date, bool] = dict(days_off or {})
        self._notes: dict[date, str] = {d: n for d, n in (notes or {}).items() if n}
        self._years: frozenset[int] = (
            frozenset(years) if years is not None else frozenset(d.year for d in self._days_off)
        )

    @classmethod
    def from_dgpa(cls, rows: Mapping[date, tuple[bool, str]]) -> WorkingCalendar:
        """Build from :func:`parse_dgpa_csv` output, keeping its remarks for display."""
        return cls(
            days_off={d: off for d, (off, _) in rows.items()},
            notes={d: note for d, (_, note) in rows.items()},
        )

    @classmethod
    def from_dgpa_csv(cls, *texts: str) -> WorkingCalendar:
        """Build from the text of one or more yearly CSV files (read by the caller)."""
        calendar = cls()
        for text in texts:
            calendar = calendar.merge(cls.from_dgpa(parse_dgpa_csv(text)))
        return calendar

    def covers(self, year: int) -> bool:
        """Whether the official calendar for ``year`` is loaded (else weekends are guessed)."""
        return year in self._years

    def years(self) -> set[int]:
        return set(self._years)

    def is_day_off(self, d: date) -> bool:
        known = self._days_off.get(d)
        return _fallback_day_off(d) if known is None else known

    def is_working_day(self, d: date) -> bool:
        return not self.is_day_off(d)

    def note(self, d: date) -> str:
        """The DGPA remark for the day (holiday name, 補假, 補行上班), or empty."""
        return self._notes.get(d, "")

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.working_day_on_or_after(d + timedelta(days=1))

    def working_day_on_or_after(self, d: date) -> date:
        """``d`` itself if offices work that day, else the next day they do."""
        # Terminates: past the last loaded date only weekends are off.
        current = d
        while self.is_day_off(current):
            current += timedelta(days=1)
        return current

    def working_days(self, start: date, end: date) -> Iterator[date]:
        """Working days from ``start`` to ``end``, both included."""
        current = start
        while current <= end:
            if not self.is_day_off(current):
                yield current
            current += timedelta(days=1)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie from ``start`` to ``end`` inclusive (0 if end < start)."""
        return sum(1 for _ in self.working_days(start, end))

    @staticmethod
    def crosses(days: set[date], received: date, due: date | None) -> bool:
        """Whether a case received on ``received`` and due on ``due`` counts across one of
        ``days`` (:meth:`changed_days`): only such a case's due date can move."""
        return due is not None and any(received <= d <= due for d in days)

    def changed_days(self, other: WorkingCalendar) -> set[date]:
        """The days that are working days in one calendar and days off in the other: the
        days whose import moves due dates (a typhoon day, a newly published year's holidays).
        A day neither calendar lists is a weekend guess in both, so it cannot differ."""
        known = self._days_off.keys() | other._days_off.keys()
        return {d for d in known if self.is_day_off(d) != other.is_day_off(d)}

    def merge(self, other: WorkingCalendar) -> WorkingCalendar:
        """A calendar with both sets of years; ``other`` wins on dates both define.

        That lets a corrected or newly published year replace the one shipped with the app.
        """
        return WorkingCalendar(
            days_off={**self._days_off, **other._days_off},
            notes={**self._notes, **other._notes},
            years=self._years | other._years,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self._days_off == other._days_off and self._years == other._years

    def __hash__(self) -> int:
        return hash((frozenset(self._days_off.items()), self._years))

    def __repr__(self) -> str:
        return f"WorkingCalendar(years={sorted(self._years)})"


def _row_error(line: int, zh: str, en: str) -> DomainError:
    return DomainError(
        "calendar.csv",
        f"辦公日曆表第 {line} 行格式錯誤：{zh}",
        f"Calendar CSV line {line} is malformed: {en}",
        field="calendar",
    )


def _row_date(line: int, raw: str) -> date:
    """The row's ``YYYYMMDD`` date, inside the years due dates are counted in (a calendar for
    9999 was kept, and shown, though no deadline reaches it)."""
    try:
        if len(raw) != 8 or not raw.isdigit():
            raise ValueError(raw)
        day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise _row_error(line, f"日期「{raw}」無效", f"invalid date {raw!r}") from None
    if not EARLIEST.year <= day.year < LATEST.year:
        raise _row_error(
            line,
            f"日期「{raw}」須在 {EARLIEST.year} 到 {LATEST.year - 1} 年之間",
            f"date {raw!r} is outside {EARLIEST.year}..{LATEST.year - 1}",
        )
    return day


def _checked_note(line: int, note: str) -> str:
    """The remark as stored and shown beside the day (the clerk's date picker, the county's
    feed): a control or direction character (NUL, ESC, U+202E) or a remark past NOTE_MAX is
    no remark the DGPA wrote, and is refused rather than kept."""
    ch = bad_char(note)
    if ch is not None:
        code = f"U+{ord(ch):04X}"
        raise _row_error(
            line,
            f"備註含有不允許的字元（{code}）",
            f"the remark has a character that is not allowed ({code})",
        )
    if len(note) > NOTE_MAX:
        raise _row_error(
            line, f"備註過長（最多 {NOTE_MAX} 字）", f"the remark is too long ({NOTE_MAX} at most)"
        )
    return note


def parse_dgpa_csv(text: str) -> dict[date, tuple[bool, str]]:
    """Parse a DGPA yearly calendar: date -> (day off?, remark).

    The files come from a government open-data portal and are edited by hand before publishing,
    so a UTF-8 BOM, CRLF line ends, blank lines and stray spaces are all expected; anything
    that changes meaning (a bad date, an unknown flag, a weekday that does not match the date,
    a repeated date) or cannot be used (a year outside the one due dates are counted in, a
    remark with control characters) is refused with its line number rather than guessed.
    """
    rows: dict[date, tuple[bool, str]] = {}
    header_seen = False
    lines = text.removeprefix("\ufeff").splitlines()
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = [f.strip() for f in next(csv.reader([line]))]
        while fields and not fields[-1] and len(fields) > len(DGPA_HEADER):
            fields.pop()
        if not header_seen:
            if tuple(fields[: len(DGPA_HEADER)]) != DGPA_HEADER:
                raise _row_error(
                    line_no,
                    f"標題列應為「{','.join(DGPA_HEADER)}」",
                    f"the header must be {','.join(DGPA_HEADER)!r}",
                )
            header_seen = True
            continue
        if len(fields) < 3 or len(fields) > len(DGPA_HEADER):
            raise _row_error(line_no, "欄位數不符", "wrong number of fields")
        raw_date, weekday, flag = fields[0], fields[1], fields[2]
        note = fields[3] if len(fields) > 3 else ""
        day = _row_date(line_no, raw_date)
        if weekday and weekday != _WEEKDAY_NAMES[day.weekday()]:
            raise _row_error(
                line_no,
                f"星期「{weekday}」與日期 {raw_date} 不符",
                f"weekday {weekday!r} does not match {raw_date}",
            )
        if flag not in (_DAY_OFF, _WORKING):
            raise _row_error(
                line_no,
                f"是否放假應為 0 或 2，而非「{flag}」",
                f"是否放假 must be 0 or 2, not {flag!r}",
            )
        if day in rows:
            raise _row_error(line_no, f"日期 {raw_date} 重複", f"date {raw_date} repeated")
        rows[day] = (flag == _DAY_OFF, _checked_note(line_no, note))
    if not header_seen:
        raise _row_error(1, "檔案是空的", "the file is empty")
    return rows
