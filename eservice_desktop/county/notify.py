"""Citizen notifications: what to send at which stage (sending: notify_dispatch).

A push only *queues* notifications (rows in the same transaction as the events). A separate
dispatcher thread sends them through the configured gateway, with retries and back-off, and
reports each outcome to the office through the change feed. A dead SMS gateway therefore never
slows or fails a sync.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from eservice_desktop.county import notice_outcomes
from eservice_desktop.county.county_catalogue import (
    county_catalogue,
    office_name,
    office_phone,
    sends_mms,
)
from eservice_desktop.county.notice_texts import ENDINGS, due_at_pickup, told_after
from eservice_desktop.county.notify_dispatch import (
    MAX_ATTEMPTS,
    Dispatcher,
    backoff,
    dispatch_due,
    pickup_picture,
)
from eservice_desktop.county.notify_gateways import (
    PASSWORD_ENV,
    TOKEN_ENV,
    Attachment,
    FileGateway,
    Gateway,
    GatewaySecretInSpec,
    GatewaySecretMissing,
    HttpSmsGateway,
    SmtpGateway,
    gateway_from_spec,
)
from eservice_desktop.county.store import (
    NotificationRow,
)
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import READY, CaseState
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.storage import resources

#: The catalogue in county_catalogue, the gateways in notify_gateways, the sending in
#: notify_dispatch; every name is importable from here.
__all__ = [
    "MAX_ATTEMPTS",
    "PASSWORD_ENV",
    "PAYMENT_DUE_HOLD",
    "TAIPEI",
    "TOKEN_ENV",
    "Attachment",
    "Dispatcher",
    "FileGateway",
    "Gateway",
    "GatewaySecretInSpec",
    "GatewaySecretMissing",
    "HttpSmsGateway",
    "Message",
    "SmtpGateway",
    "backoff",
    "county_catalogue",
    "dispatch_due",
    "gateway_from_spec",
    "messages_for",
    "notice_text",
    "office_name",
    "office_phone",
    "pickup_picture",
    "queue",
    "sends_mms",
    "service_label",
    "service_label_en",
    "stage_of",
    "told_after",
]

log = logging.getLogger("eservice.county.notify")


@dataclass(frozen=True)
class Message:
    channel: str  # sms | email | mms
    stage: str
    recipient: str
    subject: str
    body: str


#: A payment-due notice waits this long before it is sent, and is dropped if by then the fee
#: was paid (a clerk who assesses a fee usually takes it at the counter minutes later).
PAYMENT_DUE_HOLD = timedelta(minutes=5)


def stage_of(before: CaseState | None, after: CaseState, event: Event) -> str | None:
    """The four stages of the seed (received, payment due, supplement, closed/rejected); a case
    collected at an office is "closed" by its ready-for-pickup notice (one message, not two).
    A withdrawal (撤件) is told too: asked for by phone, or made by the office, it left the
    citizen waiting for a ready notice that would never come."""
    t = event.type
    if t == ev.RECEIVED:
        return "received"
    if (
        t == ev.FEE_ASSESSED
        and after.balance > 0
        and not after.exemption_reason
        and (after.online or event.at != after.received_at)
    ):
        # the assessment made at intake is paid at the counter there and then: the citizen
        # is told only of a fee assessed (or raised) later; a web or kiosk applicant is at no
        # counter, so the fee assessed with the application is the one to tell them of
        return "payment_due"
    if t == ev.SUPPLEMENT_REQUESTED:
        return "supplement_requested"
    if t == ev.CLOSED and after.pickup_method == "mail":
        return "closed"
    if t == ev.REJECTED:
        return "rejected"
    if t == ev.READY_FOR_PICKUP:
        return "ready_for_pickup"
    if t == ev.CANCELLED:
        return "cancelled"
    if t == ev.PAYMENT_REFUNDED:
        return "refunded"
    return None


def _expiry(event: Event) -> str:
    """The pickup deadline as a ROC date: the signed token's, else the event's."""
    moment: datetime | None = None
    token = str(event.payload.get("token", ""))
    if token:
        try:
            moment = pt.parse_claims(pt.token_bytes(token)).expires_at
        except DomainError:
            moment = None
    if moment is None:
        try:
            moment = datetime.fromisoformat(str(event.payload.get("expires_at", "")))
        except ValueError:
            return ""
    return format_roc(moment.astimezone(TAIPEI).date(), "long")


_CHANNEL_MARK = re.compile(r"\s*[（(](?:預約|全程式)[）)]$")
_CHANNEL_MARK_EN = re.compile(r"\s*\((?:online reservation|fully online, MOICA)\)$")


def service_label(catalogue: Catalogue, code: str) -> str:
    """The service's name as a citizen says it: the catalogue's name without the seed's channel
    mark ("請領戶籍謄本(預約)" -> "請領戶籍謄本")."""
    return _CHANNEL_MARK.sub("", catalogue.service_name(code))


def service_label_en(catalogue: Catalogue, code: str) -> str:
    """The English name as :func:`service_label` says it ("… (online reservation)" left out:
    the status page told a citizen who applied at the counter it was an online reservation),
    or the code of a service the catalogue no longer lists."""
    if not catalogue.has_service(code):
        return code
    return _CHANNEL_MARK_EN.sub("", catalogue.service(code).name_en)


def _replaced(number: str) -> str:
    """The ready notice of a case made ready again: the citizen held two messages and showed
    the first, whose code every desk refuses (此條碼已被新的領件通知取代)."""
    return f"本通知取代先前的領件通知，原領件號碼 {number} 已失效。" if number else ""


def notice_text(
    stage: str,
    state: CaseState,
    event: Event,
    catalogue: Catalogue,
    *,
    mms: bool = False,
    replaces: str = "",
) -> str:
    """The notice in natural zh-TW, signed with the office's name (never its code).
    ``replaces``: the pickup number of the ready notice this one replaces (a new number, a new
    code asked), which the text says is dead."""
    office = office_name(catalogue, state.office)
    pickup = office_name(catalogue, state.pickup_office or state.office)
    service = service_label(catalogue, state.service_code)
    what = f"您申請的「{service}」（案件編號 {state.case_number}）"
    head = f"【{office}】"
    if stage == "received" and state.online:
        # sent at submission, before the office's 收件 (case.accepted): "已收件" said what the
        # status page (收件：進行中) and the office had not said yet
        return (
            f"{head}您線上申辦的「{service}」已送達本所，案件編號 {state.case_number}，"
            "待本所收件後儘速為您辦理。"
        )
    if stage == "received":
        return (
            f"{head}您申請的「{service}」已收件，案件編號 {state.case_number}，本所將儘速為您辦理。"
        )
    if stage == "payment_due":
        return (
            f"{head}{what}應繳規費新臺幣 {state.balance:,} 元，"
            "請至本所櫃檯或線上繳納，繳費後即續行辦理。"
        )
    if stage in ENDINGS:
        return head + ENDINGS[stage](state, event, what, catalogue)
    if stage == "closed":
        return f"{head}{what}已辦結，文件將郵寄至您的通訊地址，請留意收件。"
    if stage == "ready_for_pickup":
        number = str(event.payload.get("pickup_number", state.pickup_number))
        until = _expiry(event)
        by = f"請於{until}前" if until else "請"
        if mms:
            token = str(event.payload.get("token", ""))
            return (
                f"{head}{what}已辦結，{by}至{pickup}領件（領件號碼 {number}），"
                f"出示本簡訊條碼即可領取；無法掃描時請告知口述領件碼 {pt.short_code(token)}。"
                f"{due_at_pickup(state)}{_replaced(replaces)}"
            )
        return (
            f"{head}{what}已辦結，{by}攜帶身分證件至{pickup}領件（領件號碼 {number}）。"
            f"{due_at_pickup(state)}{_replaced(replaces)}"
        )
    raise ValueError(stage)


def messages_for(
    before: CaseState | None,
    after: CaseState,
    event: Event,
    catalogue: Catalogue | None = None,
) -> list[Message]:
    stage = stage_of(before, after, event)
    if stage is None or not (after.phone or after.email):
        return []  # nobody to tell: no notice written (most pushed events)
    cat = catalogue if catalogue is not None else _shipped_catalogue()
    mms = stage == "ready_for_pickup" and bool(event.payload.get("token")) and sends_mms(cat, after)
    replaces = ""
    if before is not None and before.lifecycle == READY and stage == "ready_for_pickup":
        replaces = before.pickup_number  # made ready again: a new number, a new code asked
    text = notice_text(stage, after, event, cat, mms=mms, replaces=replaces)
    out: list[Message] = []
    subject = f"{office_name(cat, after.office)}：案件 {after.case_number} 辦理進度通知"
    if after.phone:
        out.append(Message("mms" if mms else "sms", stage, after.phone, subject, text))
    if after.email:
        out.append(Message("email", stage, after.email, subject, text))
    return out


def _shipped_catalogue() -> Catalogue:
    return Catalogue.from_dict(
        resources.read_json("catalogue", "services.json"),
        resources.read_json("catalogue", "offices.json"),
    )


def queue(
    session: Session,
    event: Event,
    messages: list[Message],
    now: datetime,
    offices: Iterable[str] | None = None,
) -> None:
    """Stores ``messages`` for the dispatcher and tells the case's offices (``offices``: its
    routed offices, held by a push whose routes are not written yet) they are queued."""
    if not messages:
        return
    rows = [
        {
            "notification_id": str(uuid.uuid4()),
            "event_id": event.event_id,
            "case_id": event.case_id,
            "office": event.office,
            "channel": m.channel,
            "stage": m.stage,
            "recipient": m.recipient,
            "subject": m.subject,
            "body": m.body,
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": now + PAYMENT_DUE_HOLD if m.stage == "payment_due" else now,
            "last_error": "",
            "created_at": now,
        }
        for m in messages
    ]
    session.execute(insert(NotificationRow), rows)
    for row in rows:
        # the offices show it at once
        notice_outcomes.report(session, row, "queued", now, offices=offices)
