"""Fees and receipts at the counter (規費收費): the fee shown before any money is taken, cash
with change, card with the terminal's reference, receipt print / reprint (with reason) / void
(with reason), refunds, and the daily closing.

Every service call runs on a worker through ``ctx.tasks``; printing goes through
``gui.qt_print`` (print dialog on the UI thread only when asked, painting on a worker).

The page acts only on the case it shows: loading another number clears the page first and a
number that is not found leaves it empty with every action disabled, so F9 can never take money
for a case that was on screen before. A receipt that was paid but whose print was cancelled or
failed (or never happened, after a crash) keeps the red "收據未列印" banner up, with F10 to print
it, until it is printed (``payments.pending_receipts``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.gui import labels, qt_print
from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.keyboard import mark_lookup
from eservice_desktop.gui.roc_date_edit import RocDateEdit
from eservice_desktop.services import fees, payment_screen, payments, reports

MAX_AMOUNT = 9_999_999


class PaymentPage(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("payment_page")
        self.current: payment_screen.PaymentScreen | None = None
        #: Returns the printer for the next job, or None to ask (tests inject a PDF printer).
        self.printer_factory: Callable[[], QPrinter | None] | None = None
        self.last_error = ""
        #: The case most recently written anywhere (intake, queue ...): shown on F6.
        self.recent_case = ""
        self._build()
        ctx.case_changed.connect(self._case_changed)

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.case_edit = QLineEdit()
        self.case_edit.setObjectName("case_edit")
        mark_lookup(self.case_edit)  # Esc may leave with a case number typed
        self.case_edit.setPlaceholderText(self.tr("輸入或掃描案號"))
        self.case_edit.returnPressed.connect(lambda: self.load(self.case_edit.text()))
        load_btn = QPushButton(self.tr("查詢(&L)"))
        load_btn.clicked.connect(lambda: self.load(self.case_edit.text()))
        top.addWidget(QLabel(self.tr("案號")))
        top.addWidget(self.case_edit, 1)
        top.addWidget(load_btn)
        root.addLayout(top)

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.summary)
        self.case_error = QLabel()
        self.case_error.setObjectName("case_error")
        self.case_error.setStyleSheet("color: #b00020")
        root.addWidget(self.case_error)
        self.pending_banner = QFrame()
        self.pending_banner.setObjectName("pending_banner")
        self.pending_banner.setStyleSheet(
            "#pending_banner { background: #fdecea; border: 1px solid #b00020; }"
        )
        banner = QHBoxLayout(self.pending_banner)
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pending_label")
        self.pending_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.pending_label.setWordWrap(True)
        self.pending_btn = QPushButton(self.tr("列印收據 (F10)"))
        self.pending_btn.setObjectName("pending_btn")
        self.pending_btn.clicked.connect(self.print_pending)
        banner.addWidget(self.pending_label, 1)
        banner.addWidget(self.pending_btn)
        self.pending_banner.hide()
        QShortcut(QKeySequence("F10"), self, self.print_pending)
        #: Receipts paid but never printed (``payments.pending_receipts``), oldest first.
        self.pending: list[str] = []
        root.addWidget(self.pending_banner)

        fee_box = QGroupBox(self.tr("規費核計"))
        fee_layout = QVBoxLayout(fee_box)
        self.items_table = QTableWidget(0, 4)
        self.items_table.setObjectName("items_table")
        self.items_table.setHorizontalHeaderLabels(
            [self.tr("規費項目"), self.tr("數量"), self.tr("單價"), self.tr("金額")]
        )
        self.items_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.items_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fee_layout.addWidget(self.items_table)
        adjust = QHBoxLayout()
        self.exempt_box = QCheckBox(self.tr("免徵"))
        self.reduction_spin = QSpinBox()
        self.reduction_spin.setRange(0, MAX_AMOUNT)
        self.reduction_spin.setPrefix(self.tr("減免 "))
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.addItem("", "")
        for reason in fees.EXEMPTION_REASONS:  # shown translated, recorded as listed
            self.reason_combo.addItem(QCoreApplication.translate("PaymentPage", reason), reason)
        self.reason_combo.setObjectName("reason_combo")
        self.copies_spin = QSpinBox()
        self.copies_spin.setObjectName("copies_spin")
        self.copies_spin.setRange(1, 99)
        self.copies_spin.setPrefix(self.tr("份數 "))
        self.assess_btn = QPushButton(self.tr("核定規費(&A)"))
        self.assess_btn.setObjectName("assess_btn")
        self.assess_btn.clicked.connect(self.assess)
        for w in (
            self.copies_spin,
            self.exempt_box,
            self.reduction_spin,
            QLabel(self.tr("原因")),
            self.reason_combo,
        ):
            adjust.addWidget(w)
        adjust.addWidget(self.assess_btn)
        fee_layout.addLayout(adjust)
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        fee_layout.addWidget(self.totals)
        root.addWidget(fee_box)

        pay_box = QGroupBox(self.tr("收費"))
        form = QFormLayout(pay_box)
        methods = QHBoxLayout()
        self.cash_radio = QRadioButton(self.tr("現金"))
        self.card_radio = QRadioButton(self.tr("刷卡"))
        self.cash_radio.setChecked(True)
        self.method_group = QButtonGroup(self)
        self.method_group.addButton(self.cash_radio)
        self.method_group.addButton(self.card_radio)
        methods.addWidget(self.cash_radio)
        methods.addWidget(self.card_radio)
        methods.addStretch(1)
        form.addRow(self.tr("繳費方式"), methods)
        self.amount_spin = QSpinBox()
        self.amount_spin.setObjectName("amount_spin")
        self.amount_spin.setRange(0, MAX_AMOUNT)
        self.amount_spin.setSuffix(self.tr(" 元"))
        form.addRow(self.tr("本次收費"), self.amount_spin)
        self.tendered_spin = QSpinBox()
        self.tendered_spin.setObjectName("tendered_spin")
        self.tendered_spin.setRange(0, MAX_AMOUNT)
        self.tendered_spin.setSuffix(self.tr(" 元"))
        form.addRow(self.tr("收現"), self.tendered_spin)
        self.change_label = QLabel("0")
        self.change_label.setObjectName("change_label")
        form.addRow(self.tr("找零"), self.change_label)
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("reference_edit")
        self.reference_edit.setPlaceholderText(self.tr("刷卡機交易序號／授權碼"))
        form.addRow(self.tr("交易序號"), self.reference_edit)
        self.pay_btn = QPushButton(self.tr("收費並列印收據 (F9)"))
        self.pay_btn.setObjectName("pay_btn")
        self.pay_btn.clicked.connect(self.pay)
        form.addRow(self.pay_btn)
        QShortcut(QKeySequence("F9"), self, self.pay)
        root.addWidget(pay_box)
        for signal in (self.amount_spin.valueChanged, self.tendered_spin.valueChanged):
            signal.connect(self._update_change)
        self.cash_radio.toggled.connect(self._method_changed)

        rec_box = QGroupBox(self.tr("收據"))
        rec_layout = QVBoxLayout(rec_box)
        self.receipts_table = QTableWidget(0, 5)
        self.receipts_table.setObjectName("receipts_table")
        self.receipts_table.setHorizontalHeaderLabels(
            [
                self.tr("收據號碼"),
                self.tr("方式"),
                self.tr("金額"),
                self.tr("狀態"),
                self.tr("已列印"),
            ]
        )
        self.receipts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.receipts_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.receipts_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        rec_layout.addWidget(self.receipts_table)
        buttons = QHBoxLayout()
        self.print_btn = QPushButton(self.tr("列印／重印(&R)"))
        self.print_btn.clicked.connect(self.print_selected)
        self.void_btn = QPushButton(self.tr("作廢(&D)"))
        self.void_btn.clicked.connect(self.void_selected)
        self.refund_btn = QPushButton(self.tr("退費(&U)"))
        self.refund_btn.clicked.connect(self.refund_selected)
        self.closing_btn = QPushButton(self.tr("日結表(&C)…"))
        self.closing_btn.clicked.connect(self.closing_dialog)
        for b in (self.print_btn, self.void_btn, self.refund_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.closing_btn)
        rec_layout.addLayout(buttons)
        root.addWidget(rec_box, 1)
        self._method_changed()
        self.case_edit.textEdited.connect(self._number_edited)
        self.ctx.case_shown.connect(self._case_shown)
        self._clear()

    # -- page hooks --------------------------------------------------------------------------

    def on_shown(self) -> None:
        self.case_edit.setFocus()
        if self.recent_case and (
            self.current is None or self.current.view.case_number != self.recent_case
        ):
            self.load(self.recent_case)
        self.refresh_pending()

    def refresh_pending(self) -> None:
        """Asks ``payments.pending_receipts`` again (after every print, cancel or failure)."""
        self.ctx.tasks.run(
            payments.pending_receipts,
            self.ctx.app,
            on_done=self._show_pending,
            on_error=self._error,
        )

    def focus_search(self) -> None:
        self.case_edit.setFocus()
        self.case_edit.selectAll()

    def _case_changed(self, number: str) -> None:
        if number and not self.isVisible():
            self.recent_case = number  # e.g. just received at intake: its fee is next
        if self.current is not None and number == self.current.view.case_number:
            self.load(number)

    def _case_shown(self, number: str) -> None:
        """Another page (pickup desk, case detail) shows this case: F6 brings up its fee."""
        if number and not self.isVisible():
            self.recent_case = number

    # -- loading and showing -----------------------------------------------------------------

    def shown_case(self) -> ScreenCase | None:
        if self.current is None:
            return None
        v = self.current.view
        return ScreenCase(v.case_number, v.applicant_name, v.applicant_id)

    def load(self, case_number: str) -> None:
        """Clears the page, then shows ``case_number``: until it is loaded nothing can be done,
        and a number that is not found leaves the page empty."""
        number = case_number.strip().upper()
        self._clear()
        self.recent_case = ""
        if not number:
            return
        self._loading = number
        self.case_edit.setText(number)
        self.ctx.tasks.run(
            payment_screen.load,
            self.ctx.app,
            number,
            on_done=self._show,
            on_error=self._load_failed,
        )

    def _clear(self) -> None:
        """No case on the page: every field empty and every action disabled."""
        had_case = getattr(self, "current", None) is not None
        self.current = None
        if had_case:
            self.ctx.screen_case_changed.emit()  # the identity panel no longer binds to it
        self._loading = ""
        self.summary.clear()
        self.case_error.clear()
        self.items_table.setRowCount(0)
        self.receipts_table.setRowCount(0)
        self.totals.clear()
        self.amount_spin.setValue(0)
        self.tendered_spin.setValue(0)
        self.reference_edit.clear()
        self.exempt_box.setChecked(False)
        self.reduction_spin.setValue(0)
        self.reason_combo.setCurrentIndex(0)
        self._set_actions(False)

    def _set_actions(self, enabled: bool, balance: int = 0) -> None:
        for w in (
            self.assess_btn,
            self.copies_spin,
            self.exempt_box,
            self.reduction_spin,
            self.reason_combo,
            self.print_btn,
            self.void_btn,
            self.refund_btn,
            self.amount_spin,
            self.cash_radio,
            self.card_radio,
        ):
            w.setEnabled(enabled)
        self.pay_btn.setEnabled(enabled and balance > 0)
        self._method_changed()
        if not enabled:
            self.tendered_spin.setEnabled(False)
            self.reference_edit.setEnabled(False)

    def _load_failed(self, error: BaseException) -> None:
        if not self._loading:
            return
        self._clear()
        self._error(error)
        self.case_error.setText(self.last_error)

    def _number_edited(self, text: str) -> None:
        """Typing another number makes the case on screen no longer the one meant: nothing may
        be done until Enter loads the new number (or the old one is typed back)."""
        if self.current is None:
            return
        shown = self.current.view.case_number
        typed = text.strip().upper()
        same = typed in (shown, shown.replace("-", ""))
        self._set_actions(same, self.current.view.balance if same else 0)

    def _show(self, screen: payment_screen.PaymentScreen) -> None:
        if screen.view.case_number != self._loading:
            return  # an answer for a number the clerk has since replaced
        self._loading = ""
        self.current = screen
        self.ctx.screen_case_changed.emit()
        self.case_error.clear()
        self._set_actions(True, screen.view.balance)
        v, a = screen.view, screen.assessment
        self.summary.setText(
            self.tr("{name}（{id}）　{service}　{status}").format(
                name=v.applicant_name,
                id=mask_id(v.applicant_id),
                service=labels.service_name(self.ctx, v.service_code),
                status=labels.status_label(self.ctx, v.status),
            )
        )
        self.items_table.setRowCount(len(a.items))
        for row, item in enumerate(a.items):
            cells = [
                self.ctx.pick(item.name, item.name_en),
                labels.quantity(self.ctx, item.quantity, item.unit),
                f"{item.unit_price:,}"
                + (
                    ""
                    if item.additional_unit_price is None
                    else self.tr("／續 {p}").format(p=f"{item.additional_unit_price:,}")
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
        due = a.total if not screen.assessed else v.fees_due
        balance = due - v.paid
        state = self.tr("已核定") if screen.assessed else self.tr("尚未核定（收費時依此核定）")
        self.totals.setText(
            self.tr(
                "小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　餘額 {bal}　（{state}）"
            ).format(
                sub=f"{a.subtotal:,}",
                red=f"{a.reduction:,}",
                due=f"{due:,}",
                paid=f"{v.paid:,}",
                bal=f"{balance:,}",
                state=state,
            )
        )
        self.amount_spin.setValue(max(balance, 0))
        self.tendered_spin.setValue(max(balance, 0))
        self.pay_btn.setEnabled(balance > 0)
        self.copies_spin.setValue(v.copies)
        self.ctx.case_shown.emit(v.case_number)
        self.receipts_table.setRowCount(len(screen.receipts))
        for row, r in enumerate(screen.receipts):
            method = {
                "cash": self.tr("現金"),
                "card": self.tr("刷卡"),
                "online": self.tr("線上"),
            }.get(r.method, r.method)
            status = (
                self.tr("作廢")
                if r.status == "void"
                else (self.tr("部分退費") if r.refunded else self.tr("有效"))
            )
            cells = [
                r.receipt_number,
                method,
                f"{r.amount:,}",
                status,
                self.tr("是") if r.printed else self.tr("否"),
            ]
            for col, text in enumerate(cells):
                self.receipts_table.setItem(row, col, QTableWidgetItem(text))
        if screen.receipts:
            self.receipts_table.selectRow(len(screen.receipts) - 1)
        self._update_change()
        self._focus_next_step(balance)

    def _focus_next_step(self, balance: int) -> None:
        """A case with money due puts the cursor where the clerk types next: the cash handed
        over (selected, so typing replaces the suggested exact amount), or the amount."""
        if balance <= 0 or not self.isVisible():
            return
        spin = self.tendered_spin if self.tendered_spin.isEnabled() else self.amount_spin
        spin.setFocus()
        spin.selectAll()

    def _show_pending(self, numbers: list[str]) -> None:
        self.pending = list(numbers)
        self.pending_banner.setVisible(bool(numbers))
        self.pending_label.setText(
            self.tr("收據未列印：{n} 張已收費的收據尚未印出（{list}）。按 F10 列印 {first}").format(
                n=len(numbers), list="、".join(numbers[:5]), first=numbers[0]
            )
            if numbers
            else ""
        )

    def print_pending(self) -> None:
        """F10: prints the oldest receipt that was paid but never printed (a first print)."""
        if not self.pending:
            return
        self._print(self.pending[0], "")

    def _method_changed(self) -> None:
        cash = self.cash_radio.isChecked()
        self.tendered_spin.setEnabled(cash)
        self.reference_edit.setEnabled(not cash)
        self._update_change()

    def change_due(self) -> int:
        return self.tendered_spin.value() - self.amount_spin.value()

    def _update_change(self) -> None:
        if not self.cash_radio.isChecked():
            self.change_label.setText("—")
            return
        change = self.change_due()
        self.change_label.setText(f"{change:,}")
        self.change_label.setStyleSheet("color: #b00020" if change < 0 else "")

    def _error(self, error: BaseException) -> None:
        text = self.ctx.message(error) if isinstance(error, DomainError) else str(error)
        self.last_error = text
        self.ctx.status_message.emit(text)

    # -- actions -----------------------------------------------------------------------------

    def _exemption_reason(self) -> str:
        """A listed reason is recorded as listed (zh-TW); a typed one as typed."""
        i = self.reason_combo.currentIndex()
        if i >= 0 and self.reason_combo.currentText() == self.reason_combo.itemText(i):
            return str(self.reason_combo.itemData(i) or "")
        return self.reason_combo.currentText()

    def assess(self) -> None:
        if self.current is None or not self.assess_btn.isEnabled():
            return
        number = self.current.view.case_number
        copies = self.copies_spin.value()
        exempt = self.exempt_box.isChecked()
        reduction = self.reduction_spin.value()
        if copies != self.current.view.copies and not (exempt or reduction):
            # only the copies changed: re-assessed, keeping an exemption already granted
            self.ctx.tasks.run(
                fees.change_copies,
                self.ctx.app,
                number,
                copies,
                on_done=lambda _v: self._written(number),
                on_error=self._error,
            )
            return
        reason = self._exemption_reason()
        run_with_approval(  # a reduction or exemption needs a supervisor's approval
            self.ctx,
            self,
            fees.assess,
            self.ctx.app,
            number,
            exempt=exempt,
            reduction=reduction,
            reason=reason,
            copies=copies,
            approval_reason=reason,
            on_done=lambda _v: self._written(number),
            on_error=self._error,
        )

    def pay(self) -> None:
        if self.current is None or not self.pay_btn.isEnabled():
            return
        cash = self.cash_radio.isChecked()
        if cash and self.change_due() < 0:
            self._error(DomainError("payment.tendered", "收現金額不足", "Not enough cash tendered"))
            return
        number = self.current.view.case_number
        self.pay_btn.setEnabled(False)
        self.ctx.tasks.run(
            payments.record_payment,
            self.ctx.app,
            number,
            "cash" if cash else "card",
            self.amount_spin.value(),
            tendered=self.tendered_spin.value() if cash else None,
            reference=self.reference_edit.text(),
            on_done=self._paid,
            on_error=self._pay_failed,
        )

    def _pay_failed(self, error: BaseException) -> None:
        self.pay_btn.setEnabled(self.current is not None and self.current.view.balance > 0)
        self._error(error)

    def _paid(self, result: payments.PaymentResult) -> None:
        msg = self.tr("收據 {n}：收 {a} 元").format(n=result.receipt_number, a=f"{result.amount:,}")
        if result.method == "cash":
            msg += self.tr("，找零 {c} 元").format(c=f"{result.change:,}")
        self.ctx.status_message.emit(msg)
        self.reference_edit.clear()
        self._print(result.receipt_number, "")
        self._written(result.case_number)

    def _written(self, number: str) -> None:
        """A write finished: tell the other pages; the case on screen reloads through
        ``_case_changed``. Never brings another case onto the page by itself."""
        self.ctx.case_changed.emit(number)

    def _printer(self) -> QPrinter | None:
        return self.printer_factory() if self.printer_factory is not None else None

    def _print(self, number: str, reason: str, approval: object = None) -> None:
        task = qt_print.print_receipt(
            self.ctx,
            number,
            parent=self,
            reprint_reason=reason,
            approval=approval,
            printer=self._printer(),
            on_done=self._printed,
            on_error=self._print_failed,
        )
        if task is None:  # the clerk cancelled the print dialog
            self.refresh_pending()

    def _printed(self, result: payments.PaymentResult) -> None:
        self.refresh_pending()
        self._written(result.case_number)

    def _print_failed(self, error: BaseException) -> None:
        self._error(error)
        self.refresh_pending()

    def selected_receipt(self) -> payments.PaymentResult | None:
        if self.current is None or not self.print_btn.isEnabled():
            return None
        row = self.receipts_table.currentRow()
        if 0 <= row < len(self.current.receipts):
            return self.current.receipts[row]
        return None

    def ask_text(self, title: str, label: str) -> str | None:
        """A reason from the clerk (tests replace this)."""
        text, ok = QInputDialog.getText(self, title, label)
        return text.strip() if ok and text.strip() else None

    def print_selected(self) -> None:
        r = self.selected_receipt()
        if r is None:
            return
        reason = ""
        if r.printed and r.status == "valid":
            asked = self.ask_text(self.tr("重印收據"), self.tr("重新列印原因："))
            if asked is None:
                return
            reason = asked
            number = r.receipt_number
            # a second reprint or later: a supervisor approves on this counter before printing
            run_with_approval(
                self.ctx,
                self,
                qt_print.reprint_allowed,
                self.ctx.app,
                number,
                approval_reason=reason,
                on_done=lambda approval: self._print(number, reason, approval),
                on_error=self._error,
            )
            return
        self._print(r.receipt_number, reason)

    def void_selected(self) -> None:
        r = self.selected_receipt()
        if r is None or r.status == "void":
            return
        reason = self.ask_text(self.tr("作廢收據"), self.tr("作廢原因（號碼保留，列入日結）："))
        if reason is None:
            return
        run_with_approval(  # a supervisor approves on this counter (auth.approval_required)
            self.ctx,
            self,
            payments.void_receipt,
            self.ctx.app,
            r.receipt_number,
            reason,
            approval_reason=reason,
            on_done=lambda res: self._written(res.case_number),
            on_error=self._error,
        )

    def refund_selected(self) -> None:
        r = self.selected_receipt()
        if r is None or r.status == "void":
            return
        amount, ok = QInputDialog.getInt(
            self,
            self.tr("退費"),
            self.tr("退費金額："),
            r.amount - r.refunded,
            1,
            max(r.amount - r.refunded, 1),
        )
        if not ok:
            return
        reason = self.ask_text(self.tr("退費"), self.tr("退費原因："))
        if reason is None:
            return
        run_with_approval(
            self.ctx,
            self,
            payments.refund,
            self.ctx.app,
            r.receipt_number,
            amount,
            reason,
            approval_reason=reason,
            on_done=lambda res: self._written(res.case_number),
            on_error=self._error,
        )

    # -- closing -----------------------------------------------------------------------------

    def closing_dialog(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("日結表"))
        lay = QFormLayout(dialog)
        day = RocDateEdit(QDate.currentDate())
        scope = QComboBox()
        scope.addItems([self.tr("本櫃檯"), self.tr("全所")])
        lay.addRow(self.tr("營業日"), day)
        lay.addRow(self.tr("範圍"), scope)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        choice: list[str] = []
        for key, text in (
            ("pdf", self.tr("存成 PDF")),
            ("csv", self.tr("存成 CSV")),
            ("print", self.tr("列印")),
        ):
            btn = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
            btn.clicked.connect(lambda _=False, k=key: choice.append(k))
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        lay.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted or not choice:
            return
        d = day.date()
        chosen = date(d.year(), d.month(), d.day())
        device: str | None = None if scope.currentIndex() == 1 else ""
        if choice[0] in ("pdf", "csv"):
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("儲存日結表"), f"closing-{chosen.isoformat()}.{choice[0]}"
            )
            if path:
                self.save_closing(chosen, Path(path), device)
        else:
            self.print_closing(chosen, device)

    def save_closing(self, day: date, path: Path, device: str | None = "") -> None:
        self.ctx.tasks.run(
            reports.write_closing,
            self.ctx.app,
            day,
            path,
            device,
            on_done=lambda r: self.ctx.status_message.emit(
                self.tr(
                    "日結表已存檔：{p}（淨額 {n} 元，應有現金 {c} 元）；"
                    "含個人資料，僅限本帳號讀取，用畢請刪除"
                ).format(p=str(path), n=f"{r.net:,}", c=f"{r.cash_expected:,}")
            ),
            on_error=self._error,
        )

    def print_closing(self, day: date, device: str | None = "") -> None:
        app = self.ctx.app

        def make() -> bytes:
            return reports.closing_document(app, day, device)

        qt_print.print_document(
            self.ctx, make, parent=self, printer=self._printer(), on_error=self._error
        )


def create_page(ctx: GuiContext) -> QWidget:
    return PaymentPage(ctx)
