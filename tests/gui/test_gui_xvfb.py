"""The real program on a real (virtual) X display: starts with demo data and renders Chinese.

Runs ``eservice-desktop --data-dir TMP gui --demo`` as a subprocess on the Xvfb display that
``tools/test-services.sh`` starts (``ESERVICE_TEST_DISPLAY``), with the ``ESERVICE_SCREENSHOT``
hook of ``gui/launcher.py``: once the window is up and the demo data is in, it saves a PNG and
quits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.xvfb


def _display() -> str:
    display = os.environ.get("ESERVICE_TEST_DISPLAY")
    if not display:
        pytest.fail("ESERVICE_TEST_DISPLAY is not set: run the suite through `make test`")
    return display


def test_gui_starts_on_x_with_demo_data_and_renders_chinese(tmp_path: Path):
    display = _display()
    shot = tmp_path / "window.png"
    exe = shutil.which("eservice-desktop", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "eservice_desktop"]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": display,
        "ESERVICE_SCREENSHOT": str(shot),
        "ESERVICE_DEMO_SEED": "7",
        # No Secret Service in the test container (in-process tests use a memory keyring).
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("ESERVICE_DATA_DIR", None)
    done = subprocess.run(
        [*cmd, "--data-dir", str(tmp_path / "data"), "gui", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert shot.exists(), done.stderr

    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500
    colours = set()
    step = 3
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            colours.add(image.pixel(x, y))
    # A blank or boxes-only window has a handful of colours; anti-aliased CJK text has many.
    assert len(colours) > 200, len(colours)
    dark = sum(
        1
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
        if QImage.pixelColor(image, x, y).lightness() < 100
    )
    # Menus, page bar, tabs, headers, the identity panel and the status bar alone give ~330
    # dark samples (the today tab may be empty before opening time); a blank window gives 0.
    assert dark > 200, dark  # text was drawn


def test_a_window_that_cannot_start_says_why_in_a_window(tmp_path: Path):
    """A settings file IT must correct: the window does not start, exit 2, and the sentence
    stderr gets is shown in a message box too (the Windows program has no console, so the
    clerk only saw a program that did not open). xdotool finds the box and closes it."""
    display = _display()
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text('{"device_id": 3}', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
    env.pop("ESERVICE_DATA_DIR", None)
    cmd = [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), "gui"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "櫃檯系統無法啟動"],
            env={**os.environ, "DISPLAY": display},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert found.returncode == 0 and found.stdout.split(), found.stderr
        assert proc.poll() is None  # the box waits for the clerk
        for _ in range(20):  # Enter, as the clerk presses it (the box has the focus)
            subprocess.run(
                ["xdotool", "key", "Return"],
                env={**os.environ, "DISPLAY": display},
                check=True,
                timeout=30,
            )
            if _ended(proc, 1.0):
                break
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2
    assert "settings.json" in err and "device_id" in err and err.count("\n") == 1, err


def _ended(proc: subprocess.Popen[str], seconds: float) -> bool:
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True
