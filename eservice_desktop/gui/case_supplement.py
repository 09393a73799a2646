"""通知補正 (Alt+S) on the case detail: after the reason, the day to supply by (補件期限) and the
documents asked for (docs/clerk-guide.md, 補正、結案、駁回).

The dialog names the case and the reason the citizen will read. 補件期限 (Alt+D) takes an ROC
date as typed at the counter (``115/12/18``, ``115年12月18日``, full-width digits), or nothing;
應補文件 (Alt+F) lists the case's required documents (應備文件), ticked with Space. 通知補正
(Alt+S, or Enter) checks the day at once (``services.supplement.check_supply_by``: the calendar
is in memory, no database read) and says a refusal in the dialog, the date kept and selected;
Esc (返回, Alt+B) sends nothing. The request itself is written by the page, on the case the
dialog named and only while that case is still on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import ask_once
from eservice_desktop.services import cases, supplement


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


@dataclass(frozen=True)
class Asked:
    """What the clerk chose: the documents (the catalogue's names) and the day, if any."""

    items: list[str]
    supply_by: date | None


class SupplementDialog(QDialog):
    """The day and the documents of one case's supplement request."""

    def __init__(self, ctx: GuiContext, parent: QWidget, view: cases.CaseView, reason: str):
        super().__init__(parent)
        self.ctx, self.number = ctx, view.case_number
        self.asked: Asked | None = None
        self.setObjectName("supplement_dialog")
        self.setWindowTitle(_t("通知補正：案件 {number}").format(number=self.number))
        self.setMinimumWidth(560)  # the longest document name and a refusal on one line or two
        said = QLabel(_t("民眾會收到通知與補正事項：{reason}").format(reason=reason), self)
        said.setWordWrap(True)
        said.setTextFormat(Qt.TextFormat.PlainText)
        self.date_edit = QLineEdit(self)
        self.date_edit.setObjectName("supply_by_edit")
        self.date_edit.setMaxLength(20)
        self.date_edit.setPlaceholderText(_t("民國年，例如 115/12/18；可空白"))
        self.items_list = QListWidget(self)
        self.items_list.setObjectName("supply_items")
        self.items_list.setMaximumHeight(140)
        for doc in view.documents_required:
            item = QListWidgetItem(_document_name(ctx, view.service_code, doc), self.items_list)
            item.setData(Qt.ItemDataRole.UserRole, doc)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        form = QFormLayout()
        date_label = QLabel(_t("補件期限(&D)"), self)
        date_label.setBuddy(self.date_edit)
        form.addRow(date_label, self.date_edit)
        items_label = QLabel(_t("應補文件(&F)"), self)
        items_label.setBuddy(self.items_list)
        form.addRow(items_label, self.items_list)
        self.items_list.setVisible(bool(view.documents_required))
        items_label.setVisible(bool(view.documents_required))
        self.error_label = QLabel(self)
        self.error_label.setObjectName("supply_by_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.send_button = QPushButton(_t("通知補正(&S)"), self)
        self.send_button.setObjectName("supply_send")
        self.send_button.setDefault(True)
        back = QPushButton(_t("返回(&B)"), self)
        back.setObjectName("supply_back")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(back)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.send_button.clicked.connect(self.send)
        back.clicked.connect(self.reject)
        self.date_edit.setFocus()

    def chosen_items(self) -> list[str]:
        out = []
        for i in range(self.items_list.count()):
            item = self.items_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def send(self) -> None:
        """Closes with the request when the day is one a citizen can be given; otherwise says
        why here, the date kept and selected to be corrected."""
        try:
            day = supplement.supply_by_from_text(self.ctx.app, self.date_edit.text())
        except DomainError as e:
            self.error_label.setText(self.ctx.message(e))
            self.adjustSize()  # the refusal grew the dialog: shown whole, not cut at its foot
            self.date_edit.setFocus()
            self.date_edit.selectAll()
            return
        self.asked = Asked(self.chosen_items(), day)
        self.accept()


def _document_name(ctx: GuiContext, code: str, doc: str) -> str:
    catalogue = ctx.app.catalogue
    if ctx.is_zh or not catalogue.has_service(code):
        return doc
    return catalogue.service(code).document_name(doc, "en")


def ask(ctx: GuiContext, parent: QWidget, view: cases.CaseView, reason: str) -> Asked | None:
    """The clerk's day and documents for ``view``'s request, or None when they went back."""
    dialog = SupplementDialog(ctx, parent, view, reason)
    ask_once(dialog)
    return dialog.asked


class _Page(Protocol):
    view: cases.CaseView | None

    def shown_number(self) -> str: ...
    def write_case(self, fn: Any, *args: Any) -> None: ...
    def ask_supplement(self, view: cases.CaseView, reason: str) -> Asked | None: ...


def request(page: _Page, reason: str | None) -> None:
    """Asks the day and the documents, then writes the request on the case the dialog named
    (nothing when another case came on screen meanwhile, or the clerk went back)."""
    view = page.view
    if reason is None or view is None or page.shown_number() != view.case_number:
        return
    asked = page.ask_supplement(view, reason)
    if asked is not None and page.shown_number() == view.case_number:
        page.write_case(cases.request_supplement, reason, asked.items, asked.supply_by)
