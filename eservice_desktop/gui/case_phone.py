"""The case detail's 新手機 row: the applicant's new mobile number (a new phone since intake,
docs/pickup.md "A new mobile number"), written by ``services.case_contact`` on the case on screen.

Alt+M puts the focus in the field, Enter (or 變更手機號碼, Alt+U) records it. The field shows the
number the case holds as its placeholder; a malformed number is refused at once with the intake's
message, the text kept and selected to be corrected. What was typed follows its case, as the
reason field does: another case on screen puts it aside (never sent for the next citizen) and
brings it back with its case. Once the case is shown with the new number the field is cleared.

重發領件碼 (Alt+Q), on a case ready for pickup, asks the county for a new code ("A new pickup
code": an MMS forwarded to someone else) once the clerk confirms: the code the citizen holds
stops working, so the question's default is the way back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import validate_mobile
from eservice_desktop.gui.case_correct import CorrectDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import action_or_back
from eservice_desktop.gui.keyboard import bring_into_view
from eservice_desktop.services import applicant_correction, case_contact, cases

#: Statuses whose case takes a new number (the rule of ``case.phone_changed``).
_TAKES_A_NUMBER = frozenset({*cases.OPEN_STATUSES, "closed", "ready_for_pickup"})


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


class PhonePage(Protocol):
    """The case detail as the row sees it."""

    view: cases.CaseView | None
    case_number: str

    def shown_number(self) -> str: ...

    @property
    def error_label(self) -> QLabel: ...

    def write_case(self, fn: Callable[..., cases.CaseView], *args: Any) -> None: ...


class PhoneRow(QWidget):
    def __init__(self, page: PhonePage, ctx: GuiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.page, self.ctx = page, ctx
        self._typed: dict[str, str] = {}  # numbers typed for cases no longer on screen
        self.dialog: CorrectDialog | None = None  # the last 更正申請人 dialog opened
        self._number = ""  # the case the field's text is for
        self.edit = QLineEdit(self)
        self.edit.setObjectName("phone_edit")
        self.edit.setMaxLength(24)
        label = QLabel(_t("新手機(&M)"), self)
        label.setBuddy(self.edit)
        self.button = QPushButton(_t("變更手機號碼(&U)"), self)
        self.button.setObjectName("phone_button")
        self.button.setToolTip(
            _t("民眾換了手機：之後的通知改寄新號碼；已待領件者另發新領件碼（Enter）")
        )
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        self.reissue_button = QPushButton(_t("重發領件碼(&Q)"), self)
        self.reissue_button.setObjectName("reissue_button")
        self.correct_button = QPushButton(_t("更正申請人(&I)…"), self)
        self.correct_button.setObjectName("correct_button")
        self.correct_button.setToolTip(_t("收件時姓名、地址或電子郵件打錯：更正並註明理由"))
        below = QHBoxLayout()  # a line of its own: beside them the English page was too wide
        below.addWidget(self.reissue_button)
        below.addWidget(self.correct_button)
        below.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addLayout(below)
        self.reissue_button.clicked.connect(self.reissue)
        self.correct_button.clicked.connect(self.correct)
        self.edit.returnPressed.connect(self.change)
        self.button.clicked.connect(self.change)

    def follow(self, case_number: str) -> None:
        """Another case asked for: what was typed waits with its own case."""
        if case_number == self._number:
            return
        if self._number and self.edit.text().strip():
            self._typed[self._number] = self.edit.text()
        self.edit.setText(self._typed.pop(case_number, ""))
        self._number = case_number

    def show_case(self, view: cases.CaseView | None, *, writing: bool) -> None:
        """The case on screen (None: none yet, or a write on its way): the number it holds
        as the placeholder, the row enabled while the case takes a new number."""
        self.edit.setPlaceholderText(
            _t("目前 {phone}").format(phone=view.phone) if view and view.phone else _t("未留手機")
        )
        if view is not None and view.phone and self._entered() == view.phone:
            self.edit.clear()  # recorded: the case shows it now
            self._name_others(view.case_number, view.phone)
        usable = view is not None and not writing and view.status in _TAKES_A_NUMBER
        self.edit.setEnabled(usable)
        self.button.setEnabled(usable)
        self.correct_button.setEnabled(usable)  # the same statuses (``applicant_rule``)
        ready = view is not None and not writing and view.status == "ready_for_pickup"
        self.reissue_button.setEnabled(ready)

    def _name_others(self, number: str, phone: str) -> None:
        """The applicant's other cases still holding another number, in the status bar: each
        is changed on its own case (``case_contact.other_numbers``)."""

        def tell(others: list[str]) -> None:
            if others:
                text = _t("申請人另有案件的手機號碼不是 {phone}：{cases}（請逐案變更）")
                self.ctx.status_message.emit(text.format(phone=phone, cases="、".join(others)))

        tasks = self.ctx.tasks
        tasks.run(
            case_contact.other_numbers,
            self.ctx.app,
            number,
            on_done=tell,
            on_error=tasks.quiet_refusal,
        )

    def _entered(self) -> str:
        try:
            return validate_mobile(self.edit.text(), "phone")
        except DomainError:
            return ""

    def change(self) -> None:
        """Records the number typed on the case on screen; a malformed one is refused here."""
        if not self.page.shown_number() or not self.button.isEnabled():
            return
        try:
            validate_mobile(self.edit.text(), "phone")
        except DomainError as e:
            self.page.error_label.setText(self.ctx.message(e))  # the page's refusal line
            bring_into_view(self.page.error_label)
            self.edit.setFocus()
            self.edit.selectAll()
            return
        self.page.write_case(case_contact.change_phone, self.edit.text())

    def reissue(self) -> None:
        """A new pickup code for the case on screen, once the clerk confirms (on that case:
        nothing is asked for if another came on screen meanwhile)."""
        view = self.page.view
        if view is None or not self.reissue_button.isEnabled():
            return
        if self.confirm_reissue(view) and self.page.shown_number() == view.case_number:
            self.page.write_case(case_contact.reissue_code)

    def correct(self) -> None:
        """更正申請人 on the case on screen: its details read off the UI thread, then the dialog
        (``gui/case_correct.py``) for that case, if it is still the one on screen."""
        view = self.page.view
        if view is None or not self.correct_button.isEnabled():
            return
        if self.page.shown_number() != view.case_number:
            return

        def show(form_of: applicant_correction.ApplicantForm) -> None:
            if self.page.shown_number() == form_of.case_number:  # still the case on screen
                if self.dialog is not None:
                    self.dialog.deleteLater()  # the one before, closed: one dialog kept
                self.dialog = CorrectDialog(self.ctx, self, form_of)
                self.dialog.open()

        self.ctx.tasks.run(
            applicant_correction.applicant_form,
            self.ctx.app,
            view.case_number,
            on_done=show,
            on_error=lambda e: self.page.error_label.setText(self.ctx.message(e)),
        )

    def confirm_reissue(self, view: cases.CaseView) -> bool:
        """Asks first (tests may answer instead): the code the citizen holds stops working."""
        text = _t(
            "為案件 {number} 另發領件碼？同步後縣府寄出新的領件碼與領件號碼至 {phone}，"
            "先前寄出的領件碼即不能領件。只是沒收到簡訊，請改用重送通知（Alt+W）。"
        ).format(number=view.case_number, phone=view.phone or _t("（未留手機）"))
        texts = (_t("重發領件碼"), text, _t("重發領件碼(&Q)"), _t("返回(&B)"))
        return action_or_back(self, "reissue", texts, QMessageBox.Icon.Question)
