"""Sending the queued notifications: a background thread takes what is due, each message in
its own short transaction (the gateway is called with none open), drops a notice the case has
moved past, retries a failed send with back-off up to MAX_ATTEMPTS, and reports each final
outcome to the offices of its case through the feed.
Re-exported by ``county.notify``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import notice_outcomes
from eservice_desktop.county.county_catalogue import county_catalogue, office_name
from eservice_desktop.county.notice_texts import owed_now
from eservice_desktop.county.notify_gateways import Attachment, Gateway
from eservice_desktop.county.quiet_errors import quiet_traceback
from eservice_desktop.county.store import (
    CountyEventRow,
    FeedRow,
    NotificationRow,
    aware,
    event_of,
    lock_feed,
    utcnow,
)
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import PICKED_UP, READY, CaseState, project
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import SUPPLEMENT_REQUESTED, Event
from eservice_desktop.printing.mms import render_mms_png

log = logging.getLogger("eservice.county.notify")

MAX_ATTEMPTS = 8


def _case_events(s: Session, case_id: str) -> list[Event]:
    rows = s.scalars(
        select(CountyEventRow).where(CountyEventRow.case_id == case_id).order_by(CountyEventRow.seq)
    )
    return [event_of(r) for r in rows]


#: Text messages: they go to the case's mobile number as it is when sent.
_TEXTS = ("sms", "mms")


#: The notices checked against the case when their turn comes, dropped when it cannot be read
#: (the others are sent as queued then).
_CHECKED = ("payment_due", "ready_for_pickup", "supplement_requested")


@dataclass(frozen=True)
class _Due:
    """What a notice is when its turn comes: still true or not, whom it goes to, its words."""

    due: bool
    to: str
    body: str


def _now_due(s: Session, row: NotificationRow) -> _Due:
    """Whether the notice is still true, whom it goes to now, and what it says. A payment-due
    notice is dropped when the case no longer owes (paid, exempted, closed); a ready notice when
    the case is no longer ready or was made ready again with another code (a new number, a new
    code asked: the one it carries is refused at the desks); a supplement notice when its
    request is no longer the one awaited (supplied, asked again with another reason, or the
    case ended: an office's day offline pushed at once told a citizen who had supplied the
    document, and collected the case, 尚需補正); a received notice once the case is collected
    (a backlog pushed at once told a citizen who had her documents 已收件，本所將儘速為您辦理)
    or a later notice of it went out (:func:`_told_later`);
    a withdrawal notice says the fee paid as it is now (refunded in the same push, it told her
    to come for a refund she had been handed); a text message goes to the case's number now
    (``case.phone_changed`` since it was queued: one retried for hours to a phone the citizen
    no longer had kept going there), an e-mail to the case's address now, none once it was
    removed (``case.applicant_corrected``: a mistyped address, a stranger's, went on getting
    the notices queued, retried and resent)."""
    checked = row.stage in _CHECKED
    try:
        events = _case_events(s, row.case_id)
        state = project(events)
    except DomainError:
        return _Due(not checked, row.recipient, row.body)
    to = (state.phone or row.recipient) if row.channel in _TEXTS else state.email
    due = bool(to) and _still_true(row, events, state, s)
    return _Due(due, to or row.recipient, _words_now(s, row, events, state))


def _still_true(row: NotificationRow, events: list[Event], state: CaseState, s: Session) -> bool:
    if row.stage == "payment_due":
        return state.is_open and state.balance > 0 and not state.exemption_reason
    if row.stage == "ready_for_pickup":
        return state.lifecycle == READY and _pickup_number(s, row) == state.pickup_number
    if row.stage == "supplement_requested":
        asked = [e.event_id for e in events if e.type == SUPPLEMENT_REQUESTED]
        awaited = state.supplement_since is not None and state.is_open
        return awaited and asked[-1:] == [row.event_id]
    if row.stage == "received":
        return state.lifecycle != PICKED_UP and not _told_later(s, row)
    return True


def _told_later(s: Session, row: NotificationRow) -> bool:
    """Whether a notice of a later event of the case went out on the row's channel already: a
    received notice whose send failed, retried after the case's 撤件 (or ready) notice got
    through, told the citizen her case was received after it had ended."""
    own = select(CountyEventRow.seq).where(CountyEventRow.event_id == row.event_id)
    later = s.scalar(
        select(NotificationRow.notification_id)
        .join(CountyEventRow, CountyEventRow.event_id == NotificationRow.event_id)
        .where(
            NotificationRow.case_id == row.case_id,
            NotificationRow.channel == row.channel,
            NotificationRow.status == "sent",
            CountyEventRow.seq > own.scalar_subquery(),
        )
        .limit(1)
    )
    return later is not None


def _words_now(s: Session, row: NotificationRow, events: list[Event], state: CaseState) -> str:
    """The withdrawal notice's words from the case as it is now (the fee paid less what was
    handed back since), the ready notice's fee still owed as it is now; every other notice's
    as queued."""
    if row.stage == "ready_for_pickup":
        return owed_now(row.body, state)
    if row.stage != "cancelled":
        return row.body
    event = next((e for e in events if e.event_id == row.event_id), None)
    if event is None:
        return row.body
    # notify imports this module: its words are taken at the call
    from eservice_desktop.county.notify import notice_text

    return notice_text("cancelled", state, event, county_catalogue(s))


def _pickup_number(s: Session, row: NotificationRow) -> str:
    payload = s.scalar(
        select(CountyEventRow.payload).where(CountyEventRow.event_id == row.event_id)
    )
    return str((payload or {}).get("pickup_number", ""))


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


#: How long a message taken for sending is kept from the other server processes (each
#: gateway gives up after 10 s; SMTP's steps have 10 s each); after it a crashed send is due.
SEND_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class _Claim:
    """A message taken for sending: what the gateway is given, read in the claim's
    transaction."""

    channel: str
    recipient: str
    subject: str
    body: str
    picture: Attachment | None


def dispatch_due(sessions: sessionmaker[Session], gateway: Gateway, limit: int = 50) -> int:
    """Sends what is due. Each message is taken in one short transaction, handed to the
    gateway with no transaction open and its outcome written in another: a gateway that
    hung until its timeout held the SQLite county's write lock meanwhile, and every push,
    application and status query waited behind it (18-30 s, then 500). Returns messages
    handled."""
    handled = 0
    for nid in _due(sessions, limit):
        claimed = _claim(sessions, nid)
        if claimed is None:
            continue  # another server process took it
        if isinstance(claimed, _Claim):
            error, ref = _send(gateway, claimed)
            _settle(sessions, nid, error, ref)
        handled += 1
    return handled


def _due(sessions: sessionmaker[Session], limit: int) -> list[str]:
    """The queued messages whose next attempt is due, the longest waiting first; those due at
    the same moment (one push's) in the order of their events. By the time alone PostgreSQL
    gave ties in any order, and a 撤件 notice went out before the 已收件 of the same push."""
    now = utcnow()
    with sessions() as s:
        return list(
            s.scalars(
                select(NotificationRow.notification_id)
                .outerjoin(CountyEventRow, CountyEventRow.event_id == NotificationRow.event_id)
                .where(NotificationRow.status == "queued", NotificationRow.next_attempt_at <= now)
                .order_by(
                    NotificationRow.next_attempt_at,
                    CountyEventRow.seq,
                    NotificationRow.channel,
                    NotificationRow.notification_id,
                )
                .limit(limit)
            )
        )


def _claim(sessions: sessionmaker[Session], nid: str) -> _Claim | bool | None:
    """Takes a due message for one attempt: None when it is not (or no longer) due here,
    True when settled at once (superseded: the case moved on; or its picture failed), else
    what to send, kept from the other processes for :data:`SEND_LEASE`."""
    with sessions() as s, s.begin():
        row = s.get(NotificationRow, nid, with_for_update=True)
        if row is None or row.status != "queued" or aware(row.next_attempt_at) > utcnow():
            return None
        row.attempts += 1
        try:
            now_due = _now_due(s, row)
            row.recipient, row.body = now_due.to, now_due.body
            if not now_due.due:
                row.status = "superseded"  # the case moved on: the notice would be untrue
                _feed_outcome(s, row, {})
                return True
            picture = pickup_picture(s, row)
        except Exception as e:  # retried later, as a failed send
            _failed(s, row, type(e).__name__)
            return True
        row.next_attempt_at = utcnow() + SEND_LEASE
        return _Claim(row.channel, row.recipient, row.subject, row.body, picture)


def _send(gateway: Gateway, m: _Claim) -> tuple[str, str]:
    """The gateway's answer: ("", its reference) or (the failure's name, "")."""
    try:
        return "", gateway.send(m.channel, m.recipient, m.subject, m.body, m.picture)
    except Exception as e:  # any gateway failure is retried later
        return type(e).__name__, ""


def _settle(sessions: sessionmaker[Session], nid: str, error: str, ref: str) -> None:
    """The attempt's outcome: sent, or failed and retried later with backoff until
    MAX_ATTEMPTS; a final one goes to the office's feed."""
    with sessions() as s, s.begin():
        row = s.get(NotificationRow, nid, with_for_update=True)
        if row is None:
            return
        if error:
            _failed(s, row, error)
        else:
            row.status, row.sent_at = "sent", utcnow()
            _feed_outcome(s, row, {"ref": ref})


