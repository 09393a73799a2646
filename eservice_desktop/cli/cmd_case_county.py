"""``case lookup|resend-notice``: the case subcommands that ask the county for something.

Registered under ``case`` by ``cmd_case.register``; a county refusal or an unreachable county is
exit 3, the operator's own mistake exit 2.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_REFUSED,
    add_json,
    emit,
    fail,
    open_from,
    say,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import NOTICE_STAGES
from eservice_desktop.domain.notice_labels import NOTICE_STAGE_LABELS


def register(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    lk = cs.add_parser(
        "lookup",
        help="免書證查詢：經民眾同意向縣府查調書證，結果附於案件",
        description=(
            "免書證免謄本查調：向縣府查調本案的一份書證"
            "（民眾對該種類的同意須已記錄於案件，或以 --consent 當場同意，"
            "同意隨結果一併記錄），驗證縣府的簽章後附於案件。"
            "結束碼 2：輸入有誤（不明的種類、未經同意、案件未在辦理中）；"
            "結束碼 3：縣府無法連線、拒絕，或其回覆未通過驗證；這時不存任何資料。"
        ),
        parents=[common],
    )
    lk.add_argument("case_number", help="案號")
    lk.add_argument("--kind", required=True, help="書證種類，例如 household_transcript")
    lk.add_argument(
        "--consent",
        action="store_true",
        help="民眾當場同意：將同意與結果一併記錄於案件",
    )
    add_json(lk)
    lk.set_defaults(func=cmd_lookup)

    rn = cs.add_parser(
        "resend-notice", help="請縣府重送某階段的民眾通知（簡訊／電子郵件）", parents=[common]
    )
    rn.add_argument("case_number", help="案號")
    rn.add_argument("--stage", required=True, choices=list(NOTICE_STAGES), help="通知的階段")
    add_json(rn)
    rn.set_defaults(func=cmd_resend_notice)


def cmd_resend_notice(args: argparse.Namespace) -> int:
    from eservice_desktop.services import notices

    app = open_from(args)
    try:
        concerned = notices.request_resend(app, args.case_number, args.stage)
    finally:
        app.close()
    data = {
        "ok": True,
        "case_number": args.case_number,
        "stage": args.stage,
        "channels": sorted({n.channel for n in concerned}),
    }
    zh, en = NOTICE_STAGE_LABELS.get(args.stage, (args.stage, args.stage))
    emit(
        args,
        data,
        say(
            args,
            f"已要求縣府重送「{zh}」（下次同步送出）",
            f"Asked the county to send the “{en}” notice again (sent with the next sync)",
        ),
    )
    return 0


#: Look-up refusals that are not the operator's input: the county's side (exit 3).
_LOOKUP_COUNTY_CODES = frozenset(
    {
        "lookup.offline",
        "lookup.busy",
        "lookup.not_enrolled",
        "lookup.not_found",
        "lookup.signature",
        "lookup.other_office",
        "lookup.case_number",
        "lookup.service",
    }
)


def cmd_lookup(args: argparse.Namespace) -> int:
    from eservice_desktop.services import lookups

    app = open_from(args)
    try:
        try:
            done = lookups.run_lookup(app, args.case_number, args.kind, record_consent=args.consent)
        except DomainError as e:
            return fail(args, e, EXIT_REFUSED if e.code in _LOOKUP_COUNTY_CODES else EXIT_BAD_INPUT)
    finally:
        app.close()
    fields = "、".join(f"{k}：{v}" for k, v in done.fields.items())
    emit(
        args,
        {"ok": True, **done.to_json()},
        say(
            args,
            f"已向縣府查調 {done.kind}（{done.subject}）並附於案件 {done.case_number}："
            f"{done.attachment}\n{fields}",
            f"Looked up {done.kind} ({done.subject}) at the county and attached it to case "
            f"{done.case_number}: {done.attachment}\n{fields}",
        ),
    )
    return 0
