"""What the command line says in place of a balance for a cancelled or rejected case: it takes
no more money (the case rule refuses a payment), so its balance is no amount owed. ``case
show`` and ``payment list`` said 餘額 0 on a case still holding money taken after it ended
(as if the fee were settled), and 餘額 300 once that was refunded (as if the citizen owed it);
the fees page says 撤件後收費 N 元 and 已撤件，不再收費 (gui/payment_totals.py)."""

from __future__ import annotations

from eservice_desktop.domain.case import CANCELLED, REJECTED
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.refunds import paid_after_end
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.overpaid import balance_words


def ended_balance_words(app: App, case_number: str) -> tuple[str, str] | None:
    """(zh-TW, English) for an ended case: the money taken after its end, to refund, or that
    nothing more is taken; ``None`` for a case still open (its balance is said as before)."""
    require(app, Action.VIEW_CASE)
    state = cases.load_case(app, case_number)
    if state.lifecycle not in (CANCELLED, REJECTED):
        return None
    zh_end, en_end = ("撤件", "cancelled") if state.lifecycle == CANCELLED else ("駁回", "rejected")
    late = paid_after_end(state)
    if late:
        return (
            f"{zh_end}後收費 {late} 元，請退費",
            f"NT${late} taken after the case was {en_end}: refund it",
        )
    return f"已{zh_end}，不再收費", f"{en_end}: nothing more is taken"


def shown_balance(app: App, case_number: str, balance: int) -> tuple[str, str] | None:
    """The words ``case show`` says in place of ``balance``: an ended case's, or 溢繳 N 元 rather
    than -N; ``None`` where what is still due stays the number it always was."""
    require(app, Action.VIEW_CASE)
    ended = ended_balance_words(app, case_number)
    return ended or (balance_words(balance) if balance < 0 else None)
