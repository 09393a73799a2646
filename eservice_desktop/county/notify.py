"""Citizen notifications: what to send at which stage, the pluggable gateways, the dispatcher.

A push only *queues* notifications (rows in the same transaction as the events). A separate
dispatcher thread sends them through the configured gateway, with retries and back-off, and
reports each outcome to the office through the change feed. A dead SMS gateway therefore never
slows or fails a sync.
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import notice_outcomes
from eservice_desktop.county.store import (
    CountyEventRow,
    FeedRow,
    NotificationRow,
    aware,
    lock_feed,
    utcnow,
)
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import CaseState, project
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.printing.mms import render_mms_png
from eservice_desktop.storage import resources

log = logging.getLogger("eservice.county.notify")
TAIPEI = ZoneInfo("Asia/Taipei")

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Message:
    channel: str  # sms | email | mms
    stage: str
    recipient: str
    subject: str
    body: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (the MMS pickup picture)."""

    filename: str
    content_type: str
    data: bytes


#: A payment-due notice waits this long before it is sent, and is dropped if by then the fee
#: was paid (a clerk who assesses a fee usually takes it at the counter minutes later).
PAYMENT_DUE_HOLD = timedelta(minutes=5)


# --- the catalogue the county goes by ---------------------------------------------------------

#: (database, seq of the published catalogue) -> the catalogue built from it.
_catalogue_cache: dict[tuple[str, int], Catalogue] = {}


def county_catalogue(session: Session) -> Catalogue:
    """The catalogue the county published last (``publish catalogue``), else the shipped one;
    offices always from the shipped ``offices.json``."""
    memo = session.info.get("county_catalogue")
    if isinstance(memo, Catalogue):
        return memo  # one look-up per transaction (a push of many events)
    seq = session.scalar(select(func.max(FeedRow.seq)).where(FeedRow.kind == "catalogue")) or 0
    bind = session.get_bind()
    key = (str(bind.engine.url), seq)
    cached = _catalogue_cache.get(key)
    if cached is not None:
        session.info["county_catalogue"] = cached
        return cached
    offices = resources.read_json("catalogue", "offices.json")
    shipped = resources.read_json("catalogue", "services.json")
    catalogue: Catalogue | None = None
    if seq:
        row = session.get(FeedRow, seq)
        try:
            catalogue = Catalogue.from_dict(dict(row.data) if row else {}, offices)
        except (DomainError, KeyError, ValueError, TypeError):
            log.warning("published catalogue %s refused; using the shipped one", seq)
    if catalogue is None:
        catalogue = Catalogue.from_dict(shipped, offices)
    if len(_catalogue_cache) > 8:
        _catalogue_cache.clear()
    _catalogue_cache[key] = catalogue
    session.info["county_catalogue"] = catalogue
    return catalogue


def _office_name(catalogue: Catalogue, code: str) -> str:
    try:
        return catalogue.office(code).name
    except DomainError:
        return code


def sends_mms(catalogue: Catalogue, state: CaseState) -> bool:
    """The ready notice is an MMS with the pickup code only when the catalogue flags both the
    service and the pickup office (seed appendix 21)."""
    if not catalogue.has_service(state.service_code):
        return False
    try:
        office = catalogue.office(state.pickup_office or state.office)
    except DomainError:
        return False
    return catalogue.service(state.service_code).mms_pickup and office.mms_pickup


def stage_of(before: CaseState | None, after: CaseState, event: Event) -> str | None:
    """The four stages of the seed (received, payment due, supplement, closed/rejected); a case
    collected at an office is "closed" by its ready-for-pickup notice (one message, not two)."""
    t = event.type
    if t == ev.RECEIVED:
        return "received"
    if (
        t == ev.FEE_ASSESSED
        and after.balance > 0
        and not after.exemption_reason
        and event.at != after.received_at
    ):
        # the assessment made at intake is paid at the counter there and then: the citizen
        # is told only of a fee assessed (or raised) later
        return "payment_due"
    if t == ev.SUPPLEMENT_REQUESTED:
        return "supplement_requested"
    if t == ev.CLOSED and after.pickup_method == "mail":
        return "closed"
    if t == ev.REJECTED:
        return "rejected"
    if t == ev.READY_FOR_PICKUP:
        return "ready_for_pickup"
    return None


