"""免書證查詢 / Document-free lookup, in the case detail's attachments box.

The clerk picks the document kind (the case's service's look-ups, each marked when the citizen
consented), ticks 民眾當場同意 when the citizen consents now, and runs the look-up (Alt+L or
Ctrl+Shift+D). ``services.lookups.run_lookup`` runs on the I/O pool (its database steps on the
writer), for the case that was on screen when the clerk asked; the result appears in the
attachments list and its fields below the button. Offline or refused: the reason in red,
nothing stored.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from eservice_desktop.domain.catalogue import DOCUMENT_FREE_KINDS, DOCUMENT_FREE_KINDS_EN
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.flow_layout import FlowLayout, labelled
from eservice_desktop.services import cases, lookups


class LookupPanel(QWidget):
    #: The case number a look-up was stored on.
    done = Signal(str)

    def __init__(
        self, ctx: GuiContext, parent: QWidget | None = None, *, shortcut_parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_number = ""
        self.kind = QComboBox(self)
        self.kind.setObjectName("lookup_kind")
        kind_label = QLabel(self.tr("查調書證(&K)"), self)
        kind_label.setBuddy(self.kind)
        self.consent = QCheckBox(self.tr("民眾當場同意(&Y)"), self)
        self.consent.setObjectName("lookup_consent")
        self.consent.setToolTip(self.tr("民眾此刻同意查調所選書證：同意與查詢結果一併記錄"))
        self.button = QPushButton(self.tr("免書證查詢(&L)"), self)
        self.button.setObjectName("lookup_button")
        self.button.setToolTip(self.tr("經民眾同意向縣府查調書證，結果附於本案（Ctrl+Shift+D）"))
        self.button.clicked.connect(self.run)
        self.shortcut = QShortcut(QKeySequence("Ctrl+Shift+D"), shortcut_parent)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.shortcut.setWhatsThis(self.button.text())  # F1 lists it
        self.shortcut.activated.connect(self.run)
        self.message = SpokenLabel("", self, assertive=True)
        self.message.setObjectName("lookup_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # wrapping on a narrow page, the outcome under it: on one row, beside the outcome, the
        # English row kept the case detail 524 px wide on half a screen
        row = FlowLayout()
        for widget in (labelled(kind_label, self.kind), self.consent, self.button):
            row.addWidget(widget)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self.message)
        self.show_case(None)

    def _name(self, kind: str) -> str:
        names = DOCUMENT_FREE_KINDS if self.ctx.is_zh else DOCUMENT_FREE_KINDS_EN
        return names.get(kind, kind)

    def show_case(self, view: cases.CaseView | None) -> None:
        """The kinds of the case on screen; disabled for a case without look-ups or not open."""
        number = view.case_number if view else ""
        # The same case shown again (a file attached, a payment) keeps the kind chosen.
        chosen = self.kind.currentData() if number == self.case_number else None
        if number != self.case_number:
            self.message.clear()
            self.consent.setChecked(False)
        self.case_number = number
        self.kind.clear()
        if view is not None and self.ctx.app.catalogue.has_service(view.service_code):
            service = self.ctx.app.catalogue.service(view.service_code)
            for k in sorted(service.document_free_lookups):
                text = self._name(k)
                if k in view.consent_kinds:
                    text = self.tr("{name}（已同意）").format(name=text)
                self.kind.addItem(text, k)
            if chosen is not None and self.kind.findData(chosen) >= 0:
                self.kind.setCurrentIndex(self.kind.findData(chosen))
        usable = bool(view and view.status in cases.OPEN_STATUSES and self.kind.count())
        for w in (self.kind, self.consent, self.button):
            w.setEnabled(usable)

    def run(self) -> None:
        """Runs the look-up for the case on screen, off the UI thread."""
        number, kind = self.case_number, self.kind.currentData()
        if not number or not kind or not self.button.isEnabled():
            return
        record = self.consent.isChecked()
        self.message.setStyleSheet("")
        self.message.setText(self.tr("向縣府查調 {name} 中…").format(name=self._name(kind)))
        self.button.setEnabled(False)

        def finished(result: lookups.LookupResult) -> None:
            sep, colon = ("；", "：") if self.ctx.is_zh else ("; ", ": ")
            fields = sep.join(f"{k}{colon}{v}" for k, v in result.fields.items())
            text = self.tr("已查調 {name}（{subject}），結果已附於本案：{fields}").format(
                name=self._name(result.kind), subject=result.subject, fields=fields
            )
            if number == self.case_number:
                self.message.setText(text)
                self.consent.setChecked(False)
                self.button.setEnabled(True)
            self.done.emit(number)
            self.ctx.status_message.emit(
                self.tr("案件 {n}：已查調 {name}").format(n=number, name=self._name(result.kind))
            )

        def failed(error: object) -> None:
            if not isinstance(error, DomainError):
                self.ctx.tasks._unhandled(error)  # said in the status bar, logged
            text = self.ctx.message(error) if isinstance(error, DomainError) else ""
            if number != self.case_number:  # another case is on screen: said with its case
                if text:
                    self.ctx.status_message.emit(
                        self.tr("案件 {n}：{text}").format(n=number, text=text)
                    )
                return
            self.button.setEnabled(True)
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(
                text or QCoreApplication.translate("LookupPanel", "發生錯誤，請洽資訊人員")
            )

        # the wait for the county on the I/O pool; the database steps on the writer
        self.ctx.tasks.run_io(
            lookups.run_lookup,
            self.ctx.app,
            number,
            kind,
            record_consent=record,
            db=self.ctx.tasks.call_db,
            on_done=finished,
            on_error=failed,
        )
