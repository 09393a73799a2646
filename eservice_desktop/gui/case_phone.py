"""The case detail's 新手機 row: the applicant's new mobile number (a new phone since intake,
docs/pickup.md "A new mobile number"), written by ``services.case_contact`` on the case on screen.

Alt+M puts the focus in the field, Enter (or 變更手機號碼) records it. The field shows the number
the case holds as its placeholder; a malformed number is refused at once with the intake's
message, the text kept and selected to be corrected. What was typed follows its case, as the
reason field does: another case on screen puts it aside (never sent for the next citizen) and
brings it back with its case. Once the case is shown with the new number the field is cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import validate_mobile
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.keyboard import bring_into_view
from eservice_desktop.services import case_contact, cases

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
        self._number = ""  # the case the field's text is for
        self.edit = QLineEdit(self)
        self.edit.setObjectName("phone_edit")
        self.edit.setMaxLength(24)
        label = QLabel(_t("新手機(&M)"), self)
        label.setBuddy(self.edit)
        self.button = QPushButton(_t("變更手機號碼"), self)
        self.button.setObjectName("phone_button")
        self.button.setToolTip(
            _t("民眾換了手機：之後的通知改寄新號碼；已待領件者另發新領件碼（Enter）")
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
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
        if view is not None and self._entered() == view.phone:
            self.edit.clear()  # recorded: the case shows it now
        usable = view is not None and not writing and view.status in _TAKES_A_NUMBER
        self.edit.setEnabled(usable)
        self.button.setEnabled(usable)

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
