"""Cold start: the window becomes interactive without the heavy libraries of later work.

A fresh process starts the window the way ``eservice-desktop gui`` does (``gui.launcher.start``)
over a database that is already current; when the window is interactive (shown with its first queue
list: the ready hooks) it lists which of the heavy packages are loaded. Each of them costs
tenths of a second on a counter PC and is needed only when its feature is first used (printing,
schema upgrades, sync, identity cards, the county server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eservice_desktop.config import Settings
from eservice_desktop.services.core import open_app

HEAVY = (
    "reportlab",
    "alembic",
    "requests",
    "cryptography",
    "fastapi",
    "keyring",
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "pydantic",
    "PIL",
    "smartcard",
    "uvicorn",
    # the pickup desk's camera: loaded when the camera is turned on
    "cv2",
    "numpy",
)

PROBE = """
import json, sys, time
from PySide6.QtWidgets import QApplication
from eservice_desktop.cli.main import build_parser
from eservice_desktop.gui import launcher as gui_app

heavy = json.loads(sys.argv[2])
args = build_parser().parse_args(["--data-dir", sys.argv[1], "gui"])
started = gui_app.start(args)
seen = []
started.ready_hooks.append(lambda: seen.append(sorted(h for h in heavy if h in sys.modules)))
deadline = time.monotonic() + 120
while not seen and time.monotonic() < deadline:
    QApplication.processEvents()
    time.sleep(0.002)
started.ctx.tasks.wait_idle(60000)
began = sorted(h for h in ("keyring", "requests") if h in sys.modules)
started.ctx.tasks.shutdown()
started.core.close()
print(json.dumps({"ready": seen[0] if seen else None, "after": began}))
"""


def test_heavy_packages_are_not_loaded_when_the_window_is_ready(tmp_path: Path) -> None:
    open_app(Settings(data_dir=tmp_path)).close()  # a current database: no upgrade at start
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ready"] == [], f"loaded before the window was interactive: {result['ready']}"
    # The deferred background start still happens once the window is interactive.
    assert result["after"] == ["keyring", "requests"]
