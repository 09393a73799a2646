"""Helpers every CLI command shares: opening the core, printing JSON, turning errors into exit 2."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eservice_desktop import typed_secret
from eservice_desktop.cli.console import json_text
from eservice_desktop.cli.session_files import os_user, session_file
from eservice_desktop.config import Settings, settings_from_args
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.report_model import western_of_roc
from eservice_desktop.domain.rocdate import roc_text
from eservice_desktop.domain.text_values import no_such_day, typed_date, whole_number

if TYPE_CHECKING:
    from eservice_desktop.services.approvals import Approval
    from eservice_desktop.services.core import App

EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3


def settings_from(args: argparse.Namespace) -> Settings:
    return settings_from_args(args)


def open_from(args: argparse.Namespace) -> App:
    """The core with this OS user's operator signed in when a live session exists (demo mode
    signs in the demo operator). Without one, guarded use cases refuse with auth.required.
    Its clock follows the county's as the window's does (the offset the last sync learned):
    a command on a counter PC whose clock is off dated its events, receipts and closing by
    the PC's clock, the window on the same PC by the county's."""
    from eservice_desktop.services.core import open_app  # not at import: the window's start
    from eservice_desktop.services.sync.clock import install_clock_correction

    app = open_app(settings_from(args), on_upgrade=lambda: upgrading(args))
    try:
        install_clock_correction(app)
    except BaseException:
        app.close()
        raise
    if app.operator is None:
        try:
            resume_cli_session(app)
        except BaseException:
            app.close()
            raise
    return app


def upgrading(args: argparse.Namespace) -> None:
    """Said on stderr before an older database is backed up and upgraded: the command is
    silent otherwise until both are done (3.5 minutes at 6.6 million events)."""
    message = say(
        args,
        "資料庫升級中（先備份），大型資料庫需時數分鐘，請勿中斷…",
        "Upgrading the database (after a backup); a large one takes minutes, do not interrupt…",
    )
    print(message, file=sys.stderr, flush=True)


#: Why this process's session file was refused (expired, revoked): said instead of the plain
#: "sign in first" when a use case then asks for a session.
_ENDED_SESSION: list[DomainError] = []


def forget_ended_session() -> None:
    """A new command starts with no refused session (several commands may run in one
    process: the tests, a script calling ``main``)."""
    _ENDED_SESSION.clear()


def resume_cli_session(app: App) -> bool:
    """Signs in the operator of this OS user's session file, if it is live. An expired or
    revoked session's file is removed and its expiry reported on the next refusal."""
    from eservice_desktop.domain.errors import AuthError
    from eservice_desktop.services import operators

    path = session_file(app.settings)
    try:
        token = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return False
    if not token:
        return False
    try:
        operators.resume_session(app, token, os_user())
    except AuthError as e:
        path.unlink(missing_ok=True)
        _ENDED_SESSION.append(e)
        return False
    return True


def lang_of(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or "zh_TW")


def say(args: argparse.Namespace, zh: str, en: str) -> str:
    """A human line in the user's language (``--lang``)."""
    return en if lang_of(args).startswith("en") else zh


def service_label(app: App, code: str, args: argparse.Namespace) -> str:
    """A service's name in the user's language (its code if the catalogue lost it)."""
    if not app.catalogue.has_service(code):
        return code
    service = app.catalogue.service(code)
    return say(args, service.name, service.name_en)


def status_label(status: str, args: argparse.Namespace) -> str:
    from eservice_desktop.domain.case import STATUS_LABELS

    zh, en = STATUS_LABELS.get(status, (status, status))
    return say(args, zh, en)


#: How a payment was made and what its receipt is, in zh-TW (the English words are the codes).
_METHOD_ZH = {"cash": "現金", "card": "刷卡", "online": "線上"}
_RECEIPT_STATUS_ZH = {"valid": "有效", "void": "作廢"}


def payment_words(method: str, status: str, args: argparse.Namespace) -> tuple[str, str]:
    """A payment's method and its receipt's status in the user's language: the zh-TW line of
    ``payment record|list`` ended in ``cash … valid``."""
    return (
        say(args, _METHOD_ZH.get(method, method), method),
        say(args, _RECEIPT_STATUS_ZH.get(status, status), status),
    )


def emit(args: argparse.Namespace, data: Any, text: str | Callable[[], str] | None = None) -> None:
    """Prints one JSON document with --json, otherwise a human line."""
    if getattr(args, "json", False) or text is None:
        print(json_text(data, indent=2, default=str))  # JSON's escapes on a code page
    else:
        print(text() if callable(text) else text)


#: What this process refused, as said on stderr (the window's start shows it too: cli.main).
REFUSALS: list[str] = []


