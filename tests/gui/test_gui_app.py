"""``eservice-desktop gui --demo`` as a real process (offscreen): seeds in the background, shows
the window, reports ready, and leaves the demo cases in the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import repo


def test_gui_demo_start_seeds_in_the_background(tmp_path: Path):
    data = tmp_path / "data"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ESERVICE_QUIT_WHEN_READY": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("ESERVICE_DATA_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), "gui", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    marks = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert marks == ["ready", "idle"]
    app = open_app(Settings(data_dir=data))
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        with app.reading() as s:
            assert repo.count_cases(s) == 300
    finally:
        app.close()


def test_crash_dialog_says_nothing_committed_was_lost_and_where_the_log_is(
    qtbot, tmp_path: Path
) -> None:
    from eservice_desktop.gui.crash import show_crash_dialog

    box = show_crash_dialog(tmp_path / "logs")
    qtbot.waitUntil(box.isVisible)
    text = box.text()
    assert "沒有遺失" in text and str(tmp_path / "logs") in text
    assert text.index("沒有遺失") < text.index("nothing was lost")  # Chinese first
    box.accept()
