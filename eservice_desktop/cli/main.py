"""The ``eservice-desktop`` command: the GUI by default, and every counter use case headless.

Each command group lives in its own module with a ``register(subparsers, common)`` function; the
global options (``--data-dir`` and friends) are accepted before or after the command.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from eservice_desktop import __version__
from eservice_desktop.cli.console import fit_streams, json_text
from eservice_desktop.cli.help_text import HelpInLanguage
from eservice_desktop.standard_output import GuardedOutput, guarded_stdout, lost_output

if TYPE_CHECKING:
    from eservice_desktop.config import Settings

#: Command modules under eservice_desktop.cli, in the order `--help` lists them.
COMMAND_MODULES = (
    "cmd_gui",
    "cmd_case",
    "cmd_catalog",
    "cmd_calendar",
    "cmd_demo",
    "cmd_db",
    "cmd_backup",
    "cmd_pickup",
    "cmd_sync",
    "cmd_payment",
    "cmd_receipt",
    "cmd_report",
    "cmd_card",
    "cmd_crl",
    "cmd_doctor",
    "cmd_audit",
    "cmd_setup",
    "cmd_auth",
    "cmd_operator",
)

log = logging.getLogger("eservice.cli")


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    s = argparse.SUPPRESS
    common.add_argument("--data-dir", default=s, help="資料目錄（優先於 ESERVICE_DATA_DIR）")
    common.add_argument("--office", default=s, help="事務所代碼，例如 H01")
    common.add_argument("--device", default=s, help="所內設備編號，例如 01")
    common.add_argument("--lang", default=s, choices=["zh_TW", "en"], help="訊息的語言")
    common.add_argument("--json-logging", action="store_true", default=s, help="日誌寫成 JSON 行")
    common.add_argument(
        "--verbose", "-v", action="store_true", default=s, help="日誌也輸出到標準錯誤"
    )
    return common


class _HelpInLanguage(HelpInLanguage):
    """``--help`` in the language of the arguments being parsed (``cli/help_text.py``)."""

    def language(self) -> str:
        return OneLineParser.language()


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr (no usage block), in the user's language, and exit 2."""

    #: The words being parsed (``main`` sets them): their ``--lang`` chooses the language.
    arguments: ClassVar[Sequence[str]] = ()
    #: The language found for ``arguments`` (that very list): the settings file is read once.
    _found: ClassVar[tuple[Sequence[str], str] | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # no abbreviations: `--json` on a command without it was taken for `--json-logging`
        # (db key export --json printed the key as text, sync run --json logged JSON lines)
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _HelpInLanguage)
        super().__init__(*args, **kwargs)

    @classmethod
    def language(cls) -> str:
        """The language before parsing (``parse_errors.early_lang``), found when first asked:
        only a help page or a refusal needs it, and at most once per invocation."""
        from eservice_desktop.cli.parse_errors import early_lang

        found = OneLineParser._found
        if found is None or found[0] is not cls.arguments:
            found = OneLineParser._found = (cls.arguments, early_lang(cls.arguments))
        return found[1]

    def error(self, message: str) -> NoReturn:
        from eservice_desktop.cli.parse_errors import in_language
        from eservice_desktop.domain.values import printable

        said = in_language(message, self.language())
        self.exit(2, f"{self.prog}: {printable(said, 300)}\n")


#: Global options that take a value (the word after them is not a command).
_VALUE_OPTIONS = frozenset({"--data-dir", "--office", "--device", "--lang"})


