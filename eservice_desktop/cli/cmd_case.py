"""``case intake|show|attach|search|accept|supplement|supplement-received|close|reject|cancel``;
the subcommands that ask the county (``lookup``, ``resend-notice``) are in ``cmd_case_county``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eservice_desktop.cli import cmd_case_contact, cmd_case_county
from eservice_desktop.cli.cmd_case_moves import add_supplement_options, transition_cmd
from eservice_desktop.cli.common import (
    add_approval,
    add_json,
    approval_from,
    bounded_int,
    emit,
    fail,
    lang_of,
    one_line,
    open_from,
    parse_time,
    say,
    service_label,
    shown_value,
    status_label,
    typed_int,
)
from eservice_desktop.cli.console import json_text
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.payment_wait import UNPAID_TOO_LONG
from eservice_desktop.domain.rocdate import roc_text
from eservice_desktop.domain.text_values import whole_number
from eservice_desktop.services import case_attachments, cases
from eservice_desktop.services.intake import (
    SYNC_STALE,
    IntakeErrors,
    IntakeRequest,
    IntakeResult,
    intake_with_warnings,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("case", help="案件：收件、查詢、補正、結案", parents=[common])
    cs = p.add_subparsers(dest="case_command", required=True)
    _add_intake(cs, common)
    s = cs.add_parser("show", help="案件明細", parents=[common])
    s.add_argument("case_number", help="案號")
    add_json(s)
    s.set_defaults(func=cmd_show)

    a = cs.add_parser("attach", help="附加檔案（PNG、JPEG、PDF）", parents=[common])
    a.add_argument("case_number", help="案號")
    a.add_argument("file", help="要附加的 PNG／JPEG 圖片或 PDF 檔")
    add_json(a)
    a.set_defaults(func=cmd_attach)
    cmd_case_county.register(cs, common)
    cmd_case_contact.register(cs, common)
    _add_search(cs, common)
    _add_transitions(cs, common)


def _add_intake(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """`case intake`: every field of the counter's intake form as an option."""
    i = cs.add_parser("intake", help="收件", parents=[common])
    i.add_argument("--service", required=True, help="申辦項目代碼（見 `catalog list`）")
    i.add_argument("--applicant-id", required=True, help="身分證字號、居留證號或統一編號")
    i.add_argument("--applicant-name", required=True, help="申請人姓名")
    i.add_argument("--phone", default="", help="申請人電話（通知用）")
    i.add_argument("--email", default="", help="申請人電子郵件（通知用）")
    i.add_argument("--copies", type=bounded_int(1, values.COPIES_MAX), default=1, help="份數")
    i.add_argument("--received", help="收件時間（ISO 8601，預設：現在）")
    i.add_argument(
        "--field", action="append", default=[], metavar="KEY=VALUE", help="申辦項目專屬欄位"
    )
    i.add_argument("--consent", action="append", default=[], help="民眾同意免書證免謄本查調的種類")
    i.add_argument(
        "--pickup",
        default="counter",
        choices=["counter", "mail", "other_office"],
        help="領件方式：臨櫃、郵寄、他所領件",
    )
    i.add_argument("--pickup-office", default="", help="他所領件的事務所代碼")
    i.add_argument(
        "--document",
        action="append",
        default=[],
        help="民眾已提出的應備文件（依申辦項目目錄的名稱）",
    )
    i.add_argument("--fee-exempt", action="store_true", help="免徵規費（須附 --fee-reason）")
    i.add_argument("--fee-reduction", type=typed_int, default=0, help="減免金額（元，須附原因）")
    i.add_argument("--fee-reason", default="", help="免徵或減免的原因")
    add_approval(i, reason=True)
    add_json(i)
    i.set_defaults(func=cmd_intake)


