"""A password typed at the terminal for ``--password-stdin`` (IT signing in by hand on the first
day: ``login boss --password-stdin``, then the password on the next line) is not shown. The
terminal echoed it: the first admin's password stood on the screen and in its scrollback."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import Result

PASSWORD = "Typed-Secret-2026"


def _typed(data: Path, line: str | list[str], *args: str, lang: str = "zh_TW") -> tuple[int, str]:
    """``eservice-desktop`` with a terminal; ``line`` typed once it asks (:func:`_on_terminal`)."""
    office = [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), *args]
    return _on_terminal(office, line, {"ESERVICE_LANG": lang})


#: What ends each prompt for a secret (zh-TW, English).
_ASKED = ("（輸入時不顯示）：".encode(), b"(not shown): ")


def _on_terminal(argv: list[str], line: str | list[str], more: dict[str, str]) -> tuple[int, str]:
    """The real program with a terminal (a pty) for its standard input and output, in a session
    of its own (no controlling terminal of the test's); ``line`` typed once it asks, or each
    of a list of lines once it asks for it."""
    lines = [line] if isinstance(line, str) else list(line)
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    env.update(more)
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    said, typed = b"", 0
    deadline = time.monotonic() + 120  # a start takes 12-40 s at load 8
    try:
        while typed < len(lines) or proc.poll() is None:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    said += os.read(master, 65536)
                except OSError:  # the program ended: its end of the terminal is closed
                    break
            asked = sum(said.count(end) for end in _ASKED) or int(b": " in said)
            if typed < min(asked, len(lines)):
                os.write(master, lines[typed].encode() + b"\n")  # as typed, once it asks
                typed += 1
            if time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"no prompt for the password: {said!r}")
        code = proc.wait(60)
        while select.select([master], [], [], 0)[0]:  # what it said last
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(master)
    return code, said.decode(errors="replace")


def test_a_password_typed_at_the_terminal_is_not_shown(cli: Callable[..., Result]) -> None:
    made = cli(
        "setup", "--office", "H07", "--admin", "boss", "--password-stdin",
        stdin=PASSWORD + "\n", env={"ESERVICE_DEMO": ""},
    )  # fmt: skip
    assert made.code == 0, made.err
    data = cli.data_dir  # type: ignore[attr-defined]
    code, screen = _typed(data, PASSWORD, "login", "boss", "--password-stdin")
    assert code == 0, screen
    assert "密碼（輸入時不顯示）" in screen and "已登入" in screen, screen
    assert PASSWORD not in screen, screen
    code, screen = _typed(data, "wrong-password-1", "login", "boss", "--password-stdin", lang="en")
    assert code == 2 and "Password (not shown)" in screen, screen
    assert "wrong-password-1" not in screen, screen


COUNTY = "import sys; from eservice_desktop.county.cli import main; sys.exit(main(sys.argv[1:]))"


def test_county_it_typing_an_operators_password_does_not_see_it(tmp_path: Path) -> None:
    """County IT provisioning the new office's accounts by hand (``operator add … --password-stdin``
    and the password typed): the county's command echoed it too."""
    argv = [
        sys.executable, "-c", COUNTY, "operator", "add", "a01", "--office", "H07",
        "--name", "王小明", "--role", "clerk", "--password-stdin",
        "--db", f"sqlite:///{tmp_path / 'county.sqlite3'}",
    ]  # fmt: skip
    secret = {"ESERVICE_COUNTY_PASSPHRASE": "county passphrase for the test"}
    code, screen = _on_terminal(argv, [PASSWORD, PASSWORD], secret)
    assert code == 0 and "H07 a01" in screen, screen
    assert "密碼（輸入時不顯示）" in screen and PASSWORD not in screen, screen
    assert "再輸入一次新密碼" in screen, screen  # typed blind: asked twice
    argv[5] = "a02"
    code, screen = _on_terminal(argv, [PASSWORD, PASSWORD + "x"], secret)
    assert code == 2 and "兩次輸入的新密碼不同，未設定密碼" in screen, screen
    listed = subprocess.run(
        [sys.executable, "-c", COUNTY, "operator", "list", "--office", "H07",
         "--db", f"sqlite:///{tmp_path / 'county.sqlite3'}"],
        capture_output=True, text=True, timeout=120, env={**os.environ, **secret},
    )  # fmt: skip
    assert "a01" in listed.stdout and "a02" not in listed.stdout, listed.stdout + listed.stderr


def test_a_new_password_typed_blind_is_asked_twice(tmp_path: Path) -> None:
    """The first admin's password typed at setup, where nothing is shown, was asked once: a
    slip was the only admin's password and no one could sign in to the new office. A new
    password typed at a terminal is now asked twice; two that differ set nothing."""
    data = tmp_path / "office"
    setup = ["setup", "--office", "H07", "--admin", "boss", "--password-stdin"]
    code, screen = _typed(data, [PASSWORD, PASSWORD + "x"], *setup)
    assert code == 2, screen
    assert "新密碼（輸入時不顯示）" in screen and "再輸入一次新密碼" in screen, screen
    assert "兩次輸入的新密碼不同，未設定密碼" in screen and PASSWORD not in screen, screen
    code, screen = _typed(data, PASSWORD, "login", "boss", "--password-stdin")
    assert code == 2, screen  # no admin was made
    code, screen = _typed(data, [PASSWORD, PASSWORD], *setup, lang="en")
    assert code == 0 and "New password again (not shown)" in screen, screen
    code, screen = _typed(data, PASSWORD, "login", "boss", "--password-stdin")
    assert code == 0 and "已登入" in screen, screen

    # one's own: the old one, then the new one twice, each prompt saying which
    own = ["operator", "passwd", "boss", "--own", "--password-stdin"]
    code, screen = _typed(data, [PASSWORD, "Own-Secret-2026", "Own-Secret-2027"], *own)
    assert code == 2 and "舊密碼（輸入時不顯示）" in screen, screen
    assert "兩次輸入的新密碼不同" in screen, screen
    code, screen = _typed(data, [PASSWORD, "Own-Secret-2026", "Own-Secret-2026"], *own)
    assert code == 0, screen
    assert _typed(data, "Own-Secret-2026", "login", "boss", "--password-stdin")[0] == 0
