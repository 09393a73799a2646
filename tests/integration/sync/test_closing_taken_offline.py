"""The office-wide closing printed while the county was out of reach, taken again once the
counters synced: what reached the counter since is what came after it (docs/payments.md,
日結 "earlier closing"), though the other counter made it before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import factories
from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.services import cases, daily_closing, payments
from eservice_desktop.services.core import App


def test_a_closing_taken_offline_names_what_the_other_counter_took_before_it(
    county: CountyServer, office: Callable[..., App], clock: Any, tmp_path: Path
) -> None:
    """At 10:00 counter 02 takes NT$300 and voids a receipt of 01's, offline; at 10:10 counter
    01 prints the office-wide closing (NT$30 in its drawer: it has not heard of either). Synced,
    the office-wide closing says NT$300 more, but said nothing of the one printed before (its
    receipts and voids were made before it): now it names 02's receipt and the void, and the
    one printed before is to be replaced."""
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    first = factories.new_case(d1, phone="0912345678", copies=2)
    earlier = payments.record_payment(d1, first, "cash", 30).receipt_number
    for app in (d1, d2):
        sync_now(app)
    add_accounts(d2)
    clock.set(clock.now + timedelta(minutes=5))
    number = factories.new_case(d2, phone="0912345678", copies=20)
    theirs = payments.record_payment(d2, number, "cash", 300).receipt_number
    payments.void_receipt(d2, earlier, "金額誤收", approval=supervisor_approval())
    clock.set(clock.now + timedelta(minutes=5))
    mine = payments.record_payment(d1, factories.new_case(d1, copies=2), "cash", 30)
    day = cases.today(d1)
    printed = daily_closing.write_closing(d1, day, tmp_path / "office.csv", None)
    assert printed.cash_expected == 60 and printed.earlier is None
    clock.set(clock.now + timedelta(minutes=10))
    for app in (d2, d1):
        sync_now(app)

    again = daily_closing.closing(d1, day, None)
    assert again.cash_expected == 330
    assert again.earlier is not None and again.earlier.changed
    said = again.to_json()["earlier_closing"]
    assert (said["receipts"], said["voids"], said["refunds"]) == ([theirs], [earlier], [])
    assert "前次日結表已不符，請以本表替換" in again.earlier.note()
    assert mine.receipt_number not in again.earlier.receipts  # in the closing printed
