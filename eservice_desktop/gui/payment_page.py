"""Fees and receipts at the counter (規費收費): the fee shown before any money is taken, cash
with change, card with the terminal's reference, receipt print / reprint (with reason) / void
(with reason), refunds, and the daily closing.

Every service call runs on a worker (``ctx.tasks``); printing is ``gui/payment_printing.py``'s,
a barcode scanned anywhere on the page ``gui/payment_scan.py``'s.

The page acts only on the case it shows: loading another number clears the page first and a
number that is not found leaves it empty with every action disabled, so F9 can never take money
for a case that was on screen before; a sync round that brought the case events, or a payment
refused because it was paid elsewhere, shows it again as it stands (``gui/case_rounds.py``). A
receipt paid but not printed (cancelled, failed, a crash) keeps the red "收據未列印" banner up,
F10 printing it, the shown case's own first (``payment_screen.pending_receipts``). A cancelled
or rejected case takes no fee nor assessment; its receipts are printed, voided and refunded.

A refusal about one field (收現金額不足, a card payment without its reference ...) is shown
beside that field in the window's language with the cursor there, and in the status bar;
editing the field takes it away. A refusal about no field (the case was closed at another
counter meanwhile, a supervisor's approval was cancelled) is shown under the pay button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QInputDialog,
    QSpinBox,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui import (
    method_correction,
    payment_scan,
    payment_terms,
    payment_typed,
    receipt_actions,
)
from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.gui.case_rounds import CaseRoundWatch
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.payment_printing import PaymentPrinting
from eservice_desktop.gui.payment_tendered import confirmed as tendered_confirmed
from eservice_desktop.gui.payment_totals import Paid, totals_line
from eservice_desktop.services import fees, payment_screen, payments


class PaymentPage(PaymentPrinting):
    """What the fees page does; its widgets are built and drawn by ``PaymentView``, what it
    prints (receipts, the closing) is ``PaymentPrinting``'s."""

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
        #: The 核定 row's terms as the shown case's assessment recorded them.
        self.recorded_terms = fees.Terms(1, False, 0, "")
        self._typed: payment_typed.Typed | None = None  # kept while the case reloads
        self.just_paid: Paid = None  # its change stays said on the totals line
        #: The receipt selected and the receipts there were, while the case reloads.
        self._kept_receipt: tuple[str, frozenset[str]] = ("", frozenset())
        self._build()
        ctx.case_changed.connect(self._case_changed)
        CaseRoundWatch(self, ctx, self._shown_revision, self._reread)  # gui/case_rounds.py

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        self._build_view()
        self._connect()
        self._method_changed()
        self._clear()

    def _connect(self) -> None:
        """What each widget of ``PaymentView`` does, and the page's keys (F9 pay, F10 print)."""
        self.case_edit.returnPressed.connect(lambda: self.load(self.case_edit.text()))
        self.load_btn.clicked.connect(lambda: self.load(self.case_edit.text()))
        self.pending_btn.clicked.connect(self.print_pending)
        QShortcut(QKeySequence("F10"), self, self.print_pending)
        self.assess_btn.clicked.connect(self.assess)
        self.pay_btn.clicked.connect(self.pay)
        QShortcut(QKeySequence("F9"), self, self.pay)
        for signal in (self.amount_spin.valueChanged, self.tendered_spin.valueChanged):
            signal.connect(self._update_change)
        self._connect_field_errors()
        self.cash_radio.toggled.connect(self._method_changed)
        self.print_btn.clicked.connect(self.print_selected)
        self.online_receipt_btn.clicked.connect(self.issue_online_receipt)  # payment_printing
        self.void_btn.clicked.connect(self.void_selected)
        self.refund_btn.clicked.connect(self.refund_selected)
        self.method_btn.clicked.connect(lambda: method_correction.correct(self))
        self.receipts_table.currentCellChanged.connect(lambda *_: receipt_actions.offer(self))
        self.closing_btn.clicked.connect(self.closing_dialog)
        self.case_edit.textEdited.connect(self._number_edited)
        self.ctx.case_shown.connect(self._case_shown)
        self.scanner = payment_scan.watch(self)  # a scan is a number to look up, never money

    # -- page hooks --------------------------------------------------------------------------

    def on_shown(self) -> None:
        self.case_edit.setFocus()
        if self.recent_case and (
            self.current is None or self.current.view.case_number != self.recent_case
        ):
            self.load(self.recent_case)
        self.refresh_pending()

    def focus_search(self) -> None:
        self.case_edit.setFocus()
        self.case_edit.selectAll()

    def _case_changed(self, number: str) -> None:
        if number and not self.isVisible():
            self.recent_case = number  # e.g. just received at intake: its fee is next
        if self.current is not None and number == self.current.view.case_number:
            self._typed = payment_typed.take(self)
            selected = self.selected_receipt()
            known = frozenset(r.receipt_number for r in self.current.receipts)
            self._kept_receipt = (selected.receipt_number if selected else "", known)
            self.load(number)

    def _shown_revision(self) -> tuple[str, int] | None:
        shown = None if self._loading else self.current
        return None if shown is None else (shown.view.case_id, shown.revision)

    def _reread(self) -> None:  # asked only while a case is shown; what was typed is kept
        self._case_changed(self.current.view.case_number if self.current else "")

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
        payment_typed.set_number(self.case_edit, number)
        self.ctx.tasks.run(
            payment_screen.load,
            self.ctx.app,
            number,
            on_done=lambda screen: self._show(screen, number),
            on_error=lambda error: self._load_failed(error, number),
        )

    def _clear(self) -> None:
        """No case on the page: every field empty and every action disabled."""
        had_case = getattr(self, "current", None) is not None
        self.current = None
        if had_case:
            self.ctx.screen_case_changed.emit()  # the identity panel no longer binds to it
        self._loading = ""
        self.setProperty(payment_typed.SAID, "")
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
        self._clear_field_errors()
        self._set_actions(False)
        self.draw_pending()  # F10 no longer prints this case's receipt first

    def _set_actions(self, enabled: bool, balance: int = 0) -> None:
        taking = enabled and not (self.current is not None and self.current.ended)
        for w in (self.assess_btn, self.copies_spin, self.exempt_box, self.reduction_spin,
                  self.reason_combo, self.amount_spin,
                  self.cash_radio, self.card_radio):  # fmt: skip
            w.setEnabled(taking)
        self.print_btn.setEnabled(enabled)
        receipt_actions.offer(self)  # 作廢 and 退費 as the receipt selected allows
        self.pay_btn.setEnabled(taking and balance > 0)
        self._method_changed()
        if not taking:
            self.tendered_spin.setEnabled(False)
            self.reference_edit.setEnabled(False)

    def _load_failed(self, error: BaseException, asked: str) -> None:
        if asked != self._loading:
            return  # the clerk has asked for another number since
        self._typed = None
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
        self._set_actions(same, self.current.balance if same else 0)

    def _show(self, screen: payment_screen.PaymentScreen, asked: str) -> None:
        """The answer for the number ``asked`` as typed (no dashes, full-width: the service
        reads it as printed), unless the clerk has asked for another since."""
        if asked != self._loading:
            return  # an answer for a number the clerk has since replaced
        self._loading = ""
        if self.case_edit.text().strip().upper() == asked:
            payment_typed.set_number(self.case_edit, screen.view.case_number)  # as printed
        self.current = screen
        self.ctx.screen_case_changed.emit()
        self.case_error.clear()
        self._set_actions(True, screen.balance)
        v = screen.view
        self._draw_summary(v)
        self._draw_items(screen.assessment.items)
        self.totals.setText(totals_line(screen, self.just_paid))  # and the change just given
        balance = screen.balance
        self.amount_spin.setValue(max(balance, 0))
        self.tendered_spin.setValue(max(balance, 0))
        self.pay_btn.setEnabled(balance > 0)
        self.recorded_terms = fees.terms_of(screen.assessment, v.copies)
        payment_terms.show(self.recorded_terms, *self._terms_row())
        self.ctx.case_shown.emit(v.case_number)
        self._draw_receipts(screen.receipts, *payment_scan.kept(screen, self._kept_receipt))
        self._kept_receipt = ("", frozenset())
        self.draw_pending()  # F10 prints this case's own unprinted receipt first
        typed, self._typed = self._typed, None
        self._update_change()
        if payment_typed.give_back(self, typed):
            self._update_change()  # what the cashier typed is back, the cursor with it
        elif self.case_edit.text() == v.case_number and not self.scanner.decoder.holding:
            payment_typed.next_step(self, balance)
        else:  # another number typed (or held as a possible scan) while this one loaded:
            # not acted on, focus stays; the held keys reach 案號 and turn F9 off there
            self._number_edited(self.case_edit.text())

    def _method_changed(self) -> None:
        cash = self.cash_radio.isChecked()
        self.tendered_spin.setEnabled(cash)
        self.reference_edit.setEnabled(not cash)
        self._update_change()

    def change_due(self) -> int:
        return self.tendered_spin.value() - self.amount_spin.value()

    def _update_change(self) -> None:
        cash = self.cash_radio.isChecked()
        change = self.change_due()
        self.change_label.setText(f"{change:,}" if cash else "—")  # no change on a card
        self.change_label.setStyleSheet("color: #b00020" if cash and change < 0 else "")

    # -- actions -----------------------------------------------------------------------------

    def _terms_row(self) -> tuple[QSpinBox, QCheckBox, QSpinBox, QComboBox]:
        return self.copies_spin, self.exempt_box, self.reduction_spin, self.reason_combo

    def assess(self) -> None:
        """核定 (Alt+A) with the row's terms: nothing when they are the recorded ones; only the
        copies, keeping the relief granted; else a new one, a reduction approved by a supervisor."""
        if self.current is None or not self.assess_btn.isEnabled():
            return
        number = self.current.view.case_number
        row = payment_terms.read(*self._terms_row())
        step = payment_terms.choose(row, self.recorded_terms, self.current.assessed)
        if step == "unchanged":
            self._refused(fees.UNCHANGED)
            return
        if step == "copies":
            self.ctx.tasks.run(
                fees.change_copies,
                self.ctx.app,
                number,
                row.copies,
                on_done=lambda _v: self._written(number),
                on_error=self._refused,
            )
            return
        run_with_approval(  # a reduction or exemption needs a supervisor's approval
            self.ctx,
            self,
            fees.assess,
            self.ctx.app,
            number,
            exempt=row.exempt,
            reduction=row.reduction,
            reason=row.reason,
            copies=row.copies,
            approval_reason=row.reason,
            approval_case=number,
            subject=payment_terms.relief_subject(self.ctx.app.catalogue, self.current.view, row),
            on_done=lambda _v: self._written(number),
            on_error=self._refused,
        )

    def pay(self) -> None:
        if self.current is None or not self.pay_btn.isEnabled():
            return
        cash = self.cash_radio.isChecked()
        if cash and self.change_due() < 0:
            tendered, amount = self.tendered_spin.value(), self.amount_spin.value()
            self._refused(
                DomainError(  # the domain's own words (case_rules), before anything is sent
                    "payment.tendered",
                    f"收現金額 {tendered} 元不足應收 {amount} 元",
                    f"Cash tendered {tendered} is less than the amount {amount}",
                )
            )
            return
        number = self.current.view.case_number
        if cash and not tendered_confirmed(self, number):
            return  # 10000 keyed for 1000: asked first (gui/payment_tendered.py)
        method = "cash" if cash else "card"
        self.pay_btn.setEnabled(False)
        self.ctx.tasks.run(
            payments.record_payment,
            self.ctx.app,
            number,
            method,
            self.amount_spin.value(),
            tendered=self.tendered_spin.value() if cash else None,
            # a reference typed before cash stays in its (disabled) field, not in the payment
            reference=self.reference_edit.text() if payments.takes_reference(method) else "",
            on_done=self._paid,
            on_error=lambda error: self._pay_failed(error, number),
        )

    def _pay_failed(self, error: BaseException, number: str) -> None:
        self.pay_btn.setEnabled(self.current is not None and self.current.balance > 0)
        self._refused(error)
        if isinstance(error, DomainError) and error.code == "payment.over_balance":
            self._written(number)  # paid meanwhile elsewhere: the case as it stands now

    def _refused(self, error: BaseException) -> None:
        """In the status bar, and on the page beside the field it is about
        (``PaymentView.show_refusal``)."""
        self._error(error)
        self.show_refusal(error, self.last_error)

    def _paid(self, result: payments.PaymentResult) -> None:
        msg = self.tr("收據 {n}：收 {a} 元").format(n=result.receipt_number, a=f"{result.amount:,}")
        if result.method == "cash":
            msg += self.tr("，找零 {c} 元").format(c=f"{result.change:,}")
        self.ctx.status_message.emit(msg)
        self.just_paid = result
        self.reference_edit.clear()
        self._print(result.receipt_number, "", say=False)
        self._written(result.case_number)

    def selected_receipt(self) -> payments.PaymentResult | None:
        if self.current is None or not self.print_btn.isEnabled():
            return None
        row = self.receipts_table.currentRow()
        if 0 <= row < len(self.current.receipts):
            return self.current.receipts[row]
        return None

    def ask_text(self, title: str, label: str) -> str | None:
        """A reason from the clerk, None when the dialog is cancelled (tests replace this). A
        reason left blank and confirmed is "" and goes on, so the service says that a reason
        is needed instead of nothing happening."""
        text, ok = QInputDialog.getText(self, title, label)
        return text.strip() if ok else None

    def print_selected(self) -> None:
        receipt_actions.print_receipt(self, self.selected_receipt())

    def void_selected(self) -> None:
        receipt_actions.void_receipt(self, self.selected_receipt())

    def refund_selected(self) -> None:
        receipt_actions.refund_receipt(self, self.selected_receipt())


def create_page(ctx: GuiContext) -> QWidget:
    return PaymentPage(ctx)
