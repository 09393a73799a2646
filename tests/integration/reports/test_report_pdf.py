"""The supervisor report's PDF (``printing/report_pdf.py``): written, then read back with
PDFium's text extraction, the way a reader sees it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdfium2

from eservice_desktop.domain.report_model import ChartSpec, Report, ReportTable
from eservice_desktop.printing.charts import chart_svg
from eservice_desktop.printing.report_pdf import ReportHeading, write_report_pdf
from eservice_desktop.services.core import App

COLUMNS = ("服務", "課別", "收件", "結案", "如期結案", "準時率(%)", "承辦人")
RATE = ChartSpec(
    "line", "準時結案率", ("2026-01", "2026-02", "2026-03"), (("戶籍課", (95.0, 92.5, 97.1)),), "%"
)
OVERDUE = ChartSpec(
    "bar", "逾期案件（依課別）", ("戶籍課", "地籍課"), (("逾期", (3.0, 0.0)),), "件"
)


def pages(pdf: Path | bytes) -> list[str]:
    """Each page's text, read back by pdfium (a file, or the document's bytes)."""
    doc = pypdfium2.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def report(rows: int, overdue: tuple[tuple[str, str, str], ...] = ()) -> Report:
    body = tuple(
        (f"服務{i:03d}", "戶籍課", i * 3, i * 2, i, 50.0 if i else None, "王小明")
        for i in range(rows)
    )
    return Report(
        "on-time",
        "準時結案報表",
        date(2026, 1, 1),
        date(2026, 3, 31),
        "H01",
        (
            ReportTable("各服務準時結案", COLUMNS, body),
            ReportTable("逾期案件", ("案號", "承辦人", "持有自"), overdue),
        ),
        (RATE, OVERDUE),
        {"rate_pct": 50.0},
    )


def test_heading_names_the_report_the_office_and_the_roc_period(tmp_path: Path) -> None:
    path = write_report_pdf(
        report(3),
        tmp_path / "on-time.pdf",
        ReportHeading("臺北市中正區戶政事務所", "115/04/01 09:30"),
    )
    first = squash(pages(path)[0])
    assert first.startswith("準時結案報表")
    assert "機關：臺北市中正區戶政事務所（H01）" in first
    assert "期間：民國115年1月1日至民國115年3月31日" in first
    assert "列印時間：115/04/0109:30" in first
    assert not list(tmp_path.glob("*.part"))


def test_each_chart_comes_before_its_table_with_the_same_labels_as_on_screen(
    tmp_path: Path,
) -> None:
    text = squash("".join(pages(write_report_pdf(report(3), tmp_path / "r.pdf"))))
    at = {
        key: text.index(squash(key))
        for key in ("準時結案率（單位：%）", "各服務準時結案", "逾期案件（依課別）（單位：件）")
    }
    assert at["準時結案率（單位：%）"] < at["各服務準時結案"] < at["逾期案件（依課別）（單位：件）"]
    assert text.index("逾期案件（依課別）") < text.rindex("案號承辦人持有自")
    # every text of the on-screen SVG is in the PDF: one Drawing, two faces
    import xml.etree.ElementTree as ET

    for spec in (RATE, OVERDUE):
        svg_texts = [
            t.text or ""
            for t in ET.fromstring(chart_svg(spec).encode()).iter(
                "{http://www.w3.org/2000/svg}text"
            )
        ]
        assert svg_texts
        for t in svg_texts:
            assert squash(t) in text, t


def test_a_long_table_runs_over_pages_with_its_header_on_each(tmp_path: Path) -> None:
    texts = pages(write_report_pdf(report(120), tmp_path / "long.pdf"))
    assert len(texts) >= 3
    header = squash("".join(COLUMNS))
    with_rows = [squash(t) for t in texts if "服務0" in t]
    assert len(with_rows) >= 2
    for t in with_rows:
        assert header in t  # repeated on every page the table runs over
    joined = "".join(squash(t) for t in texts)
    positions = [joined.index(f"服務{i:03d}戶籍課") for i in range(120)]
    assert positions == sorted(positions)  # every row, in order
    assert "服務119戶籍課357238119" in joined  # thousands and figures as in the table
    assert "第3頁" in squash(texts[2])


def test_rare_names_and_an_empty_table(tmp_path: Path) -> None:
    # 𫝀 U+2B740 (Ext-D) is in BabelStone Han only: the cell falls back to it and reads back.
    overdue = (("H01-01-115-000007-3", "林\U0002b740", "115/03/02"),)
    text = squash("".join(pages(write_report_pdf(report(0, overdue), tmp_path / "rare.pdf"))))
    assert "H01-01-115-000007-3林\U0002b740115/03/02" in text
    # the empty table says so in both languages, as the charts do
    head = "各服務準時結案服務課別收件結案如期結案準時率(%)承辦人"
    assert f"{head}（本期無資料）Nodataforthisperiod" in text


def test_the_export_goes_by_suffix_and_keeps_a_report_naming_people_private(
    app: App, tmp_path: Path
) -> None:
    import pytest

    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services.report_views import export_report

    out = tmp_path / "out"
    for suffix in ("pdf", "csv", "xlsx"):
        written = export_report(app, report(2), out / f"r.{suffix}")
        assert written.path.read_bytes()[:4] in {b"%PDF", b"\xef\xbb\xbf\xe5", b"PK\x03\x04"}
        # the on-time report names the clerk holding each overdue case: owner-only
        assert (
            written.personal_data and written.mode == 0o600 == written.path.stat().st_mode & 0o777
        )
    usage = replace(report(2), kind="usage")
    written = export_report(app, usage, out / "usage.csv")
    assert not written.personal_data and written.mode & 0o044  # others may read it
    with pytest.raises(DomainError) as refused:
        export_report(app, report(2), app.settings.data_dir / "r.pdf")
    assert refused.value.code == "export.in_data_dir"
    assert not (app.settings.data_dir / "r.pdf").exists()
    with pytest.raises(DomainError) as refused:
        export_report(app, report(2), out / "r.txt")
    assert refused.value.message("zh_TW") == "報表檔案須為 .csv、.xlsx 或 .pdf"
    assert not (out / "r.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == ["r.csv", "r.pdf", "r.xlsx", "usage.csv"]


def test_words_figures_and_codes_never_break_and_a_wide_table_is_set_smaller(
    tmp_path: Path,
) -> None:
    from eservice_desktop.printing.report_pdf import (
        BODY_SIZE,
        MIN_SIZE,
        column_widths,
        report_chain,
    )

    columns = (
        "單位 Department",
        "代碼 Code",
        "項目 Service",
        *(f"收件 Received{i}" for i in range(6)),
    )
    rows = (
        ("教育處", "ED-CRAM-SCHOOL-REGISTER", "短期補習班立案申請", *range(1_000_000, 1_000_006)),
    )
    table = ReportTable("各項目", columns, rows)
    texts = [[str(c) if isinstance(c, str) else f"{c:,}" for c in r] for r in rows]
    widths, size = column_widths(table, texts, 515)
    assert abs(sum(widths) - 515) < 0.01 and size == BODY_SIZE
    chain = report_chain()
    for word, col in (("ED-CRAM-SCHOOL-REGISTER", 1), ("Received0", 3), ("1,000,000", 3)):
        assert chain.width(word, size) < widths[col], word
    wide = ReportTable("寬", tuple(f"Column{i:02d}" for i in range(14)), ())
    widths, size = column_widths(wide, [], 515)
    assert abs(sum(widths) - 515) < 0.01 and MIN_SIZE <= size < BODY_SIZE
    r = Report("usage", "使用量", date(2026, 3, 1), date(2026, 3, 31), "H01", (table, wide))
    text = "".join(pages(write_report_pdf(r, tmp_path / "wide.pdf")))
    assert "ED-CRAM-SCHOOL-REGISTER" in text and "1,000,005" in text
    assert all(f"Column{i:02d}" in text for i in range(14))


def test_days_and_times_in_tables_print_in_taipei_with_roc_years(tmp_path: Path) -> None:
    """The overdue list's due day and holder's time (ISO in the JSON, CSV and XLSX) print as
    the counter shows dates: Taipei, ROC year. 16:30 UTC on 31 December 2026 is 00:30 on
    1 January 2027 in Taipei: ROC 116."""
    overdue = (
        ("H01-01-115-000001-3", "2026-12-31", "2026-12-31T16:30+00:00"),
        ("H01-01-115-000002-1", "2026-12-30", "2026-12-31T23:59+08:00"),
    )
    path = write_report_pdf(report(1, overdue), tmp_path / "on-time.pdf")
    text = squash("".join(pages(path)))
    assert "H01-01-115-000001-3" in text
    for roc in ("115/12/31", "116/01/0100:30", "115/12/30", "115/12/3123:59"):
        assert roc in text, roc
    assert not re.search(r"20(26|27)-", text)
