"""The ``receipts`` row of ``case.online_receipt_issued``: made from the event alone (method
online, the issuing counter's series); a second counter's receipt for the same payment, issued
offline at the same time, is logged and left out (as an online payment recorded twice is)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.services.projections_receipts import ReceiptBook

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
CASE = "c0ffee00-0000-4000-8000-000000000002"


def _issued(device: str, number: str) -> ev.Event:
    return Actor("H01", device, "clerk").event(
        CASE,
        ev.ONLINE_RECEIPT_ISSUED,
        AT,
        {
            "payment_id": "p-web",
            "receipt_number": number,
            "verification": "ABCDEFGHJK",
            "key_id": f"H01{device}-abc123",
            "case_number": "H01-00-115-000002-1",
            "amount": 15,
            "reference": "TXN-1",
            "payment_tool": "信用卡",
            "authorised_at": "2026-03-09T01:00:00+00:00",
        },
    )


def test_the_row_is_made_from_the_event_and_a_second_counters_is_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = _issued("01", "H01-01-115-R000007"), _issued("02", "H01-02-115-R000003")
    book = ReceiptBook(None, [first, second])
    book.take([first, second])
    (row,) = book.new
    assert (row.number, row.office, row.device, row.roc_year, row.seq) == (
        "H01-01-115-R000007",
        "H01",
        "01",
        115,
        7,
    )
    assert (row.method, row.amount, row.reference, row.payment_tool) == (
        "online",
        15,
        "TXN-1",
        "信用卡",
    )
    assert (row.verification, row.key_id, row.tendered, row.change) == (
        "ABCDEFGHJK",
        "H0101-abc123",
        None,
        0,
    )
    assert (row.status, row.print_count, row.case_number) == ("valid", 0, "H01-00-115-000002-1")
    assert "two receipt numbers" in caplog.text
    printed = Actor("H01", "01", "clerk").event(
        CASE, ev.RECEIPT_ISSUED, AT, {"receipt_number": row.number}
    )
    book.take([printed])
    assert row.print_count == 1
