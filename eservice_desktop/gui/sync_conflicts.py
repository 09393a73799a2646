"""The list of the county's refusals behind the status bar's conflict button; resolving one
asks for a note and records the resolution as a case event (on the database writer)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.context import GuiContext


class ConflictDialog(QDialog):
    """Lists the county's refusals; resolving one asks for a note and records the event."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("同步衝突"))
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)  # a reason beyond the screen's width wraps
        layout.addWidget(self.list)
        #: said when no conflict is left (the last one resolved): the list stood empty under an
        #: enabled 處理所選衝突 that did nothing
        self.empty = SpokenLabel(self.tr("沒有待處理的衝突"), self)
        self.empty.setObjectName("conflicts_empty")
        self.empty.hide()
        layout.addWidget(self.empty)
        self.resolve_button = QPushButton(self.tr("處理所選衝突(&R)…"), self)
        self.resolve_button.clicked.connect(self._resolve_clicked)
        layout.addWidget(self.resolve_button)
        #: why the last resolution was refused (an empty note ...), here in front of the clerk
        #: and not only in the status bar behind this dialog
        self.refusal = SpokenLabel("", self, assertive=True)
        self.refusal.setObjectName("conflict_refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #b00020")
        self.refusal.hide()
        layout.addWidget(self.refusal)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        """Reads the open conflicts on the database writer, then lists them."""
        from eservice_desktop.services import sync

        self.ctx.tasks.run(sync.open_conflicts, self.ctx.app, self.ctx.lang, on_done=self._show)

    def _show(self, conflicts: list[Any]) -> None:
        """One row per refusal: when, the case, what was refused (as the timeline names it,
        not ``case.closed``) and the county's reason."""
        from eservice_desktop.domain.event_labels import EVENT_LABELS
        from eservice_desktop.gui.case_detail_view import format_moment

        self.list.clear()
        for c in conflicts:
            what = self.ctx.pick(*EVENT_LABELS.get(c.event_type, (c.event_type, c.event_type)))
            when = format_moment(c.created_at, self.ctx.is_zh)
            item = QListWidgetItem(f"{when}　{c.case_number}　{what}\n{c.reason}")
            item.setData(Qt.ItemDataRole.UserRole, c.conflict_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, c.case_number)
            item.setData(Qt.ItemDataRole.UserRole + 2, c.money_held)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(not conflicts)
        self.resolve_button.setEnabled(bool(conflicts))
        self._fit_width()

    def _fit_width(self) -> None:
        """As wide as its longest line (nine tenths of the screen at most, then the reason
        wraps): the dialog opened about 270 px wide and showed the time and half a case
        number, the refused action and the county's reason off to the right."""
        lines = self.list
        wanted = lines.sizeHintForColumn(0) + 2 * lines.frameWidth()
        wanted += lines.verticalScrollBar().sizeHint().width() + 8
        most = int(self.screen().availableGeometry().width() * 0.9)
        lines.setMinimumWidth(min(max(wanted, lines.minimumWidth()), most))

    def _resolve_clicked(self) -> None:
        """The button: its ``checked`` flag is no note, the note is asked for."""
        self.resolve_selected()

    def resolve_selected(self, note: str | None = None) -> bool:
        """Asks for a note (unless given) and records the resolution on the database writer;
        False when nothing is selected or the clerk cancelled."""
        item = self.list.currentItem()
        if item is None:
            return False
        if held := int(item.data(Qt.ItemDataRole.UserRole + 2) or 0):
            from eservice_desktop.services.conflict_money import money_held_refusal

            self._refused(money_held_refusal(held))  # said before a note is typed for nothing
            return False
        if not note:
            number = str(item.data(Qt.ItemDataRole.UserRole + 1))
            label = self.tr("案件 {0} 的處理說明：").format(number)
            text, ok = QInputDialog.getText(self, self.tr("處理衝突"), label)
            if not ok:
                return False
            note = text
        from eservice_desktop.services import sync

        self.refusal.hide()
        number = str(item.data(Qt.ItemDataRole.UserRole + 1))

        def done(_result: object) -> None:
            # The resolution is an event of the case: its detail, the queue and the sync loop
            # (which pushes it now, not at its next turn) hear of it as of any case written.
            self.ctx.case_changed.emit(number)
            self.load()

        self.ctx.tasks.run(
            sync.resolve_conflict,
            self.ctx.app,
            str(item.data(Qt.ItemDataRole.UserRole)),
            note,
            on_done=done,
            on_error=self._refused,
        )
        return True

    def _refused(self, error: object) -> None:
        if isinstance(error, DomainError):
            self.refusal.setText(self.ctx.message(error))
            self.refusal.show()
            self.ctx.status_message.emit(self.ctx.message(error))
        else:
            self.ctx.tasks._unhandled(error)
