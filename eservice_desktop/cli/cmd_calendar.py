"""``calendar import`` and ``deadline``: the working calendar and the legal time limit."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import cast

from eservice_desktop.cli.common import add_json, bounded_int, emit, open_from, parse_time, say
from eservice_desktop.domain import values
from eservice_desktop.domain.deadline import is_provisional
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import ROC_OFFSET, roc_text
from eservice_desktop.services.calendar import compute_deadline, import_calendar


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("calendar", help="政府行政機關辦公日曆表", parents=[common])
    cs = p.add_subparsers(dest="calendar_command", required=True)
    imp = cs.add_parser("import", help="匯入 DGPA 辦公日曆 CSV", parents=[common])
    imp.add_argument("file", type=Path, help="DGPA 公布的辦公日曆 CSV 檔")
    add_json(imp)
    imp.set_defaults(func=cmd_import)

    d = sub.add_parser("deadline", help="計算處理期限", parents=[common])
    d.add_argument("--received", required=True, help="收件時間（ISO 8601）")
    d.add_argument(
        "--working-days",
        type=bounded_int(0, values.WORKING_DAYS_MAX),
        required=True,
        help="處理時限（工作天）",
    )
    d.add_argument(
        "--pause",
        action="append",
        default=[],
        metavar="START/END",
        help="不計入期限的等待期間（ISO 8601 時間區間）",
    )
    add_json(d)
    d.set_defaults(func=cmd_deadline)


def cmd_import(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        result = import_calendar(app, args.file)
    finally:
        app.close()
    years = cast(list[int], result["years"])
    roc = "、".join(str(y - ROC_OFFSET) for y in years)  # the years as the counter writes them
    emit(
        args,
        result,
        say(
            args,
            f"匯入 {result['days']} 天（民國 {roc} 年）",
            f"imported {result['days']} days ({', '.join(str(y) for y in years)})",
        ),
    )
    return 0


def cmd_deadline(args: argparse.Namespace) -> int:
    received = parse_time(args.received, "received")
    pauses = []
    for item in args.pause:
        start, sep, end = item.partition("/")
        if not sep:
            raise DomainError(
                "pause.format", "暫停區間格式須為 START/END", "Use START/END", "pause"
            )
        pauses.append((parse_time(start, "pause"), parse_time(end, "pause")))
    app = open_from(args)
    try:
        due = compute_deadline(app, received, args.working_days, pauses)
        provisional = is_provisional(app.hours.local_date(received), due, app.calendar)
    finally:
        app.close()
    data = {
        "due": due.isoformat() if due else None,
        "provisional": provisional,
        "received": received.isoformat(),
        "working_days": args.working_days,
        "pauses": [[a.isoformat(), b.isoformat()] for a, b in pauses],
        "office": app.settings.office_code,
        "closes": app.hours.closes.isoformat(),
    }
    note = say(
        args,
        "（暫定：該年度尚未匯入辦公日曆）",
        " (provisional: no working calendar imported for that year)",
    )
    shown = roc_text(due.isoformat()) if due else "—"  # 115/12/08; --json keeps ISO
    due_line = say(args, f"到期日 {shown}", f"due {shown}")
    emit(args, data, f"{due_line}{note if provisional else ''}")
    return 0
