"""An online payment's receipt issued at the counter, on loopback with the real county server:
a kiosk payment reaches the office by its pull without a receipt of the office; a clerk issues
the office's receipt for it (its PDF names the amount, the transaction id, the masked ID), the
event is pushed and accepted by the county, and the office's other counter sees the receipt
after its own pull (docs/payments.md, "Online payments and the office's receipt")."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pypdfium2
import pytest
from channel_helpers import APPLICATION, channel_token
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, pending, sync_now

from eservice_desktop.county.store import CountyEventRow, make_engine
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, daily_closing, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.online_receipt import issue_online_receipt
from eservice_desktop.storage.models_payments import ReceiptRow


def _pdf_text(pdf: bytes) -> str:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in doc))
    finally:
        doc.close()


def _paid_at_kiosk(county: CountyServer, d1: App, transaction: str = "IBON-0042") -> str:
    """A web application of H02, accepted by the clerk and paid at the kiosk (``transaction``)."""
    web = {"Authorization": f"Bearer {channel_token(county, 'web-portal', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(county, 'kiosk-ibon', 'kiosk')}"}
    with httpx.Client(base_url=county.url, timeout=10) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
        number = str(r.json()["case_number"])
        sync_now(d1)
        cases.accept_case(d1, number)
        r = http.post(
            "/v1/channel/payments",
            json={"case_number": number, "amount": 15, "transaction_id": transaction},
            headers=kiosk,
        )
        assert r.status_code == 201, r.text
    sync_now(d1)
    return number


def _county_types(county: CountyServer) -> list[str]:
    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s:
            return list(s.scalars(select(CountyEventRow.type).order_by(CountyEventRow.seq)))
    finally:
        engine.dispose()


def test_online_payment_gets_the_offices_receipt_printed_pushed_and_seen_by_the_other_counter(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    d1, d2 = office("H02", "01", sqlite_county.url), office("H02", "02", sqlite_county.url)
    enrol(d1, sqlite_county)
    enrol(d2, sqlite_county)
    number = _paid_at_kiosk(sqlite_county, d1)
    assert payments.receipts_of_case(d1, number) == []  # the platform's record only

    result = issue_online_receipt(d1, number, "ibon-0042")  # letter case aside
    assert result.receipt_number.startswith("H02-01-") and result.method == "online"
    assert (result.amount, result.reference, result.balance) == (15, "IBON-0042", 0)
    assert [r.receipt_number for r in payments.receipts_of_case(d1, number)] == [
        result.receipt_number
    ]
    assert payments.pending_receipts(d1) == [result.receipt_number]  # to print, as any
    text = _pdf_text(payments.receipt_pdf(d1, result.receipt_number))
    assert result.receipt_number in text and "IBON-0042" in text and "15" in text
    assert "A123456789" not in text and "A12345****" in text  # the ID masked
    assert "交易電子案號IBON-0042" in text and "付費工具" in text
    payments.confirm_printed(d1, result.receipt_number)
    assert payments.pending_receipts(d1) == []
    assert payments.verify_receipt(d1, result.receipt_number, result.verification_code)
    # online money is not cash: the closing lists it under online, never in the drawer
    report = daily_closing.closing(d1, cases.today(d1))
    assert report.by_method.get("online") == (1, 15) and "cash" not in report.by_method

    with pytest.raises(DomainError) as again:
        issue_online_receipt(d1, number, "IBON-0042")
    assert again.value.code == "receipt.already_issued"
    assert result.receipt_number in again.value.message_zh
    with pytest.raises(DomainError) as unknown:
        issue_online_receipt(d1, number, "IBON-9999")
    assert unknown.value.code == "receipt.online_unknown"

    sync_now(d1)
    assert pending(d1) == 0  # pushed and accepted by the county
    assert ev.ONLINE_RECEIPT_ISSUED in _county_types(sqlite_county)
    sync_now(d2)
    seen = payments.get_receipt(d2, result.receipt_number)
    assert (seen.case_number, seen.amount, seen.method, seen.printed) == (
        number,
        15,
        "online",
        True,
    )
    assert cases.load_case(d2, number).payment(result.payment_id).receipt_number == (
        result.receipt_number
    )
    with pytest.raises(DomainError) as on_d2:
        issue_online_receipt(d2, number, result.payment_id)
    assert on_d2.value.code == "receipt.already_issued"
    with d2.reading() as s:  # the issuing counter's series, on the other counter too
        row = s.get(ReceiptRow, result.receipt_number)
        assert row is not None and (row.device, row.verification) == (
            "01",
            result.verification_code,
        )
