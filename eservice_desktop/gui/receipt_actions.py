"""What the fees page does to a receipt already issued: print or reprint it (a reprint asks
the reason, a second one a supervisor's approval), void it, refund part of it.

Apart from ``gui/payment_page.py`` because these act on one receipt row, each with its reason
and approval, while the page's module keeps the case and the payment being taken. Every
function takes the page (its ``ask_text``, print and status plumbing) and returns at once; the
work runs through ``ctx.tasks``. The texts keep the translation context ``PaymentPage``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QInputDialog, QWidget
from shiboken6 import isValid

from eservice_desktop.gui import method_correction, online_receipt_action, qt_print, void_offer
from eservice_desktop.gui.accessible import announce
from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.gui.barcode_wedge import WedgeFilter
from eservice_desktop.services import payments, receipt_issuer
from eservice_desktop.services.scanners import WedgeRules, wedge_rules

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


def print_receipt(page: PaymentPage, r: payments.PaymentResult | None) -> None:
    """A first print as is; a reprint of a valid printed receipt asks the reason, and from the
    second reprint on a supervisor approves on this counter before it prints."""
    if r is None:
        return
    reason = ""
    if r.printed and r.status == "valid":
        asked = page.ask_text(
            _t("重印收據"), _t("重新列印收據 {n} 的原因：").format(n=r.receipt_number)
        )
        if asked is None:
            return
        reason = asked
        number = r.receipt_number
        run_with_approval(
            page.ctx,
            page,
            qt_print.reprint_allowed,
            page.ctx.app,
            number,
            reason,
            approval_reason=reason,
            approval_case=r.case_number,
            subject=_t("收據 {n} 再次補印").format(n=number),
            on_done=lambda approval: page._print(number, reason, approval),
            on_error=page.receipt_refused,
        )
        return
    page._print(r.receipt_number, reason)


def offer(page: PaymentPage) -> None:
    """作廢 and 退費 for the receipt selected, while the page's actions are open: neither for a
    void receipt, no refund once all of it went back (its row says which). They stayed enabled
    and went to the service only to be refused; the service still refuses when asked anyway."""
    r = page.selected_receipt()
    live = r is not None and r.status != "void"
    void_offer.offer(page, r, live)  # disabled, saying why, for an online or refunded one
    page.refund_btn.setEnabled(live and r is not None and r.refunded < r.amount)
    online_receipt_action.offer(page)  # 開立線上繳費收據 for a web or kiosk payment
    method_correction.offer(page)  # 更正收費方式 for a valid cash or card receipt


def _still_shown(page: PaymentPage, r: payments.PaymentResult) -> bool:
    """The receipt's case is still the one on the page, with its actions open (a check ran on
    a worker meanwhile: the clerk may have loaded or typed another number). Read from 列印,
    open for any receipt: 作廢 and 退費 follow the receipt selected (``offer``)."""
    shown = page.current
    return (
        shown is not None and shown.view.case_number == r.case_number and page.print_btn.isEnabled()
    )


def when_shown(page: PaymentPage, r: payments.PaymentResult, then: Callable[[], None]) -> None:
    """``then()`` once the receipt's case is on the page with its actions open. The page reads
    its case again after a print or a sync round (it is empty meanwhile): a 作廢 or 退費 whose
    check came back then did nothing at all, unsaid; it waits for the case to be back now
    (at most 5 s). Another case loaded or typed meanwhile: nothing is done."""

    def look(tries: int) -> None:
        if not isValid(page):  # the page closed meanwhile
            return
        if _still_shown(page, r):
            then()
        elif page._loading == r.case_number and tries < RELOAD_LOOKS:
            QTimer.singleShot(50, lambda: look(tries + 1))

    look(0)


#: How many times (50 ms apart) an action looks for its case being read again.
RELOAD_LOOKS = 100


def void_receipt(page: PaymentPage, r: payments.PaymentResult | None) -> None:
    """Voids with a reason; the number is kept and counted in the closing. A receipt that may
    not be voided (void already, refunded, of an earlier day) is refused before the reason is
    asked; the question says when another office or counter issued it (``issued_elsewhere``)."""
    if r is None:
        return
    page.ctx.tasks.run(
        receipt_issuer.void_question,
        page.ctx.app,
        r.receipt_number,
        on_done=lambda issuer: when_shown(page, r, lambda: _ask_void(page, r, issuer)),
        on_error=page.receipt_refused,
    )


def issued_elsewhere(page: PaymentPage, issuer: receipt_issuer.Issuer) -> tuple[str, str]:
    """(the void question's note, the approval's words) for a receipt another office or
    another counter issued: the money goes back out of this drawer, on this closing; ("", "")
    for this counter's own receipt."""
    if issuer.other_office:
        office = (
            f"{issuer.office_name}（{issuer.office}）" if page.ctx.is_zh else issuer.office_named_en
        )
        note = "\n".join(
            (
                _t("此收據由他所「{office}」開立。").format(office=office),
                _t("作廢後由本所退還款項，列入本所日結表「他所收據於本所作廢」並從應有現金扣除。"),
                _t("開立機關的日結仍計收入。"),
            )
        )
        return note, _t("（他所 {office} 開立）").format(office=office)
    if issuer.other_counter:
        note = "\n".join(
            (
                _t("此收據由本所櫃檯 {device} 開立。").format(device=issuer.device),
                _t("作廢後由本櫃退還款項，列入本櫃日結表「他櫃收據於本櫃作廢」並從應有現金扣除。"),
            )
        )
        return note, _t("（櫃檯 {device} 開立）").format(device=issuer.device)
    return "", ""


