"""``operator add|list|passwd|roles|disable|enable``: an office admin manages the office's
accounts.

Passwords are read from standard input (``--password-stdin``), never from the command line.
An operator may change their own password with ``passwd`` giving the old and the new one on
two lines.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli.cmd_auth import read_new_password, read_password
from eservice_desktop.cli.common import add_json, emit, open_from, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("operator", help="操作員帳號（事務所管理者）", parents=[common])
    cs = p.add_subparsers(dest="operator_command", required=True)
    a = cs.add_parser("add", help="新增帳號", parents=[common])
    a.add_argument("account", help="操作員帳號")
    a.add_argument("--name", required=True, help="顯示名稱")
    a.add_argument(
        "--roles",
        required=True,
        help="角色：clerk、cashier、pickup、supervisor、admin、it（以逗號分隔）",
    )
    a.add_argument("--departments", default="", help="業務範圍內的單位或申辦項目代碼；空白表示全部")
    a.add_argument("--password-stdin", action="store_true", help="自標準輸入讀取密碼")
    add_json(a)
    a.set_defaults(func=cmd_add)
    ls = cs.add_parser("list", help="列出帳號", parents=[common])
    add_json(ls)
    ls.set_defaults(func=cmd_list)
    pw = cs.add_parser("passwd", help="設定密碼（並解除鎖定）", parents=[common])
    pw.add_argument("account", help="操作員帳號")
    pw.add_argument(
        "--own",
        action="store_true",
        help="變更自己的密碼：自標準輸入先讀舊密碼，再讀新密碼",
    )
    pw.add_argument("--password-stdin", action="store_true", help="自標準輸入讀取密碼")
    add_json(pw)
    pw.set_defaults(func=cmd_passwd)
    r = cs.add_parser("roles", help="設定角色與業務範圍", parents=[common])
    r.add_argument("account", help="操作員帳號")
    r.add_argument(
        "--roles",
        required=True,
        help="角色：clerk、cashier、pickup、supervisor、admin、it（以逗號分隔）",
    )
    r.add_argument(
        "--departments",
        default=None,
        help="業務範圍內的單位或申辦項目代碼；空白表示全部，未指定則不變",
    )
    r.add_argument("--name", default=None, help="新的顯示名稱")
    add_json(r)
    r.set_defaults(func=cmd_roles)
    d = cs.add_parser("disable", help="停用帳號", parents=[common])
    d.add_argument("account", help="操作員帳號")
    add_json(d)
    d.set_defaults(func=cmd_disable)
    en = cs.add_parser("enable", help="重新啟用帳號", parents=[common])
    en.add_argument("account", help="操作員帳號")
    add_json(en)
    en.set_defaults(func=cmd_enable)


def _split(text: str | None) -> list[str]:
    return [] if not text else text.replace(",", " ").split()


def cmd_add(args: argparse.Namespace) -> int:
    from eservice_desktop.services import operators

    password = read_new_password(args)
    app = open_from(args)
    try:
        op = operators.create_operator(
            app,
            args.account,
            args.name,
            _split(args.roles),
            password,
            departments=_split(args.departments),
        )
    finally:
        app.close()
    data = {"ok": True, "account": op.account, "roles": sorted(r.value for r in op.roles)}
    emit(args, data, say(args, f"已新增帳號 {op.account}", f"account {op.account} added"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from eservice_desktop.services import operators

    app = open_from(args)
    try:
        views = operators.list_operators(app)
    finally:
        app.close()
    data = [v.to_json() for v in views]

    def text() -> str:
        lines = []
        for v in views:
            flags = ("" if v.active else say(args, " 已停用", " disabled")) + (
                say(args, " 已鎖定", " locked") if v.locked else ""
            )
            if v.must_change_password:  # the admin's one-time password, not yet replaced
                flags += say(args, " 待變更密碼", " must change password")
            scope = ",".join(v.departments) or "*"
            line = f"{v.account}  {v.name}  {','.join(v.roles)}  [{scope}]{flags}"
            lines.append(line + _last_sign_in(args, v.last_login_at, v.last_login_via))
        return "\n".join(lines)

    emit(args, data, text)
    return 0


#: Where a sign-in was typed (``operators_audit.VIAS``), as a listing says it.
_VIA = {"window": ("櫃檯視窗", "window"), "command line": ("命令列", "command line")}


def _last_sign_in(args: argparse.Namespace, at: str | None, via: str | None) -> str:
    """``  上次登入 115/12/05 14:03（命令列）``: when and where the account last signed in at
    this counter (an auditor could not tell the window's sign-ins from a shell's)."""
    if at is None:
        return ""
    from eservice_desktop.domain.rocdate import roc_text

    zh, en = _VIA.get(via or "", ("", ""))
    where = say(args, f"（{zh}）" if zh else "", f" ({en})" if en else "")
    return say(args, "  上次登入 ", "  last sign-in ") + roc_text(at) + where


def cmd_passwd(args: argparse.Namespace) -> int:
    from eservice_desktop.cli.session_files import session_file
    from eservice_desktop.services import operators

    old = read_password(args, "old password") if args.own else None
    new = read_new_password(args)
    app = open_from(args)
    try:
        account = operators.set_password(app, args.account, new, old_password=old)
        # a new password ends the account's sessions, this one too: the next command only
        # said "sign in first", with no word of why
        own = app.operator is not None and account == app.operator.account
        if own:
            session_file(app.settings).unlink(missing_ok=True)
    finally:
        app.close()
    # the account as kept, as the other operator commands give it (CLERK08 typed: clerk08)
    zh, en = f"已設定 {account} 的密碼", f"password of {account} set"
    if own:
        zh, en = f"{zh}；請以新密碼重新登入", f"{en}; sign in again with the new password"
    emit(args, {"ok": True, "account": account}, say(args, zh, en))
    return 0


def cmd_roles(args: argparse.Namespace) -> int:
    from eservice_desktop.services import operators

    app = open_from(args)
    try:
        departments = None if args.departments is None else _split(args.departments)
        op = operators.set_roles(app, args.account, _split(args.roles), departments, name=args.name)
    finally:
        app.close()
    data = {
        "ok": True,
        "account": op.account,
        "roles": sorted(r.value for r in op.roles),
        "departments": sorted(op.departments),
    }
    emit(args, data, f"{op.account}: {', '.join(data['roles'])}")  # type: ignore[arg-type]
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _set_active(args, active=False)


def cmd_enable(args: argparse.Namespace) -> int:
    return _set_active(args, active=True)


def _set_active(args: argparse.Namespace, *, active: bool) -> int:
    """``operator disable`` and ``operator enable``: one JSON shape, ``active`` as it now is."""
    from eservice_desktop.services import operators

    app = open_from(args)
    try:
        change = operators.activate if active else operators.deactivate
        op = change(app, args.account)
    finally:
        app.close()
    done_zh, done_en = ("已重新啟用", "enabled") if active else ("已停用", "disabled")
    emit(
        args,
        {"ok": True, "account": op.account, "active": active},
        say(args, f"{done_zh}帳號 {op.account}", f"account {op.account} {done_en}"),
    )
    return 0
