"""作廢 on the fees page for the receipt selected: disabled, with the reason beside the buttons,
for a receipt the service would refuse to void whatever is typed: an online payment's receipt
(``receipt.online_void``: the fee was paid online, money going back is a refund), a receipt
with a refund (``receipt.refunded``: the closing took the refund out already), one of a case
handed over (``receipt.handed_over``), one of an earlier day (``receipt.earlier_day``) and one
dated after today, issued while the PC's clock ran ahead (``receipt.later_day``). It
stayed enabled, and Alt+D went to the service only to be refused.

The reason is said where the clerk's eyes are, right of the receipts' buttons, and Alt+D (the
button's key, which a disabled button does not take) says it again under them, so a clerk who
voids by habit from the keyboard is told why rather than met by nothing. Apart from
``gui/payment_view.py`` and ``gui/payment_page.py``, both at their size limit. The texts keep
the translation context ``PaymentPage``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.gui.keyboard import bring_into_view
from eservice_desktop.services import payments

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage
    from eservice_desktop.gui.payment_view import PaymentView


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


class VoidReason(QLabel):
    """The label beside 作廢 that says why it is disabled, with the Alt+D that says it again
    under the receipts' buttons while it is (the button's own mnemonic is off with it)."""

    def __init__(self, view: PaymentView) -> None:
        super().__init__()
        self.setObjectName("void_reason")
        self.setStyleSheet("color: #a05a00")  # the warning colour (gui/colours.py)
        self.setVisible(False)
        self.key = QShortcut(QKeySequence("Alt+D"), view)
        self.key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.key.setEnabled(False)
        self.key.activated.connect(lambda: self._say(view))

    def _say(self, view: PaymentView) -> None:
        """Alt+D on the disabled 作廢: the reason under the buttons, scrolled into view (from
        the fields above, at 1024 × 768 the receipts are below the fold)."""
        view.receipt_note.setStyleSheet("color: #b00020")
        view.receipt_note.setText(self.text())
        bring_into_view(view.receipt_note)


def why_not(page: PaymentPage, r: payments.PaymentResult | None) -> str:
    """Why receipt ``r`` cannot be voided ("" when it may be asked; a void one has its status
    in the list). The service's own refusals (``payments.voidable``), said before asking."""
    if r is None or r.status == "void":
        return ""
    if r.method == "online":
        return _t("線上繳費收據不能作廢；款項須退還時請按「退費」（Alt+U）。")
    if r.refunded >= r.amount:
        return _t("此收據已全額退費，不能作廢。")
    if r.refunded > 0:
        return _t("此收據已部分退費，不能作廢；其餘款項請按「退費」（Alt+U）。")
    shown = page.current
    if shown is not None and shown.view.status == "picked_up":
        return _t("本案已交付文件，收據不能作廢；須退還規費請按「退費」（Alt+U）。")
    issued = datetime.fromisoformat(r.issued_at).astimezone(TAIPEI).date()
    today = page.ctx.app.now().astimezone(TAIPEI).date()
    if issued > today:  # the PC's clock ran ahead when it was issued (receipt.later_day)
        return _t(
            "此收據的開立日期 {day} 晚於今天：開立時電腦時鐘超前，或現在的時鐘落後；"
            "請通知資訊人員校正電腦時鐘。"
        ).format(day=page.ctx.pick(format_roc(issued), issued.isoformat()))
    if issued != today:
        return _t("此收據為 {day} 開立，已列入當日日結，不能作廢；請按「退費」（Alt+U）。").format(
            day=page.ctx.pick(format_roc(issued), issued.isoformat())
        )
    return ""


def offer(page: PaymentPage, r: payments.PaymentResult | None, live: bool) -> None:
    """作廢 enabled for a live receipt that may be voided; otherwise disabled and, when the
    receipt is the reason, the reason shown and Alt+D kept to say it."""
    reason = why_not(page, r) if live else ""
    page.void_btn.setEnabled(live and not reason)
    page.void_reason.setText(reason)
    page.void_reason.setVisible(bool(reason))
    page.void_btn.setToolTip(reason)
    page.void_reason.key.setEnabled(bool(reason))