def fail(args: argparse.Namespace, error: DomainError, code: int = EXIT_BAD_INPUT) -> int:
    """One line on stderr in the user's language; the JSON form on stdout with --json."""
    if error.code == "auth.required" and _ENDED_SESSION:
        error = _ENDED_SESSION[-1]
    message = one_line(error.message(lang_of(args)))
    REFUSALS.append(message)
    if getattr(args, "json", False):
        data = {"ok": False, "error": error.code, "field": error.field, "message": message}
        try:
            print(json_text({**data, **error.extra}), flush=True)
        except OSError:
            # standard output is what failed (a full disk under `> file`): stderr still says it
            _drop_stdout()
    print(message, file=sys.stderr)
    return code


#: The exit status of a command stopped by Ctrl+C: 128 + SIGINT, as the shell reports it.
EXIT_INTERRUPTED = 130


def interrupted(args: argparse.Namespace, zh: str, en: str) -> int:
    """A command stopped by Ctrl+C says so on one line (the JSON form on stdout with --json)
    and exits 130. Not a refusal: the window does not repeat it in a message box."""
    message = say(args, zh, en)
    if getattr(args, "json", False):
        data = {"ok": False, "error": "interrupted", "field": None, "message": message}
        print(json_text(data), flush=True)
    print(message, file=sys.stderr)
    return EXIT_INTERRUPTED


def one_line(text: str) -> str:
    """A message as one line: what a service put into it from outside (a file's name, a
    document's name, a server's answer) with its line breaks and terminal controls shown as
    U+XXXX, so the one line other tools read is never split or rewritten."""
    return values.printable(text, len(text))


def _drop_stdout() -> None:
    """Points standard output at the null device, so what it still buffers is not written
    again (and fails again) when the program exits."""
    import os

    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (kept until exit)


def shown_value(value: Any, lang: str = "zh_TW") -> str:
    """A value of a command's JSON as its text form shows it to a person: an ISO time in
    Taipei with the ROC year (115/12/01 12:22), an ISO day as an ROC day, nothing as "—", a
    list joined as the language writes it, an object as its keys and values; the JSON form
    keeps ISO 8601."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        sep = ", " if lang == "en" else "、"
        return sep.join(shown_value(v, lang) for v in value) if value else "—"
    if isinstance(value, dict):  # each part as its own value: never Python's {'k': 'v'}
        parts = (f"{k} {shown_value(v, lang)}" for k, v in value.items())
        return ", ".join(parts) if value else "—"
    if isinstance(value, str):
        return roc_text(value)
    return str(value)


def parse_time(text: str, field: str) -> datetime:
    """ISO 8601 from the command line; a time without a zone is Taipei time, as clerks mean.
    Times outside the domain's window (values.EARLIEST..LATEST) are refused; one written with the
    ROC year, as every print dates it (115/12/31), is told its Western form, as `report` tells
    a period's day."""
    shown = values.printable(text, 40)
    typed = typed_date(text)
    try:
        value = datetime.fromisoformat(typed)
    except ValueError as e:
        zh, en = f"時間格式錯誤（ISO 8601）：{shown}", f"Bad ISO 8601 time: {shown}"
        head = re.split(r"[T ]", typed, maxsplit=1)[0]
        if missing := no_such_day(typed):  # 2026-02-29T10:00: written right
            zh, en = f"{zh}；{missing} 這一天不存在", f"{en}; there is no such day as {missing}"
        elif western := western_of_roc(head):  # 115/12/31T10:00, as every print dates it
            iso = western.isoformat() + typed[len(head) :]
            zh += f"；民國年請換算為西元：{iso}"
            en += f"; with the Western year (not the ROC year): {iso}"
        raise DomainError("time.format", zh, en, field) from e
    value = value if value.tzinfo else value.replace(tzinfo=TAIPEI)
    try:
        return values.check_time(value, field)
    except DomainError as e:  # named as typed: "received 超出合理範圍" named no option in zh-TW
        option, lo, hi = (
            "--" + field.replace("_", "-"),
            values.EARLIEST.year,
            values.LATEST.year - 1,
        )
        raise DomainError(
            e.code,
            f"{option} 超出合理範圍：須在 {lo} 到 {hi} 年之間（收到「{shown}」）",
            f"{option} must be within {lo}..{hi} (got '{shown}')",
            field,
        ) from None


def bounded_int(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse type: a whole number within lo..hi (a --limit of -1 or an amount of 10^30
    is refused with one line, exit 2). Worded in English like argparse's own refusals and said
    in zh-TW by ``parse_errors`` (both at once read as two languages in either)."""

    def parse(text: str) -> int:
        try:
            value = whole_number(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number: {values.printable(text, 20)}"  # zh: parse_errors
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be between {lo} and {hi}")
        return value

    parse.__name__ = "integer"
    return parse


def typed_int(text: str) -> int:
    """An argparse type: ``int`` as a clerk types it (ASCII or full-width digits); refused,
    with argparse's own "invalid int value", in the digits of another script, which ``int``
    took (``--fee-reduction ٣٠`` was a reduction of NT$30)."""
    return whole_number(text)


typed_int.__name__ = "int"


def bounded_seconds(lo: float, hi: float) -> Callable[[str], float]:
    """An argparse type: seconds within lo..hi (NaN, infinities and 10^400 refused with one
    line, exit 2, instead of failing in the socket that takes them)."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            value = float("nan")
        if not lo <= value <= hi:  # False for NaN too
            raise argparse.ArgumentTypeError(
                f"must be {lo:g} to {hi:g} seconds: {values.printable(text, 20)}"
            )
        return value

    parse.__name__ = "seconds"
    return parse


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="輸出一份 JSON 文件")