def _sentence(text: str) -> str:
    """A reason typed by a clerk, as the end of a sentence: one full stop, no doubled one."""
    text = " ".join(text.split()).rstrip("。．.；;，, ")
    return text + "。" if text else ""


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


def service_label(catalogue: Catalogue, code: str) -> str:
    """The service's name as a citizen says it: the catalogue's name without the seed's channel
    mark ("請領戶籍謄本(預約)" -> "請領戶籍謄本")."""
    return _CHANNEL_MARK.sub("", catalogue.service_name(code))


def notice_text(
    stage: str, state: CaseState, event: Event, catalogue: Catalogue, *, mms: bool = False
) -> str:
    """The notice in natural zh-TW, signed with the office's name (never its code)."""
    office = _office_name(catalogue, state.office)
    pickup = _office_name(catalogue, state.pickup_office or state.office)
    service = service_label(catalogue, state.service_code)
    what = f"您申請的「{service}」（案件編號 {state.case_number}）"
    head = f"【{office}】"
    if stage == "received":
        return (
            f"{head}您申請的「{service}」已收件，案件編號 {state.case_number}，本所將儘速為您辦理。"
        )
    if stage == "payment_due":
        return (
            f"{head}{what}應繳規費新臺幣 {state.balance:,} 元，"
            "請至本所櫃檯或線上繳納，繳費後即續行辦理。"
        )
    if stage == "supplement_requested":
        reason = _sentence(state.supplement_reason) or "請洽本所。"
        return f"{head}{what}尚需補正：{reason}請於補正後送交本所，以便續辦。"
    if stage == "closed":
        return f"{head}{what}已辦結，文件將郵寄至您的通訊地址，請留意收件。"
    if stage == "rejected":
        reason = _sentence(state.rejection_reason) or "詳如處分書。"
        return f"{head}很抱歉，{what}經審查未能核准，理由：{reason}如有疑問，請洽本所。"
    if stage == "ready_for_pickup":
        number = str(event.payload.get("pickup_number", state.pickup_number))
        until = _expiry(event)
        by = f"請於{until}前" if until else "請"
        if mms:
            token = str(event.payload.get("token", ""))
            return (
                f"{head}{what}已辦結，{by}至{pickup}領件（領件號碼 {number}），"
                f"出示本簡訊條碼即可領取；無法掃描時請告知口述領件碼 {pt.short_code(token)}。"
            )
        return f"{head}{what}已辦結，{by}攜帶身分證件至{pickup}領件（領件號碼 {number}）。"
    raise ValueError(stage)


def messages_for(
    before: CaseState | None,
    after: CaseState,
    event: Event,
    catalogue: Catalogue | None = None,
) -> list[Message]:
    stage = stage_of(before, after, event)
    if stage is None:
        return []
    cat = catalogue if catalogue is not None else _shipped_catalogue()
    mms = stage == "ready_for_pickup" and bool(event.payload.get("token")) and sends_mms(cat, after)
    text = notice_text(stage, after, event, cat, mms=mms)
    out: list[Message] = []
    subject = f"{_office_name(cat, after.office)}：案件 {after.case_number} 辦理進度通知"
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


def queue(session: Session, event: Event, messages: list[Message], now: datetime) -> None:
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
        notice_outcomes.report(session, row, "queued", now)  # the office shows it at once


class Gateway(Protocol):
    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        """Sends one message (with the MMS picture when given); returns the gateway's
        reference; raises on failure."""
        ...


