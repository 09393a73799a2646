"""Two counters of one office against a real county server (SQLite and PostgreSQL): what one
device records reaches every projection of the other, and a wiped device rebuilt with
``sync recover`` has exactly the projections it had."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from approvals_support import add_accounts, supervisor_approval
from sqlalchemy import select
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.services import cases, daily_closing, payments, pickup, sync
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import CaseRow, CounterRow, EventRow
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.models_pickup import PickupConsumedRow

FEE = 15  # HR-TRANSCRIPT, one copy


def _pay(app: App, number: str, printed: bool = True) -> str:
    receipt = payments.record_payment(app, number, "cash", FEE, tendered=100).receipt_number
    if printed:
        payments.confirm_printed(app, receipt)
    return receipt


def _office_pair(office: Callable[..., App], county: CountyServer) -> tuple[App, App]:
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    return d1, d2


def test_office_closing_lists_both_devices_receipts(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2 = _office_pair(office, county)
    r1 = _pay(d1, new_case(d1))
    r2 = _pay(d2, new_case(d2))
    sync_now(d1)
    sync_now(d2)
    sync_now(d1)
    day = cases.today(d1)
    for app in (d1, d2):
        report = daily_closing.closing(app, day, device=None)
        assert [r.number for r in report.receipts] == [r1, r2]
        assert report.by_method["cash"] == (2, 2 * FEE)
        assert {r.device for r in report.ranges} == {"01", "02"}
    # each counter's own closing still lists only its own receipts
    assert [r.number for r in daily_closing.closing(d1, day).receipts] == [r1]
    assert [r.number for r in daily_closing.closing(d2, day).receipts] == [r2]


def test_receipt_of_device_02_is_reprinted_and_voided_on_device_01(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2 = _office_pair(office, county)
    number = new_case(d2)
    receipt = _pay(d2, number)
    sync_now(d2)
    assert sync_now(d1).pulled == 4  # received, fee assessed, paid, receipt issued
    got = payments.get_receipt(d1, receipt)
    assert (got.amount, got.status, got.printed) == (FEE, "valid", True)
    assert payments.needs_reprint_reason(d1, receipt)
    pdf = payments.receipt_pdf(d1, receipt, reprint_reason="卡紙")
    assert pdf.startswith(b"%PDF")
    payments.confirm_printed(d1, receipt, reprint_reason="卡紙")
    add_accounts(d1)
    voided = payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    assert (voided.status, voided.balance) == ("void", FEE)
    assert payments.verify_receipt(d2, receipt, got.verification_code)
    # the citizen's paper checked at the other counter: its key stays on 02, and 01 said
    # "sync, then verify again" sync after sync; the code 02 recorded is checked instead
    assert payments.verify_receipt(d1, receipt, got.verification_code)
    wrong = ("A" if got.verification_code[0] != "A" else "B") + got.verification_code[1:]
    assert not payments.verify_receipt(d1, receipt, wrong)
    sync_now(d1)
    sync_now(d2)
    with d2.reading() as s:
        row = s.get(ReceiptRow, receipt)
        assert row is not None
        assert (row.status, row.print_count, row.void_reason) == ("void", 2, "金額誤收")
    assert cases.show_case(d2, number).balance == FEE
    report = daily_closing.closing(d2, cases.today(d2), device=None)
    assert [(r.number, r.status) for r in report.receipts] == [(receipt, "void")]


def _projections(app: App) -> dict[str, Any]:
    """Every projection table, row by row (the event store by what a rebuild must keep)."""

    def rows(model: type, key: str, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        cols = [c.key for c in model.__table__.columns if c.key not in skip]  # type: ignore[attr-defined]
        out = [{c: getattr(r, c) for c in cols} for r in s.scalars(select(model))]
        return sorted(out, key=lambda d: str(d[key]))

    with app.reading() as s:
        return {
            "cases": rows(CaseRow, "case_id"),
            "receipts": rows(ReceiptRow, "number"),
            "pickup_consumed": rows(PickupConsumedRow, "token_digest"),
            "counters": rows(CounterRow, "name"),
            "events": rows(EventRow, "event_id", skip=("seq", "recorded_at", "acked_at")),
            "acked": sorted(
                s.scalars(select(EventRow.event_id).where(EventRow.acked_at.is_not(None)))
            ),
        }


def test_wiped_device_recovers_the_same_projections(
    county: CountyServer,
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
    tmp_path: Path,
) -> None:
    d1, d2 = _office_pair(office, county)
    # device 01: paid and printed, reprinted, voided, refunded, supplement, closed and picked up
    a = new_case(d1)
    ra = _pay(d1, a)
    payments.confirm_printed(d1, ra, reprint_reason="卡紙")
    add_accounts(d1)
    sup = supervisor_approval()
    payments.void_receipt(d1, _pay(d1, new_case(d1)), "重複收費", approval=sup)
    payments.refund(d1, _pay(d1, new_case(d1), printed=False), 5, "少印一份", approval=sup)
    cases.request_supplement(d1, new_case(d1), "缺少委託書")
    closed = new_case(d1)
    _pay(d1, closed)
    cases.close_case(d1, closed)
    # device 02 of the same office
    _pay(d2, new_case(d2))
    sync_now(d1)  # the county makes the closed case ready here, with a signed code
    sync_now(d2)
    sync_now(d1)
    token = pickup.stored_token(d1, closed)
    assert token
    assert pickup.handover(d1, token).handed_over
    sync_now(d1)
    assert pending(d1) == 0
    before = _projections(d1)
    assert len(before["receipts"]) == 5 and len(before["pickup_consumed"]) == 1
    assert {r["name"].split(":")[0] for r in before["counters"]} == {"case", "receipt"}
    # the disk is lost: a fresh install of the same counter, enrolled again
    wiped = make_app(
        Settings(
            data_dir=tmp_path / "office-H01-01-reinstalled",
            office_code="H01",
            device_id="01",
            county_url=county.url,
        )
    )
    # county IT issues a replacement code for device 01 (a plain code would enrol a new device)
    sync.enrol(wiped, county.url, county.enrol_code("H01", device="01"))
    client = sync.make_client(wiped)
    try:
        counts = sync.recover_from_county(wiped, client)
    finally:
        client.close()
    assert counts["restored"] == sum(1 for e in before["events"] if e["origin"] == "local")
    assert _projections(wiped) == before
    # numbering continues after the numbers the lost disk had issued
    with wiped.reading() as s:
        numbers = set(s.scalars(select(ReceiptRow.number)))
    assert _pay(wiped, new_case(wiped)) not in numbers
