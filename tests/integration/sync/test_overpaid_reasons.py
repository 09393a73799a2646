"""Why a case holds too much, as the conflicts list says it at both offices, against a real
county server on loopback (SQLite and PostgreSQL): a fee exempted at the filing office while
the pickup office took it offline, and a fee taken at both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import cases, fees, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import conflicts


def _offices(office: Callable[..., App], county: CountyServer) -> tuple[App, App]:
    h01, h02 = office("H01", "01", county.url), office("H02", "01", county.url)
    for app in (h01, h02):
        enrol(app, county)
        add_accounts(app)
    return h01, h02


def _reasons(app: App, number: str) -> list[tuple[str, str]]:
    zh = {c.conflict_id: c.reason for c in conflicts.open_conflicts(app, "zh_TW")}
    return [
        (zh[c.conflict_id], c.reason)
        for c in conflicts.open_conflicts(app, "en")
        if c.case_number == number
    ]


def test_an_exemption_crossing_a_payment_is_not_said_to_be_the_fee_taken_twice(
    office: Callable[..., App], county: CountyServer, clock: Any
) -> None:
    """H01 closed the case with the fee owed at H02, then exempted it; H02, offline, took the
    fee at its desk. Both offices listed "the fee was taken twice", and the clerks looked for
    a second receipt there was none of."""
    h01, h02 = _offices(office, county)
    number = new_case(h01, pickup_office="H02")
    cases.close_case(h01, number, "急件", approval=supervisor_approval("至中壢所繳費"))
    for app in (h01, h02, h01, h02):
        sync_now(app)
    clock.set(clock.now + timedelta(minutes=2))
    fees.assess(h01, number, exempt=True, reason="低收入戶", approval=supervisor_approval("低收"))
    clock.set(clock.now + timedelta(minutes=2))
    receipt = payments.record_payment(h02, number, "cash", 15, tendered=15).receipt_number
    for app in (h01, h02, h01):
        sync_now(app)

    # the receipt named, its number saying where: 他櫃 / "another counter" was said to H02,
    # which had taken it itself, and to H01, whose other was another office
    assert receipt is not None and receipt.startswith("H02-01-")
    for app in (h01, h02):
        assert cases.load_case(app, number).balance == -15
        assert _reasons(app, number) == [
            (
                f"溢繳 15 元：本案規費已減免或調降，收據 {receipt} 於離線時仍依原額收費，"
                "請辦理退費",
                f"Over-paid by NT$15: the fee was lowered or exempted while receipt {receipt}"
                " was taken in full offline; refund the over-payment",
            )
        ], app.settings.office_code


def test_a_fee_taken_at_both_offices_is_the_fee_taken_twice(
    office: Callable[..., App], county: CountyServer, clock: Any
) -> None:
    h01, h02 = _offices(office, county)
    number = new_case(h01, pickup_office="H02")
    for app in (h01, h02):
        sync_now(app)
    first = payments.record_payment(h01, number, "cash", 15, tendered=15).receipt_number
    clock.set(clock.now + timedelta(minutes=2))
    second = payments.record_payment(h02, number, "cash", 15, tendered=15).receipt_number
    for app in (h01, h02, h01):
        sync_now(app)
    for app in (h01, h02):
        [(zh, en)] = _reasons(app, number)
        assert zh == f"溢繳 15 元：本案規費已重複收取（收據 {first}、{second}），請辦理退費"
        assert f"the fee was taken twice (receipts {first}, {second})" in en
