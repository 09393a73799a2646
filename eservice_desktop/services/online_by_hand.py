"""An online payment typed at the counter (``payment record --method online``).

Online payments (web portal, kiosk, bank) reach the office from the county by sync: the county's
``case.payment_recorded`` event names the channel's transaction id (交易電子案號), and the
treasury's settlement file later says whether its money was deposited. The command line took
any transaction id typed with ``--method online`` (or none: it made one up) and booked the
amount as paid online: a cashier could take cash at the counter, book it "online" under an
invented id, and the closing's cash expected never missed it; nothing the office received
stood behind the payment.

The office can show an online transaction only when the county told it so. A typed transaction
id is therefore answered from what the office holds: the same payment recorded before (its
receipt, as the sync engine's delivery of it again is answered), ``payment.duplicate`` /
``payment.duplicate_amount`` when it is recorded on another payment or for another amount, and
``payment.online_by_sync`` (exit 2, nothing stored, no number burnt) when nothing here knows it:
sync first, or take the payment at the counter in cash or by card.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import values
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import refuse_time_to_come
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.online_transactions import already_recorded, other_amount
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_receipts import PaymentResult, load_state, payment_result
from eservice_desktop.storage.models_payments import ReceiptRow


def record_online_by_hand(
    app: App,
    case_number: str,
    *,
    amount: int,
    payment_tool: str,
    authorised_at: datetime,
    reference: str = "",
    payment_id: str | None = None,
) -> PaymentResult:
    """The receipt of the online payment the county already reported under this transaction
    id, on this case, for this amount; refused when the office holds no such payment."""
    require(app, Action.RECORD_PAYMENT)
    payments.online_tool(payment_tool)  # the options are checked as before
    # the county's notice has the time, a typed one proves nothing; one to come is refused
    refuse_time_to_come(
        authorised_at, app.now(), "authorised_at", ("授權時間", "authorisation", "authorised")
    )
    txn = transaction_id(payment_id or "", reference)
    if not txn:
        raise unknown_transaction("")
    payments.check_online_ids(payment_id or txn, reference)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        own = _own_receipt(s, case_id, txn)  # typed by its reference or by its payment id
        if own is not None and own.amount != amount:
            raise other_amount(txn, own, amount)
        if own is not None:
            return payment_result(own, load_state(s, case_id))
        existing = already_recorded(s, case_id, payment_id or txn, reference, amount)
        if existing is not None:
            return payment_result(existing, load_state(s, existing.case_id))
        state = load_state(s, case_id)
    if notified_on_case(state, txn):
        shown = values.printable(txn, 64)
        raise DomainError(
            "payment.duplicate",
            f"交易電子案號 {shown} 已由縣府通知入帳（案號 {state.case_number}），不能再登錄一次；"
            "民眾要收據請以 payment online-receipt 開立",
            f"The county has already reported the transaction id {shown} on case "
            f"{state.case_number}; it cannot be recorded again: issue its receipt with "
            "payment online-receipt",
            "payment_id",
        )
    raise unknown_transaction(txn)


def _own_receipt(s: Session, case_id: str, txn: str) -> ReceiptRow | None:
    """The case's own online receipt with this transaction id, letter case aside."""
    key = txn.upper()
    for row in s.scalars(
        select(ReceiptRow).where(ReceiptRow.case_id == case_id, ReceiptRow.method == "online")
    ):
        if key in {row.payment_id.upper(), transaction_id(row.payment_id, row.reference).upper()}:
            return row
    return None


def notified_on_case(state: CaseState, txn: str) -> bool:
    """Whether a payment on the case (the county's notice of a kiosk or web payment carries no
    receipt of this office) already has this transaction id, letter case aside."""
    key = txn.upper()
    return any(
        key in {p.payment_id.upper(), transaction_id(p.payment_id, p.reference).upper()}
        for p in state.payments
    )


def unknown_transaction(txn: str) -> DomainError:
    """``payment.online_by_sync``: no county notice of this transaction (or none was named)."""
    shown = values.printable(txn, 64)
    if not txn:
        zh_what, en_what = "未指定交易電子案號", "No transaction id was given"
    else:
        zh_what = f"交易電子案號 {shown} 查無縣府的線上繳費通知"
        en_what = f"The county has reported no online payment with the transaction id {shown}"
    return DomainError(
        "payment.online_by_sync",
        f"{zh_what}：線上繳費由縣府同步登錄，櫃檯不能自行登錄；請先同步（sync once）再查看案件，"
        "民眾在櫃檯付款請以現金或刷卡登錄",
        f"{en_what}: online payments arrive from the county by sync and are not recorded at "
        "the counter; sync (sync once) and look at the case again, and record a payment made "
        "at the counter as cash or card",
        "reference",
    )
