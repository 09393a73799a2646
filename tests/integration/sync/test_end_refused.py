"""A case closed at one office while another office, which the county heard first, asked for a
supplement, against a real county server on loopback (SQLite and PostgreSQL): the county
refuses the close, and the office that made it holds the case as the county and the other
office do, so its clerk can carry on with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import case_queues, cases, payments, pickup
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import conflicts


def _two_offices(office: Callable[..., App], county: CountyServer) -> tuple[App, App, str]:
    """H01 took the case in, paid, for pickup at H02; both offices hold it."""
    h01, h02 = office("H01", "01", county.url), office("H02", "01", county.url)
    enrol(h01, county)
    enrol(h02, county)
    number = new_case(h01, pickup_office="H02")
    payments.record_payment(h01, number, "cash", 15, tendered=15)
    sync_now(h01)
    sync_now(h02)
    return h01, h02, number


def test_a_close_refused_for_another_offices_supplement_request_leaves_the_case_open_there(
    office: Callable[..., App], county: CountyServer, clock: Any
) -> None:
    """H02 asked for a supplement; H01, offline, closed the case. The county refused the
    close ("Record the supplement before closing"), but H01 kept the case closed: out of its
    queues, and its clerk could neither record the supplement nor close it again (both "The
    case is already closed"), so the case never became ready for pickup from H01."""
    h01, h02, number = _two_offices(office, county)
    clock.set(clock.now + timedelta(minutes=2))
    cases.request_supplement(h02, number, "缺委託書")
    sync_now(h02)
    clock.set(clock.now + timedelta(minutes=2))
    cases.close_case(h01, number)  # offline: it has not pulled the request yet
    for app in (h01, h02, h01):
        sync_now(app)

    assert [c.event_type for c in conflicts.open_conflicts(h01, "en")] == ["case.closed"]
    for app in (h01, h02):
        assert cases.load_case(app, number).status == "supplement_requested"
    assert [r.case_number for r in case_queues.queue(h01, "supplement")] == [number]
    clock.set(clock.now + timedelta(minutes=2))
    cases.record_supplement(h01, number, "委託書已補")
    cases.close_case(h01, number)
    for app in (h01, h02, h01, h02):
        sync_now(app)
    assert cases.load_case(h01, number).lifecycle == "ready_for_pickup"
    token = pickup.stored_token(h02, number)
    assert token and pickup.handover(h02, token).handed_over