class FileGateway:
    """Development gateway: appends each message as a JSON line to a file; an attachment is
    written beside it (``<ref>.png``) and named in the line's ``"attachment"``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ref = str(uuid.uuid4())
        line: dict[str, Any] = {
            "ref": ref,
            "channel": channel,
            "to": recipient,
            "subject": subject,
            "body": body,
        }
        if attachment is not None:
            suffix = Path(attachment.filename).suffix or ".bin"
            name = f"{self.path.stem}-{ref}{suffix}"
            tmp = self.path.parent / (name + ".tmp")
            tmp.write_bytes(attachment.data)
            tmp.replace(self.path.parent / name)  # whole before the line names it
            line["attachment"] = name
            line["attachment_type"] = attachment.content_type
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        return ref


class SmtpGateway:
    """E-mail through a real SMTP server (STARTTLS when ``starttls``). An MMS goes through the
    carrier's e-mail-to-MMS relay (``<phone>@mms_domain``) when ``mms_domain`` is set. The
    picture is attached to the mail."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str = "noreply@example.gov.tw",
        user: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
        mms_domain: str = "",
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout
        self.mms_domain = mms_domain

    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        if channel == "mms" and self.mms_domain:
            recipient = f"{recipient}@{self.mms_domain}"
        elif channel != "email":
            raise ValueError(f"SMTP cannot send {channel}")
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, recipient, subject
        msg["Message-ID"] = f"<{uuid.uuid4()}@eservice-county>"
        msg.set_content(body)
        if attachment is not None:
            main, _, sub = attachment.content_type.partition("/")
            msg.add_attachment(
                attachment.data, maintype=main, subtype=sub, filename=attachment.filename
            )
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(msg)
        return str(msg["Message-ID"])


class HttpSmsGateway:
    """An HTTP SMS/MMS provider: POST JSON {to, text, type}, or for a message with a picture a
    multipart/form-data POST with the fields ``to``, ``text``, ``type`` and the file ``image``;
    2xx with {"id"} is success."""

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        fields = {"to": recipient, "text": body, "type": channel}
        if attachment is None:
            r = requests.post(self.url, json=fields, headers=headers, timeout=self.timeout)
        else:
            r = requests.post(
                self.url,
                data=fields,
                files={"image": (attachment.filename, attachment.data, attachment.content_type)},
                headers=headers,
                timeout=self.timeout,
            )
        r.raise_for_status()
        return str(r.json().get("id", ""))


def gateway_from_spec(spec: str) -> Gateway:
    """``file:PATH`` | ``smtp://host:port[?mms_domain=D]`` | ``http(s)://sms-provider/...``."""
    if spec.startswith("file:"):
        return FileGateway(Path(spec[5:]))
    if spec.startswith("smtp://"):
        address, _, query = spec[7:].partition("?")
        host, _, port = address.partition(":")
        options = parse_qs(query)
        return SmtpGateway(host, int(port or 25), mms_domain=options.get("mms_domain", [""])[0])
    if spec.startswith(("http://", "https://")):
        return HttpSmsGateway(spec)
    raise ValueError(f"unknown gateway {spec!r}")


def _case_events(s: Session, case_id: str) -> list[Event]:
    rows = s.scalars(
        select(CountyEventRow).where(CountyEventRow.case_id == case_id).order_by(CountyEventRow.seq)
    )
    return [
        Event(
            event_id=r.event_id,
            case_id=r.case_id,
            type=r.type,
            office=r.office,
            device=r.device,
            clerk=r.clerk,
            at=aware(r.at),
            payload=dict(r.payload),
        )
        for r in rows
    ]


class _Superseded(Exception):
    """The notice no longer matches the case."""


def _still_due(s: Session, row: NotificationRow) -> bool:
    """A payment-due notice is dropped when the case no longer owes (paid, exempted, closed)."""
    if row.stage != "payment_due":
        return True
    try:
        state = project(_case_events(s, row.case_id))
    except DomainError:
        return False
    return state.is_open and state.balance > 0 and not state.exemption_reason


