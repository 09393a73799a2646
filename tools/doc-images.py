"""Draws the two images of docs/reports.md again: the usage report's stacked bar
(docs/images/report-usage-by-month.png) and the reports page, F7, on that report
(docs/images/reports-page-usage.png).

Why: images made by hand go stale when the product changes (they showed months as 2026-03 long
after the reports wrote 115/03). This makes both from a fixed case mix of its own, in a
temporary data directory, through the product's code: the real counter window, offscreen, on the
reports page, grabbed whole, and its chart (``printing/charts.py``'s Drawing as the page's SVG,
``ChartView.image``: reportlab's renderPM would need a raster backend, rlPyCairo or
rl_renderPM, that the project does not install).

    python tools/doc-images.py [OUT_DIR]     (default: docs/images)
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eservice_desktop.config import Settings  # noqa: E402
from eservice_desktop.domain import events as ev  # noqa: E402
from eservice_desktop.domain.case_number import CaseNumber  # noqa: E402
from eservice_desktop.domain.events import Event  # noqa: E402
from eservice_desktop.domain.operators import DEMO_OPERATOR  # noqa: E402
from eservice_desktop.services.core import App, open_app  # noqa: E402

TPE = timezone(timedelta(hours=8))
PERIOD = (date(2026, 3, 1), date(2026, 4, 30))
NOW = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
#: (service, working days, channel, month, day): March 3 counter, 3 web, 2 kiosk; April 4 counter.
MIX = (
    ("HR-TRANSCRIPT", 1, "counter", 3, 2),
    ("HR-TRANSCRIPT", 1, "web", 3, 3),
    ("HR-TRANSCRIPT", 1, "kiosk", 3, 4),
    ("UR-ZONING-CERT", 2, "web", 3, 5),
    ("UR-ZONING-CERT", 2, "counter", 3, 9),
    ("UR-ZONING-CERT", 2, "counter", 3, 10),
    ("ED-CRAM-SCHOOL-REGISTER", 30, "web", 3, 11),
    ("EP-CONTROL-NUMBER", 3, "kiosk", 3, 12),
    ("LR-LAND-TRANSCRIPT", 1, "counter", 4, 1),
    ("LR-LAND-TRANSCRIPT", 1, "counter", 4, 30),
    ("HR-TRANSCRIPT", 1, "counter", 4, 7),
    ("ED-CRAM-SCHOOL-REGISTER", 30, "counter", 4, 13),
)


def case_events() -> list[Event]:
    """Each case received (and, on the web or at a kiosk, accepted) at 10:00 Taipei."""
    out: list[Event] = []
    for seq, (service, limit, channel, month, day) in enumerate(MIX, 1):
        case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"doc-images/{seq}"))
        at = datetime(2026, month, day, 10, tzinfo=TPE).astimezone(UTC)
        payload = {
            "case_number": str(CaseNumber("H01", "01", 115, seq)), "service_code": service,
            "time_limit_working_days": limit, "consent": [], "channel": channel,
            "applicant": {"kind": "person", "id_type": "national_id", "id": "A123456789",
                          "name": "王小明"},
            "pickup": {"method": "counter", "office": "H01"},
        }  # fmt: skip
        steps = [(ev.RECEIVED, payload)] + ([(ev.ACCEPTED, {})] if channel != "counter" else [])
        for i, (type_, body) in enumerate(steps):
            event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{case_id}/{i}"))
            out.append(Event(event_id, case_id, type_, "H01", "01", "clerk-a", at, body))
    return out


def open_loaded(data_dir: Path) -> App:
    from eservice_desktop.services.ingest import ingest_many

    settings = Settings(data_dir=data_dir, office_code="H01", device_id="01",
                        db_key_dir=str(data_dir / "keys"))  # fmt: skip
    app = open_app(settings, clock=lambda: NOW)
    app.operator = DEMO_OPERATOR
    with app.transaction() as s:
        refused = ingest_many(app, s, case_events()).refused
    if refused:
        raise SystemExit(f"the case mix was refused: {refused}")
    return app


def draw(app: App, out_dir: Path) -> None:
    """The counter window (1366 × 900) on F7 with the usage report of the period, and that
    page's stacked bar alone at 1030 pixels wide (twice the PDF's 515 points)."""
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QImage, QPixmap
    from PySide6.QtWidgets import QApplication

    from eservice_desktop.gui.context import GuiContext
    from eservice_desktop.gui.fonts import install_screen_font
    from eservice_desktop.gui.main_window import MainWindow
    from eservice_desktop.gui.reports_page import ReportsPage
    from eservice_desktop.gui.tasks import SyncTaskRunner

    qapp = QApplication.instance()
    qapp = qapp if isinstance(qapp, QApplication) else QApplication(sys.argv)
    install_screen_font(qapp)  # as the window's start does
    ctx = GuiContext(app, SyncTaskRunner(), "zh_TW")
    window = MainWindow(ctx)
    window.resize(1366, 900)
    window.show()
    page = window.show_page("eservice_desktop.gui.reports_page")
    assert isinstance(page, ReportsPage)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("usage"))
    page.from_edit.setDate(QDate(*PERIOD[0].timetuple()[:3]))
    page.to_edit.setDate(QDate(*PERIOD[1].timetuple()[:3]))
    page.run()  # SyncTaskRunner: computed and laid out when run() returns
    assert page.current is not None, page.error_label.text()
    for _ in range(20):
        qapp.processEvents()
    bar = next(i for i, c in enumerate(page.current.report.charts) if c.kind == "stacked_bar")
    shots: dict[str, QImage | QPixmap] = {
        "report-usage-by-month.png": page.chart_views[bar].image(1030),
        "reports-page-usage.png": window.grab(),
    }
    for name, shot in shots.items():
        if not shot.save(str(out_dir / name)):  # PNG by the name
            raise SystemExit(f"could not write {out_dir / name}")
    window.close()
    ctx.tasks.shutdown()


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory(prefix="eservice-doc-images-") as tmp:
        app = open_loaded(Path(tmp))
        try:
            draw(app, out_dir)
        finally:
            app.close()
    print(f"wrote {out_dir}/report-usage-by-month.png and reports-page-usage.png")


if __name__ == "__main__":
    main()
