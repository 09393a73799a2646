"""A case over-paid (溢繳) as two counters of one office leave it: paid NT$300 here, and the
same fee taken by counter 02 offline arriving as the county sends it (the county takes both;
tests/integration/sync/test_offline_double_acts.py runs the two counters for real)."""

from __future__ import annotations

import uuid

import factories

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import cases, ingest, payments
from eservice_desktop.services.core import App

FEE = 300  # HR-TRANSCRIPT, NT$15 a copy: 20 copies


def over_paid_case(app: App) -> str:
    """The case's number, its balance -300 and a ``payment.overpaid`` conflict open."""
    number = factories.new_case(app, copies=20)
    payments.record_payment(app, number, "cash", FEE, tendered=FEE)
    paid_again(app, number, FEE)
    assert cases.load_case(app, number).balance == -FEE
    return number


def paid_again(app: App, number: str, amount: int, receipt: str = "H01-02-115-R000001") -> None:
    """``amount`` taken for case ``number`` by counter 02 offline, as the county sends it."""
    case_id = cases.load_case(app, number).case_id
    paid = Actor("H01", "02", "clerk02").event(
        case_id,
        ev.PAYMENT_RECORDED,
        app.now(),
        {
            "payment_id": str(uuid.uuid4()),
            "case_number": number,
            "method": "cash",
            "amount": amount,
            "receipt_number": receipt,
            "verification": "ABCDEFGHIJ",
            "key_id": "k",
        },
    )
    with app.transaction() as s:
        assert ingest.ingest_many(app, s, [paid], origin="county").refused == []
