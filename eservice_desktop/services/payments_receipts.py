"""Receipts (收據) as stored and as printed: the gapless numbers, the check of a verification
code (the code itself is ``receipt_codes``'), the reads of a case's receipts, and what a receipt
prints (``receipt_data``, ``receipt_pdf``). The payment operations that write them are
``services.payments``, which re-exports every name here.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, apply
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import payer_id_label, payer_id_shown
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.domain.text_values import printable
from eservice_desktop.printing.receipt import FeeLine, ReceiptData, render_receipt
from eservice_desktop.services import access, cases, fees, receipt_issued_twice
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.pickup_views import office_name
from eservice_desktop.services.receipt_clerk import clerk_on_receipt
from eservice_desktop.services.receipt_codes import code_matches, format_code, qr_payload
from eservice_desktop.services.receipt_paper_method import paper_method
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_payments import ReceiptKeyRow, ReceiptRow

log = logging.getLogger("eservice.payments")


NO_RECEIPT = DomainError(
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


def receipt_number(office: str, device: str, roc_year: int, seq: int) -> str:
    return f"{office}-{device}-{roc_year:03d}-R{seq:06d}"


def allocate_receipt_number(app: App, session: Session, at: datetime) -> tuple[str, int, int]:
    """Next number of this device's series for the ROC year of ``at`` (Taipei time)."""
    year = to_roc(at.astimezone(TAIPEI).date())[0]
    s = app.settings
    seq = repo.next_counter(session, f"receipt:{s.office_code}:{s.device_id}:{year}")
    return receipt_number(s.office_code, s.device_id, year, seq), year, seq


def device_key(app: App, session: Session) -> ReceiptKeyRow:
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


def aware(value: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite gives naive times back)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def payment_result(row: ReceiptRow, state: CaseState) -> PaymentResult:
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
        issued_at=aware(row.issued_at).isoformat(),
        fees_due=state.fees_due,
        paid=state.paid,
        balance=state.balance,
        printed=row.print_count > 0,
    )


def load_state(session: Session, case_id: str) -> CaseState:
    """The case's state; ``case.not_found`` when there is none."""
    state = repo.load_state(session, case_id)
    if state is None:
        raise cases.NOT_FOUND
    return state


def state_at_payment(events: Iterable[ev.Event], payment_id: str) -> CaseState:
    """The case (its ``events``) as it stood right after the payment a receipt acknowledges:
    its fee lines, fee due and balance are what the receipt says, at its first print and at
    every reprint (a later payment or a re-assessment does not rewrite an issued receipt)."""
    state: CaseState | None = None
    for e in events:
        state = apply(state, e)
        if e.type == ev.PAYMENT_RECORDED and e.payload.get("payment_id") == payment_id:
            break
    if state is None:
        raise cases.NOT_FOUND
    return state


def states_at_payments(
    session: Session, paid: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], CaseState]:
    """:func:`state_at_payment` of many receipts, each ``(case_id, payment_id)``, from one read
    of their cases' streams (the daily closing's receipts), keyed the same way."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for case_id, payment_id in paid:
        wanted[case_id].add(payment_id)
    states: dict[str, CaseState] = {}
    out: dict[tuple[str, str], CaseState] = {}
    for e in repo.events_of(session, wanted):
        left = wanted[e.case_id]
        if not left:
            continue  # every payment of this case found: the rest of its stream is not needed
        state = states[e.case_id] = apply(states.get(e.case_id), e)
        paid_now = str(e.payload.get("payment_id", "")) if e.type == ev.PAYMENT_RECORDED else ""
        if paid_now in left:
            out[e.case_id, paid_now] = state
            left.discard(paid_now)
    for case_id, left in wanted.items():  # not in its stream: the case as it stands, as above
        if case_id in states:
            out.update(((case_id, p), states[case_id]) for p in left)
    return out


def typed_text(text: str) -> str:
    """A receipt number or code as typed: full width folded, spaces dropped, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


#: A receipt number (:func:`receipt_number`) with or without its dashes, an O or an I read off
#: the paper in place of a 0 or a 1 (the receipt's font draws them alike) taken for the digit.
_RECEIPT_TYPED = re.compile(r"([A-Z])([0-9OI]{2})-?([0-9OI]{2})-?([0-9OI]{3})-?R([0-9OI]{6})")
_DIGITS = str.maketrans("OI", "01")


def typed_receipt_number(text: str) -> str:
    """The receipt number typed as printed: a case number is taken without its dashes, and a
    receipt number typed the same way (H0101115R000001, or spaces for the dashes) was not
    found; nor was one typed HO1-O1-115-ROOOOO1 off the paper (查無此收據號碼: never issued).
    Anything else is :func:`typed_text`."""
    folded = typed_text(text)
    if (parts := _RECEIPT_TYPED.fullmatch(folded)) is None:
        return folded
    office, device, year, seq = (g.translate(_DIGITS) for g in parts.groups()[1:])
    return f"{parts[1]}{office}-{device}-{year}-R{seq}"


