"""The shift-start check: at the first sign-in of the day on this counter, ``doctor
--shift-start`` (``services/doctor/``, ``run_checks(shift_start=True)``: test print and test
scan included) runs on a worker and its findings are shown with the fix for each one that is not
ok. 檔案 ▸ 系統檢查 runs the full doctor at any time.

"First of the day" is per counter (device): the Asia/Taipei date of the last shift-start check is
kept in ``DATA_DIR/shift-start.json`` (no personal data), written once doctor has run.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.office_zone import TAIPEI as _TAIPEI
from eservice_desktop.gui.colours import on_palette
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_fit import open_at
from eservice_desktop.gui.dialog_life import open_once

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow
    from eservice_desktop.services.core import App
    from eservice_desktop.services.doctor import Check, Report

MARKER = "shift-start.json"
_ORDER = {"fail": 0, "warn": 1, "ok": 2}


def _today(app: App) -> date:
    return app.now().astimezone(_TAIPEI).date()


def _marker(app: App) -> Path:
    return app.settings.data_dir / MARKER


def checked_today(app: App) -> bool:
    try:
        data = json.loads(_marker(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("date") == _today(app).isoformat()


def _mark_checked(app: App) -> None:
    target = _marker(app)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"date": _today(app).isoformat()}), encoding="utf-8")
    os.replace(tmp, target)


def run_doctor(app: App, shift: bool = False) -> Report:
    """Doctor's checks (the county probe included, with a short timeout); ``shift``: the
    shift-start set (``doctor --shift-start``: with the test print and the test scan)."""
    from eservice_desktop.services import doctor

    return doctor.run_checks(
        app.settings, network=True, timeout=3.0, now=app.now, shift_start=shift
    )


def shift_start(app: App) -> Report | None:
    """Worker side: doctor's report when this is the first check of the day, else None."""
    if checked_today(app):
        return None
    report = run_doctor(app, shift=True)
    _mark_checked(app)
    return report


class ShiftStartDialog(QDialog):
    """Doctor's findings, the ones to act on first, each with its fix."""

    def __init__(self, ctx: GuiContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shift_start_dialog")
        self.setWindowTitle(self.tr("上班檢查"))
        open_at(self, 900, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary_label(report))
        checks = sorted(report.checks, key=lambda c: _ORDER.get(c.status, 3))
        layout.addWidget(self._checks_table(checks, "zh_TW" if ctx.is_zh else "en"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("關閉"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if checks:
            self.table.selectRow(0)
        self.report = report

    def _summary_label(self, report: Report) -> QLabel:
        """One line: all well, or how many checks failed and warned."""
        bad = [c for c in report.checks if c.status != "ok"]
        failed = sum(1 for c in bad if c.status == "fail")
        if not bad:
            text = self.tr("系統檢查全部正常（{n} 項）。").format(n=len(report.checks))
        else:
            text = self.tr(
                "系統檢查：{fail} 項失敗、{warn} 項警告，請依「處理方式」排除或通知資訊人員。"
            ).format(fail=failed, warn=len(bad) - failed)
        self.summary = QLabel(text)
        self.summary.setObjectName("shift_summary")
        self.summary.setWordWrap(True)
        return self.summary

    def _checks_table(self, checks: list[Check], lang: str) -> QTableWidget:
        """Every check, failures first: status, item, result and (when not ok) the fix."""
        marks = {
            "fail": self.tr("✘ 失敗"),
            "warn": self.tr("！警告"),
            "ok": self.tr("✔ 正常"),
        }
        self.table = QTableWidget(len(checks), 4, self)
        self.table.setObjectName("shift_checks")
        self.table.setHorizontalHeaderLabels(
            [self.tr("狀態"), self.tr("項目"), self.tr("結果"), self.tr("處理方式")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        colours = {k: QColor(on_palette(c)) for k, c in (("fail", "#b00020"), ("warn", "#8a5a00"))}
        for row, check in enumerate(checks):
            cells = [
                marks.get(check.status, check.status),
                check.title(lang),
                check.detail(lang),
                check.fix(lang) if check.status != "ok" else "",
            ]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if check.status in colours and col == 0:
                    item.setForeground(colours[check.status])
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # Rows follow the columns' widths as the dialog is laid out and resized: measured once
        # here, before it was shown, they kept the height of a narrow table (three findings
        # filled the dialog, each row several lines taller than its text).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return self.table


def _show(window: MainWindow, report: object) -> None:
    if report is None:
        return
    from eservice_desktop.services.doctor import Report

    assert isinstance(report, Report)
    dialog = ShiftStartDialog(window.ctx, report, window)
    window.shift_dialog = open_once(dialog)


def run_if_first_today(window: MainWindow) -> None:
    """After a sign-in: doctor on a worker when this counter has not been checked today."""
    window.ctx.tasks.run(
        shift_start,
        window.ctx.app,
        on_done=lambda report: _show(window, report),
        label=QCoreApplication.translate("MainWindow", "上班檢查"),
    )


def run_check(window: MainWindow) -> None:
    """檔案 ▸ 系統檢查: doctor now, whatever the day. 系統檢查中… stays while doctor runs and goes
    with its findings (a message shown since, e.g. a sync error, stays)."""
    busy = QCoreApplication.translate("MainWindow", "系統檢查中…")
    window.statusBar().showMessage(busy, 8000)

    def done(report: object) -> None:
        if window.statusBar().currentMessage() == busy:
            window.statusBar().clearMessage()
        _show(window, report)

    window.ctx.tasks.run(
        run_doctor,
        window.ctx.app,
        on_done=done,
        label=QCoreApplication.translate("MainWindow", "系統檢查"),
    )
