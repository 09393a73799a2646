"""What the fees page prints and how it reports: the red "收據未列印" banner of receipts paid
but never printed (``payment_screen.pending_receipts`` asked again after every print, cancel
or failure), the print of a receipt through ``gui.qt_print`` (the print dialog on the UI
thread only when asked, painting on a worker), the daily closing, and the page's errors and
writes told to the other pages.

F10 acts on the case on screen, as every action of the page does: it prints the shown case's
own unprinted receipt first, and only when that case has none the counter's oldest. The banner
names the receipt and the case F10 will print, drawn again whenever the list or the shown case
changes, so the clerk is never surprised by a receipt of another case.

A layer of ``PaymentPage`` (over ``PaymentView``). The texts keep the translation context
``PaymentPage``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtPrintSupport import QPrinter

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui import keyboard, online_receipt_action, payment_closing, qt_print
from eservice_desktop.gui.payment_view import PaymentView
from eservice_desktop.services import cases, payment_screen, payments


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


#: How many unprinted receipts the banner names; the count before them says how many there are.
BANNER_NAMED = 5


def _named(pending: list[str]) -> list[str]:
    """The receipts the banner names: the first few, then "…" when there are more, so that
    「7 張」 before five numbers does not read as a list of seven."""
    return pending[:BANNER_NAMED] + (["…"] if len(pending) > BANNER_NAMED else [])


class PaymentPrinting(PaymentView):
    """Receipts to print, the daily closing, errors and writes."""

    #: Returns the printer for the next job, or None to ask (tests inject a PDF printer).
    printer_factory: Callable[[], QPrinter | None] | None
    #: The last error shown, in the clerk's language.
    last_error: str
    #: The case on the page (``PaymentPage.load``), None while there is none.
    current: payment_screen.PaymentScreen | None

    # -- receipts not printed yet ------------------------------------------------------------

    def refresh_pending(self) -> None:
        """Asks ``payment_screen.pending_receipts`` again (after every print, cancel or
        failure)."""
        self.ctx.tasks.run(
            payment_screen.pending_receipts,
            self.ctx.app,
            on_done=self._show_pending,
            on_error=self._error,
        )

    def _show_pending(self, pending: list[payment_screen.PendingReceipt]) -> None:
        self.pending = [p.number for p in pending]
        self.pending_cases = {p.number: p.case_number for p in pending}
        self.draw_pending()

    def next_pending(self) -> str | None:
        """The receipt F10 prints: the shown case's own oldest unprinted one, or when the shown
        case has none (or no case is shown) the counter's oldest."""
        shown = self.current.view.case_number if self.current is not None else ""
        own = [n for n in self.pending if self.pending_cases.get(n) == shown]
        first = own or self.pending
        return first[0] if first else None

    def draw_pending(self) -> None:
        """The banner, naming the receipt and the case F10 prints (see ``next_pending``)."""
        first = self.next_pending()
        self.pending_banner.setVisible(first is not None)
        if first is None:
            self.pending_label.setText("")
            return
        case = self.pending_cases.get(first, "")
        if self.current is None:
            action = _t("按 F10 列印收據 {first}（案號 {case}）")
        elif case == self.current.view.case_number:
            action = _t("按 F10 列印本案的收據 {first}（案號 {case}）")
        else:
            action = _t("本案沒有未印的收據，按 F10 列印其他案件的收據 {first}（案號 {case}）")
        self.pending_label.setText(
            QCoreApplication.translate(  # %n: "1 paid receipt" / "2 paid receipts"
                "PaymentPage",
                "收據未列印：%n 張已收費的收據尚未印出（{list}）。{action}",
                None,
                len(self.pending),
            ).format(
                list=self.ctx.pick("、", ", ").join(_named(self.pending)),
                action=action.format(first=first, case=case),
            )
        )

    def print_pending(self) -> None:
        """F10: a first print of the receipt the banner names (``next_pending``)."""
        number = self.next_pending()
        if number is not None:
            self._print(number, "")

    def issue_online_receipt(self) -> None:
        """開立線上繳費收據 (``gui/online_receipt_action.py``): issued, then printed here."""
        online_receipt_action.issue(self)

    # -- printing, errors, writes --------------------------------------------------------------

    def _written(self, number: str) -> None:
        """A write finished: tell the other pages; the case on screen reloads through
        ``_case_changed``. Never brings another case onto the page by itself. The unprinted
        receipts are asked again: a receipt voided before it was printed stayed on the banner,
        F10 offering to print it."""
        self.ctx.case_changed.emit(number)
        self.refresh_pending()

    def _printer(self) -> QPrinter | None:
        return self.printer_factory() if self.printer_factory is not None else None

    def _print(self, number: str, reason: str, approval: object = None, say: bool = True) -> None:
        """``say``: the status bar says the receipt went to the printer (not after F9, whose
        line keeps the change to hand back)."""
        task = qt_print.print_receipt(
            self.ctx,
            number,
            parent=self,
            reprint_reason=reason,
            approval=approval,
            printer=self._printer(),
            on_done=self._printed if say else self._printed_quietly,
            on_error=self._print_failed,
        )
        if task is None:  # the clerk cancelled the print dialog
            self.refresh_pending()

    def _printed(self, result: payments.PaymentResult) -> None:
        """A print or reprint from the receipts (a voided receipt's too) went without a word."""
        self.ctx.status_message.emit(_t("收據 {n} 已送印").format(n=result.receipt_number))
        self._printed_quietly(result)

    def _printed_quietly(self, result: payments.PaymentResult) -> None:
        self.refresh_pending()
        self._written(result.case_number)

    def _print_failed(self, error: BaseException) -> None:
        self._error(error)
        self.refresh_pending()

    def _error(self, error: BaseException) -> None:
        text = self.ctx.message(error)
        self.last_error = text
        self.ctx.status_message.emit(text)

    def receipt_refused(self, error: BaseException) -> None:
        """A receipt action or the closing refused (or its approval cancelled): said in the
        status bar and under the receipts' buttons, scrolled into view: pressed by its Alt key
        from the fields above, at 1024 × 768 it was said below the fold."""
        self._error(error)
        self._note(self.last_error, "#b00020")
        keyboard.bring_into_view(self.receipt_note)

    def _note(self, text: str, colour: str = "") -> None:
        self.receipt_note.setStyleSheet(f"color: {colour}" if colour else "")
        self.receipt_note.setText(text)

    # -- closing -----------------------------------------------------------------------------

    def closing_dialog(self) -> None:
        chosen = payment_closing.ask_closing(self, cases.today(self.ctx.app))
        if chosen is None:
            return
        if chosen.output == "print":
            self.print_closing(chosen.day, chosen.device)
            return
        try:
            path = payment_closing.ask_path(self, chosen)
        except DomainError as e:  # a name Windows cannot hold (r.pdf.): nothing written
            self.receipt_refused(e)
            return
        if path is not None:
            self.save_closing(chosen.day, path, chosen.device)

    def save_closing(self, day: date, path: Path, device: str | None = "") -> None:
        payment_closing.save_closing(
            self.ctx, day, path, device, self.receipt_refused, on_saved=self._note
        )

    def print_closing(self, day: date, device: str | None = "") -> None:
        payment_closing.print_closing(
            self.ctx,
            self,
            day,
            device,
            printer=self._printer(),
            on_error=self.receipt_refused,
            on_printed=self._note,
        )
