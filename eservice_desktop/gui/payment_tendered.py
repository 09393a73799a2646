"""The question before F9 takes cash whose change is past belief: NT$1,000 keyed as 10000 for a
NT$20 fee was paid at once, the receipt printed 收現 10,000 元，找零 9,980 元 and the screen told
the clerk to hand back 9,980. Undoing it takes a void, a supervisor and a second receipt number.

Change of NT$2,000 (the largest banknote) or more means the citizen handed over at least one
note the fee did not need: possible (a citizen who hands over a wad), so the clerk is asked,
never refused. The question names the case, the fee taken, the cash and the change; the way
back is the default and Esc, and puts the cursor on the cash typed, selected, to type again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from eservice_desktop.gui.dialog_life import action_or_back

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage

#: NT$2,000, the largest banknote: change of that much or more is at least one note too many.
LARGEST_NOTE = 2_000


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


def implausible(tendered: int, amount: int) -> bool:
    """True when ``tendered`` cash for ``amount`` leaves change of a whole largest note or more."""
    return tendered - amount >= LARGEST_NOTE


def question(case_number: str, amount: int, tendered: int) -> str:
    """The question's text: the case on screen, the fee taken, the cash and the change."""
    text = _t(
        "案件 {number} 收費 {amount} 元，收現 {tendered} 元，找零 {change} 元？"
        "找零達 2,000 元以上，請確認收現金額沒有多打一個 0。"
    )
    return text.format(
        number=case_number,
        amount=f"{amount:,}",
        tendered=f"{tendered:,}",
        change=f"{tendered - amount:,}",
    )


def ask(parent: QWidget, case_number: str, amount: int, tendered: int) -> bool:
    """True when the clerk confirms taking ``tendered`` cash for ``amount`` on ``case_number``."""
    texts = (_t("確認收現金額"), question(case_number, amount, tendered))
    return action_or_back(parent, "tendered", (*texts, _t("收費(&P)"), _t("修改收現(&B)")))


def confirmed(page: PaymentPage, case_number: str) -> bool:
    """False when the page's cash leaves implausible change and the clerk goes back to it (the
    cash typed stays, selected, with the cursor in it); True when it may be taken."""
    tendered, amount = page.tendered_spin.value(), page.amount_spin.value()
    if not implausible(tendered, amount) or ask(page, case_number, amount, tendered):
        return True
    page.tendered_spin.setFocus()
    page.tendered_spin.selectAll()
    return False
