"""How long an assessed fee has waited unpaid (domain/payment_wait.py): working days of the
office calendar after the day the wait began, a day off not counted, a day's start taken in
Taipei; marked only past the office's allowance, never with an allowance of 0; the wait's
start is the state summary's only while a balance is due."""

from __future__ import annotations

from datetime import date, datetime

from test_payments_case import T0, start, step

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.payment_wait import (
    days_waited,
    payment_fields,
    since_day,
    since_text,
    too_long,
)

#: March 2026 with Wednesday 3/11 a day off (a typhoon day, say): weekends as usual.
CAL = WorkingCalendar({date(2026, 3, 11): True}, years=[2026])


def test_working_days_after_the_first_day_skip_weekends_and_days_off() -> None:
    monday = date(2026, 3, 9)
    assert days_waited(monday, monday, CAL) == 0
    assert days_waited(monday, date(2026, 3, 10), CAL) == 1
    assert days_waited(monday, date(2026, 3, 11), CAL) == 1  # the day off
    assert days_waited(monday, date(2026, 3, 15), CAL) == 3  # Thu, Fri; the weekend not
    assert days_waited(monday, date(2026, 3, 16), CAL) == 4
    assert days_waited(date(2026, 3, 16), monday, CAL) == 0  # a day before: none


def test_marked_only_past_the_allowance_and_never_with_none() -> None:
    assert not too_long(5, 5)
    assert too_long(6, 5)
    assert not too_long(400, 0)


def test_the_day_the_wait_began_is_the_offices() -> None:
    """17:30 UTC is 01:30 the next morning in Taipei: that is the day that does not count."""
    assert since_day("2026-03-09T17:30:00+00:00") == date(2026, 3, 10)
    assert since_day("") is None


def test_the_wait_is_the_summarys_while_a_balance_is_due() -> None:
    state = start(100)
    assert state.payment_wait_since is not None
    assert datetime.fromisoformat(since_text(state)) == state.payment_wait_since
    later = date(2026, 3, 20)  # Tue 3/10 + Wed, Thu, Fri, Mon .. Fri: 8 working days
    plain = WorkingCalendar(years=[2026])
    got = payment_fields(state, later, plain, 5)
    assert got == {
        "payment_since": since_text(state),
        "payment_waited_days": 8,
        "payment_overdue": True,
    }
    assert payment_fields(state, later, plain, 8)["payment_overdue"] is False
    paid = step(
        state,
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="cash",
        amount=100,
        receipt_number="R1",
    )
    assert since_text(paid) == ""
    assert payment_fields(paid, later, CAL, 5) == {
        "payment_since": None,
        "payment_waited_days": None,
        "payment_overdue": False,
    }
    assert T0.astimezone(TAIPEI).date() == date(2026, 3, 10)
