"""更正收費方式 on the fees page (Alt+M): cash keyed as card, or card as cash, put right for the
receipt selected, with the clerk's reason and a supervisor's approval
(``services.payment_method``).

Apart from ``gui/receipt_actions.py`` (void, refund, reprint) as its own question: which way the
money came, the card's terminal reference when it was a card, and what the correction does
(the receipt stays as printed; the closing of the receipt's day counts the money under the
method corrected to). The button is enabled only for a valid cash or card receipt without a
refund (``offer``); the service refuses anything else anyway, said under the receipts' buttons.
The texts keep the translation context ``PaymentPage``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.services import payment_method, payments

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage

_OTHER = {"cash": "card", "card": "cash"}


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


def _method(method: str) -> str:
    """The way of paying as a sentence names it (the page's radio buttons say it alone)."""
    words = {"cash": "現金", "card": "刷卡"}
    return QCoreApplication.translate("PaymentPage", words[method], "in a sentence")


def offer(page: PaymentPage) -> None:
    """Enabled for the receipt selected when it is a valid cash or card receipt with nothing
    refunded, while the page's actions are open."""
    r = page.selected_receipt()
    ok = r is not None and r.status == "valid" and r.method in _OTHER and r.refunded == 0
    page.method_btn.setEnabled(ok)
    tip = ""
    if ok and r is not None:
        tip = _t("收據 {n} 登錄為{old}，更正為{new}（須主管核准）").format(
            n=r.receipt_number, old=_method(r.method), new=_method(_OTHER[r.method])
        )
    page.method_btn.setToolTip(tip)


def correct(page: PaymentPage) -> None:
    """Checks the receipt selected on a worker, then asks (``_ask``) once its case is on the
    page again (``receipt_actions.when_shown``, which imports this module)."""
    from eservice_desktop.gui.receipt_actions import when_shown

    r = page.selected_receipt()
    if r is None or r.method not in _OTHER:
        return
    to = _OTHER[r.method]
    page.ctx.tasks.run(
        payment_method.correctable,
        page.ctx.app,
        r.receipt_number,
        to,
        None,  # the card's reference is asked below
        on_done=lambda _n: when_shown(page, r, lambda: _ask(page, r, to)),
        on_error=page.receipt_refused,
    )


def _ask(page: PaymentPage, r: payments.PaymentResult, to: str) -> None:
    title = _t("更正收費方式")
    named = {
        "n": r.receipt_number,
        "a": f"{r.amount:,}",
        "old": _method(r.method),
        "new": _method(to),
    }
    reference = ""
    if to == "card":
        asked = page.ask_text(
            title, _t("收據 {n}（{a} 元）實為刷卡：刷卡機交易序號（授權碼）：").format(**named)
        )
        if asked is None:
            return
        reference = asked
    question = "\n".join(
        (
            _t("收據 {n}（{a} 元）登錄為{old}，更正為{new}。").format(**named),
            _t("收據不改寫；款項改計入收據開立日日結表的{new}，並列於「收費方式更正」。").format(
                **named
            ),
            _t("更正理由："),
        )
    )
    reason = page.ask_text(title, question)
    if reason is None:
        return
    run_with_approval(
        page.ctx,
        page,
        payment_method.correct_method,
        page.ctx.app,
        r.receipt_number,
        to,
        reason,
        reference=reference,
        approval_reason=reason,
        approval_case=r.case_number,
        subject=_t("收據 {n}，{a} 元：{old}更正為{new}").format(**named),
        on_done=lambda res: page._written(res.case_number),
        on_error=page.receipt_refused,
    )
