"""The fees page's widgets, their layout and how a case is drawn in them (規費收費).

Why apart from ``gui/payment_page.py``: what the clerk sees (built in the order the Tab key
walks it) reads on its own, and the page's module is left with what the widgets do (load, pay,
print, void, refund). ``PaymentPage`` is a ``PaymentView`` (the page's attribute names).

The texts keep the translation context ``PaymentPage`` (``_t``): the English file needs no
change and ``self.tr`` in the page finds the same entries.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.gui import accessible, flow_layout, keyboard, labels
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.keyboard import COPIES_TYPED_MAX, keys_as_typed, mark_lookup
from eservice_desktop.gui.restore_refusals import RecoveredWatch
from eservice_desktop.gui.table_fit import ColumnFitter, RowsHeld
from eservice_desktop.gui.void_offer import VoidReason
from eservice_desktop.gui.wrapped_label import WrappedLabel
from eservice_desktop.services import cases, fees, payments

MAX_AMOUNT = 9_999_999

#: Which field a refusal of the fees page is about, by its code (the domain's payment rules
#: name none); a refusal that names its ``field`` goes there.
REFUSAL_FIELDS = {
    "payment.tendered": "tendered",
    "payment.amount": "amount",
    "payment.over_balance": "amount",
    "payment.reference_required": "reference",
    "copies.range": "copies",
    "fee.reduction": "reduction",
    "fee.reason_required": "exemption_reason",
}


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


class PaymentView(QWidget):
    """The page's widgets; ``PaymentPage`` connects them to what they do."""

    ctx: GuiContext

    def _build_view(self) -> None:
        #: A refusal shown beside the field it is about, by field ("tendered", "reference" ...).
        self.field_errors: dict[str, QLabel] = {}
        root = QVBoxLayout(self)
        self._build_case_bar(root)
        self._build_pending_banner(root)
        root.addWidget(self._build_fee_box())
        root.addWidget(self._build_pay_box())
        root.addWidget(self._build_receipts_box(), 1)

    def _build_case_bar(self, root: QVBoxLayout) -> None:
        """The case number to load, the case's summary line and why it could not be loaded."""
        top = QHBoxLayout()
        self.case_edit = QLineEdit()
        self.case_edit.setObjectName("case_edit")
        mark_lookup(self.case_edit)  # Esc may leave with a case number typed
        keys_as_typed(self.case_edit)
        self.case_edit.setPlaceholderText(_t("輸入或掃描案號、收據號碼"))
        self.load_btn = QPushButton(_t("查詢(&L)"))
        accessible.name(self.case_edit, _t("案號"))
        top.addWidget(QLabel(_t("案號")))
        top.addWidget(self.case_edit, 1)
        top.addWidget(self.load_btn)
        root.addLayout(top)

        self.summary = WrappedLabel(height_for_width=False)  # a long service name wraps
        self.summary.setObjectName("summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.summary)
        self.case_error = QLabel()
        self.case_error.setObjectName("case_error")
        self.case_error.setStyleSheet("color: #b00020")
        root.addWidget(self.case_error)

    def _build_pending_banner(self, root: QVBoxLayout) -> None:
        """The red banner of receipts paid but never printed (hidden while there are none)."""
        self.pending_banner = QFrame()
        self.pending_banner.setObjectName("pending_banner")
        self.pending_banner.setStyleSheet(
            "#pending_banner { background: #fdecea; border: 1px solid #b00020; }"
        )
        banner = QHBoxLayout(self.pending_banner)
        # said as well as painted (polite): opened with receipts left unprinted, the page told a
        # clerk going by the screen reader nothing of the citizens owed one
        self.pending_label = accessible.SpokenLabel()
        self.pending_label.setObjectName("pending_label")
        self.pending_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.pending_label.setWordWrap(True)
        self.pending_btn = QPushButton(_t("列印收據 (F10)"))
        self.pending_btn.setObjectName("pending_btn")
        banner.addWidget(self.pending_label, 1)
        banner.addWidget(self.pending_btn)
        self.pending_banner.hide()
        #: Receipts paid, never printed, oldest first, with their case (payment_screen).
        self.pending: list[str] = []
        self.pending_cases: dict[str, str] = {}
        root.addWidget(self.pending_banner)

    def _build_fee_box(self) -> QGroupBox:
        """規費核計: the fee items, copies, exemption or reduction with its reason, totals."""
        fee_box = QGroupBox(_t("規費核計"))
        fee_layout = QVBoxLayout(fee_box)
        self.items_table = QTableWidget(0, 4)
        self.items_table.setObjectName("items_table")
        self.items_table.setHorizontalHeaderLabels(
            [_t("規費項目"), _t("數量"), _t("單價"), _t("金額")]
        )
        self.items_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # A fee item's name wraps onto the lines it needs: in English at 1024 px a quarter of
        # the page cut "Household registration transcript" to "Household", the rest unseen.
        self.items_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.items_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        RowsHeld(self.items_table, most=4)  # whole on a short screen; scrolls past four
        fee_layout.addWidget(self.items_table)
        adjust = flow_layout.FlowLayout()  # wraps on a narrow page
        self.exempt_box = QCheckBox(_t("免徵"))
        self.reduction_spin = QSpinBox()
        self.reduction_spin.setRange(0, MAX_AMOUNT)
        self.reduction_spin.setPrefix(_t("減免 "))
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.addItem("", "")
        for reason in fees.EXEMPTION_REASONS:  # shown translated, recorded as listed
            self.reason_combo.addItem(QCoreApplication.translate("PaymentPage", reason), reason)
        self.reason_combo.setObjectName("reason_combo")
        accessible.name(self.reason_combo, _t("減免原因"))
        # As wide as a short reason, not the longest listed one: the page fits 1024 px.
        self.reason_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.reason_combo.setMinimumContentsLength(12)
        self.copies_spin = QSpinBox()
        self.copies_spin.setObjectName("copies_spin")
        self.copies_spin.setRange(1, COPIES_TYPED_MAX)
        self.copies_spin.setPrefix(_t("份數 "))
        self.assess_btn = QPushButton(_t("核定規費(&A)"))
        self.assess_btn.setObjectName("assess_btn")
        # 原因 with its field, which takes the rest of its line: a listed reason shows whole
        self.reason_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        labelled = flow_layout.labelled(QLabel(_t("原因")), self.reason_combo)
        for w in (self.copies_spin, self.exempt_box, self.reduction_spin, labelled):
            adjust.addWidget(w)
        adjust.addWidget(self.assess_btn)
        fee_layout.addLayout(adjust)
        # A refusal of the copies, the reduction or its reason, under the row that holds them.
        fee_error = self._error_label("fee_error")
        fee_layout.addWidget(fee_error)
        for key in ("copies", "reduction", "exemption_reason"):
            self.field_errors[key] = fee_error
        self.totals = WrappedLabel(height_for_width=False)
        self.totals.setObjectName("totals")
        fee_layout.addWidget(self.totals)
        return fee_box

    def _build_pay_box(self) -> QGroupBox:
        """收費: cash or card, the amount, the cash handed over and the change, the card's
        reference, and the button that takes the money."""
        pay_box = QGroupBox(_t("收費"))
        form = QFormLayout(pay_box)
        methods = QHBoxLayout()
        self.cash_radio = QRadioButton(_t("現金"))
        self.card_radio = QRadioButton(_t("刷卡"))
        self.cash_radio.setChecked(True)
        self.method_group = QButtonGroup(self)
        self.method_group.addButton(self.cash_radio)
        self.method_group.addButton(self.card_radio)
        methods.addWidget(self.cash_radio)
        methods.addWidget(self.card_radio)
        methods.addStretch(1)
        form.addRow(_t("繳費方式"), methods)
        self.amount_spin = QSpinBox()
        self.amount_spin.setObjectName("amount_spin")
        self.amount_spin.setRange(0, MAX_AMOUNT)
        self.amount_spin.setSuffix(_t(" 元"))
        form.addRow(_t("本次收費"), self._beside("amount", self.amount_spin))
        self.tendered_spin = QSpinBox()
        self.tendered_spin.setObjectName("tendered_spin")
        self.tendered_spin.setRange(0, MAX_AMOUNT)
        self.tendered_spin.setSuffix(_t(" 元"))
        form.addRow(_t("收現"), self._beside("tendered", self.tendered_spin))
        self.change_label = QLabel("0")
        self.change_label.setObjectName("change_label")
        form.addRow(_t("找零"), self.change_label)
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("reference_edit")
        self.reference_edit.setPlaceholderText(_t("刷卡機交易序號／授權碼"))
        keys_as_typed(self.reference_edit)
        form.addRow(_t("交易序號"), self._beside("reference", self.reference_edit))
        self.pay_btn = QPushButton(_t("收費並列印收據 (F9)"))
        self.pay_btn.setObjectName("pay_btn")
        form.addRow(self.pay_btn)
        #: A refusal about no field of the page (the case's state, a cancelled approval).
        self.page_error = self._error_label("page_error")
        RecoveredWatch(self.ctx, self.page_error)  # a restore's refusal goes once recovered
        form.addRow(self.page_error)
        return pay_box

    @staticmethod
    def _error_label(name: str) -> QLabel:
        label = accessible.SpokenLabel()
        label.setObjectName(name)
        label.setStyleSheet("color: #b00020")
        label.setWordWrap(True)
        return label

    def _beside(self, key: str, field: QWidget) -> QHBoxLayout:
        """``field`` with the label of its refusals to its right."""
        row = QHBoxLayout()
        row.addWidget(field, 1)
        self.field_errors[key] = self._error_label(f"{key}_error")
        row.addWidget(self.field_errors[key], 1)
        return row

    def _build_receipts_box(self) -> QGroupBox:
        """收據: the case's receipts, and print / void / refund / the daily closing."""
        rec_box = QGroupBox(_t("收據"))
        rec_layout = QVBoxLayout(rec_box)
        self.receipts_table = QTableWidget(0, 5)
        self.receipts_table.setObjectName("receipts_table")
        self.receipts_table.setHorizontalHeaderLabels(
            [_t("收據號碼"), _t("方式"), _t("金額"), _t("狀態"), _t("已列印")]
        )
        # Fitted, not stretched: five equal columns cut the receipt number the clerk reads
        # before a void or refund to "H01-01-115-···" at 1024 px (the last column takes the rest).
        self.receipts_fitter = ColumnFitter(self.receipts_table)
        self.receipts_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.receipts_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        # One receipt at a time, the highlight where the cursor is: with the default extended
        # selection Ctrl+Home moved the cursor (the receipt 列印, 作廢 and 退費 act on) to a void
        # receipt and left the newest highlighted, and 列印／重印 printed the void one.
        self.receipts_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        rec_layout.addWidget(self.receipts_table)
        buttons = flow_layout.FlowLayout()  # wraps on a narrow page
        self.print_btn = QPushButton(_t("列印／重印(&R)"))
        self.void_btn = QPushButton(_t("作廢(&D)"))
        self.refund_btn = QPushButton(_t("退費(&U)"))
        self.closing_btn = QPushButton(_t("日結表(&C)…"))
        self.online_receipt_btn = QPushButton(_t("開立線上繳費收據(&E)"))  # online_receipt_action
        self.method_btn = QPushButton(_t("更正收費方式(&M)"))  # gui/method_correction.py
        self.void_reason = VoidReason(self)  # why 作廢 is disabled, if it is
        for b in (self.print_btn, self.online_receipt_btn, self.void_btn, self.refund_btn,
                  self.method_btn, self.closing_btn, self.void_reason):  # fmt: skip
            buttons.addWidget(b)
        rec_layout.addLayout(buttons)
        #: What became of a print, void, refund or closing, whole under its buttons: the status
        #: bar cut the English at 1,024 px ("… their account and password at this co").
        self.receipt_note = self._error_label("receipt_note")
        rec_layout.addWidget(RecoveredWatch(self.ctx, self.receipt_note).label)  # cf. page_error
        return rec_box

    # -- refusals beside their fields --------------------------------------------------------

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            "amount": self.amount_spin,
            "tendered": self.tendered_spin,
            "reference": self.reference_edit,
            "copies": self.copies_spin,
            "reduction": self.reduction_spin,
            "exemption_reason": self.reason_combo,
        }

    def _connect_field_errors(self) -> None:
        """Editing a field takes its refusal away; so does another way of paying."""
        for spin in (self.amount_spin, self.tendered_spin, self.copies_spin, self.reduction_spin):
            spin.valueChanged.connect(self._clear_field_errors)
        self.reference_edit.textEdited.connect(self._clear_field_errors)
        self.reason_combo.currentTextChanged.connect(self._clear_field_errors)
        self.cash_radio.toggled.connect(self._clear_field_errors)

    def _clear_field_errors(self) -> None:
        for label in self.field_errors.values():
            label.clear()
        self.page_error.clear()
        self.receipt_note.clear()

    def show_refusal(self, error: BaseException, text: str) -> bool:
        """A refusal about one field is shown beside it, in the window's language, and the
        cursor goes there (as the intake form does); one about no field here (``text``) under
        the pay button, where the clerk's eyes are, and False: scrolled into view, since F9
        is pressed in the fields above (at 1024 × 768 the refusal was said below the fold)."""
        key = None
        if isinstance(error, DomainError):
            named = error.field in self.field_errors
            key = error.field if named else REFUSAL_FIELDS.get(error.code)
        self._clear_field_errors()
        if key is None:
            self.page_error.setText(text)
            keyboard.bring_into_view(self.page_error)
            return False
        self.field_errors[key].setText(text)
        widget = self._field_widgets()[key]
        widget.setFocus()
        if isinstance(widget, (QSpinBox, QLineEdit)):
            widget.selectAll()
        return True

    # -- drawing a case ----------------------------------------------------------------------

    def _draw_summary(self, v: cases.CaseView) -> None:
        self.summary.setText(
            _t("{name}（{id}）　{service}　{status}").format(
                name=v.applicant_name,
                id=mask_id(v.applicant_id),
                service=labels.service_name(self.ctx, v.service_code),
                status=labels.status_label(self.ctx, v.status),
            )
        )

    def _draw_items(self, items: Sequence[fees.FeeLineView]) -> None:
        self.items_table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = [
                self.ctx.pick(item.name, item.name_en),
                labels.quantity(self.ctx, item.quantity, item.unit, item.code),
                f"{item.unit_price:,}"
                + (
                    ""
                    if item.additional_unit_price is None
                    else _t("／續 {p}").format(p=f"{item.additional_unit_price:,}")
                ),
                f"{item.amount:,}",
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.items_table.setItem(row, col, cell)

    def _draw_receipts(
        self,
        receipts: Sequence[payments.PaymentResult],
        keep: str = "",
        known: frozenset[str] = frozenset(),
    ) -> None:
        """The case's receipts, the newest selected; when the case is shown again with no
        receipt beyond those ``known`` before, ``keep`` (the one the clerk had selected): a
        reprint of the first receipt moved the selection to the last, which Alt+D voided."""
        self.receipts_table.setRowCount(len(receipts))
        for row, r in enumerate(receipts):
            method = {"cash": _t("現金"), "card": _t("刷卡"), "online": _t("線上")}.get(
                r.method, r.method
            )
            status = _t("有效")
            if r.status == "void":
                status = _t("作廢")
            elif r.refunded >= r.amount:  # the whole of it handed back, not "part"
                status = _t("已退費")
            elif r.refunded:
                status = _t("部分退費")
            cells = [
                r.receipt_number,
                method,
                f"{r.amount:,}",
                status,
                _t("是") if r.printed else _t("否"),
            ]
            for col, text in enumerate(cells):
                self.receipts_table.setItem(row, col, QTableWidgetItem(text))
        numbers = [r.receipt_number for r in receipts]
        if receipts:
            same = keep in numbers and known.issuperset(numbers)
            self.receipts_table.selectRow(numbers.index(keep) if same else len(numbers) - 1)
