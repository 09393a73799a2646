"""A case routed to an office later (ready for pickup at another office) brings that office
its earlier history first: the events the county stored in earlier pushes (loaded with the
case's state), as the documents the first office got, then the new ones."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import factories
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import CountyStore

from eservice_desktop.county import service as county_service
from eservice_desktop.county.store import (
    DeviceRow,
    FeedRow,
    utcnow,
)
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev

CASE_ID = "5b0e8f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b"


@pytest.fixture
def county(county_store: CountyStore) -> CountyStore:
    """The county's database with device H01-01 enrolled (conftest's ``county_store``)."""
    return county_store


def _document(type_: str, payload: dict[str, Any], minutes: int) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "case_id": CASE_ID,
        "type": type_,
        "office": "H01",
        "device": "01",
        "clerk": "王小明",
        "at": (utcnow() - timedelta(hours=1) + timedelta(minutes=minutes)).isoformat(),
        "payload": payload,
    }


def _wire(type_: str, payload: dict[str, Any], minutes: int) -> WireEvent:
    return WireEvent.model_validate(_document(type_, payload, minutes))


def _chained(*steps: tuple[str, dict[str, Any]]) -> list[WireEvent]:
    """The events of ``steps``, one a minute, linked in the device's chain from its start as
    the office links them (``chain.link``): each carries its ``prev`` and ``hash``."""
    prev, out = chain.GENESIS, []
    for minutes, (type_, payload) in enumerate(steps):
        linked = chain.link(ev.Event.from_dict(_document(type_, payload, minutes)), prev)
        assert linked.hash is not None
        prev = linked.hash
        out.append(WireEvent.model_validate(linked.to_dict()))
    return out


def _case_steps(route_to: str) -> list[tuple[str, dict[str, Any]]]:
    """A case received at H01 and made ready for pickup at ``route_to`` at its end."""
    return [
        (ev.RECEIVED, _RECEIVED),
        (ev.SUPPLEMENT_REQUESTED, {"reason": "缺少委託書", "items": []}),
        (ev.SUPPLEMENT_RECEIVED, {}),
        (ev.CLOSED, {}),
        (ev.READY_FOR_PICKUP, {"office": route_to, "pickup_number": "0007"}),
    ]


_RECEIVED = factories.received_payload("H01-01-115-000001-3")


def _push(county: tuple[sessionmaker[Session], DeviceRow], *events: WireEvent) -> None:
    sessions, dev = county
    with sessions() as s, s.begin():
        results = county_service.push(s, s.merge(dev), list(events), utcnow()).results
    assert [r.status for r in results] == ["accepted"] * len(events), [r.reason_en for r in results]


def _feed(sessions: sessionmaker[Session], office: str) -> list[dict[str, Any]]:
    with sessions() as s:
        rows = s.scalars(
            select(FeedRow.data)
            .where(FeedRow.office == office, FeedRow.kind == "event")
            .order_by(FeedRow.seq)
        )
        # the stored JSON as a reader parses it (a document or its text)
        return [json.loads(d) if isinstance(d, str) else d for d in rows]


def test_an_office_joining_a_case_gets_its_stored_history_first(
    county: tuple[sessionmaker[Session], DeviceRow],
) -> None:
    received = _wire(ev.RECEIVED, _RECEIVED, 0)
    supplement = _wire(ev.SUPPLEMENT_REQUESTED, {"reason": "缺少委託書", "items": []}, 1)
    _push(county, received, supplement)
    supplied = _wire(ev.SUPPLEMENT_RECEIVED, {}, 2)
    closed = _wire(ev.CLOSED, {}, 3)
    ready = _wire(ev.READY_FOR_PICKUP, {"office": "L02", "pickup_number": "0007"}, 4)
    _push(county, supplied, closed, ready)

    sessions, _dev = county
    first = _feed(sessions, "H01")
    joined = _feed(sessions, "L02")
    assert [d["event_id"] for d in first] == [
        w.event_id for w in (received, supplement, supplied, closed, ready)
    ]
    # the history: the events from the store, then this push's before the one that routed
    # the case there; each as the document the first office got
    assert joined == first
    assert joined[:2] == [w.to_event().to_dict() for w in (received, supplement)]


def test_a_chained_history_reaches_the_joining_office_with_its_links(
    county: tuple[sessionmaker[Session], DeviceRow],
) -> None:
    """Events linked in the device's chain: the stored history the other office gets carries
    each event's ``prev`` and ``hash``, the documents the first office got, as linked."""
    events = _chained(*_case_steps("L02"))
    _push(county, *events[:2])
    _push(county, *events[2:])

    sessions, _dev = county
    first = _feed(sessions, "H01")
    joined = _feed(sessions, "L02")
    linked = [w.to_event().to_dict() for w in events]
    assert linked[0]["prev"] == chain.GENESIS
    assert first == linked
    assert joined == linked  # the stored two with their links, then this push's three
    for d, w in zip(joined, events, strict=True):
        e = ev.Event.from_dict(d)
        assert (e.prev, e.hash) == (w.prev, w.hash)
        assert chain.event_hash(e, d["prev"]) == d["hash"]  # the hash of what it carries


@pytest.mark.parametrize("chained", [False, True], ids=["unchained", "chained"])
def test_an_office_joining_in_the_same_push_gets_the_whole_case(
    county: tuple[sessionmaker[Session], DeviceRow], chained: bool
) -> None:
    """The case received and routed to another office in one push: that office gets every
    event of the case (none stored before), in order, as the first office got them."""
    steps = _case_steps("L02")
    if chained:
        events = _chained(*steps)
    else:
        events = [_wire(t, p, minutes) for minutes, (t, p) in enumerate(steps)]
    _push(county, *events)

    sessions, _dev = county
    first = _feed(sessions, "H01")
    joined = _feed(sessions, "L02")
    assert [d["event_id"] for d in first] == [w.event_id for w in events]
    assert joined == first == [w.to_event().to_dict() for w in events]
    assert all(("hash" in d) is chained for d in joined)
