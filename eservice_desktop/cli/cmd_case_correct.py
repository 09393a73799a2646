"""``case correct CASE --name NAME --address TEXT --email ADDR --reason TEXT``: what was typed
about the applicant at intake, corrected (docs/architecture.md, "Correcting the applicant").
Registered under ``case`` by ``cmd_case_contact.register``; a value intake refuses, no reason,
nothing to correct, or a case collected, withdrawn or rejected is exit 2 with the message,
nothing stored.

``--address TEXT`` corrects the service's one address field; a service with several (建物門牌勘查
及登記: 門牌地址 and 原門牌) takes ``--address KEY=TEXT`` naming it (``catalog show``'s keys).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from eservice_desktop.cli.common import add_json, emit, lang_of, one_line, open_from, say
from eservice_desktop.cli.console import json_text
from eservice_desktop.domain.errors import DomainError

if TYPE_CHECKING:
    from eservice_desktop.services.intake import IntakeErrors


def register(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    c = cs.add_parser(
        "correct",
        help="更正申請人資料（姓名、地址、電子郵件）",
        description=(
            "收件時申請人資料打錯（姓名誤植、罕用字打成近似字、地址錯誤）：更正姓名或申辦項目的"
            "地址欄位或電子郵件（手機號碼請用 phone），須註明理由；"
            "案件、佇列、查詢與之後開立的收據都改用更正後的資料，"
            "已印出的收據不變。身分證字號不能更正（請撤件後重新收件）。"
            "結束碼 2：資料不合收件的規則、未填理由、與原資料相同，或案件已領件、撤件、駁回；"
            "這時不存任何資料。"
        ),
        parents=[common],
    )
    c.add_argument("case_number", help="案號")
    c.add_argument("--name", default=None, help="更正後的申請人姓名")
    c.add_argument(
        "--address",
        action="append",
        default=[],
        metavar="ADDR",
        help="更正後的地址；申辦項目有多個地址欄位時寫成 KEY=地址",
    )
    c.add_argument("--email", default=None, help="更正後的電子郵件（空字串表示不留）")
    c.add_argument("--reason", required=True, help="更正理由，例如：姓名誤植，依身分證更正")
    add_json(c)
    c.set_defaults(func=cmd_correct)


#: ``--address KEY=TEXT``: a field's key (ASCII, as the catalogue names them) before the "=".
_KEYED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)


def _addresses(keys: list[str], given: list[str]) -> dict[str, str]:
    """Each ``--address`` by the field it corrects: ``KEY=TEXT`` naming a field (one that is
    no address of the service is refused by the service, never stored as an address), else
    the service's only address field."""
    out: dict[str, str] = {}
    for item in given:
        keyed = _KEYED.fullmatch(item.strip())
        if keyed is not None:
            out[keyed.group(1)] = keyed.group(2)
        elif len(keys) == 1:
            out[keys[0]] = item
        else:
            named = ", ".join(keys) or "-"
            raise DomainError(
                "correction.address_which",
                f"此申辦項目{'有多個' if keys else '沒有'}地址欄位，請寫成 --address KEY=地址"
                f"（欄位：{named}）",
                f"This service has {'several' if keys else 'no'} address fields; use "
                f"--address KEY=ADDR (fields: {named})",
                "address",
            )
    return out


def cmd_correct(args: argparse.Namespace) -> int:
    from eservice_desktop.services import applicant_correction as ac
    from eservice_desktop.services import cases
    from eservice_desktop.services.intake import IntakeErrors

    app = open_from(args)
    try:
        keys = [f.key for f in ac.address_fields(app, args.case_number)] if args.address else []
        addresses = _addresses(keys, args.address)
        view = ac.correct_applicant(
            app,
            args.case_number,
            args.reason,
            name=args.name,
            addresses=addresses,
            email=args.email,
        )
        fields = {f.key: f.value for f in ac.address_fields(app, view.case_number)}
        email = cases.load_case(app, view.case_number).email
    except IntakeErrors as e:
        return _refused(args, e)
    finally:
        app.close()
    corrected = {k: fields[k] for k in addresses if k in fields}
    data = {
        "ok": True,
        "case_number": view.case_number,
        "applicant_name": view.applicant_name,
        "fields": corrected,
        "email": email,
    }
    shown = [view.applicant_name] if args.name is not None else []
    shown += list(corrected.values())
    if args.email is not None:
        shown.append(email or say(args, "（不留電子郵件）", "(no e-mail)"))
    zh = f"{view.case_number} 的申請人資料已更正：{'；'.join(shown)}"
    en = f"The applicant's details of {view.case_number} are corrected: {'; '.join(shown)}"
    emit(args, data, say(args, zh, en))
    return 0


def _refused(args: argparse.Namespace, e: IntakeErrors) -> int:
    """Every field refused, as ``case intake`` says them: one line, the JSON by field."""
    lang = lang_of(args)
    if args.json:
        errors = {k: v.message(lang) for k, v in e.errors.items()}
        print(json_text({"ok": False, "error": e.code, "errors": errors}))
    print(
        one_line("; ".join(f"{k}: {v.message(lang)}" for k, v in e.errors.items())),
        file=sys.stderr,
    )
    return 2
