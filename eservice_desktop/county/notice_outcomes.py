"""Notice outcomes reported to the offices, and the clerk's resend (docs/protocol.md).

Every change of a notice's state goes to the offices of its case through the change feed
(``kind: notification``): ``queued`` when it is queued (or queued again), ``retrying`` after a
failed attempt that will be retried, then ``sent``, ``failed`` or ``superseded``. A
``case.notice_resend_requested`` event pushed by an office queues the latest notice of that
stage again, on each channel it went out on (unless it is still queued).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import (
    CountyEventRow,
    FeedRow,
    NotificationRow,
    RouteRow,
    lock_feed,
)


def outcome_data(
    row: NotificationRow | dict[str, Any], status: str, at: datetime
) -> dict[str, Any]:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return {
        "notification_id": get("notification_id"),
        "case_id": get("case_id"),
        "channel": get("channel"),
        "stage": get("stage"),
        "status": status,
        "attempts": get("attempts"),
        "at": at.isoformat(),
    }


def routed_offices(s: Session, case_id: str, office: str) -> list[str]:
    """Every office the case is routed to (the filing office, the pickup office, any office
    that wrote to it), with ``office``, the notice's own: a case picked up at another office
    has notices queued under both offices' events (the ready notice under the pickup office's
    ``case.ready_for_pickup``), and each office shows and resends all of them."""
    routed = set(s.scalars(select(RouteRow.office).where(RouteRow.case_id == case_id)))
    return sorted(routed | {office})


def report(
    s: Session,
    row: NotificationRow | dict[str, Any],
    status: str,
    at: datetime,
    detail: dict[str, Any] | None = None,
    *,
    offices: Iterable[str] | None = None,
) -> None:
    """Feed rows telling each office of the case what became of a notice. ``offices``: the
    case's routed offices when the caller holds them (a push, whose new routes are not
    written yet); else read from ``county_routes``."""
    lock_feed(s)
    data = outcome_data(row, status, at)
    if detail is not None:
        data["detail"] = detail
    office = row["office"] if isinstance(row, dict) else row.office
    to = (
        sorted(set(offices) | {office})
        if offices is not None
        else routed_offices(s, data["case_id"], office)
    )
    for each in to:
        s.add(
            FeedRow(
                office=each,
                kind="notification",
                case_id=data["case_id"],
                source=None,
                data=data,
                created_at=at,
            )
        )


def resend(s: Session, case_id: str, stage: str, now: datetime, phone: str | None = None) -> int:
    """Queues the latest notice of ``stage`` again on each of its channels (of the notices one
    push queued, that of its latest event: by the time alone PostgreSQL took any of them, and
    resent a supplement request already answered, dropped then as superseded); returns how many.
    ``phone``: the case's mobile number now; a text message goes to it, not to the number
    the notice first went to (the applicant changed phones since: ``case.phone_changed``)."""
    rows = list(
        s.scalars(
            select(NotificationRow)
            .outerjoin(CountyEventRow, CountyEventRow.event_id == NotificationRow.event_id)
            .where(NotificationRow.case_id == case_id, NotificationRow.stage == stage)
            .order_by(NotificationRow.created_at, CountyEventRow.seq)
        )
    )
    latest: dict[str, NotificationRow] = {}
    for r in rows:
        latest[r.channel] = r
    count = 0
    for r in latest.values():
        if r.status == "queued":
            continue  # on its way already
        if phone and r.channel in ("sms", "mms"):
            r.recipient = phone
        r.status, r.attempts, r.last_error = "queued", 0, ""
        r.next_attempt_at, r.sent_at = now, None
        report(s, r, "queued", now)
        count += 1
    s.flush()
    return count
