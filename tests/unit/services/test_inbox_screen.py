"""A pulled page with events this office cannot apply: each is kept aside, the rest applied."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import check_digit
from eservice_desktop.domain.events import Actor
from eservice_desktop.services.app import App
from eservice_desktop.services.sync.inbox import apply_page
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncReferenceRow
from eservice_desktop.sync.protocol import Change, WireEvent
from tests.unit.services.test_ingest import _case, _received

COUNTY = Actor("H01", "02", "clerk02")


def _change(seq: int, e: object) -> Change:
    return Change(seq=seq, kind="event", data=WireEvent.of(e).model_dump(mode="json"))  # type: ignore[arg-type]


def test_bad_pulled_events_are_kept_aside_and_the_good_one_applies(app: App) -> None:
    _, taken = _case(app)
    head = taken.split("-")
    head[1] = "02"  # the other device's own series

    def number(n: int) -> str:
        body = "-".join([*head[:3], f"{n:0{len(head[3])}d}"])
        return f"{body}-{check_digit(body.replace('-', ''))}"

    negative = _received(app, COUNTY, number(1))
    negative.payload["time_limit_working_days"] = -3
    clash = _received(app, COUNTY, taken)
    good = _received(app, COUNTY, number(2))
    unreadable = Change(seq=4, kind="event", data={"event_id": str(uuid.uuid4()), "type": 7})
    changes = [_change(1, negative), _change(2, clash), unreadable, _change(5, good)]
    with app.transaction() as s:
        out = apply_page(app, s, changes)
    assert [e.event_id for e in out.report.applied] == [good.event_id]
    with app.reading() as s:
        ids = set(s.scalars(select(EventRow.event_id).where(EventRow.type == ev.RECEIVED)))
        parked = set(
            s.scalars(select(SyncReferenceRow.name).where(SyncReferenceRow.name.like("parked:%")))
        )
    assert good.event_id in ids and negative.event_id not in ids and clash.event_id not in ids
    assert len(parked) == 3
