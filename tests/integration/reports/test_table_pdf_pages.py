"""The closing's and the reconciliation's PDFs (``printing/tables.py``) across pages: a
section's title and column heads stay on the page of its first row, and a table that runs
onto another page starts there with its heads again. Read back with PDFium, page by page."""

from __future__ import annotations

from test_report_pdf import pages, squash

from eservice_desktop.printing.tables import Column, Report, Section, render_report

DETAIL = [Column("收據號碼", 40), Column("案號", 50), Column("金額", 20, "right")]
REFUND = [Column("退費收據", 40), Column("退費櫃檯", 30), Column("退費原因", 60)]


def _pages(receipts: int) -> list[str]:
    detail = Section(
        "收據明細",
        DETAIL,
        [[f"H01-01-115-R{n:06d}", f"H01-01-115-{n:06d}-0", "15"] for n in range(receipts)],
    )
    refunds = Section("退費", REFUND, [])  # a day without refunds: its one row says （無）
    report = Report("規費日結表", ["營業日：中華民國 115 年 12 月 31 日"], [detail, refunds])
    return [squash(text) for text in pages(render_report(report))]


def test_a_section_is_never_split_from_its_heads_nor_a_table_from_its_columns() -> None:
    """Whatever the number of receipts before it, the 退費 title, its heads and its （無）
    are on one page (they sat at a page's foot, the （無） alone overleaf), and every page the
    receipts run onto names their columns."""
    split_seen = False
    for receipts in range(40, 75):
        texts = _pages(receipts)
        (page,) = [t for t in texts if "退費退費收據" in t]
        assert "退費收據退費櫃檯退費原因（無）" in page, receipts
        for text in texts[1:]:
            if "H01-01-115-R" in text:
                split_seen = True
                assert "收據號碼案號金額H01-01-115-R" in text, receipts
    assert split_seen  # the receipts did run onto a second page