def _failed(s: Session, row: NotificationRow, error: str) -> None:
    row.last_error = error
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        _feed_outcome(s, row, {})
    else:
        row.next_attempt_at = utcnow() + backoff(row.attempts)
        notice_outcomes.report(s, row, "retrying", utcnow(), {"error": error})
    log.warning("notification %s attempt %d failed: %s", row.notification_id, row.attempts, error)


def _feed_outcome(s: Session, row: NotificationRow, detail: dict[str, Any]) -> None:
    """A message's final outcome goes to the feed of every office of its case (each desk shows
    it on the case: the filing office the ready notice queued under the pickup office's event
    too)."""
    lock_feed(s)
    at = utcnow()
    data = {
        "notification_id": row.notification_id,
        "case_id": row.case_id,
        "channel": row.channel,
        "stage": row.stage,
        "status": row.status,
        "attempts": row.attempts,
        "detail": detail | {"error": row.last_error},
        "at": at.isoformat(),
    }
    for office in notice_outcomes.routed_offices(s, row.case_id, row.office):
        s.add(
            FeedRow(
                office=office,
                kind="notification",
                case_id=row.case_id,
                source=None,
                data=data,
                created_at=at,
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
            except Exception as e:  # its text may hold a recipient's: not logged
                log.warning("notification dispatch round failed:\n%s", quiet_traceback(e))
            self._stop.wait(self.interval)
