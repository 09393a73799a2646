"""Legal time limits (處理時限) counted in working days, with one rule for every case.

The seed states three rules: waiting for a supplement or a payment does not count, a case filed
after hours starts counting on the next working day, and a holiday pushes the count to the next
working day. They are all one rule here, so that the counter, the county server and the on-time
report (seed appendix 11) can never disagree:

    A working day counts toward the limit when, at that day's closing time (the office's
    closing, Asia/Taipei), the case exists (was received at or before closing), is open, and is
    not waiting for the citizen (a supplement or payment pause covers the closing time).

The due date is the working day on which the count reaches the limit. A pause covers a closing
time when ``start <= closing < end``: a supplement requested Monday 09:00 and answered Tuesday
10:00 skips Monday only.

Every instant given here must be timezone-aware; the office's zone decides calendar dates, so a
server running in UTC computes the same due dates as a counter PC in Taipei.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar
from eservice_desktop.domain.errors import DomainError

__all__ = [
    "DUE_SOON_WORKING_DAYS",
    "DeadlineStatus",
    "Pause",
    "closed_on_time",
    "deadline_day",
    "deadline_day_of_period",
    "deadline_status",
    "due_date",
    "is_provisional",
    "may_cover_a_closing",
    "working_days_elapsed",
    "working_days_left",
]

Pause = tuple[datetime, datetime | None]
"""(start, end) of a wait for the citizen; end None while the wait is still going on."""

DeadlineStatus = Literal["on_track", "due_soon", "overdue", "paused"]

DUE_SOON_WORKING_DAYS = 2
"""A case is flagged when its remaining working days, today included, are this many or fewer."""

_WHAT_ZH = {
    "received": "收件時間",
    "closed": "結案時間",
    "pause start": "暫停起始時間",
    "pause end": "暫停結束時間",
    "as-of": "計算基準時間",
}


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError(
            "time.naive",
            f"{_WHAT_ZH.get(what, what)}缺少時區資訊",
            f"The {what} time has no time zone",
        )


def _checked_pauses(pauses: Sequence[Pause], closed_at: datetime | None) -> list[Pause]:
    """Validate pauses; a pause still open when the case closed ends at the closing."""
    checked: list[Pause] = []
    for start, given_end in pauses:
        _require_aware(start, "pause start")
        end = given_end
        if end is None and closed_at is not None:
            end = max(closed_at, start)
        if end is not None:
            _require_aware(end, "pause end")
            if end < start:
                raise DomainError(
                    "pause.order",
                    "暫停結束時間早於開始時間",
                    "A pause ends before it starts",
                )
        checked.append((start, end))
    return checked


def _day_counts(closing: datetime, received_at: datetime, pauses: Sequence[Pause]) -> bool | None:
    """Whether a working day whose closing instant is ``closing`` counts; None if that depends
    on when a pause still in progress will end."""
    if received_at > closing:
        return False
    undecided = False
    for start, end in pauses:
        if start <= closing:
            if end is None:
                undecided = True
            elif closing < end:
                return False
    return None if undecided else True


def may_cover_a_closing(pauses: Sequence[Pause], hours: OfficeHours) -> bool:
    """Whether a waiting window in ``pauses`` may cover a closing time (the rule of
    :func:`_day_counts`): if none does, the due date is that of a case without them, which the
    bulk paths share between cases. A window that starts and ends on one day, by that day's
    closing, covers none (a fee paid at the counter minutes after intake)."""
    for start, end in pauses:
        if end is None or end < start:
            return True  # still open, or out of order: the deadline's own rules decide
        day = hours.local_date(start)
        if hours.local_date(end) != day or end > hours.closing_at(day):
            return True
    return False


def due_date(
    received_at: datetime,
    working_days: int,
    calendar: WorkingCalendar,
    hours: OfficeHours,
    pauses: Sequence[Pause] = (),
    *,
    closed_at: datetime | None = None,
) -> date | None:
    """The working day by whose closing the case must be closed, or None while undeterminable.

    None means a pause is in progress (end None) and began before the limit was reached: the
    due date depends on when the citizen answers, and showing a guess would mislead a clerk
    into promising a date. Once the limit was reached before such a pause began, the date is
    known and returned.

    ``closed_at`` only ends a pause still open at closing (a case rejected while waiting for a
    supplement). Closing does not otherwise stop the clock here: the due date of a closed case
    is the one it had while open, which is what the on-time report compares the closing with
    (see :func:`closed_on_time`).

    ``working_days`` 0 means same day: the day the case starts counting, which under the rule
    is the same date a 1-day limit gives.
    """
    if working_days < 0:
        raise DomainError(
            "deadline.negative",
            "處理時限不可為負數",
            "The time limit cannot be negative",
            field="working_days",
        )
    _require_aware(received_at, "received")
    if closed_at is not None:
        _require_aware(closed_at, "closed")
    checked = _checked_pauses(pauses, closed_at)
    target = max(working_days, 1)
    count = 0
    day = calendar.working_day_on_or_after(hours.local_date(received_at))
    while True:
        verdict = _day_counts(hours.closing_at(day), received_at, checked)
        if verdict is None:
            return None
        if verdict:
            count += 1
            if count >= target:
                return day
        day = calendar.next_working_day(day)


def is_provisional(start: date, due: date | None, calendar: WorkingCalendar) -> bool:
    """Whether a due date rests on a guess: some year between the day counting started and the
    due date has no imported official calendar, so only weekends were known to be days off
    (a typhoon day, a make-up working Saturday or a new holiday could still move it).

    A paused case (``due`` None) has no date to qualify.
    """
    if due is None:
        return False
    return any(not calendar.covers(year) for year in range(start.year, due.year + 1))


def working_days_elapsed(
    received_at: datetime,
    calendar: WorkingCalendar,
    hours: OfficeHours,
    pauses: Sequence[Pause] = (),
    *,
    as_of: datetime,
    closed_at: datetime | None = None,
) -> int:
    """How many working days have counted by ``as_of``: the number shown next to the limit.

    A day counts at its closing time, so during office hours today is not yet included. Days
    after ``closed_at`` do not count (the case is no longer open), nor do days whose closing
    falls inside a pause, including one still in progress.
    """
    _require_aware(received_at, "received")
    _require_aware(as_of, "as-of")
    if closed_at is not None:
        _require_aware(closed_at, "closed")
    checked = _checked_pauses(pauses, closed_at)
    # A pause in progress covers every closing after its start, up to as_of.
    resolved = [
        (start, end if end is not None else as_of + timedelta(days=1)) for start, end in checked
    ]
    first = hours.local_date(received_at)
    last = hours.local_date(as_of)
    count = 0
    for day in calendar.working_days(first, last):
        closing = hours.closing_at(day)
        if closing > as_of:
            break
        if closed_at is not None and closed_at <= closing:
            break
        if _day_counts(closing, received_at, resolved):
            count += 1
    return count


def working_days_left(due: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days from today to the due date, both included; negative once past due.

    On the due day itself this is 1: the day is still usable. Past due, it is minus the working
    days since the due date, which is 0 on a weekend straight after it, so decide lateness with
    :func:`deadline_status`, not with the sign of this number.
    """
    if due >= today:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due + timedelta(days=1), today)


