"""A conflict about the citizen's money is settled by the money going back, not by a note.

An over-payment (溢繳, two counters took the same fee offline) and a fee taken after the case
ended (撤件後收費) are the citizen's money: the conflict each opens on every counter is settled
by the refund (or void) that leaves nothing of it (services/overpaid.py, paid_after_end.py).
A clerk could also resolve it by hand (``sync resolve`` with a note, the conflicts dialog), and
every counter then dropped it while the drawer still held the money: the one list that said
the citizen was owed it was empty, and nothing but a note said where the money went. Such a
conflict is refused by hand while money is still owed; the refund, which needs a supervisor's
approval and is on the day's closing, settles it by itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.refunds import paid_after_end
from eservice_desktop.services.overpaid import OVERPAID
from eservice_desktop.services.paid_after_end import PAID_AFTER_END
from eservice_desktop.storage import repo


def money_held(state: CaseState | None, code: str) -> int:
    """The citizen's money a conflict of ``code`` still stands for (0: none, or no such
    conflict)."""
    if state is None or code not in (OVERPAID, PAID_AFTER_END):
        return 0
    return max(-state.balance, 0) if code == OVERPAID else paid_after_end(state)


def money_held_refusal(held: int) -> DomainError:
    """``conflict.money_held``: what the clerk is told instead of closing it with a note."""
    return DomainError(
        "conflict.money_held",
        f"本案尚有 {held} 元應退還民眾，不能以說明結案：請在規費收費頁選該收據辦理退費"
        "（需主管核准），退費後此衝突即自動結案",
        f"NT${held} of this case is still owed back to the citizen and cannot be closed with a "
        "note: refund it on the fees page (select the receipt; a supervisor approves), and the "
        "refund settles this conflict by itself",
    )


def check_no_money_held(s: Session, case_id: str, code: str) -> None:
    """Refuses (``conflict.money_held``) resolving a money conflict of ``case_id`` by hand while
    the case still holds the citizen's money."""
    held = money_held(repo.load_state(s, case_id), code)
    if held > 0:
        raise money_held_refusal(held)
