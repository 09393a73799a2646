"""``login``, ``logout`` and ``whoami``: the CLI's operator session for this OS user.

``login ACCOUNT --password-stdin`` checks the password (argon2id; wrong passwords count towards
the lockout) and writes a random session token to ``session-<user>`` in the data directory,
readable by this OS user only; the database keeps the token's SHA-256 and the expiry, which every
command moves forward by the idle time (``idle_lock_min``, the same as the GUI's lock).
"""

from __future__ import annotations

import argparse

from eservice_desktop import typed_secret
from eservice_desktop.cli.common import (
    add_json,
    emit,
    lang_of,
    open_from,
    resume_cli_session,
    say,
    settings_from,
    stdin_line,
)
from eservice_desktop.cli.session_files import os_user, session_file, write_session_file
from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("login", help="操作員登入", parents=[common])
    p.add_argument("account", help="操作員帳號")
    p.add_argument("--password-stdin", action="store_true", help="自標準輸入讀取密碼")
    add_json(p)
    p.set_defaults(func=cmd_login)
    o = sub.add_parser("logout", help="登出", parents=[common])
    add_json(o)
    o.set_defaults(func=cmd_logout)
    w = sub.add_parser("whoami", help="目前登入的操作員", parents=[common])
    add_json(w)
    w.set_defaults(func=cmd_whoami)


def read_password(args: argparse.Namespace, prompt: str = "password") -> str:
    """The password line of standard input (``prompt``: what a terminal is asked, one of
    ``typed_secret.PROMPTS``)."""
    if not getattr(args, "password_stdin", False):
        raise DomainError(
            "operator.password_stdin",
            "請以 --password-stdin 由標準輸入提供密碼",
            "Give the password on standard input with --password-stdin",
            "password",
        )
    line = stdin_line("password", lang_of(args), prompt)
    # a Windows shell ends the line with CRLF (PowerShell's pipe, a file saved in Notepad):
    # the CR was taken for part of the password, so login said "wrong password" and counted
    # towards the lockout; no password ends in a space or a line end (check_password)
    return line.removesuffix("\n").removesuffix("\r")


def read_new_password(args: argparse.Namespace) -> str:
    """A password being set: typed at a terminal, where nothing is shown, it is asked twice
    and refused when the two differ (nothing is set). Typed once, a slip became the account's
    password: the first admin's at setup, and no one could sign in. Piped, one line as before."""
    password = read_password(args, "new password")
    if typed_secret.typed_at_terminal() and read_password(args, "new password again") != password:
        raise DomainError(
            "stdin.password_mismatch",
            "兩次輸入的新密碼不同，未設定密碼；請重新執行並輸入相同的新密碼",
            "The two new passwords typed differ; no password was set. Run it again and type "
            "the same new password twice",
            "password",
        )
    return password


def cmd_login(args: argparse.Namespace) -> int:
    from eservice_desktop.services import operators
    from eservice_desktop.services.operators_audit import COMMAND_LINE

    password = read_password(args)
    if not password:  # a script that forgot to pipe it: not a wrong password (the lockout)
        raise DomainError(
            "stdin.empty", "標準輸入沒有密碼", "No password on standard input", "password"
        )
    app = open_from(args)
    try:
        app.operator = None
        op = operators.login(app, args.account, password, via=COMMAND_LINE)
        token = operators.open_session(app, os_user(), _session_token(app.settings))
        write_session_file(app.settings, token)
        minutes = app.settings.idle_lock_min
    finally:
        app.close()
    data = {
        "ok": True,
        "account": op.account,
        "name": op.name,
        "roles": sorted(r.value for r in op.roles),
        "idle_minutes": minutes,
        "password_change_required": op.must_change_password,
    }
    if minutes > 0:
        zh = f"{op.name}（{op.account}）已登入；閒置 {minutes:g} 分鐘後須重新登入"
        en = f"{op.account} signed in; the session ends after {minutes:g} idle minutes"
    else:  # idle_lock_min 0: the window never locks, and the session lasts until logout
        zh = f"{op.name}（{op.account}）已登入；登出（logout）前持續有效"
        en = f"{op.account} signed in; the session lasts until logout"
    if op.must_change_password:  # someone else set it: nothing else until the owner's own
        zh += (
            f"\n此密碼由他人設定，請先變更為自己的密碼（eservice-desktop operator passwd "
            f"{op.account} --own --password-stdin），變更前不能執行其他作業"
        )
        en += (
            f"\nThis password was set by someone else: choose your own first (eservice-desktop "
            f"operator passwd {op.account} --own --password-stdin); nothing else can be done before"
        )
    emit(args, data, say(args, zh, en))
    return 0


def _session_token(settings: Settings) -> str:
    """The token of this OS user's session file, "" when there is none (or it cannot be read)."""
    try:
        return session_file(settings).read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return ""


def cmd_logout(args: argparse.Namespace) -> int:
    from eservice_desktop.services import operators
    from eservice_desktop.services.core import open_app

    path = session_file(settings_from(args))
    ended = False
    token = _session_token(settings_from(args))
    if token:
        app = open_app(settings_from(args))
        try:
            ended = operators.end_session(app, token)
        finally:
            app.close()
    path.unlink(missing_ok=True)
    emit(args, {"ok": True, "ended": ended}, say(args, "已登出", "signed out"))
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    from eservice_desktop.services import operators

    app = open_from(args)
    try:
        if app.operator is None:
            resume_cli_session(app)
        op = operators.current(app)
    finally:
        app.close()
    data = {
        "ok": True,
        "account": op.account,
        "name": op.name,
        "roles": sorted(r.value for r in op.roles),
        "departments": sorted(op.departments),
        "password_change_required": op.must_change_password,
    }
    emit(args, data, f"{op.account} {op.name} ({', '.join(data['roles'])})")  # type: ignore[arg-type]
    return 0
