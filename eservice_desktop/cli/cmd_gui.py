"""``gui``: the counter window (the default command)."""

from __future__ import annotations

import argparse
import os
import sys


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="開啟櫃檯視窗（預設）", parents=[common])
    p.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="seed demo data first when the database is empty",
    )
    p.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    check_display()
    from eservice_desktop.gui.launcher import run

    return int(run(args))


def check_display() -> None:
    """On Linux with no display to open (an ssh session, a service, a console), Qt aborted the
    process (exit 134) after a paragraph about xcb plugins: one line and exit 2 instead.
    ``QT_QPA_PLATFORM`` (offscreen, vnc ...) is the user's own choice and is left to Qt."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    from eservice_desktop.domain.errors import DomainError

    raise DomainError(
        "gui.no_display",
        "沒有可開啟視窗的螢幕（未設定 DISPLAY 或 WAYLAND_DISPLAY）：請在桌面工作階段中開啟，"
        "或改用命令列指令",
        "No screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): start "
        "it from a desktop session, or use the command-line commands",
    )


def tell_start_failure(message: str, lang: str) -> None:
    """The window could not start: the sentence stderr got, in a message box as well (the
    Windows program has no console; ``gui.start_failure``)."""
    from eservice_desktop.gui.start_failure import tell

    tell(message, lang)
