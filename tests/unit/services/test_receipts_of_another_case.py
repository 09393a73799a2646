"""A money event changes the receipts of its own case only, and a payment's receipt number is of
the recording counter's own series: another office's void (or refund) naming a receipt of this
office voided that receipt in this office's closing, and a payment numbered in this office's
series took a place in it."""

from __future__ import annotations

import uuid

import factories
import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import check_digit
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.services import cases, ingest, payments
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_payments import ReceiptRow

H02 = Actor("H02", "01", "clerk09")


def _their_case(app: App) -> tuple[str, list[Event]]:
    """A case of office H02 as the county sends it here (its pickup office): received and
    assessed."""
    number = "H02-01-115-000001-"
    number += str(check_digit(number.replace("-", "")))
    case_id = str(uuid.uuid4())
    received = H02.event(case_id, ev.RECEIVED, app.now(), factories.received_payload(number))
    fee = H02.event(case_id, ev.FEE_ASSESSED, app.now(), {"total": 15, "items": []})
    return case_id, [received, fee]


def _paid(app: App, case_id: str, receipt: str, payment_id: str = "p-9") -> Event:
    return H02.event(
        case_id,
        ev.PAYMENT_RECORDED,
        app.now(),
        {
            "payment_id": payment_id,
            "method": "cash",
            "amount": 15,
            "receipt_number": receipt,
            "verification": "ABCDEFGHIJ",
            "key_id": "k",
        },
    )


def _ours(app: App) -> str:
    number = factories.new_case(app)
    paid = payments.record_payment(app, number, "cash", cases.show_case(app, number).balance)
    return paid.receipt_number


def _receipt(app: App, number: str) -> ReceiptRow | None:
    with app.reading() as s:
        return s.get(ReceiptRow, number)


def test_a_void_of_another_case_never_voids_a_receipt_here(app: App) -> None:
    ours = _ours(app)
    case_id, events = _their_case(app)
    theirs = "H02-01-115-R000001"
    void = H02.event(
        case_id,
        ev.PAYMENT_VOIDED,
        app.now(),
        {"payment_id": "p-9", "receipt_number": ours, "reason": "金額輸入錯誤"},
    )
    refund = H02.event(
        case_id,
        ev.PAYMENT_REFUNDED,
        app.now(),
        {"payment_id": "p-9", "receipt_number": ours, "amount": 5, "reason": "溢收"},
    )
    with app.transaction() as s:
        report = ingest.ingest_many(
            app, s, [*events, _paid(app, case_id, theirs), refund, void], origin="county"
        )
    assert report.refused == []
    mine = _receipt(app, ours)
    assert mine is not None and (mine.status, mine.refunded) == ("valid", 0)
    other = _receipt(app, theirs)
    assert other is None or other.case_id == case_id


def test_a_payment_numbered_in_another_counters_series_is_refused(app: App) -> None:
    ours = _ours(app)
    mine_next = ours[:-6] + f"{int(ours[-6:]) + 1:06d}"  # the next place of this counter's series
    case_id, events = _their_case(app)
    paid = _paid(app, case_id, mine_next)
    with pytest.raises(DomainError) as refused:
        check_event(paid)  # what the county runs on a push, and an office on a pull
    assert refused.value.code == "receipt.series"
    with app.transaction() as s:
        report = ingest.ingest_many(app, s, [*events, paid], origin="county", check=True)
    assert [r.code for r in report.refused] == ["receipt.series"]
    check_event(_paid(app, case_id, "H02-01-115-R000001"))  # its own series: accepted
    assert _receipt(app, mine_next) is None
    # this counter's own next payment takes that place, as its series says
    assert _ours(app) == mine_next