def _add_search(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    q = cs.add_parser(
        "search",
        help="搜尋：姓名、身分證字號或流水號的任一段，或案號開頭",
        description=(
            "找出申請人姓名、身分證字號或案件流水號含有 TEXT，"
            "或案號以 TEXT 開頭（連字號可省略）的案件，新的在前。"
            '加 --json 時輸出 {"total": N, "limit": L, "offset": O, "cases": [...]}；'
            "total 為全部相符的件數。"
        ),
        parents=[common],
    )
    q.add_argument("text", help="要搜尋的文字")
    q.add_argument("--limit", default="50", help=f"傳回的筆數，1 到 {cases.MAX_PAGE}（預設 50）")
    q.add_argument("--offset", default="0", help="先略過的相符筆數（預設 0）")
    add_json(q)
    q.set_defaults(func=cmd_search)


#: What ``--reason`` is, for the status changes that require one.
_REASONS = {"supplement": "須補正的事項", "reject": "駁回理由（民眾可見）", "cancel": "撤件原因"}


def _add_transitions(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """The case's status changes: one subcommand each, a note or a required reason."""
    for name, help_, needs_reason, func in (
        ("accept", "線上申辦收件", False, cases.accept_case),
        ("supplement", "通知補正", True, cases.request_supplement),
        ("supplement-received", "登錄補件", False, cases.record_supplement),
        ("close", "結案", False, cases.close_case),
        ("reject", "駁回（理由民眾可見）", True, cases.reject_case),
        ("cancel", "撤件", True, cases.cancel_case),
    ):
        t = cs.add_parser(name, help=help_, parents=[common])
        t.add_argument("case_number", help="案號")
        t.add_argument(
            "--reason" if needs_reason else "--note",
            required=needs_reason,
            default="",
            help=_REASONS.get(name, "備註（記錄於案件）"),
        )
        if name == "supplement":
            add_supplement_options(t)
        if name == "close":
            # closing with fees still due: a supervisor's approval (exit 2 fees_due without)
            add_approval(t, reason=True)
        add_json(t)
        t.set_defaults(func=transition_cmd(func, needs_reason))


def cmd_intake(args: argparse.Namespace) -> int:
    fields: dict[str, str] = {}
    for item in args.field:
        key, sep, value = item.partition("=")
        if not sep:
            return fail(
                args, DomainError("field.format", "欄位格式須為 KEY=VALUE", "Use KEY=VALUE", key)
            )
        fields[key.strip()] = value.strip()
    received = parse_time(args.received, "received") if args.received else None
    approval = approval_from(args, args.fee_reason.strip())
    app = open_from(args)
    try:
        result = intake_with_warnings(
            app,
            IntakeRequest(
                service_code=args.service,
                applicant_id=args.applicant_id,
                applicant_name=args.applicant_name,
                phone=args.phone,
                email=args.email,
                copies=args.copies,
                fields=fields,
                consent=args.consent,
                pickup_method=args.pickup,
                pickup_office=args.pickup_office,
                received_at=received,
                documents=args.document,
                fee_exempt=args.fee_exempt,
                fee_reduction=args.fee_reduction,
                fee_reason=args.fee_reason,
                approval=approval,
            ),
        )
    except IntakeErrors as e:
        lang = lang_of(args)
        if args.json:
            errors = {k: v.message(lang) for k, v in e.errors.items()}
            print(json_text({"ok": False, "errors": errors}))
        print(
            one_line("; ".join(f"{k}: {v.message(lang)}" for k, v in e.errors.items())),
            file=sys.stderr,
        )
        return 2
    finally:
        app.close()
    view = result.view
    for warning in result.warnings:
        print(_warning_text(args, warning, result), file=sys.stderr)
    emit(
        args,
        {**view.to_json(), "warnings": list(result.warnings)},
        f"{view.case_number}  {service_label(app, view.service_code, args)}  "
        + _due_text(args, view),
    )
    return 0


def _due_text(args: argparse.Namespace, view: cases.CaseView) -> str:
    """The due date, or why the deadline waits (fees not yet paid stop the clock; so does a
    supplement): the text said "due None" for those."""
    if view.due is None and view.balance > 0:
        return say(
            args,
            f"待繳 {view.balance} 元，繳清規費後起算處理期限",
            f"NT${view.balance} to pay; the time limit starts once the fee is paid",
        )
    if view.due is None:
        return say(args, "期限暫停", "deadline paused")
    provisional = say(args, "（暫定）", " (provisional)") if view.provisional else ""
    due = roc_text(view.due)  # 115/03/12, as every date the counter shows; --json keeps ISO
    return say(args, f"到期日 {due}", f"due {due}") + provisional


def _warning_text(args: argparse.Namespace, warning: str, result: IntakeResult) -> str:
    if warning == SYNC_STALE and result.sync is not None:
        hours = int(result.sync.hours or 0)
        return say(
            args,
            f"警告（sync.stale）：本機已 {hours} 小時未與縣府同步，請檢查網路或通知資訊人員",
            f"warning (sync.stale): no sync with the county for {hours} h; check the network "
            "or call IT",
        )
    return f"warning: {warning}"


def cmd_show(args: argparse.Namespace) -> int:
    from eservice_desktop.cli.case_history_text import history_lines
    from eservice_desktop.domain.notice_labels import notice_words
    from eservice_desktop.services import lookups, notices
    from eservice_desktop.services.ended_balance import shown_balance

    app = open_from(args)
    try:
        view = cases.show_case(app, args.case_number)
        words = shown_balance(app, view.case_number, view.balance)
        attached = [a.to_json() for a in case_attachments.list_attachments(app, view.case_number)]
        sent = [n.to_json() for n in notices.of_case(app, view.case_number)]
        looked = [k.to_json() for k in lookups.kinds_of(app, view.case_number)]
    finally:
        app.close()
    shown = {
        **view.to_json(),
        "balance": say(args, *words) if words else view.balance,  # 溢繳 N 元, 撤件後收費 N 元
        "service_name": service_label(app, view.service_code, args),
        "status_label": status_label(view.status, args),
    }
    if view.payment_overdue:  # in words, as the queue's due column says it
        zh, en = (w.format(days=view.payment_waited_days) for w in UNPAID_TOO_LONG)
        shown["payment_overdue"] = say(args, zh, en)
    if app.catalogue.has_service(view.service_code):
        service = app.catalogue.service(view.service_code)
        for key in ("documents_required", "documents_presented", "supplement_items"):
            if isinstance(shown.get(key), list):
                shown[key] = [service.document_name(d, lang_of(args)) for d in shown[key]]
    shown["attachments"] = ", ".join(
        f"{a['name']} ({a['kind']}, {a['size']} B, {'uploaded' if a['uploaded'] else 'waiting'})"
        for a in attached
    )
    lang = lang_of(args)
    emit(
        args,
        {**view.to_json(), "attachments": attached, "notices": sent, "lookups": looked},
        lambda: "\n".join(
            [
                *(f"{k}: {shown_value(v, lang)}" for k, v in shown.items() if k not in _NOT_SHOWN),
                *(f"notice: {notice_words(n, lang)} {shown_value(n['at'])}" for n in sent),
                *(_lookup_line(args, k) for k in looked),
                *history_lines(view.events, lang),
            ]
        ),
    )
    return 0


#: What ``case show``'s text form leaves out of its ``key: value`` lines (the JSON form has
#: them; the events are its ``event:`` lines, cli/case_history_text.py).
_NOT_SHOWN = ("events", "fields")


def _lookup_line(args: argparse.Namespace, kind: dict[str, Any]) -> str:
    """One document-free lookup of the case: the document, the citizen's consent, done or not."""
    name = say(args, kind["name_zh"], kind["name_en"])
    consent = (
        say(args, "已同意", "consented") if kind["consented"] else say(args, "未同意", "no consent")
    )
    done = say(args, "已查調", "looked up") if kind["done"] else say(args, "未查調", "not yet")
    return f"lookup: {kind['kind']} {name} ({consent}, {done})"


def cmd_attach(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        try:
            att = case_attachments.attach_file(app, args.case_number, Path(args.file))
        except DomainError as e:
            return fail(args, e)
    finally:
        app.close()
    emit(
        args,
        {"ok": True, "case_number": args.case_number, **att.to_json()},
        say(
            args,
            f"已附加 {att.name}（{att.kind}，{att.size} 位元組）於案件 {args.case_number}，"
            "待同步上傳",
            f"Attached {att.name} ({att.kind}, {att.size} bytes) to case {args.case_number}; "
            "waiting for sync",
        ),
    )
    return 0


def _whole_number(value: str, option: str) -> int:
    try:
        return whole_number(value)
    except ValueError:
        shown = values.printable(value, 20)  # a typed line break must not split the message
        raise DomainError(
            "page.not_a_number",
            f"{option} 須為整數（收到「{shown}」）",
            f"{option} must be a whole number (got '{shown}')",
            option.lstrip("-"),
        ) from None


def cmd_search(args: argparse.Namespace) -> int:
    try:
        limit = _whole_number(args.limit, "--limit")
        offset = _whole_number(args.offset, "--offset")
        cases.check_page(limit, offset)
    except DomainError as e:
        return fail(args, e)
    app = open_from(args)
    try:
        rows = cases.search(app, args.text, limit, offset)
        total = cases.search_count(app, args.text)
    finally:
        app.close()
    data = [
        {
            "case_number": r.case_number,
            "service_code": r.service_code,
            "applicant_name": r.applicant_name,
            "applicant_id_masked": r.applicant_id_masked,
            "status": r.status,
            "received_at": r.received_at.isoformat(),
            "due": r.due.isoformat() if r.due else None,
            "provisional": r.provisional,
        }
        for r in rows
    ]
    zh = lang_of(args).startswith("zh")

    def human() -> str:
        row = "{case_number}  {applicant_name}  {label}"
        lines = [row.format(label=status_label(str(d["status"]), args), **d) for d in data]
        lines.append(_page_line(zh, offset, len(data), total))
        return "\n".join(lines)

    emit(args, {"total": total, "limit": limit, "offset": offset, "cases": data}, human)
    return 0


def _page_line(zh: bool, offset: int, shown: int, total: int) -> str:
    """The search's last line: which of how many, or that nothing matched (it read
    「第 0–0 筆／共 0 件」), or that the page asked for is past the last case."""
    if not total:
        return "沒有符合的案件" if zh else "No case matches"
    if not shown:
        return (
            f"共 {total:,} 件；第 {offset + 1:,} 筆之後沒有案件"
            if zh
            else f"{total:,} in all; none from number {offset + 1:,} on"
        )
    first, last = offset + 1, offset + shown
    return (
        f"第 {first:,}–{last:,} 筆／共 {total:,} 件" if zh else f"{first:,}–{last:,} of {total:,}"
    )
