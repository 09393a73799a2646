"""Channels (docs/channels.md): the web portal and the convenience-store kiosk file
applications and pay fees through the county, which routes each case to the office that will
handle it and delivers it there by the ordinary sync pull.

A channel authenticates with its own bearer credential (``county channel create``; only a
SHA-256 hash of it is stored, the token is high-entropy). What a channel sends is validated by
the same domain rules as the counter (catalogue service, fields, applicant ID, name, phone,
e-mail, copies) and becomes ordinary case events: ``case.received`` (with ``channel``) and, for
a service with a fee, ``case.fee_assessed``; a payment becomes ``case.payment_recorded`` with
method ``online``. They enter the county store through :func:`service.push` like any office's
events (same checks, routes, feed, notices), written as the routed office's device ``00`` whose
case numbers (``H01-00-115-000001-c``) no counter can allocate.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from eservice_desktop.county import channel_requests, notify, service
from eservice_desktop.county.case_facts import county_calendar
from eservice_desktop.county.channel_checks import Refused, validate
from eservice_desktop.county.channel_status import case_by_number
from eservice_desktop.county.push_rows import paid_elsewhere
from eservice_desktop.county.store import (
    CountyBase,
    CountyCaseRow,
    DeviceRow,
    aware,
    lock_feed,
)
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState, check
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.catalogue import Service, fee_total
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import roc_minute, to_roc
from eservice_desktop.domain.uuid7 import new_id

KINDS = ("web", "kiosk")
#: The device number of every case event a channel writes (counters use 01..99).
CHANNEL_DEVICE = "00"
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,30}")
TOKEN_PREFIX = "esch_"
#: Payment tool recorded for a kiosk payment unless the kiosk names one (seed appendix 22).
KIOSK_TOOL = "超商代收"


class ChannelRow(CountyBase):
    """A channel's credential (hash only); revoked channels are refused."""

    __tablename__ = "county_channels"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    credential_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def _one(fld: str, code: str, zh: str, en: str) -> Refused:
    return Refused({fld: DomainError(code, zh, en, fld)})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- credentials ----------------------------------------------------------------------------


def create_channel(s: Session, name: str, kind: str, now: datetime) -> str:
    """Creates (or re-keys) a channel; returns its bearer token, shown once."""
    if not CHANNEL_NAME.fullmatch(name or ""):
        raise service.BadRequest(
            "通路名稱須為 2 到 31 個小寫英數字或連字號", "A channel name is 2-31 of a-z, 0-9, -"
        )
    if kind not in KINDS:
        raise service.BadRequest("通路類別須為 web 或 kiosk", "The kind is web or kiosk")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = s.get(ChannelRow, name)
    if row is None:
        s.add(ChannelRow(name=name, kind=kind, credential_hash=_hash(token), created_at=now))
    else:
        row.kind, row.credential_hash, row.created_at, row.revoked_at = (
            kind,
            _hash(token),
            now,
            None,
        )
    return token


def revoke_channel(s: Session, name: str, now: datetime) -> bool:
    """Revokes a channel's credential (False when there is no such channel). One already
    revoked is refused (BadRequest) and keeps its time: a second revoke moved it to its own, as
    a device's did."""
    row = s.get(ChannelRow, name, with_for_update=True)
    if row is None:
        return False
    if row.revoked_at is not None:
        when = roc_minute(aware(row.revoked_at))
        raise service.BadRequest(
            f"通路 {name} 已於 {when} 撤銷", f"Channel {name} was revoked on {when}"
        )
    row.revoked_at = now
    return True


def list_channels(s: Session) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "kind": r.kind,
            "created_at": aware(r.created_at).isoformat(),  # SQLite hands it back naive
            "revoked": r.revoked_at is not None,
        }
        for r in s.scalars(select(ChannelRow).order_by(ChannelRow.name))
    ]


def authenticate(s: Session, token: str | None) -> ChannelRow:
    if not token:
        raise service.AuthFailed("missing credential")
    row = s.scalar(select(ChannelRow).where(ChannelRow.credential_hash == _hash(token)))
    if row is None:
        raise service.AuthFailed("unknown credential")
    if row.revoked_at is not None:
        raise service.Forbidden("channel revoked")
    return row


# --- applications ---------------------------------------------------------------------------


@dataclass
class Application:
    service_code: str
    applicant_id: str
    applicant_name: str
    phone: str = ""
    email: str = ""
    copies: int = 1
    fields: dict[str, Any] | None = None
    office: str = ""
    pickup_method: str = "counter"
    pickup_office: str = ""
    reservation_at: datetime | None = None