def _ask_void(page: PaymentPage, r: payments.PaymentResult, issuer: receipt_issuer.Issuer) -> None:
    if not _still_shown(page, r):
        return
    note, issued = issued_elsewhere(page, issuer)
    question = _t("作廢收據 {n} 的原因（號碼保留，列入日結）：").format(n=r.receipt_number)
    reason = page.ask_text(_t("作廢收據"), f"{note}\n{question}" if note else question)
    if reason is None:
        return
    run_with_approval(  # a supervisor approves on this counter (auth.approval_required)
        page.ctx,
        page,
        payments.void_receipt,
        page.ctx.app,
        r.receipt_number,
        reason,
        approval_reason=reason,
        approval_case=r.case_number,
        subject=_t("收據 {n} 作廢，金額 {a} 元").format(n=r.receipt_number, a=f"{r.amount:,}")
        + issued,
        on_done=lambda res: page._written(res.case_number),
        on_error=page.receipt_refused,
    )


def refund_receipt(page: PaymentPage, r: payments.PaymentResult | None) -> None:
    """Refunds up to what is left of the receipt, with a reason and a supervisor's approval; a
    void receipt or one refunded in full is refused before the amount is asked."""
    if r is None:
        return
    page.ctx.tasks.run(
        payments.refundable,
        page.ctx.app,
        r.receipt_number,
        on_done=lambda left: when_shown(page, r, lambda: _ask_refund(page, r, left)),
        on_error=page.receipt_refused,
    )


def _ask_refund(page: PaymentPage, r: payments.PaymentResult, left: int) -> None:
    if not _still_shown(page, r):
        return
    named = {"n": r.receipt_number}  # the dialogs name the receipt they act on
    amount = ask_refund_amount(page, r.receipt_number, left, wedge_rules(page.ctx.app.settings))
    if amount is None:
        return
    reason = page.ask_text(_t("退費"), _t("收據 {n} 退費原因：").format(**named))
    if reason is None:
        return
    run_with_approval(
        page.ctx,
        page,
        payments.refund,
        page.ctx.app,
        r.receipt_number,
        amount,
        reason,
        approval_reason=reason,
        approval_case=r.case_number,
        subject=_t("收據 {n} 退費 {a} 元").format(n=r.receipt_number, a=f"{amount:,}"),
        on_done=lambda res: page._written(res.case_number),
        on_error=page.receipt_refused,
    )


#: The amount question's top: any amount can be typed whole, and one past what is left is
#: refused with words (the receipts' amounts are far below it).
_TYPED_MAX = 99_999_999


def ask_refund_amount(
    parent: QWidget, number: str, left: int, rules: WedgeRules | None = None
) -> int | None:
    """The amount to refund of receipt ``number`` (1 to ``left``), None when the clerk cancels.
    With its top at ``left``, the spin box dropped a key that went past it: 20 typed where 15
    was left became 2, and the refund went to the supervisor as NT$2, nothing said. A barcode
    scanned while it is open (the next citizen's receipt) is no amount: its digits went into
    the box (H01-01-115-000302-5 asked a refund of NT$10,111,500); the question says so and
    keeps what was there. ``rules``: the desk's scanner (``services.scanners.wedge_rules``)."""
    note = ""
    while True:
        label = _t("收據 {n} 退費金額（最多 {left} 元）：").format(n=number, left=f"{left:,}")
        amount = _asked_amount(parent, note, label, left, rules or WedgeRules())
        if amount is None:
            return None
        if amount <= left:
            return amount
        note = _t("退費金額 {a} 元超過可退的 {left} 元。").format(a=f"{amount:,}", left=f"{left:,}")
        note += "\n"


def _asked_amount(
    parent: QWidget, note: str, label: str, left: int, rules: WedgeRules
) -> int | None:
    """One asking of the amount (None: cancelled), a scan caught and said, not typed."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(_t("退費"))
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, _TYPED_MAX)
    dialog.setIntValue(left)
    dialog.setLabelText(note + label)
    wedge = WedgeFilter(rules, dialog.isVisible, dialog, within=dialog)
    scanned = _t("掃描的條碼不是退費金額，未填入；請輸入金額。") + "\n" + label
    wedge.scanned.connect(lambda _text: _scan_refused(dialog, scanned))
    try:
        if dialog.exec() != QInputDialog.DialogCode.Accepted:
            return None
        return int(dialog.intValue())
    finally:
        wedge.deleteLater()
        dialog.deleteLater()


def _scan_refused(dialog: QInputDialog, text: str) -> None:
    """The question says the scan was no amount, and so does the screen reader: the words
    changed in the open question, where a clerk going by the reader heard nothing."""
    dialog.setLabelText(text)
    announce(dialog, text, assertive=True)
