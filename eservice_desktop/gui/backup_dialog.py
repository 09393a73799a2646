"""The office admin's backup dialog (檔案 ▸ 備份與還原): the backups with their age, "back up
now" and "verify", all on worker threads (gui/tasks.py). Restoring replaces the database the
window holds open, so the dialog says how to do it (close the window, `backup restore`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import backup


class BackupDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup_dialog")
        self.ctx = ctx
        self.setWindowTitle(self.tr("備份與還原"))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backup_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("備份時間（UTC）"), self.tr("種類"), self.tr("距今（小時）")]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        self.now_button = QPushButton(self.tr("立即備份(&B)"))
        self.now_button.setObjectName("backup_now")
        self.now_button.clicked.connect(self.back_up_now)
        self.verify_button = QPushButton(self.tr("驗證所選備份(&V)"))
        self.verify_button.setObjectName("backup_verify")
        self.verify_button.clicked.connect(self.verify_selected)
        where = backup.backup_dir(ctx.app.settings)
        hint = QLabel(
            self.tr(
                "備份位置：{0}\n還原：請關閉本視窗與同步服務後，由資訊人員執行 "
                "eservice-desktop backup restore 備份檔（會自動自縣府取回已同步的資料）。"
            ).format(where)
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.now_button)
        buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.backups: list[backup.BackupInfo] = []
        self.refresh()

    def _busy(self, busy: bool, text: str = "") -> None:
        self.now_button.setEnabled(not busy)
        self.verify_button.setEnabled(not busy)
        if text:
            self.status.setText(text)

    def refresh(self) -> None:
        self.ctx.tasks.run(
            backup.list_backups, self.ctx.app.settings, on_done=self._show, on_error=self._failed
        )

    def _show(self, found: list[backup.BackupInfo]) -> None:
        self.backups = found
        now = datetime.now(UTC)
        self.table.setRowCount(len(found))
        for i, b in enumerate(found):
            age = (now - b.taken_at).total_seconds() / 3600
            for col, text in enumerate(
                (b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.label, f"{age:.1f}")
            ):
                self.table.setItem(i, col, QTableWidgetItem(text))
        if found:
            self.table.selectRow(0)

    def back_up_now(self) -> None:
        self._busy(True, self.tr("備份中…"))
        self.ctx.tasks.run(
            backup.take, self.ctx.app, "manual", on_done=self._taken, on_error=self._failed
        )

    def _taken(self, info: backup.BackupInfo) -> None:
        self._busy(False, self.tr("已備份：{0}").format(info.path.name))
        self.refresh()

    def verify_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.backups:
            self.status.setText(self.tr("請先選擇一個備份"))
            return
        chosen = self.backups[rows[0].row()]
        self._busy(True, self.tr("驗證中…"))
        self.ctx.tasks.run(
            backup.verify, self.ctx.app, chosen.path, on_done=self._verified, on_error=self._failed
        )

    def _verified(self, result: dict[str, Any]) -> None:
        if result["ok"]:
            text = self.tr("驗證通過：{0} 件案件，備份於 {1} 小時前").format(
                result["cases"], result["age_h"]
            )
        else:
            text = self.tr("驗證失敗：{0}").format("；".join(result["problems"]))
        self._busy(False, text)

    def _failed(self, error: BaseException) -> None:
        message = error.message(self.ctx.lang) if hasattr(error, "message") else str(error)
        self._busy(False, self.tr("失敗：{0}").format(message))
