"""``case phone CASE --phone NUMBER``: the applicant's new mobile number (a new phone since
intake; docs/pickup.md, "A new mobile number"), ``case reissue-code CASE``: a new pickup
code ("A new pickup code"), and ``case reopen CASE --reason R --approver SUP``: a case closed by
mistake opened again (``services.case_reopen``). Registered under ``case`` by
``cmd_case.register``; a malformed number or a case that takes neither is exit 2 with the
message, nothing stored.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli import cmd_case_correct
from eservice_desktop.cli.common import (
    add_approval,
    add_json,
    approval_from,
    emit,
    open_from,
    say,
    status_label,
)


def register(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    ph = cs.add_parser(
        "phone",
        help="變更申請人手機號碼（之後的通知改寄新號碼）",
        description=(
            "申請人換了手機：之後的通知改寄新號碼；案件已待領件時，縣府另發新的領件碼"
            "（新的領件號碼）至新號碼，寄到舊號碼的領件碼即失效。"
            "結束碼 2：號碼格式錯誤、與原號碼相同，或案件已領件、撤件、駁回；這時不存任何資料。"
        ),
        parents=[common],
    )
    ph.add_argument("case_number", help="案號")
    ph.add_argument("--phone", required=True, help="新的手機號碼，例如 0912345678")
    add_json(ph)
    ph.set_defaults(func=cmd_phone)

    rc = cs.add_parser(
        "reissue-code",
        help="請縣府另發領件碼（舊領件碼即失效）",
        description=(
            "民眾的領件簡訊被轉寄或手機遺失：請縣府為待領件的案件另發新的領件碼與領件號碼，"
            "寄至案件的手機號碼；下次同步後，舊的領件碼在各領件櫃檯即失效。"
            "只是沒收到或刪了簡訊，請用 resend-notice 重送（同一組領件碼）。"
            "結束碼 2：案件尚未待領件或已領件；這時不存任何資料。"
        ),
        parents=[common],
    )
    rc.add_argument("case_number", help="案號")
    add_json(rc)
    rc.set_defaults(func=cmd_reissue_code)
    cmd_case_correct.register(cs, common)  # the name and address: ``case correct``
    ro = cs.add_parser(
        "reopen",
        help="誤結案的案件重新開啟（須主管核准）",
        description=(
            "案件誤按結案（或結錯了案）：註明理由、經主管核准後重新開啟，案件回到辦理中，"
            "處理期限自收件起照常計算（誤結案期間亦計入）。"
            "已通知領件、已領件、駁回或撤件的案件不能重新開啟。"
            "結束碼 2：案件未結案或已無法重新開啟、未填理由、未經主管核准；這時不存任何資料。"
        ),
        parents=[common],
    )
    ro.add_argument("case_number", help="案號")
    ro.add_argument("--reason", required=True, help="重新開啟的理由")
    add_approval(ro)
    add_json(ro)
    ro.set_defaults(func=cmd_reopen)


def cmd_reopen(args: argparse.Namespace) -> int:
    from eservice_desktop.services.case_reopen import reopen_case

    approval = approval_from(args, args.reason.strip())
    app = open_from(args)
    try:
        view = reopen_case(app, args.case_number, args.reason, approval=approval)
    finally:
        app.close()
    emit(args, view.to_json(), f"{view.case_number}: {status_label(view.status, args)}")
    return 0


def cmd_phone(args: argparse.Namespace) -> int:
    from eservice_desktop.services import case_contact

    app = open_from(args)
    try:
        view = case_contact.change_phone(app, args.case_number, args.phone)
        others = case_contact.other_numbers(app, view.case_number)
    finally:
        app.close()
    ready = view.status == "ready_for_pickup"
    data = {"ok": True, "case_number": view.case_number, "phone": view.phone, "reissue": ready}
    data["others"] = others
    zh = f"{view.case_number} 的手機號碼已改為 {view.phone}"
    en = f"The mobile number of {view.case_number} is now {view.phone}"
    if ready:
        zh += "；下次同步後縣府將新的領件碼寄至新號碼，舊號碼的領件碼即失效"
        en += "; after the next sync the county sends a new pickup code to it, the old one dead"
    if others:
        zh += f"\n申請人另有案件的手機號碼不是 {view.phone}：{'、'.join(others)}（請逐案變更）"
        en += f"\nOther cases of the applicant have another number: {', '.join(others)}"
        en += " (change each on its own)"
    emit(args, data, say(args, zh, en))
    return 0


def cmd_reissue_code(args: argparse.Namespace) -> int:
    from eservice_desktop.services import case_contact

    app = open_from(args)
    try:
        view = case_contact.reissue_code(app, args.case_number)
    finally:
        app.close()
    zh = f"已要求縣府另發 {view.case_number} 的領件碼（下次同步送出），舊的領件碼即失效"
    en = (
        f"Asked the county for a new pickup code of {view.case_number} "
        "(sent with the next sync); the old one is dead"
    )
    emit(args, {"ok": True, "case_number": view.case_number}, say(args, zh, en))
    return 0
