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
from datetime import datetime

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import DeviceRow, FeedRow
from eservice_desktop.county_link.protocol import MAX_PULL_PAGE, PullResponse, cursor_of

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

    def to_json(self) -> bytes:
        """The PullResponse document: its envelope dumped by the model (the same shape as
        ever; ``remaining`` only when asked), the changes spliced in as stored text."""
        envelope = PullResponse(
            changes=[],
            cursor=self.cursor,
            more=self.more,
            server_time=self.server_time,
            remaining=self.remaining,
        ).model_dump_json(exclude={"remaining"} if self.remaining is None else None)
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
) -> FeedPage:
    """Reads the office's feed after ``since``. The high-water mark is read first: every feed
    row at or below it is committed (appends are serialised), so the cursor never skips one.
    A device's own events are left out unless ``include_own`` (recovery of a restored copy).
    ``count`` also tells how many changes remain after this page (one count query: a client
    asks on the first page of a round to show a long catch-up's progress)."""
    limit = max(1, min(limit, MAX_PULL_PAGE))
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
    remaining = None
    if count:
        remaining = (
            int(
                s.scalar(
                    select(func.count()).select_from(FeedRow).where(*conds, FeedRow.seq > cursor)
                )
                or 0
            )
            if more
            else 0
        )
    return FeedPage(
        rows=[(seq, kind, data) for seq, kind, data in rows],
        cursor=cursor_of(cursor),
        more=more,
        server_time=now,
        remaining=remaining,
    )
