"""Issue 11: an event in the county's feed that this office cannot apply does not block the
feed. It is set aside (counted by ``sync status``), the next case arrives, and the next round
neither fails nor sets it aside again."""

from __future__ import annotations

from collections.abc import Callable

from sync_helpers import CountyServer, enrol, into_feed, new_case, sync_now

from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from tests.unit.services.test_ingest import _received


def test_a_bad_pulled_event_is_set_aside_and_the_feed_goes_on(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    h03 = office("H03", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    enrol(h03, sqlite_county)
    bad = _received(h03, Actor("H02", "01", "clerk"), str(CaseNumber("H02", "01", 115, 1)))
    bad.payload["time_limit_working_days"] = -3
    into_feed(sqlite_county, "H03", "event", WireEvent.of(bad).model_dump(mode="json"), bad.case_id)
    number = new_case(h01, pickup_office="H03")
    sync_now(h01)

    sync_now(h03)
    status = sync.status(h03)
    assert status["quarantined"] == 1 and status["last_error"] is None
    assert cases.load_case(h03, number).case_number == number
    [row] = sync.quarantined(h03, "en")
    assert row.event_id == bad.event_id and row.reason_code == "value.range"

    sync_now(h03)
    again = sync.status(h03)
    assert again["quarantined"] == 1 and again["last_error"] is None
    assert [q.event_id for q in sync.quarantined(h03)] == [bad.event_id]
    assert again["pulled_events"] == status["pulled_events"]
