"""``case.online_receipt_issued``: a counter's receipt for an online payment the county recorded
without one (docs/payments.md, "Online payments and the office's receipt")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply, check
from eservice_desktop.domain.case_rules import taken_anyway
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_payload
from eservice_desktop.domain.events import Actor
from tests.unit.domain.test_payments_case import CASE, T0, start, step

COUNTY = Actor("H01", "00", "channel:portal")
ONLINE = {"payment_id": "p-web", "method": "online", "amount": 15, "reference": "TXN-1"}


def paid_online() -> CaseState:
    s = start(15)
    e = COUNTY.event(CASE, ev.PAYMENT_RECORDED, T0 + timedelta(minutes=2), dict(ONLINE))
    return apply(s, e)  # the county's notice: taken as the county ordered it


def receipt(**changed: object) -> dict[str, object]:
    return {
        "payment_id": "p-web",
        "receipt_number": "H01-01-115-R000001",
        "verification": "ABCDEFGHJK",
        "key_id": "H0101-abc123",
        "amount": 15,
        "reference": "TXN-1",
        **changed,
    }


def refused(state: CaseState, **changed: object) -> str:
    with pytest.raises(DomainError) as info:
        step(state, ev.ONLINE_RECEIPT_ISSUED, 30, **receipt(**changed))
    return info.value.code


def test_the_online_payment_gets_the_counters_receipt_number_once() -> None:
    s = paid_online()
    assert s.payment("p-web").receipt_number is None
    s = step(s, ev.ONLINE_RECEIPT_ISSUED, 5, **receipt())
    assert s.payment("p-web").receipt_number == "H01-01-115-R000001"
    assert s.paid == 15 and s.balance == 0  # the money was paid once, online
    with pytest.raises(DomainError) as second:
        step(s, ev.ONLINE_RECEIPT_ISSUED, 30, **receipt(receipt_number="H01-01-115-R000002"))
    assert second.value.code == "receipt.already_issued"
    # made offline on another counter, both papers are out: the county takes it, and the
    # case keeps the paper issued earlier, whichever came first; the other is a spare
    assert taken_anyway(ev.ONLINE_RECEIPT_ISSUED, second.value)
    other = Actor("H01", "02", "c")
    for minutes, kept, spare in ((30, "H01-01-115-R000001", "H01-02-115-R000001"),
                                 (4, "H01-02-115-R000001", "H01-01-115-R000001")):  # fmt: skip
        at = T0 + timedelta(minutes=minutes)
        twice = apply(s, other.event(CASE, ev.ONLINE_RECEIPT_ISSUED, at, receipt(
            receipt_number="H01-02-115-R000001")))  # fmt: skip
        pay = twice.payment("p-web")
        assert (pay.receipt_number, pay.spare_receipts) == (kept, (spare,))
        assert (twice.paid, twice.balance) == (15, 0)  # still the one payment
        with pytest.raises(DomainError) as spare_print:
            check(twice, other.event(CASE, ev.RECEIPT_REPRINTED, at, {
                "receipt_number": spare, "reason": "遺失"}))  # fmt: skip
        assert spare_print.value.code == "receipt.issued_twice"
        assert kept in spare_print.value.message_zh and spare in spare_print.value.message_en
    # a receipt event then prints it like any receipt
    s = step(s, ev.RECEIPT_ISSUED, 6, receipt_number="H01-01-115-R000001")
    assert s.payment("p-web").issued


def test_only_the_cases_own_online_payment_as_recorded() -> None:
    s = paid_online()
    assert refused(s, payment_id="other") == "payment.unknown"
    assert refused(s, amount=20) == "payment.mismatch"
    assert refused(s, reference="TXN-2") == "payment.mismatch"
    cash = step(
        start(15),
        ev.PAYMENT_RECORDED,
        2,
        payment_id="p-web",
        method="cash",
        amount=15,
        receipt_number="H01-01-115-R000009",
    )
    assert refused(cash) == "payment.not_online"
    void = step(s, ev.PAYMENT_VOIDED, 3, payment_id="p-web", reason="重複繳費")
    assert refused(void) == "payment.already_voided"


def test_the_number_must_be_of_the_issuing_counters_series() -> None:
    e = Actor("H01", "02", "clerk").event(CASE, ev.ONLINE_RECEIPT_ISSUED, T0, receipt())
    with pytest.raises(DomainError) as info:
        check_payload(e)
    assert info.value.code == "receipt.series"
    check(
        paid_online(), Actor("H01", "01", "c").event(CASE, ev.ONLINE_RECEIPT_ISSUED, T0, receipt())
    )


def test_an_online_payments_receipt_voids_neither_paper_nor_money() -> None:
    """The fee was paid online: a void of the counter's receipt voided the payment and the case
    owed it again. Refused, whether the void names the payment or the receipt; the county
    refuses it from a counter too (not taken anyway)."""
    s = step(paid_online(), ev.ONLINE_RECEIPT_ISSUED, 5, **receipt())
    assert s.payment("p-web").online_receipt
    for type_, payload in (
        (ev.PAYMENT_VOIDED, {"payment_id": "p-web", "reason": "重複"}),
        (ev.RECEIPT_VOIDED, {"receipt_number": "H01-01-115-R000001", "reason": "重複"}),
    ):
        with pytest.raises(DomainError) as info:
            step(s, type_, 10, **payload)
        assert info.value.code == "receipt.online_void"
        assert "H01-01-115-R000001" in info.value.message_zh
        assert not taken_anyway(type_, info.value)
    assert not paid_online().payment("p-web").online_receipt  # no receipt yet: nothing to void
