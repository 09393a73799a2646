"""``report closing|reconciliation``: the daily closing and the appendix-22 statement;
``report on-time|usage|savings|targets``: the supervisor's reports (issue 16);
``report access``: the access log (cli/cmd_access.py)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from eservice_desktop.cli.common import add_json, emit, lang_of, one_line, open_from, say
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.report_model import Cell, check_report_day, day_hint, shown_totals
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.domain.text_values import (
    counted,
    printable_path,
    typed_date,
)
from eservice_desktop.services import exports


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="報表：日結、電子付費對帳單", parents=[common])
    rs = p.add_subparsers(dest="report_command", required=True)

    c = rs.add_parser("closing", help="規費日結表（PDF 或 CSV）", parents=[common])
    c.add_argument("--date", required=True, help="YYYY-MM-DD（台北日期）")
    c.add_argument("--out", required=True, type=Path, help="FILE.pdf 或 FILE.csv")
    scope = c.add_mutually_exclusive_group()
    scope.add_argument("--counter", help="設備編號（預設：本機）")
    scope.add_argument("--office-wide", action="store_true", help="本所所有櫃檯")
    add_json(c)
    c.set_defaults(func=cmd_closing)

    r = rs.add_parser("reconciliation", help="電子付費對帳單（附件22）", parents=[common])
    r.add_argument("--from", dest="start", required=True, help="起日 YYYY-MM-DD")
    r.add_argument("--to", dest="end", required=True, help="迄日 YYYY-MM-DD")
    r.add_argument("--service", help="申辦項目代碼（預設：全部）")
    r.add_argument("--out", required=True, type=Path, help="FILE.pdf 或 FILE.csv")
    add_json(r)
    r.set_defaults(func=cmd_reconciliation)

    helps = {
        "on-time": "依限辦結：各單位、各項目的辦結與逾期（附件11）",
        "usage": "使用情形：各項目、各管道、每月、線上比率（附件3）",
        "savings": "免書證節省效益：金額、時間、紙張（附件4、6、10）",
        "targets": "每月目標值與達成評分（附件18）",
    }
    for kind, text in helps.items():
        k = rs.add_parser(kind, help=text, parents=[common])
        k.add_argument("--from", dest="start", required=True, help="起日 YYYY-MM-DD（台北日期）")
        k.add_argument("--to", dest="end", required=True, help="迄日 YYYY-MM-DD（含當日）")
        k.add_argument("--csv", type=Path, metavar="FILE", help="輸出 CSV（UTF-8，含 BOM）")
        k.add_argument("--xlsx", type=Path, metavar="FILE", help="輸出 Excel 活頁簿")
        k.add_argument("--pdf", type=Path, metavar="FILE", help="輸出含圖表的 PDF")
        add_json(k)
        k.set_defaults(func=cmd_supervisor, report_kind=kind)

    from eservice_desktop.cli.cmd_access import register_report

    register_report(rs, common)


def _day(text: str, field: str) -> date:
    typed = typed_date(text)  # a space or a zero-width space pasted along, full-width digits
    try:
        day = date.fromisoformat(typed)
    except ValueError as e:
        # The option and what it got are named (a period has two dates), and a day written
        # with the ROC year, as every print shows it, is told its Western form.
        got = values.printable(text, 40)
        hint_zh, hint_en = day_hint(typed)  # 2026-02-29: no such day; 115/03/01: 2026-03-01
        zh = f"--{field} 的日期須為西元年 YYYY-MM-DD（收到「{got}」）{hint_zh}"
        en = f"--{field} must be a date YYYY-MM-DD (got '{got}'){hint_en}"
        raise DomainError("date.format", zh, en, field) from e
    check_report_day(day, (f"--{field}", f"--{field}"), field, typed)
    return day


def cmd_closing(args: argparse.Namespace) -> int:
    from eservice_desktop.services import daily_closing

    day = _day(args.date, "date")
    app = open_from(args)
    try:
        device = None if args.office_wide else (args.counter or "")
        report = daily_closing.write_closing(app, day, args.out, device)
    finally:
        app.close()
    out = exports.written(args.out, personal=True)
    data = {**report.to_json(), **out.to_json()}
    warnings: list[str] = []
    if report.backup_failed:  # the closing stands; the backup it takes is IT's to see to
        zh, en = report.backup_failed
        warnings.append("backup.failed")
        print(
            say(
                args,
                f"警告（backup.failed）：日結表已寫入，但今日備份未完成（{zh}）；"
                "請資訊人員檢查備份位置後執行 backup now",
                f"warning (backup.failed): the closing is written, but the day's backup was "
                f"not taken ({en}); IT should check the backup location and run `backup now`",
            ),
            file=sys.stderr,
        )
    if unprinted := report.unprinted:  # paid, and the citizen was handed no receipt yet
        warnings.append("receipts.unprinted")
        shown = ", ".join(unprinted[:5]) + ("…" if len(unprinted) > 5 else "")
        print(
            say(
                args,
                f"警告（receipts.unprinted）：{len(unprinted)} 張已收費的收據尚未列印（{shown}）；"
                "請在規費收費頁按 F10 列印",
                f"warning (receipts.unprinted): {counted(len(unprinted), 'paid receipt')} not "
                f"printed yet ({shown}); print {_them(unprinted)} with F10 on the fees page",
            ),
            file=sys.stderr,
        )
    if report.earlier is not None and report.earlier.changed:  # the paper handed in is off
        warnings.append("closing.changed")
        shown = report.earlier.shown_at
        print(
            say(
                args,
                f"警告（closing.changed）：本日日結表前次於 {shown} 產出，其後有收費、作廢、退費或"
                "更正收費方式；請以這次的日結表替換前次繳交者",
                f"warning (closing.changed): the day's closing was taken before at {shown} and "
                "money moved since (payments, voids, refunds or corrected methods); replace the "
                "one handed in with this one",
            ),
            file=sys.stderr,
        )
    if report.behind:  # another counter's day may not be here yet (or never will be)
        warnings += _warn_behind(args, report.behind)
    if warnings:
        data["warnings"] = warnings
    emit(args, data, _closing_text(args, report) + out.notice(lang_of(args)))
    return 0


def _warn_behind(args: argparse.Namespace, counters: Any) -> list[str]:
    """Counters whose receipts may be missing (``printing.closing_behind.CounterBehind``); a
    revoked one's are missing for good (``closing.counters_revoked``, after the others). The
    warnings' codes."""
    behind = [c for c in counters if c.revoked_at is None]
    if not behind:
        return _warn_revoked(args, counters)
    zh = "；".join(c.shown() for c in behind)
    en = "; ".join(c.shown_en() for c in behind)
    print(
        say(
            args,
            f"警告（closing.counters_behind）：{zh}：其後收費可能未列入本表；"
            "請待該櫃檯同步後重新產出日結表",
            f"warning (closing.counters_behind): {en}: its receipts since may be missing from "
            "this closing; take it again once that counter has synced",
        ),
        file=sys.stderr,
    )
    return ["closing.counters_behind", *_warn_revoked(args, counters)]


