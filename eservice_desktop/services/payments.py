"""Payments (繳費), refunds, voids and the receipts (收據) they produce.

Gapless receipt numbers: the number comes from the device's counter
``receipt:{office}:{device}:{roc_year}`` incremented in the SAME transaction as the payment event
and the receipt row. Either all three are committed or none is, so a refused or crashed payment
never burns a number, and a committed payment always has its number even if the program dies
before the printer gets the job (the receipt then shows up in :func:`pending_receipts`). A void
keeps its number (row status ``void``) so the series stays complete on the closing report.

Verification code: ``HMAC-SHA256(device secret, receipt fields)`` truncated to 50 bits and written
as 10 base32 characters. Unlike a plain hash of the fields, nobody without the device's secret
can make a code for a forged receipt; 50 bits are enough because codes are checked one at a time
by a clerk (no offline guessing), and short enough to read out on the phone. The secret lives in
the counter's database (``receipt_keys``), never on paper, in logs or in a sync; another counter
checks a receipt against the code its event recorded (``receipt_codes.code_matches``).

Printing is deliberately outside the payment transaction: the event RECEIPT_ISSUED is recorded
only after the receipt was rendered and handed to the printer (or written to a file), and every
later print is a RECEIPT_REPRINTED with its reason, printed as 重印 (seed appendix 23).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import (
    CaseState,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.settlement_file import TOOLS, TXN, known_tool, transaction_id
from eservice_desktop.services import cases, fees
from eservice_desktop.services.approvals import Granted
from eservice_desktop.services.core import App
from eservice_desktop.services.online_transactions import already_recorded
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_corrections import (
    REPRINT_REASON,
    check_reason,
    check_reprint_reason,
    confirm_printed,
    needs_reprint_approval,
    needs_reprint_reason,
    refund,
    refundable,
    reprint_granted,
    void_receipt,
    voidable,
)
from eservice_desktop.services.payments_receipts import (
    PaymentResult,
    allocate_receipt_number,
    get_receipt,
    last_receipt_number,
    load_state,
    payment_result,
    pending_receipts,
    receipt_data,
    receipt_of_case,
    receipt_pdf,
    receipts_of_case,
    verify_receipt,
)
from eservice_desktop.services.projections import project_payments
from eservice_desktop.services.receipt_codes import format_code
from eservice_desktop.services.receipt_issue import new_receipt
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

#: Receipt numbers, codes, reads and printing live in payments_receipts, refunds, voids and
#: prints in payments_corrections; the names the faces use are importable from here.
__all__ = [
    "ONLINE_TOOLS",
    "REPRINT_REASON",
    "PaymentResult",
    "allocate_receipt_number",
    "check_method_values",
    "check_online_ids",
    "check_reason",
    "check_reprint_reason",
    "confirm_printed",
    "format_code",
    "get_receipt",
    "last_receipt_number",
    "needs_reprint_approval",
    "needs_reprint_reason",
    "pending_receipts",
    "rebuild_receipts",
    "receipt_data",
    "receipt_of_case",
    "receipt_pdf",
    "receipts_of_case",
    "record_online_payment",
    "record_payment",
    "record_payment_in",
    "refund",
    "refundable",
    "reprint_granted",
    "settle_online_payment",
    "state_subtotal",
    "takes_reference",
    "verify_receipt",
    "void_receipt",
    "voidable",
]

log = logging.getLogger("eservice.payments")


#: Payment tools of the online channel (seed appendix 22).
ONLINE_TOOLS: tuple[str, ...] = ("信用卡", "金融帳戶轉帳", "晶片金融卡")


# ---------------------------------------------------------------------------------------------
# Recording payments
# ---------------------------------------------------------------------------------------------


def rebuild_receipts(app: App) -> int:
    """Rebuilds the ``receipts`` projection from the event store (repair, after an import).

    Print counts, voids, refunds and settlements come back from their events; returns the
    number of receipts.
    """
    require(app, Action.DB_ADMIN)
    with app.transaction() as s:
        s.execute(delete(ReceiptRow))
        rows = s.scalars(
            select(EventRow).where(EventRow.type.in_(ev.MONEY_TYPES)).order_by(EventRow.seq)
        )
        # one batch, as the audit rebuilds it (one query, one insert; not a query per event)
        project_payments(s, [repo.row_to_event(row) for row in rows])
        count = int(s.scalar(select(func.count()).select_from(ReceiptRow)) or 0)
    log.warning("receipts table remade from the money events by %s: %d", app.actor.clerk, count)
    return count


def _record(
    app: App,
    session: Session,
    case_id: str,
    type_: str,
    payload: dict[str, Any],
    *,
    granted: Granted | None = None,
) -> CaseState:
    """cases.record; the ingest keeps ``receipts`` in step (see projections.project_payments)."""
    return cases.record(app, session, case_id, type_, payload, granted=granted)


#: The ways of paying that carry a reference: the card terminal's 交易序號 / 授權碼, the online
#: channel's transaction id. Cash has none; only cash has money handed over (``tendered``).
REFERENCE_METHODS: Final = frozenset({"card", "online"})


def takes_reference(method: str) -> bool:
    """Whether a payment made this way keeps a reference (the fees page sends its reference
    field only then, and keeps what was typed in it while cash is chosen)."""
    return method in REFERENCE_METHODS


def check_method_values(method: str, *, tendered: int | None, reference: str) -> None:
    """A new payment carries only what its way of paying has: no reference with cash, no cash
    tendered with a card or online payment. A value that does not belong was typed for another
    way of paying; keeping it silently would put a card's reference on a cash payment (or drop
    the tendered cash unsaid), so it is refused. Every new payment comes through here
    (:func:`record_payment_in`; the CLI asks first, as its online path has no ``tendered``);
    payments received by sync are not: older events from other offices stay accepted."""
    if reference.strip() and not takes_reference(method):
        raise DomainError(
            "payment.reference_not_taken",
            "現金繳費不記錄交易序號；交易序號只用於刷卡或線上繳費",
            "A cash payment takes no transaction reference; only card and online payments have one",
            "reference",
        )
    if tendered is not None and method != "cash":
        raise DomainError(
            "payment.tendered_not_taken",
            "收現金額只用於現金繳費；刷卡或線上繳費不填收現金額",
            "Cash tendered applies to cash payments only, not to card or online payments",
            "tendered",
        )


def record_payment_in(
    app: App,
    session: Session,
    case_id: str,
    method: str,
    amount: int,
    *,
    tendered: int | None = None,
    reference: str = "",
    payment_id: str | None = None,
    online: dict[str, Any] | None = None,
) -> PaymentResult:
    """Records a payment and its receipt number inside the caller's transaction."""
    check_method_values(method, tendered=tendered, reference=reference)
    state = fees.ensure_assessed(app, session, load_state(session, case_id))
    number, code, key_id = new_receipt(app, session, state.case_number, amount, app.now())
    if method == "cash" and tendered is None:
        tendered = amount
    payload: dict[str, Any] = {
        "payment_id": payment_id or str(uuid.uuid4()),
        "case_number": state.case_number,
        "method": method,
        "amount": amount,
        "receipt_number": number,
        "reference": reference.strip() or None,
        "verification": code,
        "key_id": key_id,
    }
    if method == "cash":
        payload["tendered"] = tendered
        payload["change"] = max(int(tendered or 0) - amount, 0)
    if online:
        payload.update({k: online[k] for k in online if k in _ONLINE_FIELDS})
    new = _record(app, session, case_id, ev.PAYMENT_RECORDED, payload)
    row = session.get(ReceiptRow, number)
    assert row is not None
    log.info("payment recorded: receipt %s, method %s", number, method)
    return payment_result(row, new)


