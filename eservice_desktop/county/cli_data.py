"""``eservice-county-server publish|targets|report|registry|settle-import``: the commands
over the county's data (what it publishes to the offices, the targets and reports over every
office, the look-up registry and the treasury's settlement file)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eservice_desktop.county.cli_common import (
    Refused,
    add_command,
    add_key_file,
    check_out_name,
    county_secret,
    db_url,
    input_text,
    open_sessions,
    read_input,
)
from eservice_desktop.county.cli_lang import said
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.text_values import printable_path


def add_parsers(sub: Any) -> None:
    """The data commands' parsers, in the order ``--help`` lists them."""
    pb = add_command(sub, "publish", "將申辦項目目錄、行事曆或憑證廢止清冊發布至每個事務所")
    pb.add_argument(
        "kind",
        choices=["catalogue", "calendar", "crl"],
        help="catalogue：申辦項目目錄（services.json）；calendar：人事行政總處行事曆 CSV；"
        "crl：憑證廢止清冊（CRL／ARL，DER 或 PEM）",
    )
    pb.add_argument("file", help="要發布的檔案")
    pb.add_argument("--year", default="", help="行事曆的年度（西元；預設取自檔名，如 2027.csv）")
    pb.set_defaults(func=cmd_publish)

    tg = add_command(sub, "targets", "各事務所、各課室的每月目標（附件 18）")
    tg.add_argument(
        "targets_command", choices=["set", "list"], help="set：設定一項目標；list：列出目標"
    )
    tg.add_argument("--office", help="事務所代碼，例如 H01")
    tg.add_argument("--department", help="目錄中的課室代碼，例如 household")
    tg.add_argument("--month", help="月份 YYYY-MM")
    tg.add_argument("--metric", choices=["cases", "online"], help="目標項目（set 預設 cases）")
    tg.add_argument("--value", type=int, help="該月的目標（件數）")
    tg.add_argument("--json", action="store_true", help="輸出 JSON")
    tg.set_defaults(func=cmd_targets)

    rp = add_command(sub, "report", "全縣各事務所的主管報表，輸出 JSON（亦可另存網頁）")
    rp.add_argument(
        "kind",
        choices=["on-time", "usage", "savings", "targets"],
        help="報表：準時、使用、節省、目標達成",
    )
    rp.add_argument("--from", dest="start", required=True, help="起日 YYYY-MM-DD")
    rp.add_argument("--to", dest="end", required=True, help="迄日 YYYY-MM-DD")
    rp.add_argument("--html", default="", help="另將報表寫成 HTML 網頁檔")
    rp.set_defaults(func=cmd_report)

    rg = add_command(sub, "registry", "免書證免謄本查詢所用的登錄資料")
    rg.add_argument("registry_command", choices=["import"], help="import：自檔案匯入")
    rg.add_argument("file", help="JSON 檔：[{kind, subject_id, fields}]（docs/lookups.md）")
    rg.add_argument("--json", action="store_true", help="輸出 JSON")
    add_key_file(rg)
    rg.set_defaults(func=cmd_registry)

    si = add_command(sub, "settle-import", "匯入公庫入庫對帳檔（附件 22 CSV）")
    si.add_argument("file", help="CSV 檔（UTF-8 或 Big5），格式見 docs/payments.md")
    si.add_argument("--json", action="store_true", help="輸出 JSON")
    add_key_file(si)
    si.set_defaults(func=cmd_settle_import)


def cmd_publish(args: argparse.Namespace) -> int:
    """Publishes a catalogue (services.json), a DGPA calendar CSV or a CRL/ARL (DER or PEM) to
    every office."""
    from eservice_desktop.county import service
    from eservice_desktop.county.case_facts import county_calendar, redate_facts
    from eservice_desktop.county.store import utcnow

    path = Path(args.file)
    kind = args.kind
    if kind == "catalogue":
        try:
            data = json.loads(input_text(path, 20, "utf-8-sig"))  # Notepad marks it with a BOM
        except (ValueError, RecursionError):  # RecursionError: nested deeper than json goes
            raise Refused("目錄檔不是 JSON", "The catalogue file is not JSON") from None
        _check_catalogue(data)
    elif kind == "crl":
        import base64

        kind = "revocation"
        der = read_input(path, 200)  # as large as an office downloads (devices/crl.py)
        _check_crl(der)
        data = {"kind": "crl", "name": path.name, "der_b64": base64.b64encode(der).decode()}
    else:
        year = args.year or path.stem
        if not year.isdecimal() or not 2000 <= int(year) <= 2099:
            raise Refused("請以 --year 指定年度（西元）", "Give the year with --year (e.g. 2027)")
        text = _calendar_text(path)
        _check_calendar(text, int(year))
        data = {"year": int(year), "csv": text}
    engine, sessions = open_sessions(db_url(args))
    try:
        with sessions() as s, s.begin():
            before = county_calendar(s) if kind == "calendar" else None
            seq = service.publish(s, kind, data, utcnow())
            if before is not None:  # the cases a changed day moves, in the same transaction
                redate_facts(s, before)
    finally:
        engine.dispose()
    print(json.dumps({"seq": seq}))
    return 0


