"""``eservice-county-server access --case NUMBER | --subject ID | --operator ACCOUNT
[--office CODE] [--from D] [--to D] [--json]``: who at which office viewed, searched, printed
or exported a case, or a citizen's cases, and everything one account did, its sign-ins
included, from the offices' access logs the county keeps (county/access_log.py): what the
county's auditor, asked who looked at a citizen's data and at which counter that operator
was signed in, is told."""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from typing import Any

from eservice_desktop.county.cli_common import Refused, add_command, db_url, open_sessions
from eservice_desktop.county.cli_lang import said
from eservice_desktop.county.cli_lookups import period, subject_of
from eservice_desktop.domain.rocdate import roc_second
from eservice_desktop.domain.text_values import printable

_OFFICE = re.compile(r"[A-Z][0-9]{2}")

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
    which.add_argument(
        "--operator", help="操作員帳號：其所有紀錄，含在哪部設備登入登出（設備已汰換者亦同）"
    )
    ac.add_argument("--office", default=None, help="只列此事務所的紀錄，例如 H01")
    ac.add_argument("--from", dest="start", default="", help="起日 YYYY-MM-DD")
    ac.add_argument("--to", dest="end", default="", help="迄日 YYYY-MM-DD")
    ac.add_argument("--json", action="store_true", help="輸出 JSON")
    ac.set_defaults(func=cmd_access)


def cmd_access(args: argparse.Namespace) -> int:
    from eservice_desktop.county.access_log import LIMIT, account_named, who_accessed
    from eservice_desktop.county.store import reading

    number = _case_number(args.case_number) if args.case_number is not None else None
    subject = subject_of(args.subject) if args.subject is not None else None
    account = _account(args.operator) if args.operator is not None else None
    office = _office(args.office) if args.office is not None else None
    start, end = period(args)
    engine, sessions = open_sessions(db_url(args))
    try:
        with reading(sessions) as s:
            if account is not None and not account_named(s, account, office):
                raise Refused(
                    f"縣府沒有帳號 {account} 的操作員，也沒有其存取紀錄",
                    f"No operator {account} is known to the county, nor named by any record",
                )
            seen = who_accessed(
                s,
                case_number=number,
                subject_id=subject,
                operator=account,
                office=office,
                start=start,
                end=end,
                limit=LIMIT + 1,
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
            f"{at} | {_device(x)} | {printable(x.operator, 64)} | {said(zh, en)}"
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


def _device(x: Any) -> str:
    """The counter, and the one the record was made under when its code was corrected since."""
    if not x.recorded_as:
        return f"{x.office}-{x.device}"
    return said(
        f"{x.office}-{x.device}（記錄時為 {x.recorded_as}）",
        f"{x.office}-{x.device} (recorded as {x.recorded_as})",
    )


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


def _account(typed: str) -> str:
    """``--operator`` as an account is kept (capitals folded); Refused when it is none."""
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.domain.operators import check_account

    try:
        return check_account(typed)
    except DomainError as e:
        raise Refused(f"--operator：{e.message_zh}", f"--operator: {e.message_en}") from None


def _office(typed: str) -> str:
    """``--office`` as an office code is kept (H01, D03); Refused when it is none."""
    code = typed.strip().upper()
    if not _OFFICE.fullmatch(code):
        shown = printable(typed, 20)
        raise Refused(
            f"--office 須為事務所代碼，例如 H01（{shown}）",
            f"--office must be an office code such as H01 ({shown})",
        )
    return code
