"""The reports page over the known case mix (tests/report_support.py) with the real services:
each of the four reports shows every chart and every table of the computed report, cell for
cell, and its PDF carries the same charts."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
import report_support as mix
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.report_model import REPORT_KINDS
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.reports_page import ReportsPage
from eservice_desktop.printing.chart_text import format_cell
from eservice_desktop.services import supervisor_reports
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many


@pytest.fixture
def loaded(app: App, clock: object) -> App:
    clock.now = mix.NOW  # type: ignore[attr-defined]
    events = mix.case_mix()
    with app.transaction() as s:
        assert not ingest_many(app, s, [e for e in events if e.office == "H01"]).refused
        assert not ingest_many(
            app, s, [e for e in events if e.office != "H01"], origin="county"
        ).refused
        supervisor_reports.store_targets(s, "H01", mix.TARGETS, mix.NOW)
    return app


def test_every_report_of_the_mix_on_screen_and_in_its_pdf(
    loaded: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    assert ctx.app is loaded
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.from_edit.setDate(QDate(mix.PERIOD[0].year, mix.PERIOD[0].month, mix.PERIOD[0].day))
    page.to_edit.setDate(QDate(mix.PERIOD[1].year, mix.PERIOD[1].month, mix.PERIOD[1].day))
    page.ask_path = lambda fmt, name: tmp_path / name
    for kind in REPORT_KINDS:
        page.kind_combo.setCurrentIndex(page.kind_combo.findData(kind))
        page.current = None
        page.run()
        qtbot.waitUntil(lambda: page.current is not None, timeout=20000)
        assert page.current is not None
        expected = supervisor_reports.compute(loaded, kind, *mix.PERIOD)
        assert page.current.report == expected
        assert expected.charts, kind  # every report has a picture
        assert [v.accessibleName() for v in page.chart_views] == [c.title for c in expected.charts]
        assert all(v.renderer.isValid() for v in page.chart_views)
        assert len(page.tables) == len(expected.tables)
        for grid, table in zip(page.tables, expected.tables, strict=True):
            shown = [
                [grid.item(r, c).text() for c in range(grid.columnCount())]
                for r in range(grid.rowCount())
            ]
            assert shown == [[format_cell(c) for c in row] for row in table.rows]
        page.last_export = None
        page.export("pdf")
        qtbot.waitUntil(lambda: page.last_export is not None, timeout=20000)
        assert page.last_export is not None
        doc = pypdfium2.PdfDocument(str(page.last_export))
        text = "".join(p.get_textpage().get_text_range() for p in doc)
        doc.close()
        flat = re.sub(r"\s+", "", text)
        for chart in expected.charts:
            assert re.sub(r"\s+", "", chart.title) in flat, (kind, chart.title)
        assert "期間：民國115年3月1日至民國115年4月30日" in flat
