"""A citizen's new mobile number (``case.phone_changed``) against a real county on loopback with
its ``file:`` gateway: on a case ready for pickup the county issues a new code to the new number
and the one the old number received is refused at the desk; a resend goes to the new number. A
clerk's ``case.code_reissue_requested`` (an MMS forwarded) does the same with the same number."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.county_link.client import CountyOlder
from eservice_desktop.domain import events as ev
from eservice_desktop.services import case_contact, cases, notices, payments, pickup, sync
from eservice_desktop.services.core import App

OLD, NEW = "0912345678", "0987654321"


def _sent(srv: CountyServer, stage: str, n: int) -> list[dict[str, Any]]:
    """The first ``n`` messages of ``stage`` the county's gateway wrote (waits for them)."""
    path = srv.workdir / "outbox.jsonl"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        text = path.read_text("utf-8") if path.exists() else ""
        mine = [m for m in map(json.loads, text.splitlines()) if stage in m["body"]]
        if len(mine) >= n:
            return mine
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} {stage!r} messages")


def _ready(office: Callable[..., App], county: CountyServer) -> tuple[App, str, str]:
    h01 = office("H01", "01", county.url)
    enrol(h01, county)
    number = new_case(h01, phone=OLD)
    payments.record_payment(h01, number, "cash", 15)
    cases.close_case(h01, number)
    sync_now(h01)  # the county makes it ready here and sends the MMS to the old number
    sync_now(h01)
    token = pickup.stored_token(h01, number)
    assert token
    return h01, number, token


