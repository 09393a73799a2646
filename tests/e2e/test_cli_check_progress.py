"""``audit verify`` and ``backup verify`` read every event of the office: minutes on a year of
a busy office, with nothing said until the end (IT took the silent command for hung and
stopped it). On a terminal they say how far they have come on standard error, and clear that
line before the answer; a pipe or ``--json`` gets the answer alone, as before."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import Result, _environment


def _on_a_terminal(data: Path, *args: str) -> tuple[int, str, str]:
    """The real program with standard error on a terminal (a pty), standard output a pipe."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    env.update(_environment(None))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), *args],
            stdout=subprocess.PIPE, stderr=slave, env=env, timeout=300, check=False,
        )  # fmt: skip
        os.close(slave)
        said = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(master)
    return done.returncode, done.stdout.decode(), said.decode()


def test_a_long_check_says_how_far_it_has_come_on_a_terminal_only(
    cli: Callable[..., Result],
) -> None:
    assert cli("demo", "seed", "--cases", "700").code == 0  # some 4,500 events
    code, out, err = _on_a_terminal(cli.data_dir, "audit", "verify")  # type: ignore[attr-defined]
    assert code == 0 and "完整" in out, (out, err)
    assert "已檢查 2,000／" in err and "筆事件…" in err, err
    assert err.endswith("\r") and err.rsplit("\r", 2)[1].strip() == "", repr(err[-40:])  # cleared
    code, out, err = _on_a_terminal(cli.data_dir, "audit", "verify", "--json")  # type: ignore[attr-defined]
    assert code == 0 and err == "", err
    piped = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(cli.data_dir), "audit",  # type: ignore[attr-defined]
         "verify"],
        capture_output=True, text=True, env={**os.environ, **_environment(None)}, timeout=300,
        check=False,
    )  # fmt: skip
    assert piped.returncode == 0 and "筆事件" not in piped.stderr
