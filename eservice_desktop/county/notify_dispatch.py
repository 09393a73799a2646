"""Sending the queued notifications: a background thread takes what is due, each message in
its own short transaction, drops a notice the case has moved past, retries a failed send with
back-off up to MAX_ATTEMPTS, and reports each final outcome to the office through the feed.
Re-exported by ``county.notify``.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import notice_outcomes
from eservice_desktop.county.county_catalogue import county_catalogue, office_name
from eservice_desktop.county.notify_gateways import Attachment, Gateway
from eservice_desktop.county.store import (
    CountyEventRow,
    FeedRow,
    NotificationRow,
    event_of,
    lock_feed,
    utcnow,
)
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import project
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.printing.mms import render_mms_png

log = logging.getLogger("eservice.county.notify")

MAX_ATTEMPTS = 8


def _case_events(s: Session, case_id: str) -> list[Event]:
    rows = s.scalars(
        select(CountyEventRow).where(CountyEventRow.case_id == case_id).order_by(CountyEventRow.seq)
    )
    return [event_of(r) for r in rows]


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
        office_name(county_catalogue(s), claims.office),
        claims.pickup_number,
        token,
        claims.expires_at,
        short_code=short,
        case_number=claims.case_number,
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