def _warn_revoked(args: argparse.Namespace, counters: Any) -> list[str]:
    revoked = [c for c in counters if c.revoked_at is not None]
    if not revoked:
        return []
    print(
        say(
            args,
            f"警告（closing.counters_revoked）：{'；'.join(c.shown() for c in revoked)}："
            "其後開立的收據不會送達，未列入本表；請以該櫃檯的收據存根聯與現金核對",
            f"warning (closing.counters_revoked): {'; '.join(c.shown_en() for c in revoked)}: "
            "its receipts since will never arrive and are missing from this closing; check "
            "them against that counter's receipt stubs and cash",
        ),
        file=sys.stderr,
    )
    return ["closing.counters_revoked"]


def _them(things: list[str]) -> str:
    return "it" if len(things) == 1 else "them"


def _closing_text(args: argparse.Namespace, report: Any) -> str:
    """The closing's figures (``daily_closing.closing``'s report) in the user's language: one
    line, and one of the payment methods."""
    n, net, cash = len(report.receipts), report.net, report.cash_expected
    shown = one_line(str(args.out))  # a line break or escape in the name, escaped
    if lang_of(args).startswith("en"):
        methods = "; ".join(
            f"{m.method}: received {m.gross}, refunded {m.refunded}, voided out "
            f"{m.voided_out}, net {m.net}"
            for m in report.methods
        )
        head = f"{shown}: {counted(n, 'receipt')}, net NT${net}, cash expected NT${cash}\n"
        return head + (f"By method: {methods}\n" if methods else "")
    methods = "；".join(
        f"{m.label} 實收 {m.gross}、退費 {m.refunded}、作廢退還 {m.voided_out}、淨額 {m.net}"
        for m in report.methods
    )
    head = f"{shown}: {n} 張收據，淨額 {net} 元，應有現金 {cash} 元\n"
    return head + (f"繳費方式：{methods}\n" if methods else "")


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
    shown = one_line(str(args.out))
    emit(
        args,
        data,
        say(
            args,
            f"{shown}: {len(r.rows)} 筆，已入庫 {r.deposited_total}，未入庫 {r.outstanding_total}",
            f"{shown}: {len(r.rows)} rows, deposited {r.deposited_total}, "
            f"outstanding {r.outstanding_total}",
        ),
    )
    return 0


def _period(args: argparse.Namespace) -> tuple[date, date]:
    from eservice_desktop.domain.report_model import check_period

    start, end = _day(args.start, "from"), _day(args.end, "to")
    check_period(start, end)
    return start, end