def _next_number(s: Session, office: str, at: datetime) -> str:
    year = to_roc(at.astimezone(TAIPEI).date())[0]
    prefix = f"{office}-{CHANNEL_DEVICE}-{year:03d}-"
    # the bounds let the case number's index answer (every number of the prefix has their
    # form: six digits, a dash, a check digit); LIKE alone read the whole index under the feed
    # lock on every application (SQLite and PostgreSQL use no index for it)
    number = CountyCaseRow.case_number
    last = s.scalar(
        select(func.max(number)).where(
            number >= prefix + "000000-0", number <= prefix + "999999-9", number.like(prefix + "%")
        )
    )
    seq = int(last.split("-")[3]) + 1 if last else 1
    return str(CaseNumber(office, CHANNEL_DEVICE, year, seq))


def _writer(office: str) -> DeviceRow:
    """The office's channel device, as :func:`service.push` expects a pushing device (never
    stored: it holds no credential and cannot pull)."""
    return DeviceRow(device_key=f"{office}-{CHANNEL_DEVICE}", office=office, device=CHANNEL_DEVICE)


def _push(s: Session, office: str, events: list[Event], now: datetime) -> None:
    wire = [WireEvent(**e.to_dict()) for e in events]
    result = service.push(s, _writer(office), wire, now)
    for r in result.results:
        if r.status != "accepted":
            raise _one(
                "case", r.reason_code or "event.refused", r.reason_zh or "", r.reason_en or ""
            )


def _field_text(value: Any) -> str:
    """A field's value as it is checked (channel_checks) and stored: text without the spaces
    around it ("補發 " was stored as sent, a choice no list has)."""
    return "" if value is None else str(value).strip()


def _fee(svc: Service, copies: int, total: int) -> dict[str, Any]:
    """The ``case.fee_assessed`` payload of the catalogue's fee for ``copies``."""
    items = [
        {
            "code": f.code,
            "name": f.name,
            "name_en": f.name_en,
            "unit": f.unit,
            "unit_price": f.unit_price,
            "quantity": copies,
            "amount": f.amount(copies),
            "additional_unit_price": f.additional_unit_price,
        }
        for f in svc.fee_items
    ]
    return {
        "items": items,
        "subtotal": total,
        "reduction": 0,
        "total": total,
        "exemption_reason": "",
        "copies": copies,
    }


def submit(
    s: Session,
    channel: ChannelRow,
    app: Application,
    now: datetime,
    key: channel_requests.RequestKey | None = None,
) -> dict[str, Any]:
    """Files an application; the case goes to the chosen (or home) office by its next pull.

    With an idempotency ``key`` (county/channel_requests.py) an application answered before
    raises ``Replayed`` with that answer (looked up again under the feed lock, so a retry sent
    while the first request is written waits for it), another one under the same key raises
    ``KeyReused``; a new case's answer is remembered under the key in its transaction."""
    if key is not None:
        channel_requests.replay(s, key, now)
    catalogue = notify.county_catalogue(s)
    svc, applicant, office = validate(catalogue, channel.kind, app, now, county_calendar(s))
    lock_feed(s)
    if key is not None:
        channel_requests.replay(s, key, now)
    answer = _file(s, channel, app, (svc, applicant, office), now)
    if key is not None:
        channel_requests.remember(s, key, 201, answer, now)
    return answer


def _file(
    s: Session,
    channel: ChannelRow,
    app: Application,
    checked: tuple[Service, dict[str, Any], str],
    now: datetime,
) -> dict[str, Any]:
    """The case's events written (under the feed lock) and the answer to the channel."""
    svc, applicant, office = checked
    number = _next_number(s, office, now)
    case_id = new_id()
    clerk = f"channel:{channel.name}"
    payload: dict[str, Any] = {
        "case_number": number,
        "service_code": svc.code,
        "time_limit_working_days": svc.time_limit_working_days,
        "applicant": {k: applicant[k] for k in ("kind", "id_type", "id", "name")},
        "phone": applicant["phone"],
        "email": applicant["email"],
        "copies": app.copies,
        "fields": {k: text for k, v in (app.fields or {}).items() if (text := _field_text(v))},
        "consent": [],
        "channel": channel.kind,
        "pickup": {"method": app.pickup_method, "office": app.pickup_office or office},
        "documents": {"required": list(svc.required_documents), "presented": []},
    }
    if app.reservation_at is not None:
        payload["reservation_at"] = app.reservation_at.astimezone(UTC).isoformat()
    actor = Actor(office, CHANNEL_DEVICE, clerk)
    events = [actor.event(case_id, ev.RECEIVED, now, payload)]
    total = fee_total(svc, app.copies) if svc.fee_items else 0
    if svc.fee_items:
        events.append(actor.event(case_id, ev.FEE_ASSESSED, now, _fee(svc, app.copies, total)))
    _push(s, office, events, now)
    return {
        "case_id": case_id,
        "case_number": number,
        "office": office,
        "channel": channel.kind,
        "submitted_at": now.isoformat(),
        "reservation_at": payload.get("reservation_at"),
        "fees_due": total,
    }


