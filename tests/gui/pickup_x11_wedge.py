"""Runs the pickup desk in a real window on an X display and types into it with xdotool, the
way a USB keyboard-wedge scanner (fast) and a clerk (slow) do. Prints one JSON line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pickup_support import County, ready_case

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.gui.tasks import TaskRunner
from eservice_desktop.services import pickup_keys
from eservice_desktop.services.core import open_app


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="eservice-wedge-") as data:  # its key goes too
        run(Path(data))


def run(data: Path) -> None:
    qapp = QApplication([])
    # A little slack over the 30 ms default: the suite runs this on a busy 2-core machine.
    app = open_app(Settings(data_dir=data, scanner_max_interkey_ms=50))
    app.operator = Operator("x11", "x11", COUNTER_ROLES)
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    from datetime import UTC, datetime

    number, token = ready_case(app, county, expires_at=datetime(2100, 1, 1, tzinfo=UTC))
    ctx = GuiContext(app, TaskRunner())
    desk = PickupDesk(ctx)
    desk.resize(1000, 600)
    desk.show()
    desk.activateWindow()
    out: dict[str, object] = {"case_number": number}
    xdotool = shutil.which("xdotool") or "xdotool"

    def xtype(text: str, delay_ms: int) -> None:
        subprocess.run([xdotool, "type", "--delay", str(delay_ms), text], check=True)

    def step1() -> None:
        desk.proxy_name.setFocus()
        desk.proxy_name.setText("")
        xtype(token + "\n", 1)  # a scanner: ~1 ms between keys, Enter at the end
        QTimer.singleShot(300, wait_scan)

    waited = [0]

    def wait_scan() -> None:
        waited[0] += 1
        if desk.result is None and waited[0] < 100:
            QTimer.singleShot(100, wait_scan)
        else:
            step2()

    def step2() -> None:
        out["scan_reason"] = desk.result.reason if desk.result else None
        out["scan_case"] = desk.result.case_number if desk.result else None
        out["name_field_after_scan"] = desk.proxy_name.text()
        desk.result = None
        desk.proxy_relation.setFocus()
        xtype("ABCDEFGH\n", 150)  # a clerk
        QTimer.singleShot(800, step3)

    def step3() -> None:
        out["relation_field_after_typing"] = desk.proxy_relation.text()
        out["typing_caused_scan"] = desk.result is not None
        print(json.dumps(out), flush=True)
        desk.on_closing()
        ctx.tasks.shutdown()
        qapp.quit()

    looked = [0]

    def when_active() -> None:
        """Types once the window holds the input focus (keys typed before go to no window; a
        fixed 800 ms was a guess a loaded machine need not keep), or after 20 s regardless."""
        looked[0] += 1
        if not (desk.isActiveWindow() and desk.isVisible()) and looked[0] < 400:
            QTimer.singleShot(50, when_active)
        else:
            out["focus_waits"] = looked[0]
            step1()

    QTimer.singleShot(0, when_active)
    QTimer.singleShot(60000, qapp.quit)
    qapp.exec()
    app.close()


if __name__ == "__main__":
    main()
