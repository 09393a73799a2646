"""開立線上繳費收據 on the fees page: the office's receipt for a web or kiosk payment the county
recorded without one (``services.online_receipt``), issued and printed on request.

Apart from ``gui/payment_page.py`` (at its size limit) and ``gui/receipt_actions.py``, which act
on a receipt already issued: this one makes the receipt. The button shows only while the case on
screen has such a payment and the page's actions are open (``offer``); it issues the receipt on
a worker, prints it through the page's own print path (``PaymentPrinting._print``: the dialog,
the paint on a worker, the 收據未列印 banner when the print fails or is cancelled) and reloads the
case, whose receipts list then shows it. The texts keep the translation context ``PaymentPage``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from eservice_desktop.services import online_receipt, payments

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_printing import PaymentPrinting


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


def offer(page: PaymentPrinting) -> None:
    """Shown and enabled only for the case on screen with an online payment still without a
    receipt, while its actions are open (a number typed over it closes them)."""
    shown = page.current
    waiting = bool(shown is not None and shown.online_waiting)
    page.online_receipt_btn.setVisible(waiting)
    page.online_receipt_btn.setEnabled(waiting and page.print_btn.isEnabled())
    if waiting and shown is not None:
        page.online_receipt_btn.setToolTip(
            _t("為線上繳費 {txn} 開立本所收據並列印").format(
                txn=page.ctx.pick("、", ", ").join(shown.online_waiting)
            )
        )


def issue(page: PaymentPrinting) -> None:
    """Issues the receipt of the shown case's first online payment without one, then prints
    it; a refusal (another counter issued it meanwhile ...) is said under the receipts."""
    shown = page.current
    if shown is None or not shown.online_waiting or not page.online_receipt_btn.isEnabled():
        return
    page.online_receipt_btn.setEnabled(False)
    page.ctx.tasks.run(
        online_receipt.issue_online_receipt,
        page.ctx.app,
        shown.view.case_number,
        shown.online_waiting[0],
        on_done=lambda result: _issued(page, result),
        on_error=lambda error: _refused(page, error, shown.view.case_number),
    )


def _issued(page: PaymentPrinting, result: payments.PaymentResult) -> None:
    page.ctx.status_message.emit(
        _t("線上繳費收據 {n}：{a} 元").format(n=result.receipt_number, a=f"{result.amount:,}")
    )
    page._print(result.receipt_number, "", say=False)
    page._written(result.case_number)


def _refused(page: PaymentPrinting, error: BaseException, number: str) -> None:
    page.receipt_refused(error)
    page._written(number)  # the case as it stands now (its receipt may be there already)
