"""The intake form's widgets and their layout: the draft banner, the service picker, the
applicant, the service's details, the buttons, in one scrolling column in the order the clerk
fills it in (and the Tab key walks it).

Apart from ``gui/intake_form.py`` (what the form does: the service's rows, drafts, cards,
checks, submit; ``IntakeForm`` is an ``IntakeView``) so the construction reads on its own.
The texts keep the translation context ``IntakeForm`` (``_t``), where the English file has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.catalogue import (
    Service,
)
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.glyph_warning import GlyphWarning
from eservice_desktop.gui.keyboard import COPIES_TYPED_MAX, keys_as_typed
from eservice_desktop.gui.wrapped_label import WrappedLabel

if TYPE_CHECKING:  # the identity stack (cryptography) loads when a proof is first made
    pass


SOURCE_LABELS = {
    "nhi": ("讀自健保卡", "Read from NHI card"),
    "moica": ("讀自自然人憑證", "Read from MOICA card"),
}


def _error_label(key: str) -> QLabel:
    """A refusal, wrapped and never shorter than its lines: beside 申辦項目 on half a screen
    查無此申辦項目，請輸入代碼或名稱 took three lines in a row two lines high, cut at the
    top and the bottom."""
    label = WrappedLabel(spoken=True, assertive=False)
    label.setObjectName(f"error_{key}")
    label.setStyleSheet("color: #b00020;")
    return label


def _narrow(combo: QComboBox, chars: int) -> None:
    """A combo as wide as ``chars`` characters at least, not as its longest item (a long
    service name would push the errors beside it under the scroll bar at 1024 px)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)


