"""A county feed carrying reference changes this office cannot use (a calendar it cannot
parse, a notification without its keys): set aside like an unreadable event, the rest of the
page applied, the cursor moved on, so no change can stop the office's pulls for ever."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import factories
import pytest
from sync_helpers import CountyServer, enrol, into_feed, new_case, sync_now

from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.services import audit, cases, sync
from eservice_desktop.services.core import App


def _h02_received(app: App) -> Event:
    """A case received at H02 for pickup at H03, as the county would carry it to H03."""
    payload = factories.received_payload(str(CaseNumber("H02", "01", 115, 1)))
    payload["pickup"] = {"method": "counter", "office": "H03"}
    return Actor("H02", "01", "clerk").event(str(uuid.uuid4()), ev.RECEIVED, app.now(), payload)


def _pickup_office_pulls(
    office: Callable[..., App], county: CountyServer, kind: str, data: Any
) -> App:
    """Office H03 pulls a page holding the change ``data`` of ``kind`` (put straight into
    its feed) and a case H01 received for pickup at H03: the case is applied, one change is
    set aside, the round ends without an error. H03 is returned."""
    h01 = office("H01", "01", county.url)
    h03 = office("H03", "01", county.url)
    enrol(h01, county)
    enrol(h03, county)
    into_feed(county, "H03", kind, data)
    number = new_case(h01, pickup_office="H03")
    sync_now(h01)

    sync_now(h03)
    assert cases.load_case(h03, number).case_number == number
    status = sync.status(h03)
    assert status["quarantined"] == 1 and status["last_error"] is None
    return h03


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("calendar", {"year": 2026, "csv": "not,a,calendar\n1,2,3\n"}),
        ("calendar", {"year": 2026}),
        ("notification", {"case_id": "c1", "channel": "sms"}),
        ("notification", {"notification_id": "n1", "case_id": "c1", "channel": "sms",
                          "stage": "ready", "status": "sent", "attempts": "many"}),
    ],
)  # fmt: skip
def test_a_reference_change_the_office_cannot_use_never_stops_itsinto_feed(
    office: Callable[..., App], sqlite_county: CountyServer, kind: str, data: dict[str, Any]
) -> None:
    h03 = _pickup_office_pulls(office, sqlite_county, kind, data)
    sync_now(h03)
    assert sync.status(h03)["quarantined"] == 1
    [row] = sync.quarantined(h03, "en")
    assert row.reason_code == "change.unusable" and kind in row.reason_en
    assert kind in sync.quarantined(h03, "zh_TW")[0].reason


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("a_later_kind", {"what": "a change a newer county sends"}),
        ("calendar", {"year": 2026, "csv": "\x00"}),
        ("catalogue", ["not", "an", "object"]),
    ],
)
def test_a_change_that_does_not_parse_is_set_aside_and_the_page_applied(
    office: Callable[..., App], sqlite_county: CountyServer, kind: str, data: Any
) -> None:
    """One change of a page the office cannot even read (a kind it does not know, data that is
    no object, U+0000) is set aside; before, the whole page was refused as an unreadable answer
    and every later round failed on it."""
    h03 = _pickup_office_pulls(office, sqlite_county, kind, data)
    [row] = sync.quarantined(h03, "en")
    assert row.reason_code == "event.unreadable"
    sync_now(h03)
    assert sync.status(h03)["quarantined"] == 1


def test_an_event_that_differs_from_its_hash_is_set_aside_not_stored(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """Stored, an event whose content is not what its hash was taken over made this office's
    own ``audit verify`` (and ``doctor``, ``backup verify``) report its database as edited,
    for ever: the pull sets it aside instead."""
    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    e = _h02_received(h03)
    data = WireEvent.of(chain.link(e, chain.GENESIS)).model_dump(mode="json")
    data["payload"]["copies"] = 2  # changed after its hash was taken
    into_feed(sqlite_county, "H03", "event", data)

    sync_now(h03)
    [row] = sync.quarantined(h03, "en")
    assert row.event_id == e.event_id and row.reason_code == "chain.edited"
    assert sync.status(h03)["pulled_events"] == 0
    assert audit.verify(h03).broken is None


def test_a_catalogue_the_office_refuses_never_replaces_the_one_it_keeps(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """A catalogue change this office cannot read was stored all the same as the county's
    catalogue (only not applied): the next start then applied none and fell back to the
    shipped catalogue. It is set aside instead; the one kept and applied stays."""
    from eservice_desktop.services.sync.reference import load_county_reference, parse_catalogue
    from eservice_desktop.storage import resources
    from eservice_desktop.storage.models_sync import SyncReferenceRow

    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    doc = resources.read_json("catalogue", "services.json")
    code = doc["services"][0]["code"]
    doc["services"][0]["name"] += "（縣府更新）"
    into_feed(sqlite_county, "H03", "catalogue", doc)
    sync_now(h03)
    assert h03.catalogue.service(code).name.endswith("（縣府更新）")

    into_feed(sqlite_county, "H03", "catalogue", {"services": "not a list"})
    sync_now(h03)
    [row] = sync.quarantined(h03, "en")
    assert row.reason_code == "change.unusable" and "catalogue" in row.reason_en
    with h03.reading() as s:
        kept = s.get(SyncReferenceRow, "catalogue")
        assert kept is not None and kept.data == doc
    shipped = parse_catalogue(resources.read_json("catalogue", "services.json"))
    h03.swap_reference(catalogue=shipped)  # as a fresh start holds it
    assert load_county_reference(h03)
    assert h03.catalogue.service(code).name.endswith("（縣府更新）")


@pytest.mark.parametrize(
    "data",
    [
        {"purpose": "receipt", "keys": "x"},
        {"purpose": "receipt", "keys": [{"key_id": "k1"}]},
        {"purpose": "receipt", "keys": [None]},
        {"purpose": "receipt"},
    ],
)
def test_receipt_keys_the_office_cannot_read_never_replace_the_ones_it_keeps(
    office: Callable[..., App], sqlite_county: CountyServer, data: dict[str, Any]
) -> None:
    """Kept as received, such a list made every later check of a county receipt or a
    look-up's signed record raise (TypeError, KeyError) instead of verifying it."""
    from eservice_desktop.services.sync.receipts import receipt_keys

    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    sync_now(h03)
    with h03.reading() as s:
        before = receipt_keys(s)
    assert before
    into_feed(sqlite_county, "H03", "county_keys", data)
    sync_now(h03)
    [row] = sync.quarantined(h03, "en")
    assert row.reason_code == "change.unusable" and "county_keys" in row.reason_en
    with h03.reading() as s:
        assert receipt_keys(s) == before


