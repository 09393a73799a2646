"""The fees page's totals line: subtotal, reduction, due, paid, and what is left. A case paid
beyond its fees (溢繳: two counters took the same fee offline and the county took both) said
餘額 -300, a balance below nothing; it says the over-payment and that a refund settles it
(services.payment_screen reads the figures, services.overpaid keeps the conflict). Money taken
after the case was cancelled or rejected is said so, to refund, where the line said 餘額 0 as if
the fee were settled (services.paid_after_end keeps its conflict). The cash and change of the
payment just taken go once its receipt is voided: the page said 收現 10,000 元，找零 9,980 元 of
a receipt voided for that very mistake, beside the fee owing again."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from eservice_desktop.services.payment_screen import PaymentScreen
from eservice_desktop.services.payments import PaymentResult

#: The page's last payment (``PaymentPage._paid``), None before any.
Paid = PaymentResult | None


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


#: The line of a case holding money taken after it ended (its source text, translated at use).
_FIGURES = "小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　"
_AFTER_CANCEL = _FIGURES + "撤件後收費 {late} 元（請選收據退費）"
_AFTER_REJECT = _FIGURES + "駁回後收費 {late} 元（請選收據退費）"


def totals_line(screen: PaymentScreen, paid: Paid = None) -> str:
    """The line for ``screen``, in the window's language, and the cash payment just taken on
    it (``paid``): what came in and the change to hand back."""
    return _figures(screen) + _change(screen, paid)


def _change(screen: PaymentScreen, paid: Paid) -> str:
    """After F9 the change to hand back was said in the status bar for 8 seconds, and the
    page, shown again with nothing due, said 找零 0: behind a print dialog, or with the
    citizen counting coins, the clerk no longer read how much to give back."""
    if paid is None or paid.method != "cash" or paid.case_number != screen.view.case_number:
        return ""
    if any(r.receipt_number == paid.receipt_number and r.status == "void" for r in screen.receipts):
        return ""  # voided (10000 keyed for 1000): its change went back with the cash
    tendered = paid.tendered if paid.tendered is not None else paid.amount
    return "\n" + _t("收據 {n}：收現 {t} 元，找零 {c} 元").format(
        n=paid.receipt_number, t=f"{tendered:,}", c=f"{paid.change:,}"
    )


def _figures(screen: PaymentScreen) -> str:
    a = screen.assessment
    if screen.paid_after_end and not screen.overpaid:
        line = _t(_AFTER_CANCEL if screen.view.status == "cancelled" else _AFTER_REJECT)
    elif screen.ended and not screen.overpaid:
        cancelled = screen.view.status == "cancelled"
        line = _t(_FIGURES + ("已撤件，不再收費" if cancelled else "已駁回，不再收費"))
    elif screen.overpaid:
        line = _t("小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　溢繳 {bal} 元（請選收據退費）")
    else:
        line = _t("小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　餘額 {bal}　（{state}）")
    return line.format(
        sub=f"{a.subtotal:,}",
        red=f"{a.reduction:,}",
        due=f"{screen.due:,}",
        paid=f"{screen.view.paid:,}",
        bal=f"{screen.overpaid or screen.balance:,}",
        late=f"{screen.paid_after_end:,}",
        state=_t("已核定") if screen.assessed else _t("尚未核定（收費時依此核定）"),
    )
