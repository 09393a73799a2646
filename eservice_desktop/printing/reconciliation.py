"""The online-payment reconciliation statement (電子付費對帳單, seed appendix 22).

Columns as the finance office checks them every month: number, the online payment's
transaction id (交易電子案號 — not the case number; the treasury's settlement file carries the same
id, docs/payments.md),
authorisation time, payment tool, deposit date, amount due, deposited / not deposited,
settlement number (機關核銷編號) and fee slip number (規費單號, our receipt number).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from eservice_desktop.printing.tables import Column, Report, Section, csv_text, render_report

HEADER = (
    "編號",
    "交易電子案號",
    "授權時間",
    "付費工具",
    "入庫日期",
    "應繳金額",
    "已入庫",
    "未入庫",
    "機關核銷編號",
    "規費單號",
)


@dataclass(frozen=True)
class ReconciliationRow:
    case_number: str
    transaction_id: str  # 交易電子案號: the online payment's id (payment_id)
    authorised_at: str  # YYYY/MM/DD HH:MM:SS, Taipei
    payment_tool: str
    deposit_date: str  # YYYY/MM/DD or ""
    amount: int
    deposited: bool
    settlement_number: str
    receipt_number: str
    void: bool = False


@dataclass(frozen=True)
class Reconciliation:
    office_name: str
    service_name: str  # 案件名稱, or 全部
    start: date
    end: date
    rows: tuple[ReconciliationRow, ...]

    @property
    def deposited_total(self) -> int:
        return sum(r.amount for r in self.rows if r.deposited and not r.void)

    @property
    def outstanding_total(self) -> int:
        return sum(r.amount for r in self.rows if not r.deposited and not r.void)

    def table(self) -> list[list[str]]:
        out = []
        for i, r in enumerate(self.rows, 1):
            out.append(
                [
                    str(i),
                    r.transaction_id,
                    r.authorised_at,
                    r.payment_tool,
                    r.deposit_date,
                    str(r.amount),
                    str(r.amount) if r.deposited else "",
                    "" if r.deposited else str(r.amount),
                    r.settlement_number,
                    r.receipt_number + ("（作廢）" if r.void else ""),
                ]
            )
        return out

    def totals(self) -> list[str]:
        due = sum(r.amount for r in self.rows if not r.void)
        return [
            "合計",
            "",
            "",
            "",
            "",
            str(due),
            str(self.deposited_total),
            str(self.outstanding_total),
            "",
            "",
        ]


def reconciliation_pdf(r: Reconciliation) -> bytes:
    cols = [
        Column(HEADER[0], 12, "right"),
        Column(HEADER[1], 44),
        Column(HEADER[2], 38),
        Column(HEADER[3], 26),
        Column(HEADER[4], 24),
        Column(HEADER[5], 20, "right"),
        Column(HEADER[6], 18, "right"),
        Column(HEADER[7], 18, "right"),
        Column(HEADER[8], 32),
        Column(HEADER[9], 40),
    ]
    report = Report(
        title=f"{r.office_name} 線上申辦電子付費對帳單",
        subtitle_lines=[
            f"案件名稱：{r.service_name}　交易時間：{r.start:%Y/%m/%d} 至 {r.end:%Y/%m/%d}",
        ],
        sections=[Section("對帳明細", cols, r.table(), r.totals())],
        landscape=True,
        signature_line="製表：＿＿＿＿＿＿　核對：＿＿＿＿＿＿　主計：＿＿＿＿＿＿",
    )
    return render_report(report)


def reconciliation_csv(r: Reconciliation) -> bytes:
    """Flat CSV with appendix 22's header row (UTF-8 with BOM for Excel)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    # 機關核銷編號 comes from the treasury's file as it was typed: one starting with = + - @
    # ran as a formula when the statement was opened in Excel (csv_text keeps it text)
    w.writerows([*row[:8], csv_text(row[8]), *row[9:]] for row in r.table())
    w.writerow(r.totals())
    return ("\ufeff" + out.getvalue()).encode("utf-8")