def test_a_ready_case_gets_a_new_code_at_the_new_number_and_the_old_one_is_dead(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01, number, old_token = _ready(office, sqlite_county)
    old_number = cases.load_case(h01, number).pickup_number
    (first,) = _sent(sqlite_county, "領件號碼", 1)
    assert first["to"] == OLD
    view = case_contact.change_phone(h01, number, "0987-654-321")
    assert view.phone == NEW and view.status == "ready_for_pickup"
    sync_now(h01)  # pushed; the county makes the case ready again with a new code
    sync_now(h01)
    state = cases.load_case(h01, number)
    assert state.phone == NEW and state.lifecycle == "ready_for_pickup"
    assert state.pickup_number != old_number
    new_token = pickup.stored_token(h01, number)
    assert new_token and new_token != old_token
    _first, again = _sent(sqlite_county, "領件號碼", 2)
    assert again["to"] == NEW and again["channel"] == first["channel"]
    assert f"領件號碼 {state.pickup_number}" in again["body"]
    # the new message says the first is dead (the citizen showed the first, refused as replaced)
    assert f"本通知取代先前的領件通知，原領件號碼 {old_number} 已失效。" in again["body"]
    assert "取代" not in first["body"]
    # the code the old number holds hands nothing over; the new one does
    refused = pickup.verify(h01, old_token)
    assert refused.reason == "case_mismatch", refused.message_en
    assert pickup.handover(h01, old_token).handed_over is False
    done = pickup.handover(h01, new_token)
    assert done.handed_over, done.message_en


def test_a_resend_after_the_change_goes_to_the_new_number(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01, phone=OLD)
    sync_now(h01)
    (received,) = _sent(sqlite_county, "已收件", 1)
    assert received["to"] == OLD
    sync_now(h01)  # the outcome (sent) comes back
    case_contact.change_phone(h01, number, NEW)
    notices.request_resend(h01, number, "received")
    sync_now(h01)
    _first, again = _sent(sqlite_county, "已收件", 2)
    assert again["to"] == NEW and again["body"] == received["body"]
    kinds = [e["type"] for e in cases.show_case(h01, number).events]
    assert ev.PHONE_CHANGED in kinds


def test_a_new_code_asked_for_a_forwarded_mms_kills_the_old_one(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01, number, old_token = _ready(office, sqlite_county)
    old_number = cases.load_case(h01, number).pickup_number
    _sent(sqlite_county, "領件號碼", 1)  # the MMS the citizen forwarded
    case_contact.reissue_code(h01, number)
    sync_now(h01)
    sync_now(h01)
    state = cases.load_case(h01, number)
    assert state.pickup_number != old_number and state.lifecycle == "ready_for_pickup"
    new_token = pickup.stored_token(h01, number)
    assert new_token and new_token != old_token
    first, again = _sent(sqlite_county, "領件號碼", 2)
    assert first["to"] == again["to"] == OLD
    assert f"領件號碼 {state.pickup_number}" in again["body"]
    assert f"原領件號碼 {old_number} 已失效" in again["body"]
    assert pickup.verify(h01, old_token).reason == "case_mismatch"
    assert pickup.handover(h01, new_token).handed_over


def test_a_number_changed_then_the_case_closed_offline_gets_one_ready_notice(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """Both in one push: the county makes the case ready once, its notice to the new number
    (it made it ready, then took the earlier change for one on a ready case: two codes, two
    messages, the first already dead)."""
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01, phone=OLD)
    payments.record_payment(h01, number, "cash", 15)
    case_contact.change_phone(h01, number, NEW)
    cases.close_case(h01, number)
    sync_now(h01)
    sync_now(h01)
    kinds = [e["type"] for e in cases.show_case(h01, number).events]
    assert kinds.count(ev.READY_FOR_PICKUP) == 1
    (ready,) = _sent(sqlite_county, "領件號碼", 1)
    assert ready["to"] == NEW
    time.sleep(1)  # a second message would have been written by now
    assert len(_sent(sqlite_county, "領件號碼", 1)) == 1


def test_a_county_older_than_the_change_keeps_it_waiting_and_the_old_code_good(
    office: Callable[..., App], sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """A county before ``case.phone_changed`` refuses the body holding it: the change waits in
    the outbox (the round says the county is older), nothing is re-issued meanwhile, and once
    the county is upgraded it goes with the next round and the new code follows."""
    h01, number, old_token = _ready(office, sqlite_county)
    _sent(sqlite_county, "領件號碼", 1)  # to the old number
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    h01.settings.county_url = proxy.url
    unknown = f'"{ev.PHONE_CHANGED}"'.encode()
    proxy.add("error422", path="/v1/events", times=1000, body=unknown)
    case_contact.change_phone(h01, number, NEW)
    with pytest.raises(CountyOlder):
        sync.run_round(h01)
    assert sync.status(h01)["pending"] == 1
    assert pickup.verify(h01, old_token).ok  # still the case's code
    proxy.rules.clear()  # the county upgraded
    sync_now(h01)
    sync_now(h01)
    assert pickup.verify(h01, old_token).reason == "case_mismatch"
    assert _sent(sqlite_county, "領件號碼", 2)[-1]["to"] == NEW


def test_two_counters_offline_with_two_numbers_agree_on_the_later_one(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """Counter 01 records one new number, then counter 02 another, both offline, and 02 pushes
    first. Each counter folded the other's change after its own: 01 showed 02's number, 02
    showed 01's, for good, and the county, folding 01's last, sent the new code to the number
    recorded first, having made the case ready twice. The later change holds everywhere now, in
    any order pushed or pulled, and the case is made ready again once, to it."""
    h01, number, _old_token = _ready(office, sqlite_county)
    _sent(sqlite_county, "領件號碼", 1)
    h02 = office("H01", "02", sqlite_county.url)
    enrol(h02, sqlite_county)
    sync_now(h02)
    assert cases.load_case(h02, number).lifecycle == "ready_for_pickup"
    first, later = "0911111111", "0922222222"
    case_contact.change_phone(h01, number, first)
    time.sleep(0.01)  # recorded after it, at the other counter
    case_contact.change_phone(h02, number, later)
    for counter in (h02, h01, h02, h01):
        sync_now(counter)
    assert cases.load_case(h01, number).phone == later
    assert cases.load_case(h02, number).phone == later
    _sent(sqlite_county, "領件號碼", 2)
    time.sleep(1)  # a third message would have been written by now
    sent = _sent(sqlite_county, "領件號碼", 2)
    kinds = [e["type"] for e in cases.show_case(h01, number).events]
    assert kinds.count(ev.READY_FOR_PICKUP) == 2  # made ready, then again once, for the change
    assert [m["to"] for m in sent] == [OLD, later]
    state = cases.load_case(h01, number)
    assert f"領件號碼 {state.pickup_number}" in sent[-1]["body"]
    assert cases.load_case(h02, number).pickup_number == state.pickup_number
