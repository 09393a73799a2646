"""The 報表 page: opened with F7, driven by the keyboard alone, computed on a worker with
progress, charts painted from the same Drawing the PDF draws, tables, exports."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pypdfium2
import pytest
from gui_keys import open_window, press, tab, type_text
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.report_model import ChartSpec, Report, ReportTable
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.reports_page import ReportsPage
from eservice_desktop.printing.charts import PALETTE
from eservice_desktop.services.core import App

PAGE = "eservice_desktop.gui.reports_page"


def sample(kind: str, start: date, end: date) -> Report:
    return Report(
        kind,
        "準時結案報表",
        start,
        end,
        "H01",
        (
            ReportTable(
                "各課準時結案",
                ("課別", "收件", "結案", "如期結案", "準時率(%)"),
                (("戶籍課", 1200, 1100, 1045, 95.0), ("地籍課", 80, 40, 37, 92.5)),
            ),
            ReportTable("逾期案件", ("案號", "承辦人", "持有自"), ()),
        ),
        (
            ChartSpec(
                "bar", "準時率（依課別）", ("戶籍課", "地籍課"), (("準時率", (95.0, 92.5)),), "%"
            ),
            ChartSpec(
                "pie", "逾期案件（依課別）", ("戶籍課", "地籍課"), (("逾期", (3.0, 1.0)),), "件"
            ),
        ),
        {"rate_pct": 94.8},
    )


class Recorder:
    """The report computation the page runs: records its arguments and its thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, date, date]] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, app: App, kind: str, start: date, end: date) -> Report:
        self.calls.append((kind, start, end))
        self.threads.append(threading.current_thread())
        return sample(kind, start, end)


def test_f7_kind_period_enter_on_a_worker_with_progress_then_charts_and_tables(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    window = open_window(qtbot, ctx)
    page = window.pages[PAGE]
    assert isinstance(page, ReportsPage)
    rec = Recorder()
    page.compute = rec
    progress: list[tuple[int, int]] = []
    ctx.tasks.progress_changed.connect(lambda _label, d, t: progress.append((d, t)))

    press(Qt.Key.Key_F7)
    assert window.current_page() is page
    assert QApplication.focusWidget() is page.kind_combo
    press(Qt.Key.Key_Down)  # 服務使用量
    tab()
    assert QApplication.focusWidget() is page.from_edit
    type_text("115/01/01")
    tab()
    assert QApplication.focusWidget() is page.to_edit
    type_text("115/03/31")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.current is not None, timeout=15000)

    assert rec.calls == [("usage", date(2026, 1, 1), date(2026, 3, 31))]
    assert rec.threads[0] is not threading.main_thread()  # computed off the UI thread
    assert progress[0] == (0, 0) and progress[-1] == (3, 3)  # report, then each chart
    assert page.heading.text() == "準時結案報表　桃園市桃園戶政事務所　115/01/01 至 115/03/31"
    assert [v.accessibleName() for v in page.chart_views] == [
        "準時率（依課別）",
        "逾期案件（依課別）",
    ]
    assert all(v.renderer.isValid() for v in page.chart_views)
    assert "戶籍課 95.0%、地籍課 92.5%" in page.chart_views[0].accessibleDescription()
    grid = page.tables[0]
    cells = [[grid.item(r, c).text() for c in range(grid.columnCount())] for r in range(2)]
    assert cells == [
        ["戶籍課", "1,200", "1,100", "1,045", "95.00"],
        ["地籍課", "80", "40", "37", "92.50"],
    ]
    assert grid.item(0, 1).textAlignment() & Qt.AlignmentFlag.AlignRight
    assert page.tables[1].rowCount() == 0
    # Tab order after a report: … compute → the tables → the exports; tables let Tab go
    page.compute_btn.setFocus()
    tab()
    assert QApplication.focusWidget() is page.tables[0]
    press(Qt.Key.Key_Return)  # Enter in a table computes again (the same kind and period)
    qtbot.waitUntil(lambda: len(rec.calls) == 2 and not page.running, timeout=15000)
    assert rec.calls[1] == rec.calls[0]
    page.kind_combo.setFocus()
    press(Qt.Key.Key_Return)  # and from the kind
    qtbot.waitUntil(lambda: len(rec.calls) == 3 and not page.running, timeout=15000)
    page.compute_btn.setFocus()
    tab()
    assert QApplication.focusWidget() is page.tables[0]
    tab()
    assert QApplication.focusWidget() is page.tables[1]
    tab()
    assert QApplication.focusWidget() is page.export_buttons["csv"]
    press(Qt.Key.Key_Escape)  # dates and a kind are not unsaved input: Esc goes back
    assert window.current_page() is not page


