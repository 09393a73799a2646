"""更正申請人 (Alt+I) on the case detail: what was typed about the applicant at intake, corrected
on the case on screen (``services.applicant_correction``; docs/architecture.md, "Correcting
the applicant"; the clerk's page: docs/clerk-guide.md, 更正申請人資料).

The dialog names the case it corrects in its title and holds the name, the service's address
fields and the e-mail address as the case has them now, and a reason (required). 更正 (Alt+O, or
Enter) sends only what changed, on the task runner; the dialog stays open until the correction
is recorded: a refusal (a value intake refuses, no reason, nothing changed, the case finished at
another counter meanwhile) is said in the dialog, the field at fault focused and its text kept
and selected. Esc leaves without recording anything. A name character no font shows or prints
is named under the name as at intake (``gui/glyph_warning.py``): the correction is mostly about
a rare character typed as a look-alike, and its receipt is printed next. The dialog says the ID
number cannot be corrected and that receipts already printed stay as printed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.glyph_warning import GlyphWarning
from eservice_desktop.services import applicant_correction


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


class CorrectDialog(QDialog):
    """The correction of one case's applicant (``view``: the case on screen when asked)."""

    def __init__(
        self,
        ctx: GuiContext,
        parent: QWidget,
        form_of: applicant_correction.ApplicantForm,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.number = ctx, form_of.case_number
        self.setObjectName("correct_dialog")
        self.setWindowTitle(_t("更正申請人資料：案件 {number}").format(number=self.number))
        self.name_edit = QLineEdit(form_of.name, self)
        self.name_edit.setObjectName("correct_name")
        self.name_edit.setMaxLength(values.NAME_MAX)
        form = QFormLayout()
        name_label = QLabel(_t("申請人姓名(&N)"), self)
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, self.name_edit)
        # as at intake: a rare character the fonts lack, named before the receipt prints it
        self.name_glyphs = GlyphWarning(ctx, self.name_edit, "applicant_name", self)
        form.addRow("", self.name_glyphs)
        self.address_edits: dict[str, QLineEdit] = {}
        for i, field in enumerate(form_of.addresses[:8], start=1):
            edit = QLineEdit(field.value, self)
            edit.setObjectName(f"correct_{field.key}")
            edit.setMaxLength(field.max_length)
            label = QLabel(f"{ctx.pick(field.label, field.label_en)}(&{i})", self)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.address_edits[field.key] = edit
        self.email_edit = QLineEdit(form_of.email, self)
        self.email_edit.setObjectName("correct_email")
        self.email_edit.setMaxLength(values.EMAIL_MAX)
        email_label = QLabel(_t("電子郵件(&M)"), self)
        email_label.setBuddy(self.email_edit)
        form.addRow(email_label, self.email_edit)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("correct_reason")
        self.reason_edit.setMaxLength(values.REASON_MAX)
        self.reason_edit.setPlaceholderText(_t("例如：姓名誤植，依身分證更正"))
        reason_label = QLabel(_t("更正理由(&R)"), self)
        reason_label.setBuddy(self.reason_edit)
        form.addRow(reason_label, self.reason_edit)
        self._build_foot(form)

    def _build_foot(self, form: QFormLayout) -> None:
        note = QLabel(
            _t(
                "身分證字號不能更正（請撤件後重新收件）。已印出的收據不會改變；"
                "之後開立的收據與領件單使用更正後的資料。"
            ),
            self,
        )
        note.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("correct_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.send_button = QPushButton(_t("更正(&O)"), self)
        self.send_button.setObjectName("correct_send")
        self.send_button.setDefault(True)
        back = QPushButton(_t("取消 (Esc)"), self)
        back.setShortcut(Qt.Key.Key_Escape)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(back)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(note)
        box.addWidget(self.error_label)
        box.addLayout(buttons)
        self.send_button.clicked.connect(self.send)
        back.clicked.connect(self.reject)

    def send(self) -> None:
        """Records the correction on the task runner; the dialog waits for its answer."""
        if not self.send_button.isEnabled():
            return
        self.send_button.setEnabled(False)
        self.error_label.clear()
        addresses = {key: edit.text() for key, edit in self.address_edits.items()}
        self.ctx.tasks.run(
            applicant_correction.correct_applicant,
            self.ctx.app,
            self.number,
            self.reason_edit.text(),
            name=self.name_edit.text(),
            addresses=addresses,
            email=self.email_edit.text(),
            on_done=self._done,
            on_error=self._refused,
        )

    def _done(self, _view: Any) -> None:
        self.ctx.status_message.emit(_t("已更正案件 {n} 的申請人資料").format(n=self.number))
        self.ctx.case_changed.emit(self.number)  # the case detail and the queue read it again
        self.accept()

    def _refused(self, error: object) -> None:
        self.send_button.setEnabled(True)
        if not isinstance(error, DomainError):
            self.error_label.setText(_t("發生錯誤，請洽資訊人員"))
            self.ctx.tasks._unhandled(error)
            return
        every = getattr(error, "errors", None)  # intake's refusals, one per field
        said = every.values() if isinstance(every, dict) else [error]
        self.error_label.setText("\n".join(self.ctx.message(e) for e in said))
        edit = self._edit_of(error.field or "")
        edit.setFocus()
        edit.selectAll()

    def _edit_of(self, field: str) -> QLineEdit:
        if field in ("reason", "email"):
            return self.reason_edit if field == "reason" else self.email_edit
        return self.address_edits.get(field, self.name_edit)
