"""``report access --operator ACCOUNT | --case NUMBER | --action ACTION [--from --to] [--json]``:
the access log.

Who viewed, searched, printed or exported which case (個資法 accountability) and who changed
which operator account (``--action account``: every account change), oldest first.
``--from``/``--to`` are ISO 8601 times or days (a day without a time is Taipei midnight; ``--to``
is exclusive). At most ``access.REPORT_LIMIT`` records, the oldest; past it the report says
more follow (``truncated``). Bad input exits 2.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from eservice_desktop.cli.common import add_json, emit, open_from, parse_time, say
from eservice_desktop.domain.rocdate import roc_second
from eservice_desktop.domain.text_values import counted
from eservice_desktop.services import access


def register_report(rs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    a = rs.add_parser(
        "access",
        help="個資存取紀錄（誰檢視、查詢、列印、匯出哪一案；誰異動哪個帳號）",
        parents=[common],
    )
    who = a.add_mutually_exclusive_group()
    who.add_argument("--operator", help="操作員帳號")
    who.add_argument("--case", dest="case_number", help="案號")
    a.add_argument(
        "--action",
        choices=access.ACTIONS,
        help="只列這種動作（account：操作員帳號的異動；signin：登入與登出）",
    )
    a.add_argument("--from", dest="start", help="起始時間（ISO 8601 時間或 YYYY-MM-DD，台北時間）")
    a.add_argument("--to", dest="end", help="截止時間，不含（ISO 8601 時間或 YYYY-MM-DD）")
    add_json(a)
    a.set_defaults(func=cmd_access)


def _when(text: str | None, field: str) -> datetime | None:
    return None if text is None else parse_time(text, field)


def cmd_access(args: argparse.Namespace) -> int:
    start = _when(args.start, "from")
    end = _when(args.end, "to")
    app = open_from(args)
    try:
        records = access.report(
            app,
            operator=(args.operator or "").strip() or None,
            case_number=(args.case_number or "").strip() or None,
            start=start,
            end=end,
            action=args.action,
            limit=access.REPORT_LIMIT + 1,
        )
    finally:
        app.close()
    # More than the limit: the oldest are listed and the line says so (the report used to stop
    # at 10,000 records in silence, its count reading as the whole answer).
    truncated = len(records) > access.REPORT_LIMIT
    records = records[: access.REPORT_LIMIT]
    data = {
        "operator": args.operator,
        "case_number": args.case_number,
        "action": args.action,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "count": len(records),
        "truncated": truncated,
        "by_action": access.summary(records),
        "records": [r.to_json() for r in records],
    }

    def text() -> str:
        lines = []
        for r in records:
            zh, en = access.ACTION_LABELS[r.action]
            when = roc_second(r.at)
            what = r.case_number or r.detail
            extra = f" ({r.detail})" if r.case_number and r.detail else ""
            lines.append(
                f"{when}  {r.office}-{r.device}  {r.operator}  {say(args, zh, en)}  {what}{extra}"
            )
        lines.append(say(args, f"共 {len(records)} 筆", counted(len(records), "record")))
        if truncated:
            last = roc_second(records[-1].at)
            lines.append(
                say(
                    args,
                    f"僅列出最早的 {len(records):,} 筆（至 {last}），其後尚有紀錄："
                    "請以 --from 或 --to 縮小期間",
                    f"Only the first {len(records):,} records are listed (up to {last}); "
                    "more follow: narrow the period with --from or --to",
                )
            )
        return "\n".join(lines)

    emit(args, data, text)
    return 0
