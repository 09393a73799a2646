"""Issue 11: an event in the county's feed that this office cannot apply does not block the
feed. It is set aside (counted by ``sync status``), the next case arrives, and the next round
neither fails nor sets it aside again."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.county.store import FeedRow, make_engine, utcnow
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
    engine = make_engine(sqlite_county.db_url)
    try:  # straight into the feed, past every check the county makes on a push
        with Session(engine) as s, s.begin():
            s.add(
                FeedRow(
                    office="H03",
                    kind="event",
                    case_id=bad.case_id,
                    source=None,
                    data=WireEvent.of(bad).model_dump(mode="json"),
                    created_at=utcnow(),
                )
            )
    finally:
        engine.dispose()
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
