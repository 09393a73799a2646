"""報表 (Reports): the supervisor's figures for a period, on time, usage, savings and targets,
each with its charts and tables, exported to CSV, XLSX or PDF.

The report is computed on a worker (``services.report_views.screen_report``) together with its
charts' SVG (``printing/charts.py``: the same reportlab Drawings the PDF draws), with progress
in the status bar; the UI thread only lays out what came back. Exports write what is on screen
(the report last computed, whose kind and period the heading names), on a worker too.

Keys: F7 opens the page with the focus on the report kind; Tab goes kind → from → to →
compute → the tables → the export buttons; Enter anywhere but on a button computes; Alt+K,
Alt+B, Alt+E, Alt+R, Alt+C, Alt+X, Alt+D reach the fields and buttons (letters no other
control visible with the page uses).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.report_model import ReportTable, check_period, check_report_day
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.chart_view import ChartView, ensure_font
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.flow_layout import FlowLayout
from eservice_desktop.gui.report_period import month_so_far, pydate, qdate, roll_default
from eservice_desktop.gui.roc_date_edit import RocDateEdit
from eservice_desktop.gui.table_fit import ColumnFitter, name_columns, two_line_heading
from eservice_desktop.services import exports, report_views

#: (kind, zh label); the English comes from reports_en.ts (context ReportsPage).
KINDS: tuple[tuple[str, str], ...] = (
    ("on-time", str(QT_TRANSLATE_NOOP("ReportsPage", "準時結案"))),
    ("usage", str(QT_TRANSLATE_NOOP("ReportsPage", "服務使用量"))),
    ("savings", str(QT_TRANSLATE_NOOP("ReportsPage", "免書證節省"))),
    ("targets", str(QT_TRANSLATE_NOOP("ReportsPage", "目標達成"))),
)
#: Rows a table shows before it scrolls inside itself.
VISIBLE_ROWS = 12


class ReportsPage(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reports_page")
        #: The report computation (None: ``supervisor_reports.compute``; tests give their
        #: own); runs on a worker.
        self.compute: report_views.Compute | None = None
        #: Asks where to save (suffix) -> path or None; tests answer without a dialog.
        self.ask_path: Callable[[str, str], Path | None] = self._ask_path
        self.current: report_views.ScreenReport | None = None
        self.running = False
        self.last_export: Path | None = None
        self._build()

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.addLayout(self._build_query())
        self._build_result(root)
        root.addLayout(self._build_exports())
        self.chart_views: list[ChartView] = []
        self.tables: list[QTableWidget] = []
        self.fitters: list[ColumnFitter] = []
        self._chain_tabs()

    def _build_query(self) -> FlowLayout:
        """Which report and which period (from the first of this month to today), and the
        button (Enter) that computes it."""
        form = FlowLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind_combo")
        for kind, label in KINDS:
            self.kind_combo.addItem(self.tr(label), kind)
        kind_label = QLabel(self.tr("報表種類(&K)"))
        kind_label.setBuddy(self.kind_combo)
        self.default = month_so_far(self.ctx.app.now())
        self.from_edit = RocDateEdit(qdate(self.default[0]))
        self.from_edit.setObjectName("from_edit")
        self.to_edit = RocDateEdit(qdate(self.default[1]))
        self.to_edit.setObjectName("to_edit")
        from_label = QLabel(self.tr("起日(&B)"))
        from_label.setBuddy(self.from_edit)
        to_label = QLabel(self.tr("迄日(&E)"))
        to_label.setBuddy(self.to_edit)
        self.compute_btn = QPushButton(self.tr("產生報表(&R) Enter"))
        self.compute_btn.setObjectName("compute_btn")
        self.compute_btn.clicked.connect(self.run)
        # each label with its field, wrapping on a narrow page: on one row the page was 602 px
        # wide, cut at 迄日 on half a screen
        pairs = ((kind_label, self.kind_combo), (from_label, self.from_edit))
        for name, field in (*pairs, (to_label, self.to_edit)):
            pair = QWidget()
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(name)
            row.addWidget(field)
            form.addWidget(pair)
        form.addWidget(self.compute_btn)
        return form

    def _build_result(self, root: QVBoxLayout) -> None:
        """Why a report failed, its heading, and the body its tables and charts go into."""
        self.error_label = SpokenLabel(assertive=True)
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        root.addWidget(self.error_label)
        self.heading = QLabel(self.tr("選擇報表種類與期間，按 Enter 產生報表。"))
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.heading)

        self.body = QWidget()
        self.body.setObjectName("report_body")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        root.addWidget(self.body, 1)

    def _build_exports(self) -> QHBoxLayout:
        """CSV / XLSX / PDF export of the report on screen (enabled once there is one)."""
        exports = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, text in (
            ("csv", self.tr("匯出 CSV(&C)")),
            ("xlsx", self.tr("匯出 XLSX(&X)")),
            ("pdf", self.tr("匯出 PDF(&D)")),
        ):
            btn = QPushButton(text)
            btn.setObjectName(f"export_{fmt}")
            btn.setEnabled(False)
            btn.clicked.connect(lambda _=False, f=fmt: self.export(f))
            exports.addWidget(btn)
            self.export_buttons[fmt] = btn
        exports.addStretch(1)
        return exports

    def _chain_tabs(self) -> None:
        order: list[QWidget] = [
            self.kind_combo,
            self.from_edit,
            self.to_edit,
            self.compute_btn,
            *self.tables,
            *self.export_buttons.values(),
        ]
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)

    # -- page hooks --------------------------------------------------------------------------

    def on_shown(self) -> None:
        fields = (self.from_edit, self.to_edit)  # this month so far after midnight too
        self.default = roll_default(fields, self.default, self.ctx.app.now())
        self.kind_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Enter computes, from any field (a focused button takes Enter as its own click)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
            else:
                self.run()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- computing ---------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return pydate(self.from_edit.date()), pydate(self.to_edit.date())

    def run(self) -> None:
        if self.running:
            return
        # a date typed that does not exist (115/02/30) is not computed as the one last valid
        if not (self.from_edit.confirm() and self.to_edit.confirm()):
            return
        kind = str(self.kind_combo.currentData())
        start, end = self.period()
        try:  # the years the command line takes (2000–2099), refused in its words
            check_report_day(start, ("起日", "Beginning"), "from")
            check_report_day(end, ("迄日", "End"), "to")
            check_period(start, end)
        except DomainError as e:
            (self.from_edit if e.field == "from" else self.to_edit).setFocus()
            self._failed(e)
            return
        self.error_label.clear()
        self.running = True
        self.compute_btn.setEnabled(False)
        self.heading.setText(self.tr("計算中…"))
        self.ctx.tasks.run(
            report_views.screen_report,
            self.ctx.app,
            kind,
            start,
            end,
            compute=self.compute,
            progress=True,
            label=self.tr("計算報表"),
            on_done=self._show,
            on_error=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.compute_btn.setEnabled(True)
        if isinstance(error, DomainError):
            text = self.ctx.message(error)
        else:
            text = self.tr("報表無法產生：{e}").format(e=type(error).__name__)
        self.error_label.setText(text)
        self.heading.setText(self._heading_text() if self.current else "")
        self.ctx.status_message.emit(text)

    def _heading_text(self) -> str:
        if self.current is None:
            return ""
        r = self.current.report
        office = self.ctx.app.office
        name = self.ctx.pick(office.name, office.name_en) if r.office != "*" else ""
        start, end = format_roc(r.period_from, "short"), format_roc(r.period_to, "short")
        return self.tr("{title}　{office}　{start} 至 {end}").format(
            title=r.title, office=name or r.office, start=start, end=end
        )

    def _show(self, computed: report_views.ScreenReport) -> None:
        self.running = False
        self.compute_btn.setEnabled(True)
        self.current = computed
        ensure_font(computed.font_family, computed.font_path)
        self._clear_body()
        report = computed.report
        n = max(len(report.charts), len(report.tables))
        for i in range(n):
            if i < len(report.charts):
                view = ChartView(self.body)
                view.setObjectName(f"chart_{i}")
                view.set_chart(computed.svgs[i], report.charts[i].title, computed.descriptions[i])
                self._add(view)
                self.chart_views.append(view)
            if i < len(report.tables):
                self._add_table(report.tables[i], i)
        self.heading.setText(self._heading_text())
        for btn in self.export_buttons.values():
            btn.setEnabled(True)
        self._chain_tabs()
        self.ctx.status_message.emit(self.tr("報表已產生：{t}").format(t=report.title))

    def _add(self, widget: QWidget) -> None:
        """Into the page and shown now: a layout shows a new child only when the event loop
        next runs, and until then Tab would skip it."""
        self.body_layout.addWidget(widget)
        if self.body.isVisible():  # (a hidden page shows its children when it is shown)
            widget.show()

    def _clear_body(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                # out of the page (and its Tab chain) now; deleted when control returns
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.chart_views = []
        self.tables = []
        self.fitters = []

    def _add_table(self, table: ReportTable, index: int) -> None:
        title = QLabel(table.title)
        title.setObjectName(f"table_title_{index}")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        grid = QTableWidget(len(table.rows), len(table.columns), self.body)
        grid.setObjectName(f"table_{index}")
        grid.setAccessibleName(table.title)
        grid.setHorizontalHeaderLabels([two_line_heading(c) for c in table.columns])
        grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        grid.setTabKeyNavigation(False)
        grid.setWordWrap(False)  # one line a row: a name the page narrows is elided
        grid.verticalHeader().setVisible(False)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                text = report_views.format_cell(cell)
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # an elided name reads whole here
                if report_views.is_number(cell):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                grid.setItem(r, c, item)
        # The columns fit the page (gui/table_fit.py): sized to their contents and stretched
        # at the last one, the on-time report's figures ran past the page's edge, its last
        # columns (open, overdue) out of sight behind a scroll bar. Names give way (elided).
        self.fitters.append(ColumnFitter(grid, name_columns(table.rows, len(table.columns))))
        grid.horizontalHeader().setResizeContentsPrecision(-1)  # every row: a few hundred
        # as tall as its first VISIBLE_ROWS rows really are (the font sets their height), with
        # room for the horizontal scroll bar a wide table gets
        grid.resizeRowsToContents()
        shown = min(len(table.rows), VISIBLE_ROWS)
        rows_height = sum(grid.rowHeight(r) for r in range(shown)) or (
            grid.verticalHeader().defaultSectionSize()
        )
        height = (
            grid.horizontalHeader().sizeHint().height()
            + rows_height
            + grid.horizontalScrollBar().sizeHint().height()
            + 2 * grid.frameWidth()
            + 2
        )
        grid.setFixedHeight(height)
        self._add(title)
        self._add(grid)
        if not table.rows:
            empty = QLabel(self.tr("（本期無資料）"))
            self._add(empty)
        self.tables.append(grid)

    # -- exports -----------------------------------------------------------------------------

    def default_name(self, fmt: str) -> str:
        assert self.current is not None
        r = self.current.report
        start = format_roc(r.period_from, "short").replace("/", "")
        end = format_roc(r.period_to, "short").replace("/", "")
        return f"{r.kind}-{start}-{end}.{fmt}"

    def _ask_path(self, fmt: str, suggested: str) -> Path | None:
        filters = {
            "csv": self.tr("CSV 檔 (*.csv)"),
            "xlsx": self.tr("Excel 活頁簿 (*.xlsx)"),
            "pdf": self.tr("PDF 檔 (*.pdf)"),
        }
        path, _ = QFileDialog.getSaveFileName(self, self.tr("匯出報表"), suggested, filters[fmt])
        if not path:
            return None
        return exports.chosen_target(Path(path), fmt)  # file.bad_name: r.pdf. as typed

    def export(self, fmt: str) -> None:
        """Saves the report on screen as ``fmt`` where the clerk chooses, on a worker."""
        if self.current is None:
            return
        try:
            path = self.ask_path(fmt, self.default_name(fmt))
        except DomainError as e:  # a name Windows cannot hold (r.pdf.): nothing written
            self._failed(e)
            return
        if path is None:
            return
        self.ctx.tasks.run(
            report_views.export_report,
            self.ctx.app,
            self.current.report,
            path,
            label=self.tr("匯出報表"),
            on_done=self._exported,
            on_error=self._failed,
        )

    def _exported(self, written: report_views.ExportWritten) -> None:
        self.last_export = written.path
        text = self.tr("報表已匯出：{p}").format(p=str(written.path))
        notice = written.notice("en" if not self.ctx.is_zh else "zh_TW")
        self.ctx.status_message.emit(f"{text}　{notice}" if notice else text)


def create_page(ctx: GuiContext) -> QWidget:
    return ReportsPage(ctx)
