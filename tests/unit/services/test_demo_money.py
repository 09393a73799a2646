"""The demo data obeys the counter's money rules: nothing unpaid is ever closed or handed over."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply, check
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import payments
from eservice_desktop.services.core import App
from eservice_desktop.services.payments_receipts import aware
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow, EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

FINISHING = (ev.CLOSED, ev.READY_FOR_PICKUP, ev.PICKED_UP)


def assert_money_rules(app: App) -> dict[str, int]:
    """Replays every stored stream through the domain's own checks and counts what it saw."""
    seen = {"finished": 0, "paid": 0, "exempt": 0, "unpaid_open": 0, "payments": 0}
    with app.reading() as s:
        case_ids = s.scalars(select(CaseRow.case_id)).all()
        receipt_numbers = set(s.scalars(select(ReceiptRow.number)))
        for case_id in case_ids:
            state: CaseState | None = None
            for e in repo.events_for(s, case_id):
                if e.type in FINISHING:
                    assert state is not None and state.balance <= 0, (e.type, state)
                if e.type == ev.PAYMENT_RECORDED:
                    assert e.payload["receipt_number"] in receipt_numbers
                    seen["payments"] += 1
                check(state, e)  # every demo event is one the counter itself would accept
                state = apply(state, e)
            assert state is not None
            row = s.get(CaseRow, case_id)
            assert row is not None and (row.fees_due, row.paid) == (state.fees_due, state.paid)
            service = app.catalogue.service(state.service_code)
            if service.fee_items:
                assert state.fee_items, "assessed at intake"
            if state.lifecycle in ("closed", "ready_for_pickup", "picked_up"):
                seen["finished"] += 1
                assert state.balance <= 0
            if state.exemption_reason:
                seen["exempt"] += 1
            if state.paid:
                seen["paid"] += 1
            if state.is_open and state.balance > 0:
                seen["unpaid_open"] += 1
                assert state.status == "payment_due" or state.supplement_since is not None
    # every receipt was printed: the demo opens without the fees page's 收據未列印 banner
    assert payments.pending_receipts(app) == []
    return seen


def assert_gapless(app: App) -> None:
    with app.reading() as s:
        rows = s.execute(select(ReceiptRow.device, ReceiptRow.roc_year, ReceiptRow.seq)).all()
    series: dict[tuple[str, int], list[int]] = {}
    for device, year, seq in rows:
        series.setdefault((device, year), []).append(seq)
    assert series
    for numbers in series.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_seeded_demo_database_never_closes_or_hands_over_unpaid(
    make_app: object, tmp_path: Path
) -> None:
    assert callable(make_app)
    app: App = make_app(Settings(data_dir=tmp_path / "demo", demo=True))
    result = seed_demo(app, 300, seed=5)
    assert result["pickup_ready_with_code"] >= 1
    seen = assert_money_rules(app)
    assert seen["finished"] > 100 and seen["payments"] > 100
    assert seen["unpaid_open"] >= 1 and seen["exempt"] >= 1
    assert_gapless(app)


def test_bulk_demo_database_never_closes_or_hands_over_unpaid(app: App) -> None:
    seed_demo_bulk(app, 500, seed=3, days=60, batch=170)
    seen = assert_money_rules(app)
    assert seen["finished"] > 100 and seen["unpaid_open"] >= 1
    assert_gapless(app)


@pytest.mark.parametrize(
    "started",
    [
        datetime(2026, 3, 10, 7, 10, tzinfo=TAIPEI),  # a Tuesday, before the office opens
        datetime(2026, 3, 8, 11, 0, tzinfo=TAIPEI),  # a Sunday
        datetime(2026, 3, 10, 10, 0, tzinfo=TAIPEI),  # a Tuesday morning, the office open
    ],
)
def test_the_seeds_payments_are_made_while_the_counter_is_open(
    make_app: object, clock: Any, tmp_path: Path, started: datetime
) -> None:
    """A citizen pays at an open counter: the seed's payments, prints, voids and refunds are
    stamped in office hours on a working day. Stamped at the seed's own time, a demo started at
    07:10 put its receipts before opening time on that day's closing (a Sunday's on a day with
    no closing), into the cash the clerk trying the counter was to count that day."""
    assert callable(make_app)
    clock.set(started)
    app: App = make_app(Settings(data_dir=tmp_path / "demo", demo=True))
    result = seed_demo(app, 300, seed=2)
    assert result["payments"]["paid"] >= 3 and result["payments"]["online"] == 2
    money = (ev.PAYMENT_RECORDED, ev.RECEIPT_ISSUED, ev.PAYMENT_VOIDED, ev.PAYMENT_REFUNDED)
    with app.reading() as s:
        stamped = [aware(e.at) for e in s.scalars(select(EventRow).where(EventRow.type.in_(money)))]
    assert len(stamped) > 100
    for at in stamped:
        local = at.astimezone(TAIPEI)
        assert app.calendar.is_working_day(local.date()), local
        assert time(8, 0) <= local.time() <= time(17, 1), local
        assert at <= started
    # the receipt numbers follow the clock (R000280 read a minute before R000279)
    with app.reading() as s:
        issued = [
            aware(at) for at in s.scalars(select(ReceiptRow.issued_at).order_by(ReceiptRow.seq))
        ]
    assert issued == sorted(issued)