def _summary(args: argparse.Namespace, kind: str, total: dict[str, Cell]) -> str:
    """The report's totals in one line, in the user's language (the report itself, its title
    and its files, are the office's Chinese documents); a rate over nothing is left out, as
    the tables leave it empty (``shown_totals``)."""
    t = total
    if kind == "on-time":
        zh, en = _pct(t["rate_pct"])
        return say(
            args,
            f"收件 {t['received']}，辦結 {t['finished']}，依限 {t['on_time']}{zh}"
            f"，逾期未結 {t['overdue']}",
            f"received {t['received']}, finished {t['finished']}, on time {t['on_time']}{en}"
            f", overdue and open {t['overdue']}",
        )
    if kind == "usage":
        zh, en = _pct(t["online_share_pct"])
        return say(
            args,
            f"{t['cases']} 件，線上 {t['online']}{zh}",
            f"{counted(int(t['cases'] or 0), 'case')}, online {t['online']}{en}",
        )
    if kind == "savings":
        return say(
            args,
            f"{t['cases']} 件，節省 {t['ntd']} 元、{t['minutes']} 分鐘"
            f"（{t['hours']} 小時，{t['days']} 日）、{t['sheets']} 張",
            f"{counted(int(t['cases'] or 0), 'case')}, saved NT${t['ntd']}, {t['minutes']} minutes "
            f"({t['hours']} h, {t['days']} days), {t['sheets']} sheets",
        )
    return _targets_summary(args, t)


def _pct(rate: Cell) -> tuple[str, str]:
    """A rate after its count, Chinese and English; nothing for a rate over nothing."""
    return ("", "") if rate is None else (f"（{rate}%）", f" ({rate}%)")


def _targets_summary(args: argparse.Namespace, t: dict[str, Any]) -> str:
    """Each metric's target and actual on its own: the line added cases and online cases up
    ("2 departments, target 420, actual 385" for one department's two metrics)."""
    names = {"cases": ("收件", "cases"), "online": ("線上", "online")}
    zh, en = [], []
    for metric, (name_zh, name_en) in names.items():
        if f"{metric}_target" in t:
            target, actual = t[f"{metric}_target"], t[f"{metric}_actual"]
            zh.append(f"{name_zh}目標 {target}，實績 {actual}")
            en.append(f"{name_en}: target {target}, actual {actual}")
    if not zh:
        zh, en = ["本期無目標"], ["no targets in the period"]
    zh.append(f"需檢討 {t['review_months']} 個月次")
    en.append(f"{t['review_months']} month(s) to review")
    return say(args, "；".join(zh), "; ".join(en))


def _distinct(targets: list[tuple[str, Path]]) -> None:
    """Refuses two formats aimed at one file: the second replaced the first, and both were
    reported written (``CSV: out.csv`` and ``XLSX: out.csv``)."""
    seen: dict[Path, str] = {}
    for key, path in targets:
        if (first := seen.setdefault(path.resolve(), key)) != key:
            where = printable_path(str(path))
            raise DomainError(
                "export.same_file",
                f"--{first} 與 --{key} 指定了同一個檔案 {where}；請為每種格式指定不同的檔案",
                f"--{first} and --{key} name the same file {where}; give each format its own",
                key,
            )


def cmd_supervisor(args: argparse.Namespace) -> int:
    from eservice_desktop.domain.report_model import report_to_json
    from eservice_desktop.services import report_views, supervisor_reports

    start, end = _period(args)
    targets = [(key, path) for key in ("csv", "xlsx", "pdf") if (path := getattr(args, key))]
    _distinct(targets)
    app = open_from(args)
    files: dict[str, str] = {}
    notices: list[str] = []
    try:
        # Every file is checked before any is written: a refused --pdf used to leave the --csv
        # written before it (the on-time report's clerks, 0600) and unannounced.
        personal = args.report_kind in report_views.PERSONAL_KINDS
        for _key, path in targets:
            exports.check_target(app.settings, path, personal)
        report = supervisor_reports.compute(app, args.report_kind, start, end)
        for key, path in targets:
            written = report_views.export_report(app, report, path, key)
            files[key] = str(path)
            if written.notice(lang_of(args)):
                notices.append(written.notice(lang_of(args)))
    finally:
        app.close()
    data = {**report_to_json(report), "files": files}
    period = f"{format_roc(start, 'short')} ~ {format_roc(end, 'short')}"  # --json keeps ISO
    lines = [f"{report.title}  {period}"]
    lines.append(_summary(args, args.report_kind, shown_totals(report)))
    lines.extend(f"{key.upper()}: {one_line(name)}" for key, name in files.items())
    lines.extend(notices)
    emit(args, data, "\n".join(lines))
    return 0
