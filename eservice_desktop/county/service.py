"""The county's use cases, independent of HTTP: enrol, authenticate, push, pull, keys, stats.

Each function runs inside the caller's one transaction (``with sessions() as s, s.begin()``).
The use cases live in modules named after them (devices, keys, push with push_rows and
device_chain, attachments); this module names them in one place for the server, its command
line and the tests, and holds the small rest (a case for an office, publishing, statistics).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.county.attachments import attachment_chunk, attachment_get, attachment_start
from eservice_desktop.county.device_chain import CHAIN_BROKEN, CHAIN_EDITED, CHAIN_MISSING
from eservice_desktop.county.devices import (
    CODE_ALPHABET,
    CODE_TTL,
    DEVICE_NUMBER,
    OFFICE_CODE,
    AuthFailed,
    BadRequest,
    DeviceRevoked,
    Forbidden,
    WrongOffice,
    authenticate,
    check_device_number,
    check_office_code,
    enrol,
    known_offices,
    new_enrol_code,
    normalise_code,
    revoke,
)
from eservice_desktop.county.keys import (
    check_keys_open,
    ensure_keys,
    pickup_key_document,
    public_keys,
    rotate_keys,
    seal_plain_keys,
    signing_key,
)
from eservice_desktop.county.push import (
    ID_TAKEN,
    NOT_ROUTED,
    NUMBER_TAKEN,
    UNKNOWN_OFFICE,
    push,
    push_access,
)
from eservice_desktop.county.push_rows import COUNTY_DEVICE, event_row, with_chain
from eservice_desktop.county.store import (
    ConflictRow,
    CountyCaseRow,
    CountyEventRow,
    DeviceRow,
    FeedRow,
    NotificationRow,
    RouteRow,
    event_of,
    lock_feed,
)

__all__ = [
    "CHAIN_BROKEN",
    "CHAIN_EDITED",
    "CHAIN_MISSING",
    "CODE_ALPHABET",
    "CODE_TTL",
    "COUNTY_DEVICE",
    "DEVICE_NUMBER",
    "ID_TAKEN",
    "NOT_ROUTED",
    "NUMBER_TAKEN",
    "OFFICE_CODE",
    "UNKNOWN_OFFICE",
    "AuthFailed",
    "BadRequest",
    "DeviceRevoked",
    "Forbidden",
    "Stats",
    "WrongOffice",
    "attachment_chunk",
    "attachment_get",
    "attachment_start",
    "authenticate",
    "case_for_office",
    "check_device_number",
    "check_keys_open",
    "check_office_code",
    "enrol",
    "ensure_keys",
    "event_row",
    "known_offices",
    "new_enrol_code",
    "normalise_code",
    "pickup_key_document",
    "public_keys",
    "publish",
    "push",
    "push_access",
    "revoke",
    "rotate_keys",
    "seal_plain_keys",
    "signing_key",
    "stats",
]


# --- pull -----------------------------------------------------------------------------------


def case_for_office(s: Session, dev: DeviceRow, case_id: str) -> dict[str, Any] | None:
    """A case's county stream, only when it is routed to the asking office."""
    routed = s.get(RouteRow, (case_id, dev.office))
    if routed is None:
        return None
    row = s.get(CountyCaseRow, case_id)
    evs = s.execute(
        with_chain(select(CountyEventRow))
        .where(CountyEventRow.case_id == case_id)
        .order_by(CountyEventRow.seq)
    )
    return {
        "case_id": case_id,
        "case_number": row.case_number if row else "",
        "status": row.status if row else "",
        "events": [event_of(r, p, h).to_dict() for r, p, h in evs],
    }


def publish(
    s: Session, kind: str, data: dict[str, Any], now: datetime, office: str | None = None
) -> int:
    """Adds a reference-data change (catalogue, calendar, revocation list) to the feed."""
    lock_feed(s)
    row = FeedRow(office=office, kind=kind, source=None, data=data, created_at=now)
    s.add(row)
    s.flush()
    return row.seq


# --- statistics -----------------------------------------------------------------------------


@dataclass
class Stats:
    offices: dict[str, dict[str, int]]
    events: int
    cases: int
    conflicts: int
    notifications: dict[str, int]
    feed_high: int

    def to_json(self) -> dict[str, Any]:
        return {
            "offices": self.offices,
            "events": self.events,
            "cases": self.cases,
            "conflicts": self.conflicts,
            "notifications": self.notifications,
            "feed_high": self.feed_high,
        }


def stats(s: Session) -> Stats:
    offices: dict[str, dict[str, int]] = defaultdict(
        lambda: {"events": 0, "cases": 0, "conflicts": 0}
    )
    for office, n in s.execute(
        select(CountyEventRow.office, func.count()).group_by(CountyEventRow.office)
    ):
        offices[office]["events"] = int(n)
    for office, n in s.execute(
        select(CountyCaseRow.office, func.count()).group_by(CountyCaseRow.office)
    ):
        offices[office]["cases"] = int(n)
    for office, n in s.execute(
        select(ConflictRow.office, func.count()).group_by(ConflictRow.office)
    ):
        offices[office]["conflicts"] = int(n)
    notes = {
        str(k): int(v)
        for k, v in s.execute(
            select(NotificationRow.status, func.count()).group_by(NotificationRow.status)
        )
    }
    return Stats(
        offices=dict(sorted(offices.items())),
        events=sum(o["events"] for o in offices.values()),
        cases=sum(o["cases"] for o in offices.values()),
        conflicts=sum(o["conflicts"] for o in offices.values()),
        notifications=notes,
        feed_high=int(s.scalar(select(func.max(FeedRow.seq))) or 0),
    )
