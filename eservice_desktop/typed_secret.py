"""A password or PIN typed at a terminal for ``--password-stdin``, ``--approver-password-stdin``
and ``--pin-stdin`` (``eservice-desktop``, and ``eservice-county-server operator``): read with
the terminal's echo off.

Piped (a script's ``printf … |``, a file) standard input is read as it comes. Typed at the
terminal (IT signing in by hand, ``login boss --password-stdin`` and the password on the next
line, as the guide's commands read), the terminal echoed every character: the first admin's
password stood on the screen, in the terminal's scrollback and in any screen recording of a
remote session."""

from __future__ import annotations

import os
import sys

#: The prompt, on standard error, by what is read: (zh-TW, English).
PROMPTS = {
    "password": ("密碼（輸入時不顯示）：", "Password (not shown): "),
    "PIN": ("PIN 碼（輸入時不顯示）：", "PIN (not shown): "),
    # two lines of ``operator passwd --own``, and a new password asked twice (never shown, a
    # slip typed once was the account's password and no one knew it)
    "old password": ("舊密碼（輸入時不顯示）：", "Old password (not shown): "),
    "new password": ("新密碼（輸入時不顯示）：", "New password (not shown): "),
    "new password again": (
        "再輸入一次新密碼（輸入時不顯示）：",
        "New password again (not shown): ",
    ),
}


def typed_at_terminal() -> bool:
    stdin = sys.stdin
    try:
        return stdin is not None and stdin.isatty()
    except (ValueError, OSError):  # closed
        return False


def unechoed_line(what: str, lang: str, limit: int) -> str:
    """One line typed at the terminal, not shown (its line end kept, as a piped line's)."""
    zh, en = PROMPTS.get(what, (f"{what}：", f"{what}: "))
    prompt = en if lang.startswith("en") else zh
    if os.name == "nt":  # the console: getpass reads it unechoed (msvcrt)
        import getpass

        return getpass.getpass(prompt, stream=sys.stderr)[:limit] + "\n"
    import termios

    fd = sys.stdin.fileno()
    before = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~termios.ECHO  # lflag: the characters typed are not shown
    try:
        termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
        print(prompt, end="", file=sys.stderr, flush=True)  # asked once nothing is shown
        return sys.stdin.readline(limit)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, before)
        print(file=sys.stderr, flush=True)  # the line end the terminal did not show
