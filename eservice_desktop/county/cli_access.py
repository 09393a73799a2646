"""``eservice-county-server access --case NUMBER | --subject ID [--from D] [--to D] [--json]``:
who at which office viewed, searched, printed or exported a case, or a citizen's cases, from
the offices' access logs the county keeps (county/access_log.py): what the county's auditor,
asked who looked at a citizen's data, is told."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from eservice_desktop.county.cli_common import Refused, add_command, db_url, open_sessions
from eservice_desktop.county.cli_lang import said
from eservice_desktop.county.cli_lookups import period, subject_of
from eservice_desktop.domain.rocdate import roc_second
from eservice_desktop.domain.text_values import printable

#: An access record's action in words (the office's ``report access`` words).
_ACTIONS = {
    "view": ("檢視", "viewed"),
    "search": ("查詢", "searched"),
    "print": ("列印", "printed"),
    "export": ("匯出", "exported"),
    "account": ("帳號異動", "account changed"),
    "signin": ("登入登出", "sign-in/out"),
}


def add_parser(sub: Any) -> None:
    ac = add_command(
        sub, "access", "誰在哪個事務所檢視、查詢、列印或匯出過某案或某人的案件（各所的存取紀錄）"
    )
    which = ac.add_mutually_exclusive_group(required=True)
    which.add_argument("--case", dest="case_number", help="案號")
    which.add_argument("--subject", help="身分證統一編號或統一編號")
    ac.add_argument("--from", dest="start", default="", help="起日 YYYY-MM-DD")
    ac.add_argument("--to", dest="end", default="", help="迄日 YYYY-MM-DD")
    ac.add_argument("--json", action="store_true", help="輸出 JSON")
    ac.set_defaults(func=cmd_access)


def cmd_access(args: argparse.Namespace) -> int:
    from eservice_desktop.county.access_log import LIMIT, who_accessed
    from eservice_desktop.county.store import reading

    number = _case_number(args.case_number) if args.case_number is not None else None
    subject = subject_of(args.subject) if args.subject is not None else None
    start, end = period(args)
    engine, sessions = open_sessions(db_url(args))
    try:
        with reading(sessions) as s:
            seen = who_accessed(
                s, case_number=number, subject_id=subject, start=start, end=end, limit=LIMIT + 1
            )
    finally:
        engine.dispose()
    truncated, seen = len(seen) > LIMIT, seen[:LIMIT]
    if args.json:
        records = [x.to_json() for x in seen]
        print(json.dumps({"count": len(seen), "truncated": truncated, "records": records}))
        return 0
    if not seen:
        print(said("查無存取紀錄", "No access record"))
        return 0
    print(
        said(
            "時間 | 設備 | 操作員 | 動作 | 案件 | 內容",
            "time | device | operator | action | case | detail",
        )
    )
    for x in seen:
        zh, en = _ACTIONS.get(x.action, (x.action, x.action))
        at = roc_second(datetime.fromisoformat(x.at))
        print(
            f"{at} | {x.office}-{x.device} | {printable(x.operator, 64)} | {said(zh, en)}"
            f" | {printable(x.case_number, 24) or '—'} | {printable(x.detail, 200)}"
        )
    if truncated:
        print(
            said(
                f"（僅列出最早的 {LIMIT:,} 筆，之後還有：請以 --from／--to 縮小期間）",
                f"(the first {LIMIT:,} records only, more follow: narrow the period with "
                "--from/--to)",
            )
        )
    return 0


def _case_number(typed: str) -> str:
    """``--case`` as ``case show`` takes it (dashes optional, any case, full width)."""
    from eservice_desktop.domain.case_number import parse_case_number
    from eservice_desktop.domain.errors import DomainError

    try:
        return str(parse_case_number(typed))
    except DomainError:
        shown = printable(typed, 40)
        raise Refused(
            f"--case 不是案號（{shown}）", f"--case is not a case number ({shown})"
        ) from None