def pay(
    s: Session,
    channel: ChannelRow,
    *,
    case_number: str,
    amount: int,
    transaction_id: str,
    payment_tool: str,
    now: datetime,
) -> dict[str, Any]:
    """An online payment (kiosk or web) on a case: recorded as method ``online`` with the
    channel's transaction id as the payment's reference (交易電子案號).

    The case is read under the feed lock that :func:`service.push` takes anyway: a retry sent
    while the first request was being written read the case without its payment and was
    recorded too (PostgreSQL; SQLite's writers wait from the start)."""
    lock_feed(s)
    found = case_by_number(s, case_number.strip().upper())
    if found is None:
        raise LookupError(case_number)
    row, state = found
    # a retry first: the fee it paid leaves no balance, and it was answered over_balance
    _check_new_transaction(s, state, transaction_id, amount)
    if amount <= 0 or amount > state.balance:
        raise _one(
            "amount",
            "payment.over_balance" if amount > 0 else "payment.amount",
            f"繳費金額須介於 1 到應繳餘額 {state.balance} 元",
            f"The amount must be between 1 and the balance due ({state.balance})",
        )
    payment_id = str(uuid.uuid4())
    payload = {
        "payment_id": payment_id,
        "method": "online",
        "amount": amount,
        "reference": transaction_id,
        "payment_tool": payment_tool or (KIOSK_TOOL if channel.kind == "kiosk" else "信用卡"),
        "authorised_at": now.isoformat(),
        "channel": channel.kind,
    }
    # written by the office that holds the case, so it reaches every office on the route
    actor = Actor(row.office, CHANNEL_DEVICE, f"channel:{channel.name}")
    e = actor.event(state.case_id, ev.PAYMENT_RECORDED, now, payload)
    _check_payable(state, e)
    _push(s, row.office, [e], now)
    return {
        "case_number": state.case_number,
        "payment_id": payment_id,
        "amount": amount,
        "balance": state.balance - amount,
        "transaction_id": transaction_id,
    }


def _check_payable(state: CaseState, e: Event) -> None:
    """The counter's rule (``domain.case.check``): no fee on a case rejected or cancelled. The
    push takes one from a counter that took it offline (``taken_anyway``): a kiosk's too."""
    try:
        check(state, e)
    except DomainError as err:
        raise _one("case_number", err.code, err.message_zh, err.message_en) from None


def _check_new_transaction(s: Session, state: CaseState, transaction_id: str, amount: int) -> None:
    """``payment.duplicate`` for a transaction id already recorded on this case (a retry) or
    on any other; ``payment.duplicate_amount`` for a retry with another amount: it was
    answered ``payment.duplicate`` too, and a kiosk taking that as "recorded" took the citizen's
    NT$20 as booked where the case had NT$10. Letter case aside: ``ibon-7`` after ``IBON-7``
    is the same transaction (it was recorded twice, the case over-paid by the county alone)."""
    key = transaction_id.strip().upper()  # letter case aside, as ``ref_hash`` keys it
    ids = [(p, {(p.reference or "").strip().upper(), p.payment_id.upper()}) for p in state.payments]
    same = next((p for p, known in ids if key in known), None)
    if same is not None and same.amount != amount:
        raise _one(
            "amount",
            "payment.duplicate_amount",
            f"此筆交易已入帳 {same.amount} 元，與這次的 {amount} 元不符；未登錄",
            f"This transaction is already recorded for NT${same.amount}, not NT${amount}; "
            "nothing recorded",
        )
    if same is not None:
        raise _one(
            "transaction_id",
            "payment.duplicate",
            "此筆交易已入帳",
            "This transaction is already recorded",
        )
    if paid_elsewhere(s, transaction_id):
        raise _one(
            "transaction_id",
            "payment.duplicate",
            "此筆交易已入帳於另一案件，不能再用於其他繳費",
            "This transaction is already recorded on another case; it cannot pay anything else",
        )
