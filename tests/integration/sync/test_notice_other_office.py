"""The notices of a case picked up at another office (他所領件), against a real county server on
loopback: each office the case is routed to sees every notice of the case and its outcome.

The ready notice is queued under the pickup office's ``case.ready_for_pickup`` (device ``CTY``
of H02), the received notice under the filing office's intake: each outcome once went to that
event's office only, so the office that took the case in never saw that the citizen was told to
come to H02, nor could its clerk send that notice again (``notice.none``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from channel_helpers import outbox_lines
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import cases, notices, payments
from eservice_desktop.services.core import App


def _sent(app: App, number: str, seconds: float = 20.0) -> set[str]:
    """The stages whose notice ``app`` holds as sent, once it holds both (or the deadline)."""
    deadline = time.monotonic() + seconds
    stages: set[str] = set()
    while time.monotonic() < deadline:
        sync_now(app)
        stages = {n.stage for n in notices.of_case(app, number) if n.status == "sent"}
        if stages >= {"received", "ready_for_pickup"}:
            break
        time.sleep(0.2)
    return stages


def test_the_filing_and_the_pickup_office_both_see_every_notice_of_the_case(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    enrol(h02, sqlite_county)
    number = new_case(h01, pickup_office="H02")
    balance = cases.show_case(h01, number).balance
    if balance:
        payments.record_payment(h01, number, "cash", balance)
    cases.close_case(h01, number)
    sync_now(h01)  # the county makes the case ready at H02 and queues the ready notice
    lines = outbox_lines(sqlite_county, 2)
    assert "中壢" in lines[-1]["body"]  # the ready notice names the pickup office

    assert _sent(h01, number) == {"received", "ready_for_pickup"}
    assert _sent(h02, number) == {"received", "ready_for_pickup"}
    # the filing office's clerk can send the ready notice again
    asked = notices.request_resend(h01, number, "ready_for_pickup")
    assert [n.channel for n in asked] == ["sms"]
