"""The case state machine: transitions, refusals, and the waiting windows behind deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply, check, open_pauses, project
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor, Event

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
ACTOR = Actor("H01", "01", "tester")
CASE = "c0ffee00-0000-4000-8000-000000000001"


def received(at: datetime = T0) -> Event:
    return ACTOR.event(
        CASE,
        ev.RECEIVED,
        at,
        {
            "case_number": "H01-01-115-000001-3",
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
            "copies": 2,
            "pickup": {"method": "counter", "office": "H01"},
        },
    )


def step(state: CaseState, type_: str, minutes: int, **payload: object) -> CaseState:
    e = ACTOR.event(CASE, type_, T0 + timedelta(minutes=minutes), dict(payload))
    check(state, e)
    return apply(state, e)


def test_received_projects_the_applicant_and_starts_open() -> None:
    s = project([received()])
    assert (s.case_number, s.applicant_name, s.copies, s.status) == (
        "H01-01-115-000001-3",
        "王小明",
        2,
        "received",
    )
    assert s.is_open and s.pickup_office == "H01" and s.event_count == 1


def test_first_event_must_be_received() -> None:
    e = ACTOR.event(CASE, ev.CLOSED, T0, {})
    with pytest.raises(DomainError) as info:
        check(None, e)
    assert info.value.code == "case.not_found"


def test_supplement_round_trip_records_a_pause() -> None:
    s = project([received()])
    s = step(s, ev.SUPPLEMENT_REQUESTED, 10, reason="缺少委託書")
    assert s.status == "supplement_requested" and s.waiting_for_citizen
    assert open_pauses(s) == ((T0 + timedelta(minutes=10), None),)
    s = step(s, ev.SUPPLEMENT_RECEIVED, 70)
    assert s.status == "received"
    assert s.pauses == ((T0 + timedelta(minutes=10), T0 + timedelta(minutes=70)),)


def test_closing_while_waiting_for_supplement_is_refused() -> None:
    s = step(project([received()]), ev.SUPPLEMENT_REQUESTED, 1, reason="請補正")
    with pytest.raises(DomainError) as info:
        step(s, ev.CLOSED, 2)
    assert info.value.code == "case.supplement_pending"
    assert "補正" in info.value.message_zh


@pytest.mark.parametrize("type_", [ev.REJECTED, ev.CANCELLED, ev.SUPPLEMENT_REQUESTED])
def test_reason_is_required(type_: str) -> None:
    with pytest.raises(DomainError) as info:
        step(project([received()]), type_, 1, reason="  ")
    assert info.value.code == "case.reason_required"


def test_rejected_case_takes_no_more_actions() -> None:
    s = step(project([received()]), ev.REJECTED, 1, reason="申請人非權利人")
    assert s.status == "rejected" and s.rejection_reason == "申請人非權利人"
    with pytest.raises(DomainError) as info:
        step(s, ev.CLOSED, 2)
    assert info.value.code == "case.not_open"


def test_waiting_for_payment_pauses_until_paid_in_full() -> None:
    s = step(project([received()]), ev.FEE_ASSESSED, 1, total=30, items=[])
    assert s.status == "payment_due" and s.payment_wait_since == T0 + timedelta(minutes=1)
    s = step(
        s, ev.PAYMENT_RECORDED, 5, payment_id="p1", method="cash", amount=10, receipt_number="R1"
    )
    assert s.balance == 20 and s.payment_wait_since is not None
    s = step(
        s, ev.PAYMENT_RECORDED, 9, payment_id="p2", method="cash", amount=20, receipt_number="R2"
    )
    assert s.balance == 0 and s.status == "received"
    assert s.pauses == ((T0 + timedelta(minutes=1), T0 + timedelta(minutes=9)),)


def test_overpayment_and_duplicate_payment_are_refused() -> None:
    s = step(project([received()]), ev.FEE_ASSESSED, 1, total=30, items=[])
    with pytest.raises(DomainError) as info:
        step(s, ev.PAYMENT_RECORDED, 2, payment_id="p1", method="cash", amount=31)
    assert info.value.code == "payment.over_balance"
    s = step(s, ev.PAYMENT_RECORDED, 2, payment_id="p1", method="cash", amount=10)
    with pytest.raises(DomainError):
        step(s, ev.PAYMENT_RECORDED, 3, payment_id="p1", method="cash", amount=10)


def test_pickup_only_after_ready_and_only_once() -> None:
    s = project([received()])
    with pytest.raises(DomainError) as info:
        step(s, ev.READY_FOR_PICKUP, 1, office="H01", pickup_number="0042")
    assert info.value.code == "case.not_closed"
    s = step(s, ev.CLOSED, 2)
    with pytest.raises(DomainError) as info:
        step(s, ev.PICKED_UP, 3)
    assert info.value.code == "pickup.not_ready"
    s = step(s, ev.READY_FOR_PICKUP, 3, office="H01", pickup_number="0042")
    s = step(s, ev.PICKED_UP, 4, by={"self": True})
    assert s.status == "picked_up" and s.picked_up_office == "H01"
    with pytest.raises(DomainError) as info:
        step(s, ev.PICKED_UP, 5)
    assert info.value.code == "pickup.already_picked_up"


def test_event_round_trips_through_dict_and_requires_aware_time() -> None:
    e = received()
    assert Event.from_dict(e.to_dict()) == e
    with pytest.raises(ValueError):
        Event("x", CASE, ev.CLOSED, "H01", "01", "c", datetime(2026, 1, 1), {})
    with pytest.raises(ValueError):
        Event("x", CASE, "case.unknown", "H01", "01", "c", T0, {})