def _check_catalogue(data: Any) -> None:
    """Refuses a catalogue the county and the offices could not use, before it is published:
    both build it as ``Catalogue.from_dict`` over the shipped offices, and JSON that is no
    catalogue was published all the same, then refused by every office (which kept the one it
    had) while the county fell back to the shipped one for its own checks and reports."""
    from eservice_desktop.domain.catalogue import Catalogue
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.storage import resources

    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        Catalogue.from_dict(data, resources.read_json("catalogue", "offices.json"))
    except DomainError as e:
        raise Refused(
            f"目錄檔無法使用：{e.message_zh}", f"The catalogue file cannot be used: {e.message_en}"
        ) from None
    except (KeyError, ValueError, TypeError, AttributeError):
        raise Refused(
            "目錄檔不是申辦項目目錄（services.json 格式）",
            "The catalogue file is no catalogue (the services.json format)",
        ) from None


def _check_crl(data: bytes) -> None:
    """Refuses a file that is no CRL/ARL, read as every office reads it (PEM when it starts
    with ``-----BEGIN``, else DER; ``devices.crl``): any file was published and then refused by
    every office in a log line, the county never told. Its signature is the office's to check,
    against the trust anchors it pins."""
    from cryptography import x509

    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            x509.load_pem_x509_crl(data)
        else:
            x509.load_der_x509_crl(data)
    except ValueError:
        raise Refused(
            "檔案不是憑證廢止清冊（CRL／ARL，DER 或 PEM）",
            "The file is no certificate revocation list (CRL/ARL, DER or PEM)",
        ) from None


def _write_page(path: Path, page: str) -> None:
    """``report --html FILE``, a regular file as the office's exports demand: a named pipe
    held the command until some reader came, a device (/dev/full) was written to, and the
    error a write raises names no file (無法存取 （磁碟空間已滿）)."""
    if path.exists() and not path.is_file():
        shown = printable_path(str(path))
        raise Refused(
            f"{shown} 不是檔案（資料夾、裝置或管道），請指定要寫入的檔案名稱",
            f"{shown} is not a file (a folder, a device or a pipe); give the name of a file",
        )
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as e:
        e.filename = e.filename or str(path)
        raise


def _calendar_text(path: Path) -> str:
    """The calendar file's text, read as the office's ``calendar import`` reads it: UTF-8
    (with or without BOM), else Big5 (cp950, what Excel on a zh-TW Windows saves). UTF-8
    only, the file an office imported was refused here as 「不是 UTF-8 文字」."""
    data = read_input(path, 2)
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    shown = printable_path(str(path))
    raise Refused(
        f"檔案 {shown} 不是 UTF-8 或 Big5 文字", f"{shown} is neither UTF-8 nor Big5 text"
    )


def _check_calendar(text: str, year: int) -> None:
    """Refuses a calendar the offices could not use, before it is published: every office
    parses what it pulls, and one they refuse (a header that is no DGPA header, a bad date, a
    weekday that does not match) was published all the same, then skipped by every office
    without a word to the county; so was a file of another year than ``--year``."""
    from eservice_desktop.domain.calendar import parse_dgpa_csv
    from eservice_desktop.domain.errors import DomainError

    try:
        days = parse_dgpa_csv(text)
    except DomainError as e:
        raise Refused(
            f"行事曆檔無法使用：{e.message_zh}", f"The calendar file cannot be used: {e.message_en}"
        ) from None
    if not days:
        raise Refused("行事曆檔沒有任何日期", "The calendar file lists no day")
    other = sorted({d.year for d in days} - {year})
    if other:
        raise Refused(
            f"行事曆檔含 {other[0]} 年的日期，與年度 {year} 不符",
            f"The calendar file holds days of {other[0]}, not of the year {year}",
        )


def _refuse(error: Any) -> int:
    print(said(error.message_zh, error.message_en), file=sys.stderr)
    return 2


