"""The office admin's backup dialog (檔案 ▸ 備份與還原): the backups of the configured location with
their age, "back up now", "verify" and the guided restore, all on worker threads (gui/tasks.py)
and all from the keyboard (Alt+B, Alt+V, Alt+R; Alt+C confirms a restore, Esc cancels it).

The guided restore: the chosen backup is verified first and compared with the database in use
(``services.backup.preview``): its age, the last synchronisation, how many events come back from
the county and which of this device's events never reached it and would be lost. Only after the
admin confirms does the window stop its sync loop, switch the database under the App it holds
(``services.backup.restore_in_place``: kept aside, switched, reopened, verified), run
``sync recover`` and say what, if anything, was lost; then the sync loop starts again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_fit import grow_to_contents
from eservice_desktop.services import backup
from eservice_desktop.services.queue_items import format_day, format_received


def _taken_at(at: datetime, zh: bool) -> str:
    """When a backup was taken, to the second (two manual backups may share a minute)."""
    local = at.astimezone(TAIPEI)
    return f"{format_day(local.date(), zh)} {local:%H:%M:%S}"


class BackupDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup_dialog")
        self.ctx = ctx
        self.setWindowTitle(self.tr("備份與還原"))
        self._build_table()
        buttons, hint = self._build_actions()
        self._build_confirm_step()
        self._build_restore_progress()
        self.close_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.outcome)
        layout.addWidget(hint)
        layout.addWidget(self.close_box)
        self.backups: list[backup.BackupInfo] = []
        #: The backup checked and shown in the confirmation step.
        self.plan: dict[str, Any] | None = None
        #: True from the confirmation until the restored database is in use.
        self.restoring = False
        #: The result of the last restore (``services.backup.restore_in_place``).
        self.outcome_data: dict[str, Any] | None = None
        self._paused: list[Any] = []
        self.refresh()

    def _build_table(self) -> None:
        """The backups on disk, newest first (``refresh``)."""
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backup_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("備份時間"), self.tr("種類"), self.tr("距今（小時）")]
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

    def _build_actions(self) -> tuple[QHBoxLayout, QLabel]:
        """Back up now, verify, restore; and where the backups are and what a restore does."""
        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        self.now_button = QPushButton(self.tr("立即備份(&B)"))
        self.now_button.setObjectName("backup_now")
        self.now_button.clicked.connect(self.back_up_now)
        self.verify_button = QPushButton(self.tr("驗證所選備份(&V)"))
        self.verify_button.setObjectName("backup_verify")
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button = QPushButton(self.tr("還原所選備份(&R)…"))
        self.restore_button.setObjectName("backup_restore")
        self.restore_button.clicked.connect(self.prepare_restore)
        where = backup.backup_dir(self.ctx.app.settings)
        hint = QLabel(
            self.tr(
                "備份位置：{0}\n還原會先驗證備份並列出將遺失的資料，確認後才置換資料庫，"
                "並自縣府取回本機已同步的事件。"
            ).format(where)
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.now_button)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        return buttons, hint

    def _build_confirm_step(self) -> None:
        """The restore's confirmation (once a backup was checked): what would be lost; go on?"""
        self.confirm_box = QGroupBox(self.tr("確認還原"))
        self.confirm_box.setObjectName("restore_confirm")
        # the box at full height and its summary unwrapped: squeezed, its lines were cut
        self.confirm_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.summary = QLabel()
        self.summary.setObjectName("restore_summary")
        self.lost_list = QListWidget()
        self.lost_list.setObjectName("restore_lost")
        self.confirm_button = QPushButton(self.tr("確認還原(&C)"))
        self.confirm_button.setObjectName("restore_confirm_button")
        self.confirm_button.clicked.connect(self.confirm_restore)
        self.cancel_button = QPushButton(self.tr("不還原（Esc）"))
        self.cancel_button.setObjectName("restore_cancel")
        self.cancel_button.clicked.connect(self.cancel_restore)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.cancel_button)
        confirm_row.addStretch(1)
        box = QVBoxLayout(self.confirm_box)
        box.addWidget(self.summary)
        box.addWidget(self.lost_list)
        box.addLayout(confirm_row)
        self.confirm_box.hide()

    def _build_restore_progress(self) -> None:
        """The restore's steps as it runs, and its outcome (both hidden until a restore)."""
        self.progress = QProgressBar()
        self.progress.setObjectName("restore_progress")
        self.progress.setRange(0, backup.RESTORE_STEPS)
        self.progress.hide()
        self.outcome = QListWidget()
        self.outcome.setObjectName("restore_outcome")
        self.outcome.hide()

    def _busy(self, busy: bool, text: str = "") -> None:
        for b in (self.now_button, self.verify_button, self.restore_button):
            b.setEnabled(not busy)
        if text:
            self.status.setText(text)

    def refresh(self) -> None:
        self.ctx.tasks.run(
            backup.list_backups, self.ctx.app.settings, on_done=self._show, on_error=self._failed
        )

    def _show(self, found: list[backup.BackupInfo]) -> None:
        self.backups = found
        now = self.ctx.now()  # the clock the backups are named by (the county's)
        self.table.setRowCount(len(found))
        for i, b in enumerate(found):
            age = (now - b.taken_at).total_seconds() / 3600
            texts = (_taken_at(b.taken_at, self.ctx.is_zh), self._kind(b.label), f"{age:.1f}")
            for col, text in enumerate(texts):
                self.table.setItem(i, col, QTableWidgetItem(text))
        if found:
            self.table.selectRow(0)

    def _at(self, iso: str | None) -> str:
        """A stored UTC time as the window shows times: Taipei, the ROC year in Chinese."""
        return format_received(datetime.fromisoformat(iso), self.ctx.is_zh) if iso else "—"

    def _kind(self, label: str) -> str:
        """The backup's kind in the window's language (the file name keeps the English)."""
        kinds = {
            "hourly": self.tr("每小時"),
            "closing": self.tr("日結"),
            "manual": self.tr("手動"),
            "before-restore": self.tr("還原前保留"),
            "before-upgrade": self.tr("升級前保留"),
        }
        return kinds.get(label, label)

    def back_up_now(self) -> None:
        self._busy(True, self.tr("備份中…"))
        self.ctx.tasks.run(
            backup.take, self.ctx.app, "manual", on_done=self._taken, on_error=self._failed
        )

    def _taken(self, info: backup.BackupInfo) -> None:
        self._busy(False, self.tr("已備份：{0}").format(info.path.name))
        self.refresh()

    def _selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.backups:
            self.status.setText(self.tr("請先選擇一個備份"))
            return None
        return self.backups[rows[0].row()]

    def verify_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
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
            text = self.tr("驗證失敗：{0}").format(backup.findings(result, self.ctx.lang))
        self._busy(False, text)

    # --- guided restore ---------------------------------------------------------------------

    def prepare_restore(self) -> None:
        """Step 1: verify the chosen backup and work out what a restore would lose."""
        chosen = self._selected()
        if chosen is None:
            return
        self.plan = None
        self.confirm_box.hide()
        self.outcome.hide()
        self._busy(True, self.tr("檢查備份與目前資料中…"))
        self.ctx.tasks.run(
            backup.preview, self.ctx.app, chosen.path, on_done=self._planned, on_error=self._failed
        )

    def _planned(self, plan: dict[str, Any]) -> None:
        if not plan["ok"]:
            problems = backup.findings(plan["verified"], self.ctx.lang)
            self._busy(False, self.tr("備份驗證失敗，不能用來還原：{0}").format(problems))
            self.table.setFocus()
            return
        self.plan = plan
        lost = plan["will_be_lost"] or []
        lines = [
            self.tr("備份時間：{0}（{1} 小時前），{2} 件案件，驗證通過").format(
                self._at(plan["taken_at"]), plan["age_h"], plan["verified"]["cases"]
            )
        ]
        if not plan["current_readable"]:
            lines += [
                self.tr("目前的資料庫無法讀取：已送達縣府的事件還原後會自縣府取回"),
                self.tr("最後一次同步之後未送出的工作無法確認，須依紙本核對"),
            ]
        else:
            lines += [
                self.tr("最近一次與縣府同步：{0}").format(self._at(plan["last_sync"])),
                self.tr("備份之後已送達縣府的 {0} 筆事件，還原後會自縣府取回").format(
                    plan["come_back"]
                ),
            ]
        if lost:
            lines.append(
                self.tr("下列 {0} 筆本機事件尚未送達縣府，還原後將遺失，須依紙本重新輸入：").format(
                    len(lost)
                )
            )
        elif plan["current_readable"]:
            lines.append(self.tr("不會遺失任何資料"))
        self.summary.setText("\n".join(lines))
        self.lost_list.clear()
        for x in lost:
            self.lost_list.addItem(f"{x['case_number']}  {x['type']}  {self._at(x['at'])}")
        self.lost_list.setVisible(bool(lost))
        self.confirm_box.show()
        grow_to_contents(self)  # its full summary, not the size the dialog opened with
        self._busy(False, self.tr("請確認是否還原（Alt+C 確認，Esc 取消）"))
        self.cancel_button.setFocus()  # a destructive step is never the default

    def cancel_restore(self) -> None:
        self.plan = None
        self.confirm_box.hide()
        self.status.setText(self.tr("未還原"))
        self.table.setFocus()

    def _sync_widgets(self) -> list[Any]:
        window = self.parent()
        widgets = getattr(window, "status_widgets", [])
        return [w for w in widgets if callable(getattr(w, "stop", None)) and hasattr(w, "loop")]

    def confirm_restore(self) -> None:
        """Step 2: stop the sync loop, switch the database, verify it, recover from the county."""
        if self.plan is None or self.restoring:
            return
        path = Path(self.plan["file"])
        self.restoring = True
        self.confirm_box.hide()
        self.close_box.setEnabled(False)
        self._busy(True, self.tr("還原中…"))
        self.progress.setValue(0)
        self.progress.show()
        self._paused = [w for w in self._sync_widgets() if w.loop is not None]
        paused = list(self._paused)

        def work(progress: Any) -> dict[str, Any]:
            for w in paused:  # joins the loop's thread: here, never on the UI thread
                w.stop()
            return backup.restore_in_place(self.ctx.app, path, progress=progress)

        self.ctx.tasks.run(
            work,
            progress=True,
            label=self.tr("還原"),
            on_progress=self._progressed,
            on_done=self._restored,
            on_error=self._restore_failed,
        )

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        steps = [
            self.tr("保留目前資料庫並置換檔案…"),
            self.tr("開啟還原的資料庫…"),
            self.tr("驗證還原的資料庫…"),
            self.tr("自縣府取回本機已同步的事件…"),
            self.tr("完成"),
        ]
        self.status.setText(steps[min(done, len(steps) - 1)])

    def _resume_sync(self) -> None:
        for w in self._paused:
            w.start()
        self._paused = []

    def _restored(self, result: dict[str, Any]) -> None:
        self.restoring = False
        self.outcome_data = result
        self.progress.setValue(backup.RESTORE_STEPS)
        self.close_box.setEnabled(True)
        self._resume_sync()
        self.outcome.clear()
        rec = result["recovery"]
        head = self.tr("已自 {0} 還原").format(Path(result["restored_from"]).name)
        if rec is None or "error" in rec:
            from eservice_desktop.services.sync import named_failure_message as words

            text = self.tr(  # the reason in words: it read 「無法連線縣府（Offline）」
                "{0}；未自縣府取回事件（{1}）。取回前本機暫停收件與收費；連上縣府後，同步會自動取回"
            ).format(head, words(rec["error"], self.ctx.lang) if rec else "")
        else:
            lost = rec["lost"]
            text = self.tr("{0}；自縣府取回本機事件 {1} 筆、其他櫃檯事件 {2} 筆。").format(
                head, rec["restored"], rec["added"]
            )
            if lost:
                text += self.tr("遺失 {0} 筆未同步的事件，須依紙本重新輸入：").format(len(lost))
                for x in lost:
                    self.outcome.addItem(f"{x['case_number']}  {x['type']}  {self._at(x['at'])}")
                self.outcome.show()
            elif rec["lost_known"]:
                text += self.tr("沒有遺失任何資料。")
            else:
                text += self.tr(
                    "原資料庫無法讀取：{0} 之後未同步的工作無法確認，請依紙本核對。"
                ).format(self._at(rec["last_own_event_at"]))
        self._busy(False, text)
        self.ctx.status_message.emit(text)
        self.ctx.case_changed.emit("")  # every page reads the restored database again
        self.refresh()
        self.table.setFocus()

    def _restore_failed(self, error: BaseException) -> None:
        self.restoring = False
        self.close_box.setEnabled(True)
        self.progress.hide()
        self._resume_sync()
        self._failed(error)

    def reject(self) -> None:
        if self.restoring:
            return  # Esc while the database is being switched: wait for it
        if self.confirm_box.isVisible():
            self.cancel_restore()  # Esc at the confirmation: back to the list, nothing changed
            return
        super().reject()

    def _failed(self, error: BaseException) -> None:
        message = self.ctx.message(error)
        self._busy(False, self.tr("失敗：{0}").format(message))
