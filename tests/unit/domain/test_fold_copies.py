"""The fold makes one new state per event and finishes it in place: every state it returned
stays as it was, and each equals what the plain definition (``dataclasses.replace`` for the
envelope's fields, then the type's fold, then the payment wait) gives."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from eservice_desktop.domain import case_fold
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply
from eservice_desktop.domain.case_fold import _close_pause
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.domain.payloads import payload_of

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
CASE = "c0ffee00-0000-4000-8000-000000000001"
RECEIVED = {
    "case_number": "H01-01-115-000001-3",
    "service_code": "HR-TRANSCRIPT",
    "time_limit_working_days": 1,
    "applicant": {"kind": "person", "id_type": "national_id", "id": "A123456789", "name": "王"},
}
PAYMENT = {"payment_id": "p1", "method": "cash", "amount": 20, "receipt_number": "R1"}
#: Every kind of step: a fold that copies, one that changes nothing (the notice), the payment
#: wait opened by the fee and closed by the payment, a type without a fold.
STREAM: list[tuple[str, dict[str, Any]]] = [
    (ev.RECEIVED, RECEIVED),
    (ev.FEE_ASSESSED, {"total": 20, "items": [{"copy": 20}]}),
    (ev.NOTICE_RESEND_REQUESTED, {"stage": "ready"}),
    (ev.PAYMENT_RECORDED, PAYMENT),
    (ev.RECEIPT_ISSUED, {"receipt_number": "R1"}),
    (ev.SUPPLEMENT_REQUESTED, {"reason": "缺件"}),
    (ev.SUPPLEMENT_RECEIVED, {}),
    (ev.CLOSED, {}),
    (ev.READY_FOR_PICKUP, {"office": "H01", "pickup_number": "0001"}),
    (ev.PICKED_UP, {"by": {"self": True}}),
]


def _events() -> list[Event]:
    actor = Actor("H01", "01", "tester")
    out = [
        actor.event(CASE, t, T0 + timedelta(minutes=i), dict(p)) for i, (t, p) in enumerate(STREAM)
    ]
    # a type this build has no fold for (a newer office's): only the counters move
    unknown = {**out[2].__dict__, "type": "case.from_a_newer_build", "event_id": "e-new"}
    return [*out[:3], Event.unchecked(unknown), *out[3:]]


def _plain_apply(state: CaseState, e: Event) -> CaseState:
    s = dataclasses.replace(
        state, last_event_at=e.at, last_clerk=e.clerk, event_count=state.event_count + 1
    )
    fold = case_fold._FOLDS.get(e.type)
    if fold is not None:
        s = fold(s, payload_of(e), e)
    waiting = s.is_open and s.balance > 0
    if waiting and s.payment_wait_since is None:
        return dataclasses.replace(s, payment_wait_since=e.at)
    if not waiting and s.payment_wait_since is not None:
        pauses = _close_pause(s, s.payment_wait_since, e.at)
        return dataclasses.replace(s, pauses=pauses, payment_wait_since=None)
    return s


def test_each_state_is_new_untouched_later_and_equals_the_plain_fold() -> None:
    events = _events()
    state = apply(None, events[0])
    states = [state]
    for e in events[1:]:
        new = apply(state, e)
        assert new is not state
        assert new == _plain_apply(state, e)
        states.append(new)
        state = new
    snapshots = [dataclasses.asdict(s) for s in states]
    for e in events[1:]:  # folding the same events again onto the kept states changes none
        for s in states:
            apply(s, e)
    assert [dataclasses.asdict(s) for s in states] == snapshots
    assert [s.event_count for s in states] == list(range(1, len(events) + 1))
    assert states[-1].pauses and states[-1].payment_wait_since is None


def _rebuilt(obj: Any) -> Any:
    cls = type(obj)
    return cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)})


def test_new_states_and_payments_are_the_dataclass_own() -> None:
    """The received event's state and a recorded payment are made without the dataclass
    ``__init__``: each equals the one the constructor makes, field for field and in field
    order, and the defaults made per state (dicts) are its own."""
    events = _events()
    first, second = apply(None, events[0]), apply(None, events[0])
    assert first == _rebuilt(first)
    assert list(vars(first)) == list(vars(_rebuilt(first)))
    assert first.picked_up_by == {} and first.picked_up_by is not second.picked_up_by
    assert first.fields is not second.fields
    state = first
    for e in events[1:]:
        state = apply(state, e)
        if e.type == ev.PAYMENT_RECORDED:
            break
    (pay,) = state.payments
    assert pay == _rebuilt(pay) and list(vars(pay)) == list(vars(_rebuilt(pay)))
    assert (pay.amount, pay.receipt_number, pay.refunded, pay.issued) == (20, "R1", 0, False)


def test_new_makes_what_the_constructor_makes_and_refuses_what_it_refuses(
    monkeypatch: Any,
) -> None:
    """Every ``_new`` the fold makes over the stream equals ``cls(**values)`` of the same
    values, field for field and in order; an unknown name or a missing required field is a
    TypeError, as the constructor's."""
    made: list[tuple[type, dict[str, Any], Any]] = []
    real = case_fold._new

    def recording(cls: type, **values: Any) -> Any:
        obj = real(cls, **values)
        made.append((cls, values, obj))
        return obj

    monkeypatch.setattr(case_fold, "_new", recording)
    state = None
    for e in _events():
        state = apply(state, e)
    assert {cls for cls, _v, _o in made} == {CaseState, case_fold.Payment}
    for cls, values, obj in made:
        by_init = cls(**values)
        assert obj == by_init and list(vars(obj)) == list(vars(by_init))
    cls, values, _obj = made[0]
    missing = {k: v for k, v in values.items() if k != "case_id"}
    for bad in ({**values, "no_such_field": 1}, missing):
        with pytest.raises(TypeError):
            cls(**bad)
        with pytest.raises(TypeError):
            real(cls, **bad)
