"""Receipt reprints and the acts the county refused (two counters of one office, offline, then
sync against a real county server): the day's reprint list and a receipt's reprint count hold
only reprints the county took. A reprint of a receipt another counter voided first is refused
by the county: it was listed among the day's reprints of the counter that made it (on its
office-wide closing too, and on no other counter's), and is now listed with the refused acts,
its paper to be taken back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import factories
from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, sync_now
from test_drawer_closing import AMOUNT, _paid_on_02
from test_refused_money import _pdf_text

from eservice_desktop.services import cases, daily_closing, payments, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.conflicts import open_conflicts


def _race(d1: App, d2: App) -> None:
    """01 pushes its act first; 02's is refused; then both pull."""
    for app in (d1, d2, d1, d2):
        sync_now(app)


def _reprints(app: App, dev: str | None) -> list[str]:
    return [r.receipt_number for r in daily_closing.closing(app, cases.today(app), dev).reprints]


def test_a_reprint_of_a_receipt_voided_first_elsewhere_is_listed_as_refused(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    payments.confirm_printed(d2, receipt, "卡紙")  # 02 still has it valid: a first reprint
    assert _reprints(d2, "02") == [receipt]
    _race(d1, d2)
    for app in (d1, d2):
        assert _reprints(app, app.settings.device_id) == [] and _reprints(app, None) == []
    two = daily_closing.closing(d2, cases.today(d2), "02")
    [refused] = two.refused
    assert (refused.kind, refused.receipt_number, refused.device) == ("reprint", receipt, "02")
    assert (refused.amount, refused.reason, refused.refused_because) == (
        AMOUNT,
        "卡紙",
        "此收據已作廢",
    )
    assert daily_closing.closing(d2, cases.today(d2), None).refused == [refused]


def test_a_void_refused_and_undone_leaves_the_reprint_count_as_it_was(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.refund(d1, receipt, 100, "溢收", approval=supervisor_approval())
    payments.void_receipt(d2, receipt, "金額誤收", approval=supervisor_approval())
    payments.confirm_printed(d2, receipt, "作廢存查")  # a void receipt's copy: no reprint
    _race(d1, d2)  # 02's void refused (01 refunded first) and undone: valid again
    for app in (d1, d2):
        assert _reprints(app, None) == []
    assert [r.kind for r in daily_closing.closing(d2, cases.today(d2), "02").refused] == ["void"]
    assert payments.needs_reprint_reason(d2, receipt)
    assert not payments.needs_reprint_approval(d2, receipt)  # its first reprint: a reason only
    payments.confirm_printed(d2, receipt, "卡紙")
    assert _reprints(d2, "02") == [receipt]
    assert payments.needs_reprint_approval(d2, receipt)  # the second asks a supervisor


def test_a_first_print_of_a_receipt_voided_first_elsewhere_is_listed_as_refused(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """02 took the fee and synced before printing; offline, 01 voided the receipt while 02
    printed its original for the citizen. The county refused the print (此收據已作廢), and the
    closing listed a refused reprint but not this: the original of a void receipt stayed in the
    citizen's hand, on no closing. Listed now with the refused acts, on 02's closing and its
    office-wide one, its paper to be taken back."""
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    number = factories.new_case(d2, copies=20, phone="0912345678")
    receipt = payments.record_payment(d2, number, "cash", AMOUNT, tendered=AMOUNT).receipt_number
    sync_now(d2)
    sync_now(d1)
    add_accounts(d1)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    payments.confirm_printed(d2, receipt)  # the first print, of a receipt valid on 02
    _race(d1, d2)
    assert county.conflicts() == 1
    two = daily_closing.closing(d2, cases.today(d2), "02")
    [refused] = two.refused
    assert (refused.kind, refused.receipt_number, refused.device) == ("print", receipt, "02")
    assert (refused.amount, refused.refused_because) == (AMOUNT, "此收據已作廢")
    assert daily_closing.closing(d2, cases.today(d2), None).refused == [refused]
    assert two.reprints == [] and two.cash_expected == AMOUNT  # no money in it
    text = _pdf_text(daily_closing.closing_document(d2, cases.today(d2), "02"))
    assert "列印H01-02-115-R000001" in text and "列印或重印者請收回該張收據" in text


def _void_then_reprint_later(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> tuple[App, App, str]:
    """01 voids 02's receipt; half an hour later 02, not knowing, reprints it (both offline)."""
    d1, d2, receipt = _paid_on_02(county, office)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    clock.set(clock() + timedelta(minutes=30))
    payments.confirm_printed(d2, receipt, "卡紙")
    return d1, d2, receipt


def test_a_reprint_the_county_took_before_the_earlier_void_is_listed_to_take_back(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> None:
    """02's reprint reached the county first and was taken, then 01's void: the paper 02 handed
    out after the void is void, and no counter said so (the other way round the county refuses
    the reprint, and 02 lists it)."""
    d1, d2, receipt = _void_then_reprint_later(county, office, clock)
    for app in (d2, d1, d2, d1):
        sync_now(app)
    assert county.conflicts() == 0
    for app in (d1, d2):
        [row] = open_conflicts(app, "en")
        assert row.reason == (
            f"Receipt {receipt} was voided at 115/03/10 10:00 and printed at 115/03/10 10:30 "
            "by a counter offline that did not know: the paper in the citizen's hand is void; "
            "take it back"
        )
    sync.resolve_conflict(d1, open_conflicts(d1)[0].conflict_id, "已收回重印之收據")
    sync_now(d1)
    sync_now(d2)
    assert open_conflicts(d1) == open_conflicts(d2) == []


def test_a_reprint_refused_after_the_void_is_listed_once(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> None:
    d1, d2, _ = _void_then_reprint_later(county, office, clock)
    _race(d1, d2)
    for app in (d1, d2):
        [row] = open_conflicts(app)
        assert (row.event_type, row.reason) == ("case.receipt_reprinted", "此收據已作廢")


def test_two_receipts_of_a_case_reprinted_after_their_voids_are_both_listed(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> None:
    """The fee paid in two parts on 02; 01 voids both receipts, and half an hour later 02, not
    knowing, reprints both. Each counter learnt of the other's two acts in one round and
    listed one receipt to take back, the one of the smaller payment id: the other paper in
    the citizen's hand was in no list. The row names both receipts."""
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    number = factories.new_case(d2, copies=20, phone="0912345678")
    first = payments.record_payment(d2, number, "cash", 100, tendered=100).receipt_number
    second = payments.record_payment(d2, number, "cash", AMOUNT - 100, tendered=AMOUNT - 100)
    for receipt in (first, second.receipt_number):
        payments.confirm_printed(d2, receipt)
    sync_now(d2)
    sync_now(d1)
    add_accounts(d1)
    for receipt in (first, second.receipt_number):
        payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    clock.set(clock() + timedelta(minutes=30))
    for receipt in (first, second.receipt_number):
        payments.confirm_printed(d2, receipt, "卡紙")
    for app in (d2, d1, d2, d1):
        sync_now(app)
    for app in (d1, d2):
        [row] = open_conflicts(app, "en")
        assert first in row.reason and second.receipt_number in row.reason, row.reason
        [row] = open_conflicts(app)
        assert first in row.reason and second.receipt_number in row.reason, row.reason
    sync.resolve_conflict(d1, open_conflicts(d1)[0].conflict_id, "已收回重印之收據")
    sync_now(d1)
    sync_now(d2)
    assert open_conflicts(d1) == open_conflicts(d2) == []
