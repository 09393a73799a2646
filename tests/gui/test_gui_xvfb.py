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