def _row(field: QWidget, error: QLabel) -> QWidget:
    """The field and its error label side by side: the error sits next to what it is about."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 3)
    layout.addWidget(error, 2)
    return box


def _t(text: str) -> str:
    return QCoreApplication.translate("IntakeForm", text)


class IntakeView(QWidget):
    """The form's widgets; ``IntakeForm`` connects them to what they do."""

    ctx: GuiContext
    services: list[Service]
    error_labels: dict[str, QLabel]

    def _build_draft_banner(self) -> None:
        """The restored-draft banner: says a draft came back, offers to discard it."""
        self.draft_banner = QFrame()
        self.draft_banner.setObjectName("draft_banner")
        self.draft_banner.setStyleSheet(
            "#draft_banner { background: #fff4ce; border: 1px solid #c8a600; }"
        )
        banner = QHBoxLayout(self.draft_banner)
        self.draft_banner_label = QLabel()
        self.draft_banner_label.setObjectName("draft_banner_label")
        self.draft_banner_label.setWordWrap(True)
        self.discard_draft_button = QPushButton(_t("捨棄草稿(&D)"))
        self.discard_draft_button.setObjectName("discard_draft_button")
        self.keep_draft_button = QPushButton(_t("保留並繼續(&R)"))
        self.keep_draft_button.setObjectName("keep_draft_button")
        banner.addWidget(self.draft_banner_label, 1)
        banner.addWidget(self.discard_draft_button)
        banner.addWidget(self.keep_draft_button)
        self.draft_banner.hide()

    def _build_service_picker(self) -> QFormLayout:
        """The service picker: editable, completes on code or any part of the name."""
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.service_combo = QComboBox()
        self.service_combo.setObjectName("service_combo")
        self.service_combo.setEditable(True)
        self.service_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        _narrow(self.service_combo, 24)
        self.service_combo.addItem("", "")
        for svc in self.services:
            self.service_combo.addItem(
                f"{svc.code}　{self.ctx.pick(svc.name, svc.name_en)}", svc.code
            )
        completer = QCompleter(self.service_combo.model(), self.service_combo)
        completer.setCompletionColumn(0)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.service_combo.setCompleter(completer)
        # Enter in the filtered list takes the highlighted (or only) service and moves on.
        popup = completer.popup()
        assert popup is not None
        self._service_popup = popup
        popup.installEventFilter(self)
        line = self.service_combo.lineEdit()
        assert line is not None
        line.setPlaceholderText(_t("輸入代碼或名稱篩選"))
        self.service_info = QLabel()
        self.service_info.setObjectName("service_info")
        self._add_row(form, "service", _t("申辦項目(&S)"), self.service_combo)
        form.addRow("", self.service_info)
        return form

    def _build_applicant(self, form: QFormLayout) -> None:
        """The applicant's ID, name (with its glyph warning), mobile and e-mail."""
        self.applicant_id = QLineEdit()
        self.applicant_id.setObjectName("applicant_id")
        self.applicant_id.setPlaceholderText(_t("身分證字號、居留證號或統一編號"))
        self.applicant_id.setMaxLength(16)
        self.applicant_id.installEventFilter(self)
        keys_as_typed(self.applicant_id)
        self.applicant_kind = QLabel()
        self.applicant_kind.setObjectName("applicant_kind")
        self.card_source = QLabel()
        self.card_source.setObjectName("card_source")
        self.card_source.setStyleSheet("color: #1b5e20;")
        self.proof_label = QLabel()
        self.proof_label.setObjectName("proof_label")
        self.proof_label.setStyleSheet("color: #1b5e20;")
        self._add_row(form, "applicant_id", _t("申請人證號(&I)"), self.applicant_id)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.applicant_kind)
        kind_row.addWidget(self.card_source)
        kind_row.addWidget(self.proof_label)
        kind_row.addStretch(1)
        form.addRow("", kind_row)

        self.applicant_name = QLineEdit()
        self.applicant_name.setObjectName("applicant_name")
        # no setMaxLength: a longer name pasted would be cut unseen; the submit says the limit
        self._add_row(form, "applicant_name", _t("申請人姓名(&N)"), self.applicant_name)
        # Characters no font can show or print, named by code point, right under the name.
        self.name_glyphs = GlyphWarning(self.ctx, self.applicant_name, "applicant_name")
        form.addRow("", self.name_glyphs)

        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText("0912345678")
        self.phone.installEventFilter(self)
        keys_as_typed(self.phone)
        self._add_row(form, "phone", _t("手機(&M)"), self.phone)

        self.email = QLineEdit()
        self.email.setObjectName("email")
        self._add_row(form, "email", _t("電子郵件(&E)"), self.email)

    def _build_details(self, form: QFormLayout) -> None:
        """The service's own fields, copies, consent, documents and where to pick up. The
        service's box spans ``form`` and copies and pickup are rows of ``form`` itself: a
        second form layout of their own started their fields left of those above."""
        self.fields_box = QGroupBox(_t("申辦項目資料"))
        self.fields_form = QFormLayout(self.fields_box)

        self.copies = QSpinBox()
        self.copies.setObjectName("copies")
        self.copies.setRange(1, COPIES_TYPED_MAX)
        self.consent_box = QGroupBox(_t("同意以免書證免謄本方式查調"))
        self.consent_box.setObjectName("consent_box")
        self.consent_layout = QVBoxLayout(self.consent_box)
        self.consent_error = _error_label("consent")
        self.error_labels["consent"] = self.consent_error

        self.documents_box = QGroupBox(_t("應備文件（已收到者請勾選）"))
        self.documents_box.setObjectName("documents_box")
        self.documents_layout = QVBoxLayout(self.documents_box)
        self.documents_error = _error_label("documents")
        self.error_labels["documents"] = self.documents_error

        self.pickup_method = QComboBox()
        self.pickup_method.setObjectName("pickup_method")
        self.pickup_method.setPlaceholderText(_t("請選擇"))
        self.pickup_office = QComboBox()
        self.pickup_office.setObjectName("pickup_office")
        self.pickup_office.setPlaceholderText(_t("請選擇"))
        _narrow(self.pickup_office, 16)
        # 他地領件 at a county department's desk: at a household or land office (catalogue README)
        own_kind = self.ctx.app.office.kind
        kinds = ("household", "land") if own_kind == "county_department" else (own_kind,)
        for office in (o for k in kinds for o in self.ctx.app.catalogue.offices_of_kind(k)):
            if office.code != self.ctx.app.settings.office_code:
                self.pickup_office.addItem(
                    f"{office.code}　{self.ctx.pick(office.name, office.name_en)}", office.code
                )
        self.pickup_office.setCurrentIndex(-1)
        self.pickup_office.setEnabled(False)

        form.addRow(self.fields_box)
        self._add_row(form, "copies", _t("份數(&C)"), self.copies)
        self._add_row(form, "pickup_method", _t("領件方式(&U)"), self.pickup_method)
        self._add_row(form, "pickup_office", _t("領件機關(&K)"), self.pickup_office)

    def _build_buttons(self) -> QHBoxLayout:
        """Submit, clear, and the labels for the result and a form-wide error."""
        self.submit_button = QPushButton(_t("送出收件（Ctrl+Enter）"))
        self.submit_button.setObjectName("submit_button")
        self.submit_button.setAutoDefault(True)  # Enter on the focused button submits
        self.clear_button = QPushButton(_t("清除表單(&L)"))
        self.clear_button.setObjectName("clear_button")
        self.result_label = QLabel()  # said by the status bar, which repeats it
        self.result_label.setObjectName("result_label")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form_error = SpokenLabel(assertive=True)
        self.form_error.setObjectName("form_error")
        self.form_error.setStyleSheet("color: #b00020;")
        self.form_error.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        return buttons

    def _lay_out(self, form: QFormLayout, buttons: QHBoxLayout) -> None:
        """One scrolling column, top to bottom in the order the clerk fills it in."""
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.addWidget(self.draft_banner)
        col.addLayout(form)
        col.addWidget(self.consent_box)
        col.addWidget(self.consent_error)
        col.addWidget(self.documents_box)
        col.addWidget(self.documents_error)
        col.addLayout(buttons)
        col.addWidget(self.form_error)
        col.addWidget(self.result_label)
        col.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop in the Tab chain
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _add_row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        error = _error_label(key)
        self.error_labels[key] = error
        title = QLabel(label)
        title.setBuddy(widget)
        form.addRow(title, _row(widget, error))