def opens_the_window(arguments: Sequence[str]) -> bool:
    """True when the arguments ask for the counter window (no command, or ``gui``) and no help:
    then only ``cmd_gui`` is registered, so the start does not import every command's services
    (``--help`` and any other word build the full parser; options are never abbreviated)."""
    words: list[str] = []
    value_next = False
    for arg in arguments:
        if value_next:
            value_next = False
        elif arg in _VALUE_OPTIONS:
            value_next = True
        elif arg in ("-h", "--help", "--version"):
            return False
        elif not arg.startswith("-"):
            words.append(arg)
    return words in ([], ["gui"])


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    common = common_options()
    parser = OneLineParser(
        prog="eservice-desktop",
        description="戶政／地政事務所櫃檯系統",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"eservice-desktop {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="搭配櫃檯視窗：先加入示範資料",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        module = importlib.import_module(f"eservice_desktop.cli.{name}")
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    fit_streams()  # a cp950 console or file: escapes, not a traceback (cli/console.py)
    from eservice_desktop.cli.common import REFUSALS

    # `| head`, `> file` on a full disk (standard_output.py): the help page's too
    with guarded_stdout() as out:
        args = _parsed(list(sys.argv[1:] if argv is None else argv))
        if args is None:
            return 2
        REFUSALS.clear()  # this call's, not an earlier call's in the same process
        status = _run(args)
    status = _output_lost(args, out, status)
    if status and args.command == "gui":
        from eservice_desktop.cli.cmd_gui import tell_start_failure
        from eservice_desktop.cli.common import lang_of

        if REFUSALS:  # the window did not start: said in a window too (no console on Windows)
            tell_start_failure(REFUSALS[-1], lang_of(args))
    return status


def _output_lost(args: argparse.Namespace, out: GuardedOutput, status: int) -> int:
    """The command's status, or 2 with one line saying so when its answer could not be written
    to standard output (a full disk under ``> file``): the command itself was carried out, so
    the line says that, not the full disk's 這次的資料都沒有儲存. A refusal whose JSON could not
    be written has said its own line already; a reader gone (``| head``) is no error."""
    from eservice_desktop.cli.common import REFUSALS, say
    from eservice_desktop.domain.text_values import os_reason

    lost = lost_output(out)
    if lost is None or REFUSALS:
        return status
    log.warning("command %s: its answer was not written (%s)", args.command, type(lost).__name__)
    zh, en = os_reason(lost)
    line = say(
        args,
        f"結果無法寫到標準輸出（{zh}）；指令本身已執行完成",
        f"The answer could not be written to standard output ({en}); the command itself was "
        "carried out",
    )
    print(line, file=sys.stderr)
    return status or 2


def _run(args: argparse.Namespace) -> int:
    """The command, its refusals said as one line (``cli.common.fail``)."""
    from eservice_desktop.cli.common import fail, forget_ended_session
    from eservice_desktop.config import load_settings
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services.database import KEY_ERRORS, bilingual
    from eservice_desktop.services.machine_errors import environment_error

    forget_ended_session()

    if not getattr(args, "lang", None) and os.environ.get("ESERVICE_LANG", "").startswith("en"):
        args.lang = "en"  # a refusal of the settings themselves is said in it too
    try:
        settings = load_settings(getattr(args, "data_dir", None))
        if not getattr(args, "lang", None):
            args.lang = settings.lang  # ESERVICE_LANG or the settings file's, as the GUI's
        _start_logging(args, settings)
        return int(args.func(args) or 0)
    except DomainError as e:
        return fail(args, e)
    except KEY_ERRORS as e:
        # The database key is missing or wrong: IT's to fix (docs/it-guide.md, key custody).
        from eservice_desktop.cli.common import EXIT_REFUSED, fail

        return fail(args, bilingual("database.key", e), EXIT_REFUSED)
    except KeyboardInterrupt:
        return _interrupted(args)
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:
        from eservice_desktop.services.sync import SyncError

        if isinstance(e, SyncError):
            return _sync_failed(args, e)
        from eservice_desktop.services.database import too_new

        newer = too_new(e)  # a newer build's database: install that build, never a traceback
        if newer is not None:
            return fail(args, newer)
        env = environment_error(e)
        if env is not None:  # the machine, not the program: one line, exit 2
            log.warning("command %s failed: %s (%s)", args.command, env.code, type(e).__name__)
            return fail(args, env)
        log.exception("command %s failed", args.command)
        raise


def _interrupted(args: argparse.Namespace) -> int:
    """Ctrl+C: one line in the user's language instead of Python's traceback. What was under
    way is not kept: a transaction rolls back, an unfinished backup or restore copy is
    removed."""
    from eservice_desktop.cli.common import interrupted

    log.warning("command %s interrupted", args.command)
    return interrupted(
        args, "已中斷（Ctrl+C），這項作業未完成", "Interrupted (Ctrl+C); the command did not finish"
    )


def _parsed(arguments: list[str]) -> argparse.Namespace | None:
    """The parsed command line (argparse exits 2 on a refusal); None when an argument cannot be
    read at all."""
    parser = build_parser(("cmd_gui",) if opens_the_window(arguments) else COMMAND_MODULES)
    if any(_undecodable(arg) for arg in arguments):
        print(
            "參數含有無法辨識的字元（編碼錯誤或 NUL） / "
            "an argument holds an undecodable character or NUL",
            file=sys.stderr,
        )
        return None
    OneLineParser.arguments = arguments
    args = parser.parse_args(arguments)
    if not getattr(args, "command", None):
        args.command = "gui"
        from eservice_desktop.cli.cmd_gui import run_gui

        args.func = run_gui
    return args


def _undecodable(arg: str) -> bool:
    """Undecodable bytes arrive as lone surrogates (surrogateescape); NUL can never be stored."""
    return any(ch == "\x00" or 0xD800 <= ord(ch) <= 0xDFFF for ch in arg)


def _start_logging(args: argparse.Namespace, settings: Settings) -> None:
    """The command's log in the data directory's ``logs`` folder (doctor's only where it can
    be written). A data directory on a read-only disk is said as that, naming the directory:
    every command stopped here with 無法存取 …/logs/eservice.log（唯讀的磁碟）."""
    from eservice_desktop.logs import setup_logging
    from eservice_desktop.services.machine_errors import read_only_data_dir

    log_dir: Path | None = settings.log_dir
    if args.command == "doctor":
        from eservice_desktop.services.doctor.logs_folder import can_log

        if not can_log(settings):  # doctor only reads: it makes no folder, and it runs on
            log_dir = None  # a read-only one or one whose log it cannot open: it says so
    try:
        setup_logging(
            log_dir,
            json_lines=bool(getattr(args, "json_logging", False)),
            stderr=bool(getattr(args, "verbose", False)),
            name="sync" if args.command == "sync" else "eservice",
        )
    except OSError as e:
        raise read_only_data_dir(e, settings.data_dir) or e from None


def _sync_failed(args: argparse.Namespace, error: Exception) -> int:
    """The county link failed (enrol, recover, receipt ...): say so in the clerk's language,
    never as an exception name; exit 1 like ``sync once``."""

    from eservice_desktop.cli.common import lang_of
    from eservice_desktop.services.sync import sync_error_message

    message = sync_error_message(error, lang_of(args))
    log.warning("command %s: county link failed (%s)", args.command, type(error).__name__)
    if getattr(args, "json", False):
        data = {
            "ok": False,
            "error": type(error).__name__,
            "status": getattr(error, "status", None),
            "message": message,
        }
        print(json_text(data))
    print(message, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
