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
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from eservice_desktop.county import notify, service
from eservice_desktop.county.store import CountyBase, CountyCaseRow, DeviceRow, lock_feed
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.catalogue import Catalogue, Service, fee_total
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.rocdate import to_roc

TAIPEI = ZoneInfo("Asia/Taipei")
KINDS = ("web", "kiosk")
#: The device number of every case event a channel writes (counters use 01..99).
CHANNEL_DEVICE = "00"
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,30}")
TOKEN_PREFIX = "esch_"
#: How far ahead a reservation may be made.
RESERVATION_AHEAD = timedelta(days=60)
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


class Refused(Exception):
    """422: a refused application or payment; ``errors`` maps field -> DomainError."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.message_en)
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {
            "detail": [
                {
                    "field": k,
                    "code": e.code,
                    "message_zh": e.message_zh,
                    "message_en": e.message_en,
                }
                for k, e in self.errors.items()
            ]
        }


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
    row = s.get(ChannelRow, name)
    if row is None:
        return False
    row.revoked_at = now
    return True


def list_channels(s: Session) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "kind": r.kind,
            "created_at": r.created_at.isoformat(),
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


def _services_open_to(catalogue: Catalogue, kind: str) -> set[str]:
    """Web: every catalogue service an office takes in; kiosk: those of appendix 2's list."""
    at_office = {s.code for s in catalogue.services if s.at_counter}
    if kind == "web":
        return at_office
    return {
        k.service_code for k in catalogue.kiosk if k.kind == "service" and k.service_code
    } & at_office


def validate(
    catalogue: Catalogue, kind: str, app: Application, now: datetime
) -> tuple[Service, dict[str, Any], str]:
    """The counter's rules; returns the service, the normalised applicant and the office."""
    errors: dict[str, DomainError] = {}
    svc: Service | None = None
    try:
        svc = catalogue.service(app.service_code.strip())
        if svc.code not in _services_open_to(catalogue, kind):
            svc = None
            errors["service_code"] = DomainError(
                "service.not_online",
                "此申辦項目不開放" + ("超商" if kind == "kiosk" else "網路") + "申辦",
                f"This service is not open to the {kind} channel",
                "service_code",
            )
    except DomainError as e:
        errors["service_code"] = DomainError(e.code, e.message_zh, e.message_en, "service_code")
    applicant, applicant_errors = values.check_applicant(
        app.applicant_id, app.applicant_name, app.phone, app.email
    )
    errors.update(applicant_errors)
    if not 1 <= app.copies <= 99:
        errors["copies"] = DomainError(
            "copies.range", "份數須介於 1 到 99", "Copies must be between 1 and 99", "copies"
        )
    office = ""
    if svc is not None:
        if applicant.get("kind") == "business" and svc.office_kind == "household":
            errors["applicant_id"] = DomainError(
                "applicant.business_not_allowed",
                "戶政案件的申請人須為個人（身分證或居留證號）",
                "Household services need a person as applicant",
                "applicant_id",
            )
        fields = app.fields or {}
        for spec in svc.fields:
            value = fields.get(spec.key)
            text = "" if value is None else str(value).strip()
            if spec.required and not text:
                errors[spec.key] = DomainError(
                    "field.required", f"請輸入{spec.label}", f"Enter {spec.label_en}", spec.key
                )
            elif text and spec.choices and text not in spec.choices:
                errors[spec.key] = DomainError(
                    "field.choice",
                    f"{spec.label}只能是：{'、'.join(spec.choices)}",
                    f"{spec.label_en} must be one of {', '.join(spec.choices)}",
                    spec.key,
                )
            elif text:
                try:
                    values.check_text(
                        text,
                        spec.key,
                        max_len=spec.max_length or values.FIELD_VALUE_MAX,
                        multiline=True,
                    )
                except DomainError as e:
                    errors[spec.key] = e
        unknown = sorted(str(k)[:40] for k in fields if k not in {f.key for f in svc.fields})
        if unknown:
            errors["fields"] = DomainError(
                "field.unknown",
                f"此申辦項目沒有這些欄位：{', '.join(unknown[:3])}",
                f"This service has no such fields: {', '.join(unknown[:3])}",
                "fields",
            )
        if app.pickup_method not in svc.pickup_options:
            errors["pickup_method"] = DomainError(
                "pickup.not_offered",
                "此申辦項目不提供這種領件方式",
                "This service does not offer this pickup option",
                "pickup_method",
            )
        office = app.office or _home_office(catalogue, svc)
        try:
            chosen = catalogue.office(office)
            if chosen.kind != svc.office_kind:
                raise DomainError("office.kind", "", "")
        except DomainError:
            errors["office"] = DomainError(
                "office.not_for_service",
                "此機關不受理這個申辦項目",
                "This office does not take in this service",
                "office",
            )
        if app.pickup_office:
            try:
                catalogue.office(app.pickup_office)
            except DomainError:
                errors["pickup_office"] = DomainError(
                    "office.unknown", "查無此領件機關", "Unknown pickup office", "pickup_office"
                )
        if app.reservation_at is not None and "office" not in errors:
            _check_reservation(catalogue, office, app.reservation_at, now, errors)
    if errors:
        raise Refused(errors)
    assert svc is not None
    return svc, applicant, office


