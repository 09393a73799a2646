"""The window asked for where there is no screen (an ssh session, a service): Qt aborted the
process (exit 134) after a paragraph about xcb plugins; now one line in the user's language and
exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is X11's")
@pytest.mark.parametrize(
    ("argv", "said"),
    [(["gui"], "沒有可開啟視窗的螢幕"), (["--lang", "en"], "No screen to open the window on")],
)
def test_no_display_is_one_line_and_exit_2(tmp_path: Path, argv: list[str], said: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    out = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(tmp_path), *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 2, out
    assert said in out.stderr and out.stderr.count("\n") == 1, out.stderr