def deadline_status(due: date | None, today: date, calendar: WorkingCalendar) -> DeadlineStatus:
    """The traffic light shown in the case queue."""
    if due is None:
        return "paused"
    if today > due:
        return "overdue"
    if working_days_left(due, today, calendar) <= DUE_SOON_WORKING_DAYS:
        return "due_soon"
    return "on_track"


def deadline_day(now: datetime, hours: OfficeHours) -> date:
    """The office day deadlines are judged from at ``now``: today until the counters close,
    the next day once they have.

    A case still open after its due day's closing can no longer be closed on time
    (:func:`closed_on_time`), so from that closing it is overdue, not from midnight; and a case
    due tomorrow has one working day left, not two: today's is spent."""
    today = hours.local_date(now)
    return today + timedelta(days=1) if now > hours.closing_at(today) else today


def deadline_day_of_period(period_end: date, now: datetime, hours: OfficeHours) -> date:
    """The office day a report's overdue list judges from: the period's last day, or, for a
    period that runs to today or past it, :func:`deadline_day` now, as the queue judges.

    Once today's counters have closed, a case due today and still open is overdue in the
    report as it is in the queue (it can no longer be closed on time, :func:`closed_on_time`);
    the report judged from today and called it on time until midnight. A period that ended
    before today keeps its last day (the report is of that period)."""
    if period_end >= hours.local_date(now):
        return deadline_day(now, hours)
    return period_end


def closed_on_time(due: date, closed_at: datetime, hours: OfficeHours) -> bool:
    """依限辦結: closed no later than the office's closing time on the due date.

    Consistent with the counting rule: a case closed at or before the due day's closing is not
    open at that closing, so the count never reached the limit while it was open.
    """
    _require_aware(closed_at, "closed")
    return closed_at <= hours.closing_at(due)
