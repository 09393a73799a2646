"""How long an assessed fee has waited to be paid (待繳), and when that is too long.

A case whose fee is assessed and unpaid has its legal time limit paused (``case_fold``'s
payment wait), so no deadline ever marks it: it waited in the lists for ever. The office's
``payment_due_days`` (settings) says how many days it may wait; past them the queue's due
column, the case page and ``case show`` say so.

The days are working days of the office calendar, as the legal time limits count them: a
citizen can pay only while the counters are open, so a fee assessed on a Friday before a
nine-day New Year holiday has not waited nine days in any sense the counter can act on. The
day the wait began does not count (as a time limit's first day does not): a fee assessed on
Monday has waited 1 working day on Tuesday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from eservice_desktop.domain.office_zone import TAIPEI

if TYPE_CHECKING:
    from eservice_desktop.domain.calendar import WorkingCalendar
    from eservice_desktop.domain.case_state import CaseState

#: The due column and the case's line once the wait is too long (N: working days waited).
UNPAID_TOO_LONG = ("待繳逾 {days} 工作天", "fee unpaid {days} working days")


def since_text(state: CaseState) -> str:
    """The state summary's ``payment_since``: when the wait began (ISO, UTC), "" for none."""
    at = state.payment_wait_since
    return at.isoformat() if at is not None and state.is_open else ""


def since_day(text: str) -> date | None:
    """The office day a stored ``payment_since`` fell on ("" or absent: None)."""
    if not text:
        return None
    at = datetime.fromisoformat(text)
    return at.astimezone(TAIPEI).date() if at.tzinfo else at.date()


def days_waited(since: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days from the day after ``since`` to ``today``, both included."""
    return calendar.working_days_between(since + timedelta(days=1), today)


def too_long(waited: int, allowed: int) -> bool:
    """More working days waited than allowed; ``allowed`` 0 marks nothing."""
    return allowed > 0 and waited > allowed


def payment_fields(
    state: CaseState, today: date, calendar: WorkingCalendar, allowed: int
) -> dict[str, Any]:
    """A case view's ``payment_since`` (ISO, None when no fee awaits payment),
    ``payment_waited_days`` (working days, None likewise) and ``payment_overdue``."""
    since = since_text(state)
    if not since:
        return {"payment_since": None, "payment_waited_days": None, "payment_overdue": False}
    day = since_day(since)
    waited = days_waited(day, today, calendar) if day is not None else 0
    return {
        "payment_since": since,
        "payment_waited_days": waited,
        "payment_overdue": too_long(waited, allowed),
    }