_ONLINE_FIELDS = ("payment_tool", "authorised_at", "deposit_date", "settlement_number", "deposited")


#: The card terminal's reference as the fees page names it in a refusal.
REFERENCE: Final[values.Label] = ("交易序號", "Transaction reference")


def record_payment(
    app: App,
    case_number: str,
    method: str,
    amount: int,
    *,
    tendered: int | None = None,
    reference: str = "",
) -> PaymentResult:
    """Counter payment (cash with change, or card with the terminal's reference)."""
    require(app, Action.RECORD_PAYMENT)
    if method == "online":
        raise DomainError(
            "payment.online_by_sync",
            "線上繳費由縣府系統同步登錄，櫃檯不能手動登錄",
            "Online payments arrive by sync; record them with the online payment details",
            "method",
        )
    check_method_values(method, tendered=tendered, reference=reference)  # before its text
    if reference:
        values.check_text(reference, "reference", max_len=values.REFERENCE_MAX, label=REFERENCE)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        return record_payment_in(
            app, s, case_id, method, amount, tendered=tendered, reference=reference
        )


def online_tool(text: str) -> str:
    """One of the treasury's payment tools (``settlement_file.TOOLS``, spaces ignored as the
    settlement file's reader does), else ``payment.tool``: the reconciliation this payment is
    listed on must come back through ``payment settle-import``, which refuses any other."""
    tool = known_tool(text)
    if tool is None:
        shown = values.printable(text, 24)
        raise DomainError(
            "payment.tool",
            f"付費工具須為 {'、'.join(TOOLS)}：{shown}",
            f"The payment tool must be one of {', '.join(TOOLS)}: {shown}",
            "payment_tool",
        )
    return tool


