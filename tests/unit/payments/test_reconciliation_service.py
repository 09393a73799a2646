"""The reconciliation statement of one service (``report reconciliation --service``): exactly
that service's online payments of the period, read from the cases projection (it folded the
events of every case the office was ever paid for online, one at a time)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import new_case

from eservice_desktop.services import cases, reports
from eservice_desktop.services import payments as pay
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo

DAY = date(2026, 3, 10)
BOOK = {"registered_address": "桃園市桃園區中正路1號", "reason": "補發"}


def _paid_online(app: App, number: str, payment_id: str, at: datetime) -> str:
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        amount = repo.load_state(s, case_id).balance  # type: ignore[union-attr]
        r = pay.record_online_payment(
            app, s, case_id, payment_id=payment_id, amount=amount, payment_tool="信用卡",
            authorised_at=at,
        )  # fmt: skip
    return r.receipt_number


def test_a_services_statement_has_its_payments_of_the_period_only(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_day = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    transcript = _paid_online(app, new_case(app, copies=2), "30000000001", in_day)
    book = new_case(app, service="HR-HOUSEHOLD-BOOK", fields=BOOK)
    household_book = _paid_online(app, book, "30000000002", in_day)
    _paid_online(app, new_case(app), "30000000003", datetime(2026, 3, 11, 2, 0, tzinfo=UTC))

    def receipts(service: str | None) -> list[str]:
        return [r.receipt_number for r in reports.reconciliation(app, DAY, DAY, service).rows]

    assert receipts(None) == [transcript, household_book]
    monkeypatch.setattr(repo, "load_state", None)  # the statement folds no case's events
    assert receipts("HR-TRANSCRIPT") == [transcript]
    assert receipts("HR-HOUSEHOLD-BOOK") == [household_book]
    assert receipts("HR-MOICA-CARD") == []  # known, nobody paid for it online that day
