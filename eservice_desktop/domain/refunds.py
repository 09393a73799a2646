"""What may go back to a citizen on a receipt: how much of it can still be refunded, and why a
receipt with a refund is never voided. The state machine (``case_rules``) refuses with these
and the counter asks them before a supervisor is asked to approve (services.payments)."""

from __future__ import annotations

from eservice_desktop.domain.case_state import CANCELLED, REJECTED, CaseState, Payment
from eservice_desktop.domain.errors import DomainError


def refund_error(pay: Payment, amount: int) -> DomainError | None:
    """Why ``amount`` cannot be refunded on ``pay``'s receipt (void, refunded in full, more
    than is left), in words that say what is left; None when it can. The counter asks this
    before a supervisor is asked to approve the refund."""
    number = pay.receipt_number or pay.payment_id
    if pay.voided:
        return DomainError(
            "receipt.already_voided",
            f"收據 {number} 已作廢，不能退費",
            f"Receipt {number} is void; nothing can be refunded on it",
        )
    left = pay.net
    if left <= 0:
        return DomainError(
            "payment.refund_amount",
            f"收據 {number} 已全額退費，無可退金額",
            f"Receipt {number} has been refunded in full; nothing is left to refund",
        )
    if not 0 < amount <= left:
        return DomainError(
            "payment.refund_amount",
            f"退費金額須介於 1 到 {left} 元（收據 {number} 尚可退 {left} 元）",
            f"The refund must be between 1 and {left} (what is left on receipt {number})",
        )
    return None


def refunded_receipt_error() -> DomainError:
    """A receipt with a refund is not voided: a void takes the whole amount out of the day's
    closing, which already took the refund out (the closing would count the refund twice)."""
    return DomainError(
        "receipt.refunded",
        "此收據已辦理退費，不能作廢；其餘金額請以退費辦理",
        "This receipt has a refund, so it cannot be voided; refund the rest instead",
    )


def paid_after_end(state: CaseState) -> int:
    """What the case holds of money taken after it was cancelled or rejected (by the events'
    times, so that every counter finds the same whatever order the events reached it in): a
    counter offline took the fee while another ended the case. The citizen is owed it back;
    a payment taken before the end is what any paid case that is cancelled holds."""
    end = state.closed_at
    if state.lifecycle not in (CANCELLED, REJECTED) or end is None or not state.payments:
        return 0
    return sum(p.net for p in state.payments if p.at > end)
