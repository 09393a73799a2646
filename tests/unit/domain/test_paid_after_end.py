"""Money taken offline on a case another counter cancelled or rejected meanwhile: refused at a
counter that knows the case ended, taken by the county (the receipt is out), and what the case
then holds to refund (docs/payments.md, "Money taken on a case that had ended")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply
from eservice_desktop.domain.case_rules import taken_anyway
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.refunds import paid_after_end
from tests.unit.domain.test_payments_case import ACTOR, CASE, T0, start, step


def _pay(state: CaseState, minutes: int, pid: str = "p1", amount: int = 100) -> CaseState:
    return step(state, ev.PAYMENT_RECORDED, minutes, payment_id=pid, method="cash", amount=amount)


def _taken(state: CaseState, minutes: int, pid: str, amount: int) -> CaseState:
    """A payment the county took from a counter offline, folded as the county ordered it."""
    pay = {"payment_id": pid, "method": "cash", "amount": amount}
    return apply(
        state, ACTOR.event(CASE, ev.PAYMENT_RECORDED, T0 + timedelta(minutes=minutes), pay)
    )


def _refusal(state: CaseState, **payload: object) -> DomainError:
    pay = {"payment_id": "p9", "method": "cash", "amount": 100, **payload}
    with pytest.raises(DomainError) as info:
        step(state, ev.PAYMENT_RECORDED, 30, **pay)
    return info.value


@pytest.mark.parametrize("end", [ev.CANCELLED, ev.REJECTED])
def test_a_payment_on_an_ended_case_is_refused_here_and_taken_from_offline(end: str) -> None:
    ended = step(start(100), end, 10, reason="民眾撤回")
    refusal = _refusal(ended)
    assert refusal.code == "case.not_open" and "不能收費" in refusal.message_zh
    assert taken_anyway(ev.PAYMENT_RECORDED, refusal)
    # every other rule of a payment comes first: the county takes none of these anyway
    for bad, code in (
        ({"amount": 0}, "payment.amount"),
        ({"payment_id": "p1"}, "payment.duplicate"),
        ({"method": "card"}, "payment.reference_required"),
    ):
        paid_before = _pay(start(100), 5)
        state = step(paid_before, end, 10, reason="民眾撤回")
        refused = _refusal(state, **bad)
        assert refused.code == code and not taken_anyway(ev.PAYMENT_RECORDED, refused)


def test_only_money_taken_after_the_end_is_held_to_refund() -> None:
    before_end = _pay(start(300), 5, "early", 100)
    ended = step(before_end, ev.CANCELLED, 10, reason="民眾撤回")
    assert paid_after_end(ended) == 0  # paid before the case was cancelled: not this rule
    late = _taken(ended, 15, "late", 200)
    assert paid_after_end(late) == 200
    part = step(late, ev.PAYMENT_REFUNDED, 20, payment_id="late", amount=50, reason="退費")
    assert paid_after_end(part) == 150
    whole = step(part, ev.PAYMENT_REFUNDED, 25, payment_id="late", amount=150, reason="退費")
    assert paid_after_end(whole) == 0


def test_the_order_the_events_arrive_in_does_not_change_it() -> None:
    """The paying counter folds its own payment first and the pulled cancel after it; the
    event times say the payment came after the end on every counter alike."""
    paid_first = _pay(start(100), 15, "late")
    ended_after = step(paid_first, ev.CANCELLED, 10, reason="民眾撤回")
    assert paid_after_end(ended_after) == 100
    assert paid_after_end(paid_first) == 0  # open: nothing held