def add_approval(parser: argparse.ArgumentParser, *, reason: bool = False) -> None:
    """``--approver ACCOUNT --approver-password-stdin`` (and ``--reason`` when the command has
    none): a supervisor's approval of an exception (docs/operators.md, "Approvals")."""
    parser.add_argument(
        "--approver",
        default="",
        metavar="ACCOUNT",
        help="核准此例外的主管帳號（不可為登入中的操作員）",
    )
    parser.add_argument(
        "--approver-password-stdin",
        action="store_true",
        help="自標準輸入讀取核准主管的密碼（一行）",
    )
    if reason:
        parser.add_argument("--reason", default="", help="核准此例外的理由")


def read_secret_line(what: str, lang: str = "zh_TW") -> str:
    """One line of standard input without its line end (passwords, PINs); never echoed.
    Empty is refused: it counted as a wrong password towards the approver's lockout."""
    if not (line := stdin_line(what, lang).rstrip("\r\n")):
        zh = "密碼" if what == "password" else what
        raise DomainError("stdin.empty", f"標準輸入沒有{zh}", f"No {what} on standard input", what)
    return line


#: The longest line a secret on standard input may be (a password is 128 characters at most,
#: a PIN 12): a line that never ends (``< /dev/zero``, a file without a line end) was read
#: until the memory was gone, MemoryError's traceback under a cap.
STDIN_LINE_MAX = 4096
#: A byte order mark as Python reads it from UTF-8 standard input (U+FEFF).
BOM = "\ufeff"


def stdin_line(what: str, lang: str = "zh_TW", prompt: str = "") -> str:
    """One line of standard input as read (line end included, empty at its end), at most
    :data:`STDIN_LINE_MAX` characters. Bytes that are not UTF-8 arrive as lone surrogates
    (Python reads standard input with surrogateescape) and no password or PIN can be made of
    them, nor of NUL: refused like such an argument. A UTF-8 byte order mark before it (a file
    saved as Notepad's "UTF-8 with BOM" or by PowerShell 5's ``Set-Content -Encoding UTF8``,
    piped with ``type``) is the file's, not the line's: ``operator add`` stored it as the
    password's first character, which no clerk can type, and ``login`` said 密碼錯誤 and
    counted the right password towards the lockout. ``prompt``: the terminal's prompt
    (``typed_secret.PROMPTS``) when not ``what``'s own."""
    if typed_secret.typed_at_terminal():  # never echoed (typed_secret.py)
        line = typed_secret.unechoed_line(prompt or what, lang, STDIN_LINE_MAX + 1)
    else:
        line = sys.stdin.readline(STDIN_LINE_MAX + 1)
    line = line.removeprefix(BOM)
    if any(ch == "\x00" or 0xD800 <= ord(ch) <= 0xDFFF for ch in line):
        raise DomainError(
            "stdin.undecodable",
            "標準輸入含有無法辨識的字元（編碼錯誤或 NUL）",
            "Standard input holds an undecodable character or NUL",
            what,
        )
    if len(line) > STDIN_LINE_MAX:
        raise DomainError(
            "stdin.too_long",
            f"標準輸入的第一行過長（上限 {STDIN_LINE_MAX} 字）",
            f"The first line of standard input is too long ({STDIN_LINE_MAX} characters at most)",
            what,
        )
    return line


def approval_from(args: argparse.Namespace, reason: str = "") -> Approval | None:
    """The :class:`services.approvals.Approval` the options give, or None without
    ``--approver`` (the use case then refuses an exception with ``auth.approval_required``)."""
    from eservice_desktop.services.approvals import Approval

    account = str(getattr(args, "approver", "") or "").strip()
    from_stdin = bool(getattr(args, "approver_password_stdin", False))
    if not account:
        if from_stdin:
            raise DomainError(
                "approval.account_required",
                "請以 --approver 指定核准主管的帳號",
                "Name the approving supervisor with --approver",
                "approver",
            )
        return None
    if not from_stdin:
        raise DomainError(
            "approval.password_required",
            "主管密碼須由標準輸入提供（--approver-password-stdin）",
            "The approver's password is read from standard input (--approver-password-stdin)",
            "approver",
        )
    password = read_secret_line("password", lang_of(args))
    why = str(getattr(args, "reason", "") or "").strip() or reason
    return Approval(account, password, why)
