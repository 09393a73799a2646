"""``eservice-county-server lookups --subject ID [--from D] [--to D] [--json]``: who read a
citizen's (or a company's) record by document-free look-up, when, from which office, device
and case, and what the county answered (county/lookup_log.py): what a citizen asking who
read their data, or an auditor, is told. It needs the county's secret, as ``keys rotate``
does: the log names whose record by a key of that secret, never by the ID."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from eservice_desktop.county.cli_common import (
    Refused,
    add_command,
    add_key_file,
    county_secret,
    db_url,
    open_sessions,
)
from eservice_desktop.county.cli_lang import said
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.domain.text_values import printable

_SUBJECT = re.compile(r"[0-9A-Za-z]{8,10}")

#: A refusal's code in words (any other is shown as its code).
_OUTCOMES = {
    "answered": ("已答覆", "answered"),
    "lookup.not_found": ("查無資料", "no record"),
    "lookup.no_consent": ("未經同意", "no consent"),
    "lookup.other_office": ("非該所案件", "another office's case"),
    "lookup.case_number": ("案號格式錯誤", "malformed case number"),
    "lookup.kind": ("非該項目可查", "not looked up by the service"),
    "lookup.service": ("非該項目可查", "not looked up by the service"),
}


def add_parser(sub: Any) -> None:
    lk = add_command(sub, "lookups", "誰以免書證查詢讀取過某人的資料（何時、何所、何案、結果）")
    lk.add_argument("--subject", required=True, help="身分證統一編號或統一編號")
    lk.add_argument("--from", dest="start", default="", help="起日 YYYY-MM-DD")
    lk.add_argument("--to", dest="end", default="", help="迄日 YYYY-MM-DD")
    lk.add_argument("--json", action="store_true", help="輸出 JSON")
    add_key_file(lk)  # the log is keyed by the county's secret (county/lookup_log.py)
    lk.set_defaults(func=cmd_lookups)


def cmd_lookups(args: argparse.Namespace) -> int:
    from eservice_desktop.county.lookup_log import who_read
    from eservice_desktop.county.store import reading

    subject = subject_of(args.subject)
    start, end = period(args)
    engine, sessions = open_sessions(db_url(args), county_secret(args))
    try:
        with reading(sessions) as s:
            seen = who_read(s, subject, start, end)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({"lookups": [x.to_json() for x in seen]}))
        return 0
    if not seen:
        print(said("查無此人的查詢紀錄", "No look-up of this person's records"))
        return 0
    print(said("時間 | 設備 | 案件 | 項目 | 結果", "time | device | case | kind | outcome"))
    for x in seen:
        zh, en = _OUTCOMES.get(x.outcome, (x.outcome, x.outcome))
        at = roc_minute(datetime.fromisoformat(x.at))
        number = printable(x.case_number, 24)  # an older build kept the device's text as sent
        print(f"{at} | {x.office}-{x.device} | {number} | {x.kind} | {said(zh, en)}")
    return 0


def subject_of(typed: str) -> str:
    """``--subject`` as the registry and the cases keep it (capitals, no spaces); Refused
    when it is no ID or business number."""
    subject = typed.strip().upper()
    if not _SUBJECT.fullmatch(subject):
        raise Refused(
            "--subject 須為 8 至 10 碼的身分證統一編號或統一編號",
            "--subject must be an ID or business number of 8 to 10 letters and digits",
        )
    return subject


def period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    """``--from``/``--to``, Taipei days both included, as the first moment in and the first
    moment past (None: unbounded); Refused when a day does not exist or ends before it
    begins."""
    from eservice_desktop.county.reports import report_day

    first = report_day(args.start, "--from") if args.start else date.min
    last = report_day(args.end, "--to") if args.end else date.max
    if last < first:
        raise Refused(
            f"--to（{last.isoformat()}）早於 --from（{first.isoformat()}）",
            f"--to ({last.isoformat()}) is before --from ({first.isoformat()})",
        )
    start = _midnight(first) if args.start else None
    end = _midnight(last + timedelta(days=1)) if last < date.max else None
    return start, end


def _midnight(day: date) -> datetime:
    """A Taipei day's first moment."""
    return datetime.combine(day, time(0), TAIPEI)
