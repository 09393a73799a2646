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
        help="資料庫為空時先加入示範資料",
    )
    p.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    check_display()
    from eservice_desktop.gui.launcher import run

    return int(run(args))


def check_display() -> None:
    """On Linux with no display to open (an ssh session, a service, a console), or a DISPLAY
    whose X server does not answer (a stale ssh forwarding, an Xvfb that has stopped), Qt
    aborted the process (exit 134, a core dump) after a paragraph about xcb: one line and exit
    2 instead. ``QT_QPA_PLATFORM`` other than xcb (offscreen, vnc ...) is the user's own
    choice and is left to Qt, and so is a Wayland session (Qt may open the window there)."""
    if not sys.platform.startswith("linux"):
        return
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    display = os.environ.get("DISPLAY", "")
    if platform not in ("", "xcb") or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.gui.start_failure import x_server_answers

    if not display:
        if platform:
            return  # xcb asked for without a DISPLAY: as before, Qt's to say
        raise DomainError(
            "gui.no_display",
            "沒有可開啟視窗的螢幕（未設定 DISPLAY 或 WAYLAND_DISPLAY）：請在桌面工作階段中開啟，"
            "或改用命令列指令",
            "No screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): start "
            "it from a desktop session, or use the command-line commands",
        )
    if not x_server_answers(display):
        shown = ascii(display)  # one line whatever DISPLAY holds
        raise DomainError(
            "gui.display_unreachable",
            f"無法連上螢幕 DISPLAY={shown}（該處沒有執行中的 X 伺服器，或無法連線）："
            "請在桌面工作階段中開啟，或改用命令列指令",
            f"Cannot reach the screen DISPLAY={shown} (no X server is running there, or it "
            "cannot be reached): start it from a desktop session, or use the command-line "
            "commands",
        )


def tell_start_failure(message: str, lang: str) -> None:
    """The window could not start: the sentence stderr got, in a message box as well (the
    Windows program has no console; ``gui.start_failure``)."""
    from eservice_desktop.gui.start_failure import tell

    tell(message, lang)
