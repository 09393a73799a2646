"""Payment, refund, void and receipt events in the case state machine (issue 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply, check, project
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
ACTOR = Actor("H01", "01", "tester")
CASE = "c0ffee00-0000-4000-8000-000000000002"


def start(total: int = 100) -> CaseState:
    received = ACTOR.event(
        CASE,
        ev.RECEIVED,
        T0,
        {
            "case_number": "H01-01-115-000002-1",
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
        },
    )
    return step(project([received]), ev.FEE_ASSESSED, 1, total=total, items=[])


def step(state: CaseState, type_: str, minutes: int, **payload: object) -> CaseState:
    e = ACTOR.event(CASE, type_, T0 + timedelta(minutes=minutes), dict(payload))
    check(state, e)
    return apply(state, e)


def refused(state: CaseState, type_: str, **payload: object) -> str:
    with pytest.raises(DomainError) as info:
        step(state, type_, 30, **payload)
    return info.value.code


def test_cash_records_tendered_and_change_and_refuses_short_cash() -> None:
    s = start()
    assert (
        refused(s, ev.PAYMENT_RECORDED, payment_id="p", method="cash", amount=100, tendered=50)
        == "payment.tendered"
    )
    s = step(
        s,
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="cash",
        amount=100,
        tendered=500,
        change=400,
        receipt_number="R1",
    )
    assert s.payment("p").tendered == 500 and s.payment("p").change == 400
    assert s.balance == 0 and s.status == "received"


def test_card_needs_reference_and_unknown_method_is_refused() -> None:
    s = start()
    assert (
        refused(s, ev.PAYMENT_RECORDED, payment_id="p", method="card", amount=10)
        == "payment.reference_required"
    )
    assert (
        refused(s, ev.PAYMENT_RECORDED, payment_id="p", method="cheque", amount=10)
        == "payment.method"
    )
    s = step(
        s,
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="card",
        amount=10,
        reference="T-0042",
        receipt_number="R1",
    )
    assert s.payment("p").reference == "T-0042"


def test_online_payment_carries_appendix_22_fields_and_settles_later() -> None:
    s = start()
    assert (
        refused(s, ev.PAYMENT_RECORDED, payment_id="p", method="online", amount=100)
        == "payment.tool_required"
    )
    s = step(
        s,
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="online",
        amount=100,
        payment_tool="信用卡",
        authorised_at="2026-03-10T08:43:53+08:00",
        receipt_number="R1",
    )
    pay = s.payment("p")
    assert (pay.payment_tool, pay.deposited, pay.deposit_date) == ("信用卡", False, "")
    s = step(
        s,
        ev.PAYMENT_SETTLED,
        3,
        payment_id="p",
        deposit_date="2026-03-12",
        settlement_number="AU0800100001",
        deposited=True,
    )
    pay = s.payment("p")
    assert pay.deposited and pay.deposit_date == "2026-03-12"
    assert pay.settlement_number == "AU0800100001"


def test_settling_a_cash_payment_is_refused() -> None:
    s = step(
        start(),
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="cash",
        amount=10,
        receipt_number="R1",
    )
    assert refused(s, ev.PAYMENT_SETTLED, payment_id="p", deposited=True) == "payment.not_online"


def test_receipt_events_need_a_known_number_and_a_reason() -> None:
    s = step(
        start(),
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="cash",
        amount=10,
        receipt_number="R1",
    )
    assert refused(s, ev.RECEIPT_VOIDED, receipt_number="R9", reason="x") == "receipt.unknown"
    assert refused(s, ev.RECEIPT_VOIDED, receipt_number="R1", reason=" ") == "case.reason_required"
    assert refused(s, ev.RECEIPT_REPRINTED, receipt_number="R1") == "case.reason_required"
    s = step(s, ev.RECEIPT_ISSUED, 3, receipt_number="R1")
    s = step(s, ev.RECEIPT_REPRINTED, 4, receipt_number="R1", reason="民眾遺失")
    assert s.payment("p").issued and s.payment("p").reprints == 1
    s = step(s, ev.PAYMENT_VOIDED, 5, payment_id="p", reason="金額錯誤")
    s = step(s, ev.RECEIPT_VOIDED, 5, receipt_number="R1", reason="金額錯誤")
    assert "R1" in s.voided_receipts and s.paid == 0 and s.balance == 100
    assert (
        refused(s, ev.RECEIPT_REPRINTED, receipt_number="R1", reason="x")
        == "receipt.already_voided"
    )


def test_refund_reopens_the_balance_and_the_payment_wait() -> None:
    s = step(
        start(),
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="cash",
        amount=100,
        receipt_number="R1",
    )
    assert s.payment_wait_since is None
    assert (
        refused(s, ev.PAYMENT_REFUNDED, payment_id="p", amount=101, reason="x")
        == "payment.refund_amount"
    )
    s = step(s, ev.PAYMENT_REFUNDED, 10, payment_id="p", amount=40, reason="溢收")
    assert s.paid == 60 and s.balance == 40 and s.status == "payment_due"
    assert s.payment_wait_since == T0 + timedelta(minutes=10)


def test_a_payment_with_a_refund_cannot_be_voided() -> None:
    s = step(
        start(),
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p",
        method="cash",
        amount=100,
        receipt_number="R1",
    )
    s = step(s, ev.PAYMENT_REFUNDED, 10, payment_id="p", amount=40, reason="溢收")
    assert refused(s, ev.PAYMENT_VOIDED, payment_id="p", reason="開錯") == "receipt.refunded"
    assert refused(s, ev.RECEIPT_VOIDED, receipt_number="R1", reason="開錯") == "receipt.refunded"
    s = step(s, ev.PAYMENT_REFUNDED, 11, payment_id="p", amount=60, reason="開錯，全額退還")
    assert s.paid == 0 and s.balance == 100