def cmd_targets(args: argparse.Namespace) -> int:
    """``targets set``: one monthly target (appendix 18), published to that office's feed;
    ``targets list``: every target held."""
    from sqlalchemy import select

    from eservice_desktop.county import reports
    from eservice_desktop.county.notify import county_catalogue
    from eservice_desktop.county.store import CountyTargetRow, utcnow
    from eservice_desktop.domain.errors import DomainError

    engine, sessions = open_sessions(db_url(args))
    try:
        with sessions() as s, s.begin():
            if args.targets_command == "set":
                row = {
                    "office": args.office,
                    "department": args.department,
                    "month": args.month,
                    "metric": args.metric or "cases",
                    "value": args.value,
                }
                try:
                    seqs = reports.set_targets(s, county_catalogue(s), [row], utcnow())
                except DomainError as e:
                    return _refuse(e)
                _say_target_set(args, row, seqs)
                return 0
            try:
                chosen = _targets_chosen(args, county_catalogue(s))
            except DomainError as e:
                return _refuse(e)
            rows = s.scalars(
                select(CountyTargetRow)
                .filter_by(**chosen)
                .order_by(CountyTargetRow.office, CountyTargetRow.month, CountyTargetRow.department)
            )
            data = [
                {"office": r.office, "department": r.department, "month": r.month,
                 "metric": r.metric, "value": r.value}
                for r in rows
            ]  # fmt: skip
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for r in data:
            print(f"{r['office']} {r['month']} {r['department']} {r['metric']} {r['value']}")
    return 0


def _say_target_set(args: argparse.Namespace, row: dict[str, Any], seqs: dict[str, int]) -> None:
    """The target set and where it went, in the command's language; it printed
    ``{"published": {"H01": 25}}`` whatever --json said, a feed number county IT had no use
    for, where ``targets list`` answers in words (``--json`` keeps that document)."""
    if args.json:
        print(json.dumps({"published": seqs}))
        return
    target = f"{row['office']} {row['month']} {row['department']} {row['metric']} {row['value']}"
    offices = ", ".join(seqs)
    print(
        said(
            f"已設定目標 {target}；已發布至 {offices}，於下次同步送達",
            f"target set: {target}; published to {offices}, which get it at their next sync",
        )
    )


def _targets_chosen(args: argparse.Namespace, catalogue: Any) -> dict[str, str]:
    """``targets list``'s filters, each checked as ``targets set`` checks it: a mistyped month
    or office listed every target held (the filters were not read), or would list none."""
    from eservice_desktop.domain.supervisor.targets import check_month
    from eservice_desktop.domain.values import check_office

    chosen: dict[str, str] = {}
    if args.office is not None:
        chosen["office"] = catalogue.office(check_office(args.office)).code
    if args.department is not None:
        catalogue.department(args.department)  # DomainError for an unknown department
        chosen["department"] = args.department
    if args.month is not None:
        chosen["month"] = check_month(args.month)
    if args.metric is not None:
        chosen["metric"] = args.metric
    return chosen


def cmd_report(args: argparse.Namespace) -> int:
    """A supervisor report over every office, as JSON (the same as GET /v1/reports/KIND)."""
    from eservice_desktop.county import reports
    from eservice_desktop.county.notify import county_catalogue
    from eservice_desktop.county.store import reading, utcnow
    from eservice_desktop.domain.errors import DomainError

    try:
        start, end = reports.report_day(args.start, "--from"), reports.report_day(args.end, "--to")
    except DomainError as e:
        return _refuse(e)
    if args.html:
        check_out_name(Path(args.html), "--html")
    engine, sessions = open_sessions(db_url(args))
    try:
        with reading(sessions) as s:  # the offices' pushes go on while it counts
            today = utcnow().astimezone(TAIPEI).date()
            try:
                report = reports.compute(s, county_catalogue(s), args.kind, start, end, today=today)
            except DomainError as e:
                return _refuse(e)
    finally:
        engine.dispose()
    if args.html:
        _write_page(Path(args.html), reports.report_html(report))
    print(json.dumps(reports.report_json(report), ensure_ascii=False, indent=2))
    return 0


def cmd_registry(args: argparse.Namespace) -> int:
    """``registry import FILE``: records for document-free look-ups (sealed by the vault)."""
    from eservice_desktop.county import lookups
    from eservice_desktop.county.store import utcnow

    text = input_text(args.file, 200, "utf-8-sig")  # a BOM: Notepad's UTF-8
    records = lookups.read_file(text)
    engine, sessions = open_sessions(db_url(args), county_secret(args))
    try:
        with sessions() as s, s.begin():
            counts = lookups.import_records(s, records, utcnow())
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(counts))
    else:
        added, replaced = counts["added"], counts["replaced"]
        print(
            said(
                f"登錄資料：新增 {added} 筆、更新 {replaced} 筆",
                f"registry: {added} added, {replaced} replaced",
            )
        )
    return 0


def cmd_settle_import(args: argparse.Namespace) -> int:
    from eservice_desktop.county import settlement

    # the settled events are signed into the feed: the county's keys must be unlocked
    engine, sessions = open_sessions(db_url(args), county_secret(args))
    try:
        return settlement.cli_import(sessions, args.file, as_json=args.json)
    finally:
        engine.dispose()
