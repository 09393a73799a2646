"""The box that says why the window cannot start, shown before the window set anything up
(settings.json unreadable, the database key missing): it drew the Chinese sentence in the
first face Qt found (a Kai or Ming one, smaller than the window's) beside an English "OK".
Now it has the window's screen font and Qt's buttons in the user's language.

Runs in a process of its own on the Xvfb display (``ESERVICE_TEST_DISPLAY``), where no
QApplication exists before the box (in the test process one always does); the box's ``exec``
is replaced by one that reads what it shows and returns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xvfb

ROOT = Path(__file__).resolve().parents[2]

_SHOW = """
import json, sys
from PySide6.QtWidgets import QApplication, QMessageBox
from eservice_desktop.gui import fonts, start_failure
seen = {}
def read(box):
    box.show()  # Qt adds its OK button when the box is shown
    QApplication.processEvents()
    seen["buttons"] = [b.text() for b in box.buttons()]
    box.hide()
    seen["family"] = fonts.resolved_family(box.font())
    seen["sans"] = fonts.installed(fonts.SANS_FAMILIES)
    return 0
QMessageBox.exec = read
start_failure.tell("無法存取 /srv/settings.json（這是資料夾，不是檔案）", sys.argv[1])
print(json.dumps(seen))
"""


def _shown(lang: str) -> dict[str, object]:
    display = os.environ.get("ESERVICE_TEST_DISPLAY")
    if not display:
        pytest.fail("ESERVICE_TEST_DISPLAY is not set: run the suite through `make test`")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", _SHOW, lang],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def test_the_box_speaks_chinese_in_the_screen_font() -> None:
    seen = _shown("zh_TW")
    assert seen["buttons"] == ["確定"], seen
    sans = seen["sans"]
    assert isinstance(sans, list)
    if sans:  # Noto Sans CJK TC installed (doctor's Chinese fonts line)
        assert seen["family"] == sans[0], seen


def test_in_english_the_button_is_english() -> None:
    assert _shown("en")["buttons"] == ["OK"]