def test_a_page_that_raises_while_applied_is_applied_change_by_change(
    office: Callable[..., App], sqlite_county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever no check foresaw (here: a projection that raises on one case's events) sets
    that change aside; the rest of the page is applied and the next round goes on."""
    from eservice_desktop.services import projections

    h01 = office("H01", "01", sqlite_county.url)
    h03 = office("H03", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    enrol(h03, sqlite_county)
    bad = new_case(h01, pickup_office="H03")
    good = new_case(h01, pickup_office="H03")
    sync_now(h01)
    bad_id = cases.load_case(h01, bad).case_id
    real = projections.project_side

    def project_side(session: Any, applied: Any, me: Any, **kw: Any) -> None:
        if any(e.case_id == bad_id for e in applied):
            raise TypeError("a value no check foresaw")
        real(session, applied, me, **kw)

    monkeypatch.setattr(projections, "project_side", project_side)
    sync_now(h03)
    assert cases.load_case(h03, good).case_number == good
    assert sync.status(h03)["quarantined"] >= 1
    assert {q.reason_code for q in sync.quarantined(h03)} <= {"event.unreadable", "case.not_found"}
    sync_now(h03)


def test_retention_leaves_no_personal_data_in_events_set_aside(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """A pulled event set aside keeps the applicant's name and ID as it came; after
    ``retention_days`` the retention rule masks them like a finished case's (before, nothing
    ever did), and IT still sees what was set aside and why."""
    import json
    from datetime import timedelta

    from eservice_desktop.services import retention
    from eservice_desktop.storage.models_sync import SyncReferenceRow

    h03 = office("H03", "01", sqlite_county.url)
    enrol(h03, sqlite_county)
    bad = _h02_received(h03)
    bad.payload["time_limit_working_days"] = -3
    into_feed(sqlite_county, "H03", "event", WireEvent.of(bad).model_dump(mode="json"))
    into_feed(sqlite_county, "H03", "a_later_kind", {"applicant": "王小明 A123456789"})
    sync_now(h03)

    def kept() -> str:
        with h03.reading() as s:
            rows = s.query(SyncReferenceRow).filter(SyncReferenceRow.name.startswith("parked:"))
            return json.dumps([r.data for r in rows], ensure_ascii=False)

    assert "王小明" in kept() and "A123456789" in kept()
    retention.pseudonymise_scheduled(h03)  # too recent: kept as it came
    assert "王小明" in kept()
    later = h03.now() + timedelta(days=h03.settings.retention_days + 1)
    retention.pseudonymise_scheduled(h03, now=later)
    assert "小明" not in kept() and "A123456789" not in kept()
    assert {q.reason_code for q in sync.quarantined(h03)} == {"value.range", "event.unreadable"}
