"""The ``eservice-desktop`` command: the GUI by default, and every counter use case headless.

Each command group lives in its own module with a ``register(subparsers, common)`` function; the
global options (``--data-dir`` and friends) are accepted before or after the command.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from eservice_desktop import __version__

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
    common.add_argument(
        "--data-dir", default=s, help="data directory (overrides ESERVICE_DATA_DIR)"
    )
    common.add_argument("--office", default=s, help="office code, e.g. H01")
    common.add_argument("--device", default=s, help="device number inside the office, e.g. 01")
    common.add_argument("--lang", default=s, choices=["zh_TW", "en"], help="language of messages")
    common.add_argument("--json-logging", action="store_true", default=s, help="log JSON lines")
    common.add_argument("--verbose", "-v", action="store_true", default=s, help="log to stderr")
    return common


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr (no usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        from eservice_desktop.domain.values import printable

        self.exit(2, f"{self.prog}: {printable(message, 300)}\n")


#: Global options that take a value (the word after them is not a command).
_VALUE_OPTIONS = frozenset({"--data-dir", "--office", "--device", "--lang"})


def opens_the_window(arguments: Sequence[str]) -> bool:
    """True when the arguments ask for the counter window (no command, or ``gui``) and no help:
    then only ``cmd_gui`` is registered, so the start does not import every command's services
    (``--help`` and any other word build the full parser, abbreviated options included)."""
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
        description="戶政／地政事務所櫃檯系統 — counter software for household and land offices",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"eservice-desktop {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="with the GUI: seed demo data first",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        module = importlib.import_module(f"eservice_desktop.cli.{name}")
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from eservice_desktop.config import load_settings
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.logs import setup_logging
    from eservice_desktop.services.database import KEY_ERRORS

    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(("cmd_gui",) if opens_the_window(arguments) else COMMAND_MODULES)
    if any(_undecodable(arg) for arg in arguments):
        print(
            "參數含有無法辨識的字元（編碼錯誤或 NUL） / "
            "an argument holds an undecodable character or NUL",
            file=sys.stderr,
        )
        return 2
    args = parser.parse_args(arguments)
    if not getattr(args, "command", None):
        args.command = "gui"
        from eservice_desktop.cli.cmd_gui import run_gui

        args.func = run_gui
    from eservice_desktop.cli.common import environment_error, fail, forget_ended_session

    forget_ended_session()

    try:
        settings = load_settings(getattr(args, "data_dir", None))
        setup_logging(
            settings.log_dir,
            json_lines=bool(getattr(args, "json_logging", False)),
            stderr=bool(getattr(args, "verbose", False)),
            name="sync" if args.command == "sync" else "eservice",
        )
        return int(args.func(args) or 0)
    except DomainError as e:
        return fail(args, e)
    except KEY_ERRORS as e:
        # The database key is missing or wrong: IT's to fix (docs/it-guide.md, key custody).
        from eservice_desktop.cli.common import EXIT_REFUSED, fail

        zh, _, en = str(e).partition(" / ")
        return fail(args, DomainError("database.key", zh, en or zh), EXIT_REFUSED)
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:
        from eservice_desktop.services.sync import SyncError

        if isinstance(e, SyncError):
            return _sync_failed(args, e)
        env = environment_error(e)
        if env is not None:  # the machine, not the program: one line, exit 2
            log.warning("command %s failed: %s (%s)", args.command, env.code, type(e).__name__)
            return fail(args, env)
        log.exception("command %s failed", args.command)
        raise


def _undecodable(arg: str) -> bool:
    """Undecodable bytes arrive as lone surrogates (surrogateescape); NUL can never be stored."""
    return any(ch == "\x00" or 0xD800 <= ord(ch) <= 0xDFFF for ch in arg)


def _sync_failed(args: argparse.Namespace, error: Exception) -> int:
    """The county link failed (enrol, recover, receipt ...): say so in the clerk's language,
    never as an exception name; exit 1 like ``sync once``."""
    import json

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
        print(json.dumps(data, ensure_ascii=False))
    print(message, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
