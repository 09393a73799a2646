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
the office database (``receipt_keys``), never on paper or in logs; the key id is printed so the
county can verify receipts of every device once the keys are synced to it.

Printing is deliberately outside the payment transaction: the event RECEIPT_ISSUED is recorded
only after the receipt was rendered and handed to the printer (or written to a file), and every
later print is a RECEIPT_REPRINTED with its reason, printed as 重印 (seed appendix 23).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import (
    APPROVE_REFUND,
    APPROVE_REPRINT,
    APPROVE_VOID,
    CaseState,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.printing.receipt import FeeLine, ReceiptData, render_receipt
from eservice_desktop.services import access, cases, fees
from eservice_desktop.services.approvals import Approval, Granted, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.projections import project_payment
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptKeyRow, ReceiptRow

log = logging.getLogger("eservice.payments")

TAIPEI = ZoneInfo("Asia/Taipei")

#: Payment tools of the online channel (seed appendix 22).
ONLINE_TOOLS: tuple[str, ...] = ("信用卡", "金融帳戶轉帳", "晶片金融卡")

QR_PREFIX = "ESR1"

_NO_RECEIPT = DomainError(
    "receipt.none", "本案尚無繳費收據", "This case has no receipt yet", "case_number"
)


@dataclass(frozen=True)
class PaymentResult:
    """What a face shows after a payment operation (JSON-ready)."""

    payment_id: str
    case_number: str
    receipt_number: str
    method: str
    amount: int
    tendered: int | None
    change: int
    reference: str
    status: str
    refunded: int
    verification_code: str
    issued_at: str
    fees_due: int
    paid: int
    balance: int
    printed: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Numbers and verification codes
# ---------------------------------------------------------------------------------------------


def receipt_number(office: str, device: str, roc_year: int, seq: int) -> str:
    return f"{office}-{device}-{roc_year:03d}-R{seq:06d}"


def allocate_receipt_number(app: App, session: Session, at: datetime) -> tuple[str, int, int]:
    """Next number of this device's series for the ROC year of ``at`` (Taipei time)."""
    year = to_roc(at.astimezone(TAIPEI).date())[0]
    s = app.settings
    seq = repo.next_counter(session, f"receipt:{s.office_code}:{s.device_id}:{year}")
    return receipt_number(s.office_code, s.device_id, year, seq), year, seq


def _device_key(app: App, session: Session) -> ReceiptKeyRow:
    s = app.settings
    row = session.scalars(
        select(ReceiptKeyRow)
        .where(ReceiptKeyRow.office == s.office_code, ReceiptKeyRow.device == s.device_id)
        .order_by(ReceiptKeyRow.created_at.desc())
        .limit(1)
    ).first()
    if row is None:
        row = ReceiptKeyRow(
            key_id=f"{s.office_code}{s.device_id}-{secrets.token_hex(3)}",
            office=s.office_code,
            device=s.device_id,
            secret_hex=secrets.token_hex(32),
            created_at=app.now(),
        )
        session.add(row)
        session.flush()
    return row


def _key_secret(session: Session, key_id: str) -> bytes | None:
    row = session.get(ReceiptKeyRow, key_id)
    return None if row is None else bytes.fromhex(row.secret_hex)


def compute_code(secret: bytes, number: str, case_number: str, amount: int, day: date) -> str:
    message = f"v1|{number}|{case_number}|{amount}|{day.isoformat()}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest[:7]).decode("ascii")[:10]


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def qr_payload(number: str, amount: int, day: date, code: str) -> str:
    y, m, d = to_roc(day)
    return f"{QR_PREFIX}|{number}|{amount}|{y:03d}{m:02d}{d:02d}|{code}"


# ---------------------------------------------------------------------------------------------
# Recording payments
# ---------------------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _result(row: ReceiptRow, state: CaseState) -> PaymentResult:
    return PaymentResult(
        payment_id=row.payment_id,
        case_number=row.case_number,
        receipt_number=row.number,
        method=row.method,
        amount=row.amount,
        tendered=row.tendered,
        change=row.change,
        reference=row.reference,
        status=row.status,
        refunded=row.refunded,
        verification_code=row.verification,
        issued_at=_aware(row.issued_at).isoformat(),
        fees_due=state.fees_due,
        paid=state.paid,
        balance=state.balance,
        printed=row.print_count > 0,
    )


def _load(session: Session, case_id: str) -> CaseState:
    state = repo.load_state(session, case_id)
    if state is None:
        raise cases.NOT_FOUND
    return state


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
        for row in rows:
            project_payment(s, repo.row_to_event(row))
        return int(s.scalar(select(func.count()).select_from(ReceiptRow)) or 0)


def _record(
    app: App,
    session: Session,
    case_id: str,
    type_: str,
    payload: dict[str, Any],
    *,
    granted: Granted | None = None,
) -> CaseState:
    """cases.record; the ingest keeps ``receipts`` in step (see projections.project_payment)."""
    return cases.record(app, session, case_id, type_, payload, granted=granted)


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
    state = fees.ensure_assessed(app, session, _load(session, case_id))
    at = app.now()
    number, _year, _seq = allocate_receipt_number(app, session, at)
    key = _device_key(app, session)
    day = at.astimezone(TAIPEI).date()
    code = compute_code(bytes.fromhex(key.secret_hex), number, state.case_number, amount, day)
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
        "key_id": key.key_id,
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
    return _result(row, new)


_ONLINE_FIELDS = ("payment_tool", "authorised_at", "deposit_date", "settlement_number", "deposited")


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
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        return record_payment_in(
            app, s, case_id, method, amount, tendered=tendered, reference=reference
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
    """An online payment (credit card, account transfer, chip card) reported by the county.

    For the sync engine, inside its own transaction. Idempotent on ``payment_id`` (the online
    transaction's id): a second delivery returns the receipt already issued. When the case has
    not been assessed yet it is assessed from the catalogue first. The receipt gets this device's
    next number, which is what makes the online payment's receipt legally valid at the office
    (the seed's complaint: the online channel alone gave no valid receipt).
    """
    require(app, Action.RECORD_PAYMENT)
    existing = session.scalars(
        select(ReceiptRow).where(ReceiptRow.payment_id == payment_id)
    ).first()
    if existing is not None:
        return _result(existing, _load(session, existing.case_id))
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
    return _result(row, state)


# ---------------------------------------------------------------------------------------------
# Refunds, voids, prints
# ---------------------------------------------------------------------------------------------


def _receipt_row(session: Session, number: str) -> ReceiptRow:
    row = session.get(ReceiptRow, number.strip().upper())
    if row is None:
        raise DomainError(
            "receipt.unknown", f"查無此收據號碼：{number}", f"No such receipt: {number}", "receipt"
        )
    return row


def _reason_given(reason: str, zh: str, en: str) -> str:
    """The reason the state machine asks for, checked before a supervisor is asked."""
    if not reason.strip():
        raise DomainError("case.reason_required", zh, en, "reason")
    return reason.strip()


def _existing_receipt(app: App, number: str, *, void: bool = False) -> str:
    """The receipt number as stored; an unknown receipt (or, for a void, one already void) is
    refused before a supervisor is asked to approve."""
    with app.reading() as s:
        row = _receipt_row(s, number)
    if void and row.status == "void":
        raise DomainError("receipt.already_voided", "此收據已作廢", "This receipt is already void")
    return row.number


def refund(
    app: App, number: str, amount: int, reason: str, *, approval: Approval | None = None
) -> PaymentResult:
    """Money handed back on a valid receipt (the receipt stays valid; the case balance grows).
    A supervisor approves every refund (``approval``, recorded just before the refund)."""
    require(app, Action.REFUND)
    target = _existing_receipt(app, number)
    _reason_given(reason, "請填寫退費理由", "A refund reason is required")
    granted = grant(app, approval, APPROVE_REFUND, reason=reason, target=target)
    return _refund_granted(app, number, amount, reason, granted)


def _refund_granted(
    app: App, number: str, amount: int, reason: str, granted: Granted
) -> PaymentResult:
    with app.transaction() as s:
        row = _receipt_row(s, number)
        state = _record(
            app,
            s,
            row.case_id,
            ev.PAYMENT_REFUNDED,
            {
                "payment_id": row.payment_id,
                "receipt_number": row.number,
                "amount": amount,
                "method": row.method,
                "reason": reason.strip(),
            },
            granted=granted,
        )
        return _result(row, state)


def void_receipt(
    app: App, number: str, reason: str, *, approval: Approval | None = None
) -> PaymentResult:
    """Cancels a payment and its receipt; the number stays used and shows as void. A supervisor
    approves every void (``approval``, recorded just before the void's first event)."""
    require(app, Action.VOID)
    target = _existing_receipt(app, number, void=True)
    reason = _reason_given(reason, "請填寫作廢理由", "A void reason is required")
    return _void_granted(
        app, number, reason, grant(app, approval, APPROVE_VOID, reason=reason, target=target)
    )


def _void_granted(app: App, number: str, reason: str, approved: Granted) -> PaymentResult:
    granted: Granted | None = approved
    with app.transaction() as s:
        row = _receipt_row(s, number)
        state = _load(s, row.case_id)
        pay = state.payment(row.payment_id)
        if not pay.voided:
            _record(
                app,
                s,
                row.case_id,
                ev.PAYMENT_VOIDED,
                {"payment_id": row.payment_id, "receipt_number": row.number, "reason": reason},
                granted=granted,
            )
            granted = None
        state = _record(
            app,
            s,
            row.case_id,
            ev.RECEIPT_VOIDED,
            {"receipt_number": row.number, "payment_id": row.payment_id, "reason": reason},
            granted=granted,
        )
        return _result(row, state)


def confirm_printed(
    app: App, number: str, reprint_reason: str = "", *, approval: Approval | None = None
) -> PaymentResult:
    """Records that the receipt went to the printer (first time) or was reprinted (with reason).

    The first reprint needs only its reason; every later one a supervisor's approval
    (:func:`needs_reprint_approval`, asked before printing)."""
    require(app, Action.PRINT)
    granted = None
    if needs_reprint_approval(app, number):
        granted = grant(
            app,
            approval,
            APPROVE_REPRINT,
            reason=reprint_reason,
            target=_existing_receipt(app, number),
        )
    with app.transaction() as s:
        row = _receipt_row(s, number)
        if row.status == "void":
            # A void receipt printed for the record is not an issue or a reprint of a receipt.
            return _result(row, _load(s, row.case_id))
        if row.print_count == 0:
            state = _record(app, s, row.case_id, ev.RECEIPT_ISSUED, {"receipt_number": row.number})
        else:
            state = _record(
                app,
                s,
                row.case_id,
                ev.RECEIPT_REPRINTED,
                {"receipt_number": row.number, "reason": reprint_reason.strip()},
                granted=granted,
            )
        return _result(row, state)


def needs_reprint_reason(app: App, number: str) -> bool:
    require(app, Action.PRINT)
    with app.reading() as s:
        return _receipt_row(s, number).print_count > 0


def needs_reprint_approval(app: App, number: str) -> bool:
    """Printing this receipt again would be its second reprint or more: a supervisor approves
    (ask before printing; :func:`confirm_printed` checks again). A void receipt printed for the
    record is no reprint."""
    with app.reading() as s:
        row = _receipt_row(s, number)
        if row.status == "void" or row.print_count == 0:
            return False
        return _load(s, row.case_id).payment(row.payment_id).reprints >= 1


def last_receipt_number(app: App, case_number: str) -> str:
    """The receipt of the case's last payment (void or not); DomainError when there is none."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        row = s.scalars(
            select(ReceiptRow)
            .where(ReceiptRow.case_id == case_id)
            .order_by(ReceiptRow.issued_at.desc(), ReceiptRow.seq.desc())
            .limit(1)
        ).first()
    if row is None:
        raise _NO_RECEIPT
    return row.number


def receipts_of_case(app: App, case_number: str) -> list[PaymentResult]:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = _load(s, case_id)
        rows = s.scalars(
            select(ReceiptRow).where(ReceiptRow.case_id == case_id).order_by(ReceiptRow.issued_at)
        ).all()
        return [_result(r, state) for r in rows]


def get_receipt(app: App, number: str) -> PaymentResult:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        row = _receipt_row(s, number)
        return _result(row, _load(s, row.case_id))


def pending_receipts(app: App) -> list[str]:
    """Valid receipts of this device never printed: after a crash, print them first."""
    require(app, Action.VIEW_CASE)
    st = app.settings
    with app.reading() as s:
        return list(
            s.scalars(
                select(ReceiptRow.number)
                .where(
                    ReceiptRow.office == st.office_code,
                    ReceiptRow.device == st.device_id,
                    ReceiptRow.status == "valid",
                    ReceiptRow.print_count == 0,
                )
                .order_by(ReceiptRow.roc_year, ReceiptRow.seq)
            )
        )


def verify_receipt(app: App, number: str, code: str) -> bool:
    """True when ``code`` is the verification code of receipt ``number`` (with any dashes)."""
    require(app, Action.VIEW_CASE)
    wanted = code.replace("-", "").strip().upper()
    with app.reading() as s:
        row = s.get(ReceiptRow, number.strip().upper())
        if row is None:
            return False
        secret = _key_secret(s, row.key_id)
        if secret is None:
            return False
        expected = compute_code(secret, row.number, row.case_number, row.amount, row.issued_day)
    return hmac.compare_digest(expected, wanted) and hmac.compare_digest(row.verification, wanted)


# ---------------------------------------------------------------------------------------------
# Receipt content
# ---------------------------------------------------------------------------------------------


def _method_details(row: ReceiptRow) -> tuple[str, ...]:
    if row.method == "cash":
        tendered = row.tendered if row.tendered is not None else row.amount
        return (f"收現 {tendered:,} 元　找零 {row.change:,} 元",)
    if row.method == "card":
        return (f"刷卡機交易序號 {row.reference}",)
    out = [f"付費工具 {row.payment_tool}"]
    if row.authorised_at:
        at = datetime.fromisoformat(row.authorised_at).astimezone(TAIPEI)
        out.append(f"授權時間 {at:%Y/%m/%d %H:%M:%S}")
    if row.settlement_number:
        out.append(f"機關核銷編號 {row.settlement_number}")
    return tuple(out)


def receipt_data(app: App, number: str, reprint_reason: str = "") -> ReceiptData:
    """What to print for receipt ``number``; a non-empty ``reprint_reason`` marks it 重印."""
    require(app, Action.PRINT)
    with app.reading() as s:
        row = _receipt_row(s, number)
        state = _load(s, row.case_id)
        reprint_count = row.print_count if reprint_reason else 0
    a = fees.current(state)
    service_name = app.catalogue.service_name(state.service_code)
    try:
        office = app.catalogue.office(row.office)
        office_name = office.name
    except DomainError:
        office_name = row.office
    issued = _aware(row.issued_at).astimezone(TAIPEI)
    return ReceiptData(
        office_name=office_name,
        office_code=row.office,
        receipt_number=row.number,
        issued_on=issued.date(),
        issued_time=f"{issued:%H:%M}",
        case_number=row.case_number,
        payer_name=state.applicant_name,
        payer_id_masked=mask_id(state.applicant_id),
        service_name=service_name,
        items=tuple(
            FeeLine(i.name, i.quantity, i.unit, i.unit_price, i.amount, i.breakdown())
            for i in a.items
        ),
        fees_due=state.fees_due,
        amount=row.amount,
        method=row.method,
        clerk=row.clerk,
        verification_code=format_code(row.verification),
        qr_payload=qr_payload(row.number, row.amount, row.issued_day, row.verification),
        reduction=a.reduction,
        exemption_reason=a.exemption_reason,
        method_details=_method_details(row),
        balance_after=state.balance if row.status == "valid" else 0,
        refunded=row.refunded,
        void_reason=(row.void_reason or "作廢") if row.status == "void" else "",
        reprint_reason=reprint_reason.strip(),
        reprint_count=reprint_count,
    )


def receipt_pdf(app: App, number: str, layout: str = "a6", reprint_reason: str = "") -> bytes:
    """Renders without recording an event (call :func:`confirm_printed` once it is out); the
    access log notes the print (services/access.py)."""
    require(app, Action.PRINT)
    if layout not in ("a6", "roll80"):
        raise DomainError(
            "receipt.layout", "收據版面須為 a6 或 roll80", "Layout must be a6 or roll80", "layout"
        )
    with app.reading() as s:
        row = _receipt_row(s, number)
        printed_before = row.print_count > 0 and row.status == "valid"
        case_id, case_number = row.case_id, row.case_number
    if printed_before and not reprint_reason.strip():
        raise DomainError(
            "receipt.reprint_reason",
            "此收據已列印過，重印須填寫原因",
            "This receipt was printed before; a reprint needs a reason",
            "reprint_reason",
        )
    pdf = render_receipt(receipt_data(app, number, reprint_reason), layout)
    access.record(
        app, access.PRINT, case_id=case_id, case_number=case_number, detail=f"receipt {number}"
    )
    return pdf


def state_subtotal(app: App, state: CaseState) -> int:
    return fees.compute(app.catalogue.service(state.service_code), state.copies).subtotal
