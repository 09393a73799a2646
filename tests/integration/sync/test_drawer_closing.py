"""Each counter's cash drawer on the daily closing when another counter of the office voids or
refunds its receipt (two devices against a real county server): the money goes back out of the
drawer of the counter that voided or refunded (the event's device), the receipt stays on the
issuing counter's list as issued, and the office-wide closing counts each amount once."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import factories
from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.printing.closing import closing_csv
from eservice_desktop.services import cases, daily_closing, payments
from eservice_desktop.services.core import App

AMOUNT = 300  # HR-TRANSCRIPT, NT$15 a copy: 20 copies


def _paid_on_02(county: CountyServer, office: Callable[..., App]) -> tuple[App, App, str]:
    """Devices 01 and 02 of H01; 300 paid in cash on 02, printed, and synced to 01."""
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    number = factories.new_case(d2, copies=20, phone="0912345678")
    receipt = payments.record_payment(d2, number, "cash", AMOUNT, tendered=AMOUNT).receipt_number
    payments.confirm_printed(d2, receipt)
    sync_now(d2)
    sync_now(d1)
    add_accounts(d1)
    return d1, d2, receipt


def _both_synced(d1: App, d2: App) -> None:
    sync_now(d1)
    sync_now(d2)
    sync_now(d1)


def test_void_on_01_of_a_receipt_of_02_comes_out_of_drawer_01(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    _both_synced(d1, d2)
    day = cases.today(d1)
    for app in (d1, d2):  # every counter of the office sees the same drawers
        one = daily_closing.closing(app, day, "01")
        two = daily_closing.closing(app, day, "02")
        office_wide = daily_closing.closing(app, day, None)
        assert (one.cash_expected, one.net, one.voided_out) == (-AMOUNT, -AMOUNT, AMOUNT)
        assert [(v.number, v.voided_by) for v in one.voided_here] == [(receipt, "01")]
        assert one.receipts == []
        # the receipt stays on 02's list as issued there; 02 still holds the cash
        assert (two.cash_expected, two.gross, two.net, two.voided_out) == (
            AMOUNT,
            AMOUNT,
            AMOUNT,
            0,
        )
        assert [(r.number, r.status, r.voided_by) for r in two.receipts] == [
            (receipt, "void", "01")
        ]
        assert two.by_method == {"cash": (1, AMOUNT)}
        assert two.to_json()["voided_elsewhere"] == {receipt: "01"}
        assert one.to_json()["voided_here"] == [
            {"number": receipt, "issued_by": "02", "amount": AMOUNT}
        ]
        assert sum(a for _, _, a in two.by_fee_item) == AMOUNT
        # office-wide: each amount once, the void nets the receipt out
        assert (office_wide.gross, office_wide.cash_expected, office_wide.net) == (0, 0, 0)
        assert office_wide.voided_out == 0 and office_wide.voided_here == []
        assert [(r.number, r.status) for r in office_wide.receipts] == [(receipt, "void")]
    csv_01 = closing_csv(daily_closing.closing(d1, day, "01")).decode("utf-8-sig")
    assert "他櫃收據於本櫃作廢" in csv_01 and f"{receipt},02,01," in csv_01
    assert ["應有現金（現金收入－現金退費－現金作廢退還）", "-300"] in list(
        csv.reader(io.StringIO(csv_01))
    )
    csv_02 = closing_csv(daily_closing.closing(d2, day, "02")).decode("utf-8-sig")
    assert f"{receipt},02,01," in csv_02  # issued on 02, voided on 01


def test_void_on_the_issuing_counter_stays_as_it_was(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.void_receipt(d2, receipt, "金額誤收", approval=supervisor_approval())
    _both_synced(d1, d2)
    day = cases.today(d1)
    two = daily_closing.closing(d1, day, "02")
    assert (two.gross, two.cash_expected, two.voided_out) == (0, 0, 0)
    assert [(r.number, r.status, r.voided_by) for r in two.receipts] == [(receipt, "void", "02")]
    assert daily_closing.closing(d1, day, "01").cash_expected == 0


def test_partial_refund_on_01_of_a_receipt_of_02_comes_out_of_drawer_01(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    payments.refund(d1, receipt, 100, "溢收退還", approval=supervisor_approval())
    _both_synced(d1, d2)
    day = cases.today(d1)
    for app in (d1, d2):
        one = daily_closing.closing(app, day, "01")
        two = daily_closing.closing(app, day, "02")
        office_wide = daily_closing.closing(app, day, None)
        assert (one.cash_expected, one.refunded, one.net) == (-100, 100, -100)
        assert [(x.receipt_number, x.device, x.issued_by) for x in one.refunds] == [
            (receipt, "01", "02")
        ]
        assert (two.cash_expected, two.refunded, two.net) == (AMOUNT, 0, AMOUNT)
        assert [(r.number, r.status, r.refunded) for r in two.receipts] == [(receipt, "valid", 100)]
        assert (office_wide.cash_expected, office_wide.net) == (AMOUNT - 100, AMOUNT - 100)
    csv_01 = closing_csv(daily_closing.closing(d1, day, "01")).decode("utf-8-sig")
    assert f"{receipt},02,01," in csv_01  # issued on 02, refunded on 01


def _voided_at_h02(county: CountyServer, office: Callable[..., App]) -> tuple[App, App, str]:
    """Counter 01 of H02 (the pickup office) voids a cash receipt of counter 01 of H01: the two
    counters share a device id but not a drawer."""
    h01, h02 = office("H01", "01", county.url), office("H02", "01", county.url)
    enrol(h01, county)
    enrol(h02, county)
    number = factories.new_case(
        h01, copies=20, phone="0912345678", pickup_method="other_office", pickup_office="H02"
    )
    receipt = payments.record_payment(h01, number, "cash", AMOUNT).receipt_number
    sync_now(h01)
    sync_now(h02)
    add_accounts(h02)
    payments.void_receipt(h02, receipt, "金額誤收", approval=supervisor_approval())
    sync_now(h02)
    sync_now(h01)
    return h01, h02, receipt


def test_void_at_another_office_counts_at_that_counter(
    county: CountyServer, office: Callable[..., App]
) -> None:
    h01, h02, receipt = _voided_at_h02(county, office)
    day = cases.today(h01)
    issuing = daily_closing.closing(h01, day, "01")
    assert [(r.number, r.voided_by) for r in issuing.receipts] == [(receipt, "H02-01")]
    assert issuing.cash_expected == AMOUNT
    voiding = daily_closing.closing(h02, day, "01")
    assert [(v.number, v.device) for v in voiding.voided_here] == [(receipt, "H01-01")]
    assert voiding.cash_expected == -AMOUNT


def test_void_at_another_office_is_on_both_offices_office_wide_closing(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """What left H02's drawer was on its counter's closing but not on H02's office-wide one
    (cash expected 0 there, −300 at its only counter), and H01's office-wide closing took the
    receipt out of its totals while the 300 lay in counter 01's drawer (0 there, +300 at the
    counter). Each office-wide closing is now the sum of its counters'."""
    h01, h02, receipt = _voided_at_h02(county, office)
    day = cases.today(h01)
    h02_office, h02_counter = (
        daily_closing.closing(h02, day, None),
        daily_closing.closing(h02, day, "01"),
    )
    assert [(v.number, v.device, v.voided_by) for v in h02_office.voided_here] == [
        (receipt, "H01-01", "01")
    ]
    assert h02_office.receipts == [] and h02_office.to_json()["voided_here"] == [
        {"number": receipt, "issued_by": "H01-01", "amount": AMOUNT}
    ]
    h01_office, h01_counter = (
        daily_closing.closing(h01, day, None),
        daily_closing.closing(h01, day, "01"),
    )
    assert [(r.number, r.status, r.voided_by) for r in h01_office.receipts] == [
        (receipt, "void", "H02-01")
    ]
    assert h01_office.to_json()["voided_elsewhere"] == {receipt: "H02-01"}
    assert h01_office.by_fee_item == h01_counter.by_fee_item
    for office_wide, counter, total in (
        (h02_office, h02_counter, -AMOUNT),
        (h01_office, h01_counter, AMOUNT),
    ):
        figures = ("gross", "refunded", "voided_out", "net", "cash_expected")
        assert [getattr(office_wide, f) for f in figures] == [getattr(counter, f) for f in figures]
        assert (office_wide.net, office_wide.cash_expected) == (total, total)
        assert office_wide.to_json()["by_method"] == counter.to_json()["by_method"]
    rows = list(csv.reader(io.StringIO(closing_csv(h02_office).decode("utf-8-sig"))))
    assert ["他所收據於本所作廢（由本所退還）"] in rows
    assert [
        receipt,
        "H01-01",
        "01",
        h02_office.voided_here[0].void_clerk,
        h02_office.voided_here[0].case_number,
        "300",
        "super01 林主管",
        "金額誤收",
    ] in rows
    assert h02_office.voided_here[0].void_clerk  # who handed the money back at H02
    assert ["應有現金（現金收入－現金退費－現金作廢退還）", "-300"] in rows
    rows = list(csv.reader(io.StringIO(closing_csv(h01_office).decode("utf-8-sig"))))
    assert any(r[:1] == [receipt] and "他所作廢" in r for r in rows), rows
    assert ["應有現金（現金收入－現金退費－現金作廢退還）", "300"] in rows
