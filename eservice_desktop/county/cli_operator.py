"""``eservice-county-server operator``: an office's operators, kept at the county and
provisioned to the office by sync (password hashes sealed by the vault; a password is read
from stdin, never from the command line)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from eservice_desktop import typed_secret
from eservice_desktop.county.cli_common import (
    Refused,
    add_command,
    add_key_file,
    county_secret,
    db_url,
    open_sessions,
)
from eservice_desktop.county.cli_lang import language, said


def add_parser(sub: Any) -> None:
    """``operator add|disable|enable|roles|password|list``."""
    op = add_command(sub, "operator", "事務所的操作員，經同步佈建至事務所")
    op.add_argument(
        "operator_command",
        choices=["add", "disable", "enable", "roles", "password", "list"],
        help="新增、停用、啟用、設定角色、重設密碼或列出",
    )
    op.add_argument("account", nargs="?", default="", help="操作員帳號（list 不需要）")
    op.add_argument("--office", required=True, help="目錄中的事務所代碼，例如 H01")
    op.add_argument("--name", default="", help="顯示名稱（add、roles）")
    op.add_argument(
        "--role",
        action="append",
        default=[],
        help="角色：clerk|cashier|pickup|supervisor|admin|it（可重複指定）",
    )
    op.add_argument(
        "--department",
        action="append",
        default=[],
        help="職權範圍內的申辦項目或單位代碼（可重複指定）",
    )
    op.add_argument("--password-stdin", action="store_true", help="從標準輸入讀取密碼")
    op.add_argument("--json", action="store_true", help="輸出 JSON")
    add_key_file(op)
    op.set_defaults(func=cmd_operator)


#: The longest first line of standard input read as a password (one is 128 at most).
STDIN_LINE_MAX = 4096


def _new_password() -> str:
    """The password being set; typed at a terminal, where nothing is shown, asked twice and
    refused when the two differ (a slip typed once was the operator's first password, and the
    office's sign-in refused the one handed to them)."""
    password = _password_stdin("new password")
    if typed_secret.typed_at_terminal() and _password_stdin("new password again") != password:
        raise Refused(
            "兩次輸入的新密碼不同，未設定密碼；請重新執行並輸入相同的新密碼",
            "The two new passwords typed differ; no password was set. Run it again and type "
            "the same new password twice",
        )
    return password


def _password_stdin(prompt: str = "password") -> str:
    """The first line of stdin without its line end; the password rule (the office's) then
    refuses a ``\\r`` left by a CRLF file. Bytes that are not UTF-8 arrive as lone surrogates
    (stdin reads with surrogateescape): no argon2 hash can be made of them, a traceback before.
    A UTF-8 byte order mark before it (Notepad's "UTF-8 with BOM") is the file's, not the
    password's: it reached the office as a first character no clerk can type."""
    if typed_secret.typed_at_terminal():  # by hand: never echoed (typed_secret.py)
        line = typed_secret.unechoed_line(prompt, language(), STDIN_LINE_MAX + 1)
    else:
        line = sys.stdin.readline(STDIN_LINE_MAX + 1)  # < /dev/zero: read until memory was gone
    line = line.removeprefix("\ufeff")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in line):
        raise Refused(
            "標準輸入含有無法辨識的字元（編碼錯誤）",
            "Standard input holds an undecodable character (not UTF-8)",
        )
    if len(line) > STDIN_LINE_MAX:
        raise Refused(
            f"標準輸入的第一行過長（上限 {STDIN_LINE_MAX} 字）",
            f"The first line of standard input is too long ({STDIN_LINE_MAX} characters at most)",
        )
    return line[:-1] if line.endswith("\n") else line


#: The options each action takes; another one given is refused, not ignored.
_TAKES: dict[str, frozenset[str]] = {
    "add": frozenset({"name", "role", "department", "password_stdin"}),
    "roles": frozenset({"name", "role", "department"}),
    "password": frozenset({"password_stdin"}),
}


def _check_options(args: argparse.Namespace) -> None:
    """``roles --name 王大明`` renamed no one and answered with the account's new version, and
    ``disable --role clerk`` or ``password --name`` were as silently ignored: county IT took the
    change as made."""
    action = args.operator_command
    for option in ("name", "role", "department", "password_stdin"):
        if getattr(args, option) and option not in _TAKES.get(action, frozenset()):
            flag = "--" + option.replace("_", "-")
            raise Refused(
                f"operator {action} 不接受 {flag}，未做任何變更",
                f"operator {action} does not take {flag}; nothing was changed",
            )


def cmd_operator(args: argparse.Namespace) -> int:
    """County IT provisions an office's operators; offices pull them in their next sync."""
    from eservice_desktop.county import operators
    from eservice_desktop.county.store import utcnow

    _check_options(args)
    action = args.operator_command
    needs_secret = action in ("add", "password")
    if needs_secret and not args.password_stdin:
        raise Refused("密碼須以 --password-stdin 輸入", "Give the password with --password-stdin")
    password = _new_password() if needs_secret else ""
    engine, sessions = open_sessions(db_url(args), county_secret(args) if needs_secret else None)
    now = utcnow()
    out: Any
    try:
        with sessions() as s, s.begin():
            if action == "list":
                out = operators.list_office(s, args.office)
            else:
                if action == "add":
                    row = operators.add(
                        s,
                        args.office,
                        args.account,
                        name=args.name,
                        roles=args.role,
                        password=password,
                        now=now,
                        departments=args.department,
                    )
                elif action in ("disable", "enable"):
                    row = operators.set_active(
                        s, args.office, args.account, action == "enable", now
                    )
                elif action == "roles":
                    row = operators.set_roles(
                        s,
                        args.office,
                        args.account,
                        args.role,
                        now=now,
                        departments=args.department if args.department else None,
                        name=args.name or None,
                    )
                else:
                    row = operators.reset_password(s, args.office, args.account, password, now)
                out = operators.summary(row)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif out or action != "list":  # an office with no operator: no line
        print(_text(action, out))
    return 0


def _text(action: str, out: Any) -> str:
    """``operator``'s result in the chosen language: ``list`` one line per account (its state
    使用中 / 已停用), any other the account's new version."""
    if action == "list":
        return "\n".join(
            f"{o['account']}\t{o['name']}\t{','.join(o['roles'])}\t"
            + (said("使用中", "active") if o["active"] else said("已停用", "disabled"))
            for o in out
        )
    version = out["version"]
    return said(
        f"{out['office']} {out['account']}：第 {version} 版",
        f"{out['office']} {out['account']}: version {version}",
    )