def check_online_ids(payment_id: str, reference: str) -> None:
    """The payment's 交易電子案號 (its reference, else its id) as the settlement file writes it
    (``settlement_file.TXN``), else ``payment.transaction_id``: ``--payment-id "x y"`` was
    stored, and the reconciliation listing it could never come back through settle-import."""
    txn = transaction_id(payment_id, reference)
    if TXN.fullmatch(txn) is None:
        shown = values.printable(txn, 24)
        raise DomainError(
            "payment.transaction_id",
            f"交易電子案號須為 1 到 64 個英數字或 . _ : -：{shown}",
            f"The transaction id must be 1 to 64 of A-Z a-z 0-9 . _ : -: {shown}",
            "payment_id",
        )


def record_online_payment(
    app: App,
    session: Session,
    case_id: str,
    *,
    payment_id: str,
    amount: int,
    payment_tool: str,
    authorised_at: datetime,
    reference: str = "",
    deposit_date: date | None = None,
    settlement_number: str = "",
    deposited: bool = False,
) -> PaymentResult:
    """An online payment (credit card, account transfer, chip card) recorded at this counter.

    In the caller's transaction; the demo's online payments come this way (the channel's are
    written at the county without a receipt, docs/payments.md). Idempotent on ``payment_id``
    (the online transaction's id): a second delivery returns the receipt already issued; a
    transaction id already recorded on another payment is ``payment.duplicate``
    (online_transactions). When the case has not been assessed yet it is assessed from the
    catalogue first. The receipt gets this device's next number."""
    require(app, Action.RECORD_PAYMENT)
    payment_tool = online_tool(payment_tool)
    check_online_ids(payment_id, reference)
    existing = already_recorded(session, case_id, payment_id, reference, amount)
    if existing is not None:
        return payment_result(existing, load_state(session, existing.case_id))
    return record_payment_in(
        app,
        session,
        case_id,
        "online",
        amount,
        reference=reference,
        payment_id=payment_id,
        online={
            "payment_tool": payment_tool,
            "authorised_at": authorised_at.astimezone(UTC).isoformat(),
            "deposit_date": deposit_date.isoformat() if deposit_date else "",
            "settlement_number": settlement_number,
            "deposited": deposited,
        },
    )


def settle_online_payment(
    app: App,
    session: Session,
    payment_id: str,
    *,
    deposit_date: date | None,
    settlement_number: str,
    deposited: bool = True,
) -> PaymentResult:
    """The money of an online payment reached the treasury (入庫): for the reconciliation."""
    require(app, Action.RECORD_PAYMENT)
    row = session.scalars(select(ReceiptRow).where(ReceiptRow.payment_id == payment_id)).first()
    if row is None:
        raise DomainError("payment.unknown", "查無此筆繳費紀錄", "No such payment")
    state = _record(
        app,
        session,
        row.case_id,
        ev.PAYMENT_SETTLED,
        {
            "payment_id": payment_id,
            "receipt_number": row.number,
            "deposit_date": deposit_date.isoformat() if deposit_date else "",
            "settlement_number": settlement_number,
            "deposited": deposited,
        },
    )
    return payment_result(row, state)


def state_subtotal(app: App, state: CaseState) -> int:
    return fees.compute(app.catalogue.service(state.service_code), state.copies).subtotal
