"""Citizen notifications: what to send at which stage, the pluggable gateways, the dispatcher.

A push only *queues* notifications (rows in the same transaction as the events). A separate
dispatcher thread sends them through the configured gateway, with retries and back-off, and
reports each outcome to the office through the change feed. A dead SMS gateway therefore never
slows or fails a sync.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import requests
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county.store import FeedRow, NotificationRow, lock_feed, utcnow
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.events import Event

log = logging.getLogger("eservice.county.notify")

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Message:
    channel: str  # sms | email | mms
    stage: str
    recipient: str
    subject: str
    body: str


def stage_of(before: CaseState | None, after: CaseState, event: Event) -> str | None:
    """The four stages of the seed (received, payment due, supplement, closed/rejected) plus
    ready-for-pickup (the MMS)."""
    t = event.type
    if t == ev.RECEIVED:
        return "received"
    if t == ev.FEE_ASSESSED and after.balance > 0:
        return "payment_due"
    if t == ev.SUPPLEMENT_REQUESTED:
        return "supplement_requested"
    if t == ev.CLOSED:
        return "closed"
    if t == ev.REJECTED:
        return "rejected"
    if t == ev.READY_FOR_PICKUP:
        return "ready_for_pickup"
    return None


_TEXT = {
    "received": "您的案件 {n} 已收件。",
    "payment_due": "您的案件 {n} 應繳規費 {fee} 元，請儘速繳納。",
    "supplement_requested": "您的案件 {n} 需補正：{reason}",
    "closed": "您的案件 {n} 已辦結。",
    "rejected": "您的案件 {n} 已駁回，理由：{reason}",
    "ready_for_pickup": "您的案件 {n} 已可至 {office} 領件，請出示本簡訊條碼。",
}


def messages_for(before: CaseState | None, after: CaseState, event: Event) -> list[Message]:
    stage = stage_of(before, after, event)
    if stage is None:
        return []
    text = _TEXT[stage].format(
        n=after.case_number,
        fee=after.balance,
        reason=after.supplement_reason
        if stage == "supplement_requested"
        else after.rejection_reason,
        office=after.pickup_office or after.office,
    )
    out: list[Message] = []
    subject = f"案件 {after.case_number} 辦理進度通知"
    if after.phone:
        channel = "mms" if stage == "ready_for_pickup" else "sms"
        out.append(Message(channel, stage, after.phone, subject, text))
    if after.email:
        out.append(Message("email", stage, after.email, subject, text))
    return out


def queue(session: Session, event: Event, messages: list[Message], now: datetime) -> None:
    if not messages:
        return
    session.execute(
        insert(NotificationRow),
        [
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
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for m in messages
        ],
    )


class Gateway(Protocol):
    def send(self, channel: str, recipient: str, subject: str, body: str) -> str:
        """Sends one message; returns the gateway's reference; raises on failure."""
        ...


class FileGateway:
    """Development gateway: appends each message as a JSON line to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, channel: str, recipient: str, subject: str, body: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ref = str(uuid.uuid4())
        line = {"ref": ref, "channel": channel, "to": recipient, "subject": subject, "body": body}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        return ref


class SmtpGateway:
    """E-mail through a real SMTP server (STARTTLS when ``starttls``)."""

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
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, channel: str, recipient: str, subject: str, body: str) -> str:
        if channel != "email":
            raise ValueError(f"SMTP cannot send {channel}")
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, recipient, subject
        msg["Message-ID"] = f"<{uuid.uuid4()}@eservice-county>"
        msg.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(msg)
        return str(msg["Message-ID"])


class HttpSmsGateway:
    """An HTTP SMS/MMS provider: POST JSON {to, text, type}; 2xx with {"id"} is success."""

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, channel: str, recipient: str, subject: str, body: str) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = requests.post(
            self.url,
            json={"to": recipient, "text": body, "type": channel},
            headers=headers,
            timeout=self.timeout,
        )
        r.raise_for_status()
        return str(r.json().get("id", ""))


def gateway_from_spec(spec: str) -> Gateway:
    """``file:PATH`` | ``smtp://host:port`` | ``http(s)://sms-provider/...``."""
    if spec.startswith("file:"):
        return FileGateway(Path(spec[5:]))
    if spec.startswith("smtp://"):
        host, _, port = spec[7:].partition(":")
        return SmtpGateway(host, int(port or 25))
    if spec.startswith(("http://", "https://")):
        return HttpSmsGateway(spec)
    raise ValueError(f"unknown gateway {spec!r}")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 5 * 2 ** max(0, attempts - 1)))


def dispatch_due(sessions: sessionmaker[Session], gateway: Gateway, limit: int = 50) -> int:
    """Sends what is due; each message in its own short transaction. Returns messages handled."""
    now = utcnow()
    with sessions() as s:
        due = list(
            s.scalars(
                select(NotificationRow.notification_id)
                .where(NotificationRow.status == "queued", NotificationRow.next_attempt_at <= now)
                .order_by(NotificationRow.next_attempt_at)
                .limit(limit)
            )
        )
    handled = 0
    for nid in due:
        with sessions() as s, s.begin():
            row = s.get(NotificationRow, nid, with_for_update=True)
            if row is None or row.status != "queued":
                continue  # another server process took it
            row.attempts += 1
            detail: dict[str, Any] = {}
            try:
                ref = gateway.send(row.channel, row.recipient, row.subject, row.body)
            except Exception as e:  # any gateway failure is retried later
                row.last_error = type(e).__name__
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                else:
                    row.next_attempt_at = utcnow() + backoff(row.attempts)
                log.warning(
                    "notification %s attempt %d failed: %s", nid, row.attempts, type(e).__name__
                )
            else:
                row.status, row.sent_at = "sent", utcnow()
                detail["ref"] = ref
            if row.status in ("sent", "failed"):
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
                        },
                        created_at=utcnow(),
                    )
                )
            handled += 1
    return handled


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