def pickup_picture(s: Session, row: NotificationRow) -> Attachment | None:
    """The MMS picture for a ready notice whose text carries the short code: the same signed
    token the desk verifies, drawn by ``printing.mms``."""
    if row.stage != "ready_for_pickup":
        return None
    event = s.scalar(select(CountyEventRow).where(CountyEventRow.event_id == row.event_id))
    if event is None or not event.payload.get("token"):
        return None
    token = str(event.payload["token"])
    short = pt.short_code(token)
    if short not in row.body:
        return None  # an SMS-only ready notice
    claims = pt.parse_claims(pt.token_bytes(token))  # what the picture says is what it signs
    png = render_mms_png(
        _office_name(county_catalogue(s), claims.office),
        claims.pickup_number,
        token,
        claims.expires_at,
        short_code=short,
    )
    return Attachment(f"pickup-{short}.png", "image/png", png)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 5 * 2 ** max(0, attempts - 1)))


def dispatch_due(sessions: sessionmaker[Session], gateway: Gateway, limit: int = 50) -> int:
    """Sends what is due; each message in its own short transaction. Returns messages handled."""
    handled = 0
    for nid in _due(sessions, limit):
        with sessions() as s, s.begin():
            row = s.get(NotificationRow, nid, with_for_update=True)
            if row is None or row.status != "queued":
                continue  # another server process took it
            detail = _attempt(s, row, gateway)
            if row.status in ("sent", "failed", "superseded"):
                _feed_outcome(s, row, detail)
            handled += 1
    return handled


def _due(sessions: sessionmaker[Session], limit: int) -> list[str]:
    """The queued messages whose next attempt is due, the longest waiting first."""
    now = utcnow()
    with sessions() as s:
        return list(
            s.scalars(
                select(NotificationRow.notification_id)
                .where(NotificationRow.status == "queued", NotificationRow.next_attempt_at <= now)
                .order_by(NotificationRow.next_attempt_at)
                .limit(limit)
            )
        )


def _attempt(s: Session, row: NotificationRow, gateway: Gateway) -> dict[str, Any]:
    """One send: sent, superseded (the case moved on), or failed and retried later with
    backoff until MAX_ATTEMPTS. Returns the detail the feed reports (the gateway's ref)."""
    row.attempts += 1
    detail: dict[str, Any] = {}
    try:
        if not _still_due(s, row):
            raise _Superseded
        picture = pickup_picture(s, row)
        ref = gateway.send(row.channel, row.recipient, row.subject, row.body, picture)
    except _Superseded:
        row.status = "superseded"  # the case moved on: the notice would be untrue
    except Exception as e:  # any gateway failure is retried later
        row.last_error = type(e).__name__
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
        else:
            row.next_attempt_at = utcnow() + backoff(row.attempts)
            notice_outcomes.report(s, row, "retrying", utcnow(), {"error": row.last_error})
        log.warning(
            "notification %s attempt %d failed: %s",
            row.notification_id,
            row.attempts,
            type(e).__name__,
        )
    else:
        row.status, row.sent_at = "sent", utcnow()
        detail["ref"] = ref
    return detail


def _feed_outcome(s: Session, row: NotificationRow, detail: dict[str, Any]) -> None:
    """A message's final outcome goes to its office's feed (the desk shows it on the case)."""
    lock_feed(s)
    s.add(
        FeedRow(
            office=row.office,
            kind="notification",
            case_id=row.case_id,
            source=None,
            data={
                "notification_id": row.notification_id,
                "case_id": row.case_id,
                "channel": row.channel,
                "stage": row.stage,
                "status": row.status,
                "attempts": row.attempts,
                "detail": detail | {"error": row.last_error},
                "at": utcnow().isoformat(),
            },
            created_at=utcnow(),
        )
    )


class Dispatcher:
    """Background thread of the server process sending queued notifications."""

    def __init__(self, sessions: sessionmaker[Session], gateway: Gateway, interval: float = 1.0):
        self.sessions, self.gateway, self.interval = sessions, gateway, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="county-notify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                dispatch_due(self.sessions, self.gateway)
            except Exception:
                log.warning("notification dispatch round failed", exc_info=True)
            self._stop.wait(self.interval)
