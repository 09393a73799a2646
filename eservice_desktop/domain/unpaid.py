"""Fees still due: the refusal every face reports when a case would close, become ready for
pickup or leave the office unpaid.

The refusal's message is the command line's (it names ``payment record`` and ``payment assess
--exempt --reason``); it carries what was refused and the amount, so the window words its own
remedy (the fees page, F6) from :func:`unpaid_words` without touching that text.
"""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError

#: The stable reason every face reports when money is still owed.
FEES_DUE = "fees_due"

#: What the refused action is called, per event type (zh-TW, English).
_UNPAID_ACTIONS: dict[str, tuple[str, str]] = {
    ev.CLOSED: ("結案", "close the case"),
    ev.READY_FOR_PICKUP: ("通知領件", "make it ready for pickup"),
    ev.PICKED_UP: ("交付文件", "hand the documents over"),
}


class FeesDueError(DomainError):
    """The ``fees_due`` refusal: ``balance`` still owed, ``event_type`` the refused event."""

    def __init__(self, balance: int, event_type: str, message_zh: str, message_en: str) -> None:
        super().__init__(FEES_DUE, message_zh, message_en, "balance", {"amount": balance})
        self.balance = balance
        self.event_type = event_type


def unpaid_words(balance: int, event_type: str) -> tuple[str, str]:
    """The refusal's fact without a remedy (zh-TW, English): 尚有規費 150 元未繳，不能結案。"""
    zh_action, en_action = _UNPAID_ACTIONS.get(event_type, ("辦理此動作", "do this"))
    return (
        f"尚有規費 {balance:,} 元未繳，不能{zh_action}。",
        f"NT${balance:,} in fees is still due, so you cannot {en_action}.",
    )


def fees_due_error(balance: int, event_type: str = ev.CLOSED) -> FeesDueError:
    """Nothing closes or leaves the office unpaid: the refusal names the amount and the way to
    pay (or the one way past: an exemption with its reason, recorded as an assessment)."""
    zh, en = unpaid_words(balance, event_type)
    return FeesDueError(
        balance,
        event_type,
        f"{zh}請先收費（規費收費頁 F6，或指令 payment record），或經核准免徵並記錄理由"
        "（payment assess --exempt --reason）。",
        f"{en} Take the payment first (Fees page F6, or `payment record`), or record an "
        "approved exemption with its reason (`payment assess --exempt --reason`).",
    )
