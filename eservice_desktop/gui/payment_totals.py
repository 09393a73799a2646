"""The fees page's totals line: subtotal, reduction, due, paid, and what is left. A case paid
beyond its fees (溢繳: two counters took the same fee offline and the county took both) said
餘額 -300, a balance below nothing; it says the over-payment and that a refund settles it
(services.payment_screen reads the figures, services.overpaid keeps the conflict). Money taken
after the case was cancelled or rejected is said so, to refund, where the line said 餘額 0 as if
the fee were settled (services.paid_after_end keeps its conflict)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from eservice_desktop.services.payment_screen import PaymentScreen


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


#: The line of a case holding money taken after it ended (its source text, translated at use).
_FIGURES = "小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　"
_AFTER_CANCEL = _FIGURES + "撤件後收費 {late} 元（請選收據退費）"
_AFTER_REJECT = _FIGURES + "駁回後收費 {late} 元（請選收據退費）"


def text(screen: PaymentScreen) -> str:
    """The line for ``screen``, in the window's language."""
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
