"""CSV and XLSX exports of a supervisor report (``domain.report_model.Report``).

CSV is UTF-8 with a byte-order mark so that Excel on a Traditional Chinese Windows opens it
without mojibake; a report with several tables writes them one after another, each under its
title, separated by an empty line. XLSX (openpyxl) gives each table its own sheet, numbers as
numbers, plus a first sheet with the period, the office and the totals. The PDF is
``printing.report_pdf``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from eservice_desktop.domain.report_model import Cell, Report, shown_totals

#: A total's words, as the tables head their columns (``--json`` keeps the keys): the summary
#: read 「合計 online_share_pct」, 「合計 ntd」, the program's names for them.
TOTAL_LABELS: dict[str, str] = {
    "received": "收件 Received",
    "finished": "辦結 Finished",
    "on_time": "依限辦結 On time",
    "late": "逾限辦結 Late",
    "rate_pct": "依限辦結率% Rate",
    "open": "未結 Open",
    "overdue": "逾期未結 Overdue",
    "cases": "案件量 Cases",
    "counter": "臨櫃 Counter",
    "web": "網路 Web",
    "kiosk": "超商 Kiosk",
    "online": "線上 Online",
    "online_share_pct": "線上比率% Online share",
    "ntd": "節省金額(元) NTD",
    "minutes": "節省時間(分) Minutes",
    "hours": "節省時間(時) Hours",
    "days": "節省時間(日) Days",
    "sheets": "節省紙張 Sheets",
    "departments": "單位數 Departments",
    "target": "目標值（收件與線上相加） Target (cases and online added)",
    "actual": "實績（收件與線上相加） Actual (cases and online added)",
    "review_months": "需檢討月次 Months to review",
    "cases_target": "收件目標值 Cases target",
    "cases_actual": "收件實績 Cases actual",
    "online_target": "線上目標值 Online target",
    "online_actual": "線上實績 Online actual",
}


def _meta_rows(report: Report) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        ["報表 Report", report.title],
        ["期間 Period", f"{report.period_from.isoformat()} ~ {report.period_to.isoformat()}"],
        ["機關 Office", report.office],
    ]
    rows.extend(
        [
            [f"合計 {TOTAL_LABELS.get(key, key)}", value]
            for key, value in shown_totals(report).items()
        ]
    )
    return rows


def report_csv_text(report: Report) -> str:
    """The CSV text (without the BOM): the header block, then every table under its title."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in _meta_rows(report):
        w.writerow(["" if c is None else c for c in row])
    for table in report.tables:
        w.writerow([])
        w.writerow([table.title])
        w.writerow(table.columns)
        for cells in table.rows:
            w.writerow(["" if c is None else c for c in cells])
    return buf.getvalue()


_SHEET_BAD = re.compile(r"[\[\]\*\?/\\:]")


def _sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []*?/\\:, unique in the workbook."""
    base = _SHEET_BAD.sub("_", title).strip("'") or "Sheet"
    name = base[:31]
    n = 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def write_report_xlsx(report: Report, path: Path | io.BytesIO) -> Path | io.BytesIO:
    """Write the report as an XLSX workbook: a summary sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    assert summary is not None
    summary.title = _sheet_title("摘要 Summary", taken)
    for row in _meta_rows(report):
        summary.append(row)
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 40
    bold = Font(bold=True)
    for table in report.tables:
        ws = wb.create_sheet(_sheet_title(table.title, taken))
        ws.append(list(table.columns))
        for cell in ws[1]:
            cell.font = bold
        for cells in table.rows:
            ws.append(list(cells))
        for i, name in enumerate(table.columns, start=1):
            longest = max([len(str(name))] + [len(str(r[i - 1] or "")) for r in table.rows])
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(
                60, max(8, longest * 2)
            )
        ws.freeze_panes = "A2"
    wb.save(path)
    return path
