"""An online payment's transaction id (交易電子案號) pays one payment, once.

The bank's or the kiosk's transaction id is what the treasury's settlement file and the
reconciliation name a payment by (``settlement_file.transaction_id``: the payment's
``reference``, else its ``payment_id``). The same id recorded on a second case (or twice on
one) was accepted: one deposit then stood for two cases' fees, and a cashier could book cash
taken at the counter as "online" under another citizen's transaction id, out of the closing's
cash. Only the same payment delivered again (its ``payment_id``, on its own case, for the same
amount) is answered with the receipt already issued; the same payment given another amount was
answered with the first receipt, exit 0, so the cashier took NT$20 as booked where the case
had NT$10: it is ``payment.duplicate_amount`` now.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.storage.models_payments import ReceiptRow


def already_recorded(
    session: Session, case_id: str, payment_id: str, reference: str, amount: int
) -> ReceiptRow | None:
    """The receipt of this very payment delivered before (same ``payment_id``, same case, same
    amount), or None when the payment is new; ``payment.duplicate`` when its ``payment_id`` or
    transaction id is already recorded on another payment (of any case, a void one included:
    the settlement file would find two payments for one line); ``payment.duplicate_amount``
    when it is this payment again with another amount."""
    same = session.scalars(select(ReceiptRow).where(ReceiptRow.payment_id == payment_id)).first()
    if same is not None:
        if same.case_id != case_id:
            raise _duplicate(transaction_id(payment_id, reference), same)
        if same.amount != amount:
            raise other_amount(transaction_id(payment_id, reference), same, amount)
        return same
    # letter case aside: ``txn-9`` typed after ``TXN-9`` is the same bank transaction again
    keys = {k.upper() for k in (payment_id, transaction_id(payment_id, reference))}
    other = session.scalars(
        select(ReceiptRow)
        .where(ReceiptRow.method == "online")
        .where(
            or_(
                func.upper(ReceiptRow.payment_id).in_(keys),
                func.upper(ReceiptRow.reference).in_(keys),
            )
        )
        .order_by(ReceiptRow.issued_at)
    ).first()
    if other is not None:
        raise _duplicate(transaction_id(payment_id, reference), other)
    return None


def _duplicate(txn: str, row: ReceiptRow) -> DomainError:
    shown = values.printable(txn, 64)
    return DomainError(
        "payment.duplicate",
        f"交易電子案號 {shown} 已入帳（收據 {row.number}，案號 {row.case_number}），"
        "不能再用於其他繳費",
        f"The transaction id {shown} is already recorded (receipt {row.number}, case "
        f"{row.case_number}); it cannot pay anything else",
        "payment_id",
    )


def other_amount(txn: str, row: ReceiptRow, amount: int) -> DomainError:
    shown = values.printable(txn, 64)
    return DomainError(
        "payment.duplicate_amount",
        f"交易電子案號 {shown} 已入帳 {row.amount} 元（收據 {row.number}），"
        f"與這次的 {amount} 元不符；未登錄",
        f"The transaction id {shown} is already recorded for NT${row.amount} (receipt "
        f"{row.number}), not NT${amount}; nothing recorded",
        "amount",
    )
