"""``report closing|reconciliation``: the daily closing and the appendix-22 statement."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from eservice_desktop.cli.common import add_json, emit, lang_of, open_from
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import exports


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="報表：日結、電子付費對帳單", parents=[common])
    rs = p.add_subparsers(dest="report_command", required=True)

    c = rs.add_parser("closing", help="規費日結表（PDF 或 CSV）", parents=[common])
    c.add_argument("--date", required=True, help="YYYY-MM-DD (Taipei day)")
    c.add_argument("--out", required=True, type=Path, help="FILE.pdf or FILE.csv")
    scope = c.add_mutually_exclusive_group()
    scope.add_argument("--counter", help="device number (default: this device)")
    scope.add_argument("--office-wide", action="store_true", help="every counter of the office")
    add_json(c)
    c.set_defaults(func=cmd_closing)

    r = rs.add_parser("reconciliation", help="電子付費對帳單（附件22）", parents=[common])
    r.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    r.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
    r.add_argument("--service", help="service code (default: all)")
    r.add_argument("--out", required=True, type=Path, help="FILE.pdf or FILE.csv")
    add_json(r)
    r.set_defaults(func=cmd_reconciliation)


def _day(text: str, field: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as e:
        raise DomainError("date.format", "日期格式須為 YYYY-MM-DD", "Use YYYY-MM-DD", field) from e
    if not values.EARLIEST.date() <= day < values.LATEST.date():
        raise DomainError(
            "date.range",
            f"日期須在 {values.EARLIEST.year} 到 {values.LATEST.year - 1} 年之間",
            f"The date must be within {values.EARLIEST.year}..{values.LATEST.year - 1}",
            field,
        )
    return day


def cmd_closing(args: argparse.Namespace) -> int:
    from eservice_desktop.services import reports

    day = _day(args.date, "date")
    app = open_from(args)
    try:
        device = None if args.office_wide else (args.counter or "")
        report = reports.write_closing(app, day, args.out, device)
    finally:
        app.close()
    out = exports.written(args.out, personal=True)
    data = {**report.to_json(), **out.to_json()}
    emit(
        args,
        data,
        f"{args.out}: {len(report.receipts)} 張收據，淨額 {report.net} 元，"
        f"應有現金 {report.cash_expected} 元\n{out.notice(lang_of(args))}",
    )
    return 0


def cmd_reconciliation(args: argparse.Namespace) -> int:
    from eservice_desktop.services import reports

    start, end = _day(args.start, "from"), _day(args.end, "to")
    app = open_from(args)
    try:
        r = reports.write_reconciliation(app, start, end, args.out, args.service)
    finally:
        app.close()
    data = {
        **exports.written(args.out, personal=False).to_json(),
        "rows": len(r.rows),
        "deposited": r.deposited_total,
        "outstanding": r.outstanding_total,
    }
    emit(
        args,
        data,
        f"{args.out}: {len(r.rows)} 筆，已入庫 {r.deposited_total}，未入庫 {r.outstanding_total}",
    )
    return 0