def _home_office(catalogue: Catalogue, svc: Service) -> str:
    """The office a case goes to when the citizen chose none: the first office of the
    service's kind in the catalogue (its home office)."""
    offices = catalogue.offices_of_kind(svc.office_kind)
    return offices[0].code if offices else ""


def _check_reservation(
    catalogue: Catalogue, office: str, at: datetime, now: datetime, errors: dict[str, DomainError]
) -> None:
    if at.tzinfo is None:
        errors["reservation_at"] = DomainError(
            "time.zone",
            "預約時間須含時區",
            "The reservation time needs a UTC offset",
            "reservation_at",
        )
        return
    local = at.astimezone(TAIPEI)
    hours = catalogue.office(office)
    if not now < at <= now + RESERVATION_AHEAD:
        errors["reservation_at"] = DomainError(
            "reservation.range",
            "預約時間須在現在之後的 60 天內",
            "The reservation must be within the next 60 days",
            "reservation_at",
        )
    elif local.weekday() >= 5 or not hours.is_open_at(local.time()):
        errors["reservation_at"] = DomainError(
            "reservation.closed",
            f"預約時間不在辦公時間內（週一至週五 {hours.opens:%H:%M}–{hours.closes:%H:%M}）",
            f"The office is closed then (Mon-Fri {hours.opens:%H:%M}-{hours.closes:%H:%M})",
            "reservation_at",
        )


