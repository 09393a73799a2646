"""An office's pull: a page of the county's change feed, answered with the stored JSON.

Every feed row's ``data`` was checked when it entered the feed (a pushed event by the push's
checks, reference data by whoever published it) and is stored as JSON text. The answer passes
that text through as it is: decoding each row into Python objects and encoding them again for
the answer was most of the county's time per pulled event (a catch-up reads a million rows).
The answer is exactly the :class:`protocol.PullResponse` document the office validates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Text, cast, func, select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import DeviceRow, FeedRow
from eservice_desktop.county_link.protocol import (
    MAX_OFFICE_DEVICES,
    MAX_PULL_PAGE,
    OfficeDevice,
    PullResponse,
    RevokedDevice,
    cursor_of,
)

#: How the answer of an empty page starts; the changes are written between its brackets.
_HEAD = '{"changes":[]'


@dataclass(frozen=True)
class FeedPage:
    """A page of the feed: ``rows`` are (seq, kind, data as its stored JSON text)."""

    rows: list[tuple[int, str, str]]
    cursor: str
    more: bool
    server_time: datetime
    #: Changes left after this page when the pull asked for the count, else None.
    remaining: int | None = None
    #: When the row at ``cursor`` was written, when the pull asked (``stamped``), else None.
    cursor_at: datetime | None = None
    #: The cursor the page starts after instead of ``since``, when the feed was rewound.
    rewound_to: str | None = None
    #: The office's counters and when each last synced, when the pull asked (``devices``).
    devices: list[OfficeDevice] | None = None
    #: The office's revoked counters, when the pull asked (``revoked``).
    revoked: list[RevokedDevice] | None = None

    def to_json(self) -> bytes:
        """The PullResponse document: its envelope dumped by the model (the same shape as
        ever; ``remaining``, ``cursor_at``, ``rewound_to`` and ``devices`` only when there),
        the changes spliced in as stored text."""
        optional = {"remaining", "cursor_at", "rewound_to", "devices", "revoked"}
        envelope = PullResponse(
            changes=[],
            cursor=self.cursor,
            more=self.more,
            server_time=self.server_time,
            remaining=self.remaining,
            cursor_at=self.cursor_at,
            rewound_to=self.rewound_to,
            devices=self.devices,
            revoked=self.revoked,
        ).model_dump_json(exclude={k for k in optional if getattr(self, k) is None})
        if not envelope.startswith(_HEAD):  # the model's field order is the wire's
            raise AssertionError("PullResponse no longer starts with its changes")
        kinds: dict[str, str] = {}
        parts = []
        for seq, kind, data in self.rows:
            quoted = kinds.get(kind)
            if quoted is None:
                quoted = kinds[kind] = json.dumps(kind)
            parts.append(f'{{"seq":{int(seq)},"kind":{quoted},"data":{data}}}')
        return ('{"changes":[' + ",".join(parts) + "]" + envelope[len(_HEAD) :]).encode()


def pull(
    s: Session,
    dev: DeviceRow,
    since: int,
    limit: int,
    now: datetime,
    *,
    include_own: bool = False,
    count: bool = False,
    stamp: Stamp | None = None,
    devices: bool = False,
    revoked: bool = False,
) -> FeedPage:
    """Reads the office's feed after ``since``. The high-water mark is read first: every feed
    row at or below it is committed (appends are serialised), so the cursor never skips one.
    A device's own events are left out unless ``include_own`` (recovery of a restored copy).
    ``count`` also tells how many changes remain after this page (one count query: a client
    asks on the first page of a round to show a long catch-up's progress). ``stamp``: the
    office asked for the cursor's time, and sent the one of ``since`` when it has it
    (:func:`rewound_to`). ``devices``: also the office's counters (:func:`office_devices`)."""
    limit = max(1, min(limit, MAX_PULL_PAGE))
    resume = rewound_to(s, since, stamp.since_at) if stamp and stamp.since_at else None
    if resume is not None:
        since = resume
    high = s.scalar(select(func.max(FeedRow.seq))) or 0
    conds = [
        FeedRow.seq > since,
        FeedRow.seq <= high,
        (FeedRow.office == dev.office) | FeedRow.office.is_(None),
    ]
    if not include_own:
        conds.append(FeedRow.source.is_(None) | (FeedRow.source != dev.device_key))
    # columns, not ORM objects, and the data as its stored text (see the module docstring)
    rows = s.execute(
        select(FeedRow.seq, FeedRow.kind, cast(FeedRow.data, Text))
        .where(*conds)
        .order_by(FeedRow.seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1][0] if more else max(high, since)
    remaining = _remaining(s, conds, cursor) if count and more else (0 if count else None)
    return FeedPage(
        rows=[(seq, kind, data) for seq, kind, data in rows],
        cursor=cursor_of(cursor),
        more=more,
        server_time=now,
        remaining=remaining,
        cursor_at=_written_at(s, cursor) if stamp else None,
        rewound_to=None if resume is None else cursor_of(resume),
        devices=office_devices(s, dev.office) if devices else None,
        revoked=revoked_devices(s, dev.office) if revoked else None,
    )


def office_devices(s: Session, office: str) -> list[OfficeDevice]:
    """The office's enrolled counters, revoked ones left out, with when each last synced and
    was last seen: a counter's receipts reach the other counters only by sync, so the
    office-wide closing names those that may not have sent their day yet."""
    rows = s.execute(
        select(DeviceRow.device, DeviceRow.synced_at, DeviceRow.last_seen_at)
        .where(DeviceRow.office == office, DeviceRow.revoked_at.is_(None))
        .order_by(DeviceRow.device)
        .limit(MAX_OFFICE_DEVICES)
    )
    return [
        OfficeDevice(
            device=device,
            synced_at=_utc(synced) if synced is not None else None,
            last_seen_at=_utc(seen) if seen is not None else None,
        )
        for device, synced, seen in rows
    ]


def revoked_devices(s: Session, office: str) -> list[RevokedDevice]:
    """The office's revoked counters, newest revocation first, with when each last synced: a
    stolen counter's receipts after that never reach the county."""
    rows = s.execute(
        select(DeviceRow.device, DeviceRow.synced_at, DeviceRow.last_seen_at, DeviceRow.revoked_at)
        .where(DeviceRow.office == office, DeviceRow.revoked_at.is_not(None))
        .order_by(DeviceRow.revoked_at.desc())
        .limit(MAX_OFFICE_DEVICES)
    )
    return [
        RevokedDevice(
            device=device,
            synced_at=_utc(synced) if synced is not None else None,
            last_seen_at=_utc(seen) if seen is not None else None,
            revoked_at=_utc(revoked),
        )
        for device, synced, seen, revoked in rows
        if revoked is not None
    ]


def _remaining(s: Session, conds: list[ColumnElement[bool]], cursor: int) -> int:
    """How many of the office's changes come after ``cursor``."""
    query = select(func.count()).select_from(FeedRow).where(*conds, FeedRow.seq > cursor)
    return int(s.scalar(query) or 0)


@dataclass(frozen=True)
class Stamp:
    """A pull that asked for the cursor's time (``stamped=true``), with the time of its
    ``since`` as the county answered it then (``since_at``), when the office has it."""

    since_at: datetime | None = None


def _utc(at: datetime) -> datetime:
    """``at`` as an aware UTC time (SQLite gives the stored time back without its zone)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _written_at(s: Session, seq: int) -> datetime | None:
    if seq <= 0:
        return None
    at = s.scalar(select(FeedRow.created_at).where(FeedRow.seq == seq))
    return None if at is None else _utc(at)


def rewound_to(s: Session, since: int, since_at: datetime) -> int | None:
    """None when the row at ``since`` is the one the office pulled up to (written at
    ``since_at``); else the cursor to go on from: the county was restored from an older
    backup. Its feed ended before ``since``, and every row it wrote since then took a seq the
    office had passed already, which it would never have pulled. The rows the backup held were
    all written at or before ``since_at``, those written after the restore after it: the last
    row written by then is the last both hold. (A full scan on a rewound feed only: it happens
    once per office after a restore.)"""
    if since <= 0:
        return None
    at = _written_at(s, since)
    if at is not None and at == _utc(since_at):
        return None
    last = s.scalar(select(func.max(FeedRow.seq)).where(FeedRow.created_at <= _utc(since_at)))
    resume = min(int(last or 0), since)
    return None if resume == since else resume