def receipt_row(session: Session, number: str) -> ReceiptRow:
    """The stored receipt by its number (any case, spaces, dashes and full width ignored)."""
    row = session.get(ReceiptRow, typed := typed_receipt_number(number))
    if row is None:
        receipt_issued_twice.refuse_spare(session, typed)  # void, not 查無此收據號碼
        shown = printable(number)  # as typed, control characters shown as U+XXXX: one line
        raise DomainError(
            "receipt.unknown", f"查無此收據號碼：{shown}", f"No such receipt: {shown}", "receipt"
        )
    return row


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
        raise NO_RECEIPT
    return row.number


def receipt_of_case(app: App, case_number: str, number: str) -> str:
    """``number`` as stored when it is a receipt of case ``case_number``; a receipt of another
    case is refused (a mistyped number would print, and record as printed, someone else's
    receipt under the case the clerk named)."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        row = receipt_row(s, number)
        case_shown = repo.load_state(s, case_id)
    if row.case_id != case_id:
        shown = case_shown.case_number if case_shown is not None else printable(case_number)
        raise DomainError(
            "receipt.other_case",
            f"收據 {row.number} 不是案件 {shown} 的收據",
            f"Receipt {row.number} is not a receipt of case {shown}",
            "receipt",
        )
    return row.number


def receipts_of_case(app: App, case_number: str) -> list[PaymentResult]:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = load_state(s, case_id)
        rows = s.scalars(
            select(ReceiptRow).where(ReceiptRow.case_id == case_id).order_by(ReceiptRow.issued_at)
        ).all()
        return [payment_result(r, state) for r in rows]


def get_receipt(app: App, number: str) -> PaymentResult:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        row = receipt_row(s, number)
        return payment_result(row, load_state(s, row.case_id))


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
    """True when ``code`` is the verification code of receipt ``number`` (with any dashes,
    spaces, lower case or full-width characters); a code that could be none is False. A
    number this office holds no receipt of is ``receipt.unknown``: it said "code NOT valid",
    and a mistyped number (or another office's receipt) read as a forged receipt. Another
    counter's receipt is checked against the code it recorded (``code_matches``)."""
    require(app, Action.VIEW_CASE)
    wanted = typed_text(code).replace("-", "")
    with app.reading() as s:
        row = receipt_row(s, number)
        if not wanted.isascii():  # compare_digest takes ASCII only; no code is anything else
            return False
        return code_matches(s, row, wanted)


def receipt_data(app: App, number: str, reprint_reason: str = "") -> ReceiptData:
    """What to print for receipt ``number``; a non-empty ``reprint_reason`` marks it 重印 once
    it was printed before (a first print given a reason is the first print all the same)."""
    require(app, Action.PRINT)
    with app.reading() as s:
        row = receipt_row(s, number)
        events = repo.events_for(s, row.case_id)
        state = state_at_payment(events, row.payment_id)
        # only a receipt printed before is reprinted: the first paper never says 重印
        reprint_reason = reprint_reason if row.print_count > 0 else ""
        reprint_count = row.print_count if reprint_reason else 0
        clerk = clerk_on_receipt(s, events, row.number, row.clerk)
    a = fees.current(state)
    method, details = paper_method(row, state)
    service_name = app.catalogue.service_name(state.service_code)
    issued = aware(row.issued_at).astimezone(TAIPEI)
    return ReceiptData(
        office_name=office_name(app, row.office),
        office_code=row.office,
        receipt_number=row.number,
        issued_on=issued.date(),
        issued_time=f"{issued:%H:%M}",
        case_number=row.case_number,
        payer_name=state.applicant_name,
        payer_id_label=payer_id_label(state.applicant_kind),
        payer_id_shown=payer_id_shown(state.applicant_kind, state.applicant_id),
        service_name=service_name,
        items=tuple(
            FeeLine(i.name, i.quantity, i.unit, i.unit_price, i.amount, i.breakdown())
            for i in a.items
        ),
        fees_due=state.fees_due,
        amount=row.amount,
        method=method,
        clerk=clerk,
        verification_code=format_code(row.verification),
        qr_payload=qr_payload(row.number, row.amount, row.issued_day, row.verification),
        reduction=a.reduction,
        exemption_reason=a.exemption_reason,
        method_details=details,
        balance_after=state.balance if row.status == "valid" else 0,
        refunded=row.refunded,
        void_reason=(row.void_reason or "作廢") if row.status == "void" else "",
        reprint_reason=reprint_reason.strip(),
        reprint_count=reprint_count,
    )


def reprint_reason_needed(row: ReceiptRow, reprint_reason: str) -> None:
    """A valid receipt printed before is reprinted only with a reason (asked before printing)."""
    if row.print_count > 0 and row.status == "valid" and not reprint_reason.strip():
        raise DomainError(
            "receipt.reprint_reason",
            "此收據已列印過，重印須填寫原因",
            "This receipt was printed before; a reprint needs a reason",
            "reprint_reason",
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
        row = receipt_row(s, number)
        case_id, case_number = row.case_id, row.case_number
        reprint_reason_needed(row, reprint_reason)
    pdf = render_receipt(receipt_data(app, number, reprint_reason), layout)
    access.record(
        app, access.PRINT, case_id=case_id, case_number=case_number, detail=f"receipt {number}"
    )
    return pdf
