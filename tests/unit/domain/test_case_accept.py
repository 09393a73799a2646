"""Web and kiosk cases (docs/channels.md): 收件 by the office (case.accepted) before a
supplement or closing, once, only for a channel case; the legal clock runs from the
submission, so accepting late never moves the due date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from test_case import ACTOR, CASE, received
from test_deadline import CAL, HOURS

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply, check
from eservice_desktop.domain.deadline import due_date
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event

TPE = ZoneInfo("Asia/Taipei")


def online(at: datetime, channel: str = "web") -> CaseState:
    e = received(at)
    e = replace(e, payload=e.payload | {"channel": channel, "reservation_at": at.isoformat()})
    check_event(e)
    return apply(None, e)


def act(state: CaseState, type_: str, at: datetime, **payload: object) -> CaseState:
    e = ACTOR.event(CASE, type_, at, dict(payload))
    check(state, e)
    return apply(state, e)


def test_online_case_waits_for_acceptance_before_supplement_or_closing() -> None:
    t = datetime(2026, 3, 9, 10, tzinfo=TPE)
    st = online(t, "kiosk")
    assert st.awaiting_acceptance and st.reservation_at == t.isoformat()
    for type_, payload in ((ev.CLOSED, {}), (ev.SUPPLEMENT_REQUESTED, {"reason": "缺件"})):
        with pytest.raises(DomainError) as refused:
            act(st, type_, t + timedelta(hours=1), **payload)
        assert refused.value.code == "case.not_accepted"
    st = act(st, ev.ACCEPTED, t + timedelta(hours=2))
    assert not st.awaiting_acceptance and st.accepted_at == t + timedelta(hours=2)
    with pytest.raises(DomainError) as twice:
        act(st, ev.ACCEPTED, t + timedelta(hours=3))
    assert twice.value.code == "case.already_accepted"
    assert act(st, ev.CLOSED, t + timedelta(hours=3)).lifecycle == "closed"


def test_counter_case_takes_no_acceptance() -> None:
    st = apply(None, received())
    assert not st.awaiting_acceptance
    with pytest.raises(DomainError) as refused:
        act(st, ev.ACCEPTED, st.received_at + timedelta(minutes=5))
    assert refused.value.code == "case.not_online"


def test_clock_starts_at_submission_next_working_day_after_hours() -> None:
    # submitted Friday 2026-03-06 at 20:00 (after closing), accepted Tuesday: a 1-day limit
    # counts Monday 03-09 (the next working day), whatever day the clerk accepted it
    friday_night = datetime(2026, 3, 6, 20, tzinfo=TPE)
    st = act(online(friday_night), ev.ACCEPTED, datetime(2026, 3, 10, 9, tzinfo=TPE))
    assert st.clock_start == friday_night
    due = due_date(st.clock_start, st.time_limit_working_days, CAL, HOURS)
    assert due == date(2026, 3, 9)
