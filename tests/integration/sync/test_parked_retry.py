"""A pulled event set aside by an earlier build is tried again, once, by the next build: what it
can apply now leaves the quarantine (after a county upgrade, the counters' events of a type they
did not know yet stayed out of their cases for good)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync_helpers import CountyServer, enrol, into_feed, new_case, sync_now

from eservice_desktop.county_link.build import reader_build
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.shipped import load_catalogue
from eservice_desktop.services.sync.inbox import park_raw, park_unreadable
from eservice_desktop.services.sync.parked_retry import STATE
from eservice_desktop.services.sync.reference import load_county_reference, put_reference
from eservice_desktop.services.sync.state import get_state, set_state
from eservice_desktop.storage import resources


def _into_feed(county: CountyServer, office: str, event: Event) -> None:
    into_feed(county, office, "event", WireEvent.of(event).model_dump(mode="json"), event.case_id)


def _a_case_for_h03(office: Callable[..., App], county: CountyServer) -> tuple[App, App, str]:
    """Counters of H01 and H03, enrolled; a case taken in at H01 to be picked up at H03."""
    h01, h03 = office("H01", "01", county.url), office("H03", "01", county.url)
    enrol(h01, county)
    enrol(h03, county)
    return h01, h03, new_case(h01, pickup_office="H03")


def _supplement(h01: App, number: str, reason: str) -> Event:
    """H01's request for a supplement to its case ``number``."""
    case_id = cases.load_case(h01, number).case_id
    payload = {"reason": reason, "items": []}
    return Actor("H01", "01", "clerk01").event(case_id, ev.SUPPLEMENT_REQUESTED, h01.now(), payload)


def _earlier_build(app: App) -> None:
    """What the build before this one left in ``sync_state`` after its last round."""
    with app.transaction() as s:
        set_state(s, STATE, reader_build("0.0.9", frozenset({ev.RECEIVED})), app.now())


def test_a_new_build_takes_in_what_an_earlier_one_set_aside(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01, h03, number = _a_case_for_h03(office, sqlite_county)
    supplement = _supplement(h01, number, "缺少委託書")
    _into_feed(sqlite_county, "H03", supplement)  # ahead of its case: H03 cannot apply it
    sync_now(h03)
    assert [q.event_id for q in sync.quarantined(h03)] == [supplement.event_id]
    sync_now(h01)
    arrived = sync_now(h03)  # the case arrives; the same build does not try again
    assert arrived.unparked == 0 and sync.status(h03)["quarantined"] == 1
    assert cases.load_case(h03, number).supplement_reason == ""

    _earlier_build(h03)
    upgraded = sync_now(h03)
    assert upgraded.unparked == 1 and upgraded.to_json()["unparked"] == 1
    assert sync.status(h03)["quarantined"] == 0
    assert cases.load_case(h03, number).supplement_reason == "缺少委託書"
    with h03.reading() as s:
        assert get_state(s, STATE) == reader_build()
    assert sync_now(h03).unparked == 0  # once per build


def test_what_a_new_build_still_cannot_take_stays_aside(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    orphan = Actor("H01", "01", "clerk01").event(
        "01900000-0000-7000-8000-000000000001",
        ev.SUPPLEMENT_REQUESTED,
        h03.now(),
        {"reason": "缺少委託書", "items": []},
    )
    _into_feed(sqlite_county, "H03", orphan)  # a case H03 never receives
    sync_now(h03)
    _earlier_build(h03)

    assert sync_now(h03).unparked == 0
    [row] = sync.quarantined(h03, "en")
    assert row.event_id == orphan.event_id and row.reason_code == "case.not_found"
    assert sync.status(h03)["last_error"] is None


def test_the_reader_changes_with_the_types_it_knows() -> None:
    assert reader_build() == reader_build()
    assert reader_build() != reader_build(types=frozenset({ev.RECEIVED}))
    assert reader_build() != reader_build(version="0.0.9")


def test_an_event_an_earlier_build_could_not_read_is_read_now(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01, h03, number = _a_case_for_h03(office, sqlite_county)
    sync_now(h01)
    sync_now(h03)
    later = _supplement(h01, number, "缺少印章")
    wire = WireEvent.of(later).model_dump(mode="json")
    with h03.transaction() as s:  # as the build before, which did not know the type, left it
        park_unreadable(h03, s, 99, wire, "ValidationError")
        park_unreadable(h03, s, 100, {**wire, "event_id": "cut"}, "ValidationError")
    _earlier_build(h03)

    assert sync_now(h03).unparked == 1
    assert cases.load_case(h03, number).supplement_reason == "缺少印章"
    assert [q.event_id for q in sync.quarantined(h03)] == ["cut"]


def _county_catalogue(price: int) -> dict[str, Any]:
    """The county's catalogue document with the household book at ``price``."""
    doc = resources.read_json("catalogue", "services.json")
    for service in doc["services"]:
        if service["code"] == "HR-HOUSEHOLD-BOOK":
            service["fee_items"][0]["unit_price"] = price
    return doc


def _book_price(app: App) -> int:
    return app.catalogue.service("HR-HOUSEHOLD-BOOK").fee_items[0].unit_price


def _park_catalogue(app: App, seq: int, doc: dict[str, Any]) -> None:
    """As a build that could not read the catalogue set it aside."""
    en = "The county's catalogue change cannot be applied (KeyError)"
    refused = ("change.unusable", "縣府傳來的 catalogue 變更無法套用（KeyError）", en)
    with app.transaction() as s:
        park_raw(app, s, seq, doc, key=seq, refused=refused, kind="catalogue")


def test_the_county_catalogue_an_earlier_build_could_not_read_is_taken_now(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """Before: the counter went on with its old fees until the county published another."""
    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    sync_now(h03)
    _park_catalogue(h03, 50, _county_catalogue(45))
    _earlier_build(h03)
    assert _book_price(h03) == 30
    assert sync_now(h03).unparked == 1
    assert _book_price(h03) == 45 and sync.quarantined(h03) == []
    h03.swap_reference(catalogue=load_catalogue())  # a restart: the county's one is kept
    load_county_reference(h03)
    assert _book_price(h03) == 45


def test_a_catalogue_set_aside_is_not_taken_over_a_later_one(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    _park_catalogue(h03, 50, _county_catalogue(45))
    with h03.transaction() as s:  # the county published again since, and this was taken
        put_reference(s, "catalogue", 60, _county_catalogue(50), h03.now())
    _earlier_build(h03)

    assert sync_now(h03).unparked == 0
    with h03.reading() as s:
        assert get_state(s, STATE) == reader_build()
    assert [q.event_id for q in sync.quarantined(h03)] == ["50"]