def test_the_chart_on_screen_is_painted_in_its_colours_and_its_font(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    page.compute = Recorder()
    page.run()
    assert page.current is not None
    family = page.current.font_family
    assert family in QFontDatabase.families()  # Qt draws the face reportlab measured with
    img = page.chart_views[0].image(1030)
    blue = QColor(PALETTE[0])
    found = sum(
        1
        for x in range(0, img.width(), 4)
        for y in range(0, img.height(), 4)
        if abs(QColor(img.pixel(x, y)).red() - blue.red()) < 8
        and abs(QColor(img.pixel(x, y)).green() - blue.green()) < 8
        and abs(QColor(img.pixel(x, y)).blue() - blue.blue()) < 8
    )
    assert found > 500  # the bars (not a black or empty box)
    dark_title = sum(
        1
        for x in range(300, 730)
        for y in range(0, 30)
        if QColor(img.pixel(x, y)).lightness() < 100
    )
    assert dark_title > 150  # the Chinese title is drawn as glyphs
    black = sum(
        1
        for x in range(0, img.width(), 4)
        for y in range(0, img.height(), 4)
        if QColor(img.pixel(x, y)).lightness() < 30
    )
    assert black < img.width() * img.height() / 16 * 0.1  # no black clip box over the chart


def test_a_reversed_period_says_why_and_computes_nothing(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    rec = Recorder()
    page.compute = rec
    page.from_edit.setDate(QDate(2026, 3, 31))
    page.to_edit.setDate(QDate(2026, 1, 1))
    page.run()
    assert rec.calls == []
    # the dates as the fields show them (ROC), the Western ones beside for the command line's
    assert page.error_label.text() == (
        "報表期間的結束日 115/01/01（2026-01-01）早於開始日 115/03/31（2026-03-31）。"
    )
    assert all(not b.isEnabled() for b in page.export_buttons.values())


def test_a_year_the_command_line_refuses_is_refused_in_its_words(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    """The command line takes 2000-2099 only; the window computed 1999 or 2100 (its date
    field holds any year), on figures the command line would not give."""
    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    rec = Recorder()
    page.compute = rec
    page.from_edit.setDate(QDate(1999, 12, 31))
    page.to_edit.setDate(QDate(2000, 1, 31))
    page.run()
    assert rec.calls == []
    assert page.error_label.text() == (
        "起日的日期須在 2000 到 2099 年之間（收到「88/12/31, 1999-12-31」）"
    )
    page.from_edit.setDate(QDate(2099, 12, 1))
    page.to_edit.setDate(QDate(2100, 1, 1))
    page.run()
    assert rec.calls == []
    assert page.error_label.text().startswith("迄日的日期須在 2000 到 2099 年之間")
    page.to_edit.setDate(QDate(2099, 12, 31))
    page.run()
    qtbot.waitUntil(lambda: len(rec.calls) == 1, timeout=10000)
    assert page.error_label.text() == ""


def test_exports_write_what_is_on_screen_and_enter_on_a_button_presses_it(
    ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_window(qtbot, ctx)
    page = window.pages[PAGE]
    assert isinstance(page, ReportsPage)
    rec = Recorder()
    page.compute = rec
    asked: list[str] = []

    def ask(fmt: str, suggested: str) -> Path:
        asked.append(suggested)
        return tmp_path / suggested

    page.ask_path = ask
    press(Qt.Key.Key_F7)
    page.from_edit.setDate(QDate(2026, 1, 1))
    page.to_edit.setDate(QDate(2026, 3, 31))
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.current is not None, timeout=15000)
    for fmt in ("csv", "xlsx", "pdf"):
        page.export_buttons[fmt].setFocus()
        press(Qt.Key.Key_Return)  # the focused button, not a new computation
        qtbot.waitUntil(
            lambda f=fmt: page.last_export is not None and page.last_export.suffix == f".{f}",
            timeout=15000,
        )
    assert len(rec.calls) == 1
    assert asked == [
        "on-time-1150101-1150331.csv",
        "on-time-1150101-1150331.xlsx",
        "on-time-1150101-1150331.pdf",
    ]
    # the on-time report names clerks: owner-only, and the status bar says so
    assert all((tmp_path / name).stat().st_mode & 0o777 == 0o600 for name in asked)
    raw = (tmp_path / asked[0]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert ["戶籍課", "1200", "1100", "1045", "95.0"] in rows
    book = openpyxl.load_workbook(tmp_path / asked[1])
    assert any(ws.cell(2, 1).value == "課別" or ws.cell(1, 1).value == "課別" for ws in book)
    doc = pypdfium2.PdfDocument(str(tmp_path / asked[2]))
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "準時結案報表" in text and "機關：桃園市桃園戶政事務所（H01）" in text
    assert "民國115年1月1日至民國115年3月31日" in text.replace("\r", "").replace("\n", "")


@pytest.mark.parametrize("fmt", ["csv"])
def test_a_cancelled_file_dialog_writes_nothing(
    sync_ctx: GuiContext, qtbot: QtBot, tmp_path: Path, fmt: str
) -> None:
    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    page.compute = Recorder()
    page.run()
    out = tmp_path / "exports"
    out.mkdir()
    page.ask_path = lambda _fmt, _name: None
    page.export(fmt)
    assert page.last_export is None and not list(out.iterdir())
    page.ask_path = lambda _fmt, name: out / name
    page.export(fmt)  # the same page, a chosen file: written
    assert page.last_export == out / "on-time-1150301-1150310.csv" and page.last_export.exists()
    page.ask_path = lambda _fmt, name: sync_ctx.app.settings.data_dir / name
    page.export(fmt)  # a report naming people never goes into the data directory in clear
    assert "資料目錄" in page.error_label.text()
    assert not (sync_ctx.app.settings.data_dir / "on-time-1150301-1150310.csv").exists()


def _run_shown(
    ctx: GuiContext, qtbot: QtBot, size: tuple[int, int], compute: Callable[..., Report]
) -> ReportsPage:
    """The page shown at ``size`` (its tables are laid out), run over ``compute``."""
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.compute = compute
    page.run()
    return page


def test_a_table_shows_twelve_whole_rows_then_scrolls(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    wide = tuple(f"第{i}欄很長的標題" for i in range(12))  # wider than the page: a scroll bar

    def many(app: App, kind: str, start: date, end: date) -> Report:
        tables = (
            ReportTable("各服務", wide, tuple(tuple(range(r, r + 12)) for r in range(30))),
            ReportTable("各課", ("課", "件數"), tuple((f"課{i}", i) for i in range(3))),
        )
        return Report(kind, "使用量", start, end, "H01", tables)

    page = _run_shown(sync_ctx, qtbot, (700, 2000), many)
    long, short = page.tables
    assert long.horizontalScrollBar().isVisible()
    for grid, rows in ((long, 12), (short, 3)):
        viewport = grid.viewport().height()
        whole = sum(grid.rowHeight(r) for r in range(rows))
        assert whole <= viewport < whole + grid.rowHeight(0)  # those rows, whole, no more
    assert long.verticalScrollBar().maximum() > 0 and short.verticalScrollBar().maximum() == 0


def test_the_columns_fit_the_page_with_the_last_one_in_sight(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    """The on-time report per service on a counter screen (1366 px less the identity panel):
    sized to their contents, its columns ran past the page's edge and its last ones, open
    and overdue, were out of sight behind a scroll bar. The figures stay whole; the names
    give way, elided, whole in their tooltips."""
    from eservice_desktop.domain import supervisor as sv

    columns = ("單位 Department", "代碼 Code", "項目 Service", *sv.ON_TIME_COLUMNS)
    names = ("戶政事務所", "HR-TRANSCRIPT-PERSONAL", "請領個人戶籍謄本(全程式)")
    row = (*names, 1200, 1100, 1045, 55, 95.0, 11, 7)

    def on_time(app: App, kind: str, start: date, end: date) -> Report:
        return Report(
            kind, "依限辦結", start, end, "H01", (ReportTable("各項目", columns, (row,)),)
        )

    page = _run_shown(sync_ctx, qtbot, (940, 900), on_time)
    (grid,) = page.tables
    header, last = grid.horizontalHeader(), len(columns) - 1

    def fitted() -> None:
        assert header.sectionViewportPosition(last) + header.sectionSize(last) <= (
            grid.viewport().width()
        )
        assert not grid.horizontalScrollBar().isVisible()

    qtbot.waitUntil(fitted, timeout=5000)
    for i in range(3, len(columns)):  # every figure whole
        assert header.sectionSize(i) >= grid.sizeHintForColumn(i), columns[i]
    assert grid.item(0, 2).toolTip() == "請領個人戶籍謄本(全程式)"
    assert grid.rowHeight(0) < 2 * grid.fontMetrics().lineSpacing()  # one line, not wrapped


def test_the_default_period_moves_on_when_the_window_stayed_open_past_the_years_turn(
    sync_ctx: GuiContext, app: App, qtbot: QtBot
) -> None:
    """The page read this month so far once, when first shown: left open over New Year, F7 on
    116/01/02 still offered 115/12/01–115/12/31, and Enter gave December's report. F7 on a new
    day moves a period still the default of a day gone by; one the supervisor set stays."""
    from datetime import UTC, datetime

    app.clock.now = datetime(2026, 12, 31, 8, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    page.on_shown()
    assert page.period() == (date(2026, 12, 1), date(2026, 12, 31))
    app.clock.now = datetime(2027, 1, 1, 17, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    page.on_shown()  # F7: 116/01/02 01:00 in Taipei (still 01-01 in UTC)
    assert page.period() == (date(2027, 1, 1), date(2027, 1, 2))
    assert page.from_edit.lineEdit().text() == "116/01/01"
    page.from_edit.setDate(QDate(2026, 11, 1))  # the supervisor's own period
    app.clock.now = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    page.on_shown()
    assert page.period() == (date(2026, 11, 1), date(2027, 1, 2))
