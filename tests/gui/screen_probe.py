"""Starts the real window the way ``eservice-desktop gui`` does (``gui.launcher.start``) on whatever
screen the Qt platform gives, with demo data, and prints what a clerk would see as JSON:

- the window's geometry and the screen's available geometry;
- the family the application font resolves to and whether the screen fonts have a glyph for
  rare characters (Ext-B to Ext-H);
- for the queue table on each tab: every header's text width and section width, the viewport
  width and whether a horizontal scroll bar shows.

Usage: ``python screen_probe.py DATA_DIR LANG [SCREENSHOT.png]`` (run by ``test_gui_screen.py``
in a subprocess, because the screen size is fixed when QApplication starts).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QApplication

from eservice_desktop.cli.main import build_parser
from eservice_desktop.config import Settings
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.gui import fonts
from eservice_desktop.gui.launcher import start
from eservice_desktop.gui.main_window import QUEUE_PAGE
from eservice_desktop.services.core import open_app
from eservice_desktop.services.operators_demo import check_demo_seed

RARE = {
    "ext_b": "\U00021619",  # 𡘙
    "ext_c": "\U0002a700",
    "ext_d": "\U0002b740",  # 𫝀
    "ext_e": "\U0002b820",
    "ext_f": "\U0002ceb0",  # 𬺰
    "ext_g": "\U00030ede",  # 𰻞
    "ext_h": "\U00031350",
}


def wait(qt_app: QApplication, until: object, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        qt_app.processEvents()
        if callable(until) and until():
            return
        time.sleep(0.01)
    raise TimeoutError


def main() -> int:
    data, lang = Path(sys.argv[1]), sys.argv[2]
    shot = sys.argv[3] if len(sys.argv) > 3 else ""
    core = open_app(Settings(data_dir=data))
    core.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        # a demo database, as `demo seed` makes it: its payments are dated by the demo's
        # timeline (the last working day's closing on a Saturday evening), not the PC's clock
        check_demo_seed(core)
        seed_demo(core, 600, seed=7)
    finally:
        core.close()
    args = build_parser().parse_args(["--data-dir", str(data), "--lang", lang, "gui"])
    started = start(args)
    qt_app, window, ctx = started.qt_app, started.window, started.ctx
    queue = window.pages[QUEUE_PAGE]
    screen = window.screen() or QGuiApplication.primaryScreen()
    font = QApplication.font()
    report: dict[str, object] = {
        "window": list(window.geometry().getRect()),
        "frame": list(window.frameGeometry().getRect()),
        "available": list(screen.availableGeometry().getRect()),
        "state_maximized": bool(window.isMaximized()),
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "font_family": fonts.resolved_family(font),
        "font_families": font.families(),
        "font_point_size": font.pointSizeF(),
        "table_font_family": fonts.resolved_family(queue.table.font()),
        "glyphs": {k: fonts.has_glyph(ch) for k, ch in RARE.items()},
        "tabs": [],
    }
    tabs: list[dict[str, object]] = []
    for i in range(queue.tabs.count()):
        queue.tabs.setCurrentIndex(i)
        wait(qt_app, lambda: not ctx.tasks.pending)
        for _ in range(5):
            qt_app.processEvents()
            time.sleep(0.02)
        table = queue.table
        header = table.horizontalHeader()
        metrics = QFontMetrics(header.font())
        model = table.model()
        columns = []
        for c in range(header.count()):
            text = str(model.headerData(c, header.orientation()))
            columns.append(
                {
                    "text": text,
                    "text_width": metrics.horizontalAdvance(text),
                    "needed": header.sectionSizeFromContents(c).width(),
                    "section": header.sectionSize(c),
                }
            )
        cell_metrics = QFontMetrics(table.font())
        cut_cells = []
        for c in range(header.count()):
            if c in queue.column_fitter.elastic:
                continue  # elided on purpose, full text in the tooltip
            for r in range(model.rowCount()):
                text = str(model.data(model.index(r, c)) or "")
                if cell_metrics.horizontalAdvance(text) > header.sectionSize(c):
                    cut_cells.append([r, c, text])
        tabs.append(
            {
                "cut_cells": cut_cells,
                "tab": queue.tabs.tabText(i),
                "rows": model.rowCount(),
                "viewport": table.viewport().width(),
                "columns": columns,
                "hscroll_visible": table.horizontalScrollBar().isVisible(),
                "hscroll_max": table.horizontalScrollBar().maximum(),
            }
        )
    report["tabs"] = tabs
    report["window_after"] = list(window.geometry().getRect())
    report["frame_after"] = list(window.frameGeometry().getRect())
    report["minimum_after"] = [window.minimumSizeHint().width(), window.minimumSizeHint().height()]
    if shot:
        queue.tabs.setCurrentIndex(4)
        wait(qt_app, lambda: not ctx.tasks.pending)
        for _ in range(20):
            qt_app.processEvents()
            time.sleep(0.02)
        window.grab().save(shot, "PNG")
    print(json.dumps(report, ensure_ascii=False), flush=True)
    window.close()
    ctx.tasks.shutdown()
    started.core.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