def _next_number(s: Session, office: str, at: datetime) -> str:
    year = to_roc(at.astimezone(TAIPEI).date())[0]
    prefix = f"{office}-{CHANNEL_DEVICE}-{year:03d}-"
    last = s.scalar(
        select(func.max(CountyCaseRow.case_number)).where(
            CountyCaseRow.case_number.like(prefix + "%")
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


def submit(s: Session, channel: ChannelRow, app: Application, now: datetime) -> dict[str, Any]:
    """Files an application; the case goes to the chosen (or home) office by its next pull."""
    catalogue = notify.county_catalogue(s)
    svc, applicant, office = validate(catalogue, channel.kind, app, now)
    lock_feed(s)
    number = _next_number(s, office, now)
    case_id = str(uuid.uuid4())
    clerk = f"channel:{channel.name}"
    payload: dict[str, Any] = {
        "case_number": number,
        "service_code": svc.code,
        "time_limit_working_days": svc.time_limit_working_days,
        "applicant": {k: applicant[k] for k in ("kind", "id_type", "id", "name")},
        "phone": applicant["phone"],
        "email": app.email.strip(),
        "copies": app.copies,
        "fields": {k: v for k, v in (app.fields or {}).items() if v not in (None, "")},
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
        items = [
            {
                "code": f.code,
                "name": f.name,
                "name_en": f.name_en,
                "unit": f.unit,
                "unit_price": f.unit_price,
                "quantity": app.copies,
                "amount": f.amount(app.copies),
                "additional_unit_price": f.additional_unit_price,
            }
            for f in svc.fee_items
        ]
        fee = {
            "items": items,
            "subtotal": total,
            "reduction": 0,
            "total": total,
            "exemption_reason": "",
            "copies": app.copies,
        }
        events.append(actor.event(case_id, ev.FEE_ASSESSED, now, fee))
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


def _case_by_number(s: Session, case_number: str) -> tuple[CountyCaseRow, CaseState] | None:
    row = s.scalar(select(CountyCaseRow).where(CountyCaseRow.case_number == case_number))
    if row is None:
        return None
    states, _history = service._load_states(s, {row.case_id})
    state = states.get(row.case_id)
    return (row, state) if state is not None else None


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
    channel's transaction id as the payment's reference (交易電子案號)."""
    found = _case_by_number(s, case_number.strip().upper())
    if found is None:
        raise LookupError(case_number)
    row, state = found
    if amount <= 0 or amount > state.balance:
        raise _one(
            "amount",
            "payment.over_balance" if amount > 0 else "payment.amount",
            f"繳費金額須介於 1 到應繳餘額 {state.balance} 元",
            f"The amount must be between 1 and the balance due ({state.balance})",
        )
    if any(p.reference == transaction_id for p in state.payments):
        raise _one(
            "transaction_id",
            "payment.duplicate",
            "此筆交易已入帳",
            "This transaction is already recorded",
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
    _push(s, row.office, [e], now)
    return {
        "case_number": state.case_number,
        "payment_id": payment_id,
        "amount": amount,
        "balance": state.balance - amount,
        "transaction_id": transaction_id,
    }


# --- citizen status -------------------------------------------------------------------------

STAGES: tuple[tuple[str, str, str], ...] = (
    ("received", "收件", "Received"),
    ("payment", "繳費", "Payment"),
    ("supplement", "補正", "Supplement"),
    ("closed", "結案", "Closed"),
)


def status_of(s: Session, case_number: str, id_last4: str) -> dict[str, Any] | None:
    """The four stages of a case and its pickup office, when the last four characters of the
    applicant's ID match; None otherwise (the caller cannot tell which was wrong). Only masked
    data: no name, phone, e-mail, fields or amounts beyond what is still due."""
    found = _case_by_number(s, case_number.strip().upper())
    if found is None:
        return None
    _row, st = found
    if not hmac.compare_digest(st.applicant_id[-4:].upper(), id_last4.strip().upper()[:4]):
        return None
    catalogue = notify.county_catalogue(s)
    finished = st.lifecycle != "open"

    def stage(key: str) -> tuple[str, str | None]:
        if key == "received":
            if st.awaiting_acceptance:
                return "current", st.received_at.isoformat()
            return "done", (st.accepted_at or st.received_at).isoformat()
        if key == "payment":
            if st.fees_due == 0:
                return "not_needed", None
            if st.balance <= 0:
                paid = max((p.at for p in st.payments if p.net > 0), default=None)
                return "done", paid.isoformat() if paid else None
            return "current", None
        if key == "supplement":
            if st.supplement_since is not None:
                return "current", st.supplement_since.isoformat()
            return ("done", None) if st.supplement_reason else ("not_needed", None)
        return (
            ("done", st.closed_at.isoformat() if st.closed_at else None)
            if finished
            else (
                "pending",
                None,
            )
        )

    pickup = st.pickup_office or st.office
    try:
        office = catalogue.office(pickup)
        office_name, office_name_en = office.name, office.name_en
    except DomainError:
        office_name = office_name_en = pickup
    return {
        "case_number": st.case_number,
        "service": catalogue.service_name(st.service_code)
        if catalogue.has_service(st.service_code)
        else st.service_code,
        "applicant_id_masked": mask_id(st.applicant_id),
        "channel": st.channel,
        "status": st.status,
        "status_label": st.status_label("zh_TW"),
        "status_label_en": st.status_label("en"),
        "stages": [
            {"key": k, "label_zh": zh, "label_en": en, "state": a, "at": b}
            for k, zh, en in STAGES
            for a, b in [stage(k)]
        ],
        "pickup_office": pickup,
        "pickup_office_name": office_name,
        "pickup_office_name_en": office_name_en,
        "ready_for_pickup": st.lifecycle == "ready_for_pickup",
        "picked_up": st.lifecycle == "picked_up",
        "balance": max(st.balance, 0),
    }
