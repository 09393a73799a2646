"""The closing's and the reconciliation's PDFs (``printing/tables.py``) keep every character
of every cell: read back with PDFium's text extraction, the way a reader sees them."""

from __future__ import annotations

import uuid
from datetime import date

from test_report_pdf import pages, squash

from eservice_desktop.printing.closing import (
    ClosingReceipt,
    ClosingReport,
    closing_pdf,
)
from eservice_desktop.printing.closing_refunds import ClosingRefund
from eservice_desktop.printing.reconciliation import (
    Reconciliation,
    ReconciliationRow,
    reconciliation_pdf,
)


def _text(pdf: bytes) -> str:
    """Every page's text, with no white space (a wrapped cell reads on as one)."""
    return squash("".join(pages(pdf)))


def test_a_transaction_id_and_a_void_mark_are_printed_whole() -> None:
    """交易電子案號 is what finance matches against the treasury's file: a payment's id (36
    characters) lost its last eleven in the 44 mm column, and a void receipt's number its
    （作廢） mark, the only sign on paper of why its amount is not in the total."""
    payment_id = str(uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF))
    reference = "KIOSK-20260410-" + "7" * 20
    rows = tuple(
        ReconciliationRow(
            case_number="H01-01-115-000042-7",
            transaction_id=tid,
            authorised_at="2026/04/10 10:00:00",
            payment_tool="信用卡",
            deposit_date="",
            amount=15,
            deposited=False,
            settlement_number="",
            receipt_number=f"H01-01-115-R00000{n}",
            void=n == 1,
        )
        for n, tid in enumerate((payment_id, reference), start=1)
    )
    r = Reconciliation("桃園戶政事務所", "全部", date(2026, 4, 1), date(2026, 4, 30), rows)
    text = _text(reconciliation_pdf(r))
    assert payment_id in text and reference in text
    assert "H01-01-115-R000001（作廢）" in text


def test_a_long_void_or_refund_reason_is_printed_whole() -> None:
    reason = "收款金額輸入錯誤，應為三百一十五元，已由同櫃檯重新開立收據並經主管核可"
    refund = "申請人撤回申請，依規費法第十八條退還溢繳規費，主管核可後由本櫃檯以現金退還"
    report = ClosingReport("H01", "桃園戶政事務所", date(2026, 3, 10), "01", "115/03/10 17:30", "t")
    report.receipts.append(
        ClosingReceipt(
            "H01-01-115-R000001",
            "10:00",
            "H01-01-115-000001-3",
            "cash",
            315,
            "void",
            0,
            "clerk-a",
            reason,
            "01",
            "01",
            "H01",
        )
    )
    report.refunds.append(
        ClosingRefund(
            "H01-01-115-R000002",
            "11:00",
            "H01-01-115-000002-1",
            "cash",
            100,
            refund,
            "clerk-a",
            "01",
            "01",
        )
    )
    text = _text(closing_pdf(report))
    assert reason in text and refund in text


def test_a_cell_is_set_smaller_before_it_wraps() -> None:
    from eservice_desktop.printing.fonts import font_chain
    from eservice_desktop.printing.tables import MIN_CELL_SIZE, fit_cell

    chain = font_chain()
    assert fit_cell(chain, "123", 100, 9) == (["123"], 9)
    lines, size = fit_cell(chain, "A" * 30, chain.width("A" * 30, 9) * 0.8, 9)
    assert lines == ["A" * 30] and MIN_CELL_SIZE <= size < 9
    lines, size = fit_cell(chain, "A" * 90, chain.width("A" * 30, 9), 9)
    assert size == MIN_CELL_SIZE and len(lines) == 3 and "".join(lines) == "A" * 90
