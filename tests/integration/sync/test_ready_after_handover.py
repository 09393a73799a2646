"""A new pickup code the county issued for a case a desk of the pickup office had already
handed over offline, against a real county server on loopback (SQLite and PostgreSQL): the
desk pulls the county's new ready notice after its own handover, and the case stays collected
there as at every other office."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import case_contact, cases, payments, pickup
from eservice_desktop.services.core import App


@pytest.mark.parametrize("asked", ["reissue", "phone"])
def test_a_new_code_crossing_an_offline_handover_leaves_the_case_collected(
    office: Callable[..., App], county: CountyServer, clock: Any, asked: str
) -> None:
    """H01 asked the county for a new code (the citizen phoned it: a lost MMS, a new phone)
    while H02's desk, offline, handed the documents over on the code it held. The county took
    the handover after its new ready notice; H02, whose order has its handover first, made
    the case ready again from the notice it pulled: its desk listed the case as waiting and
    took the new code ("Valid code … check and hand over") for a second handover, while H01
    and the county had it collected."""
    h01, h02 = office("H01", "01", county.url), office("H02", "01", county.url)
    enrol(h01, county)
    enrol(h02, county)
    number = new_case(h01, pickup_office="H02")
    payments.record_payment(h01, number, "cash", 15, tendered=15)
    cases.close_case(h01, number)
    for app in (h01, h02, h01, h02):
        sync_now(app)
    held = pickup.stored_token(h02, number)
    assert held and pickup.verify(h02, held).ok
    clock.set(clock.now + timedelta(minutes=5))
    if asked == "reissue":
        case_contact.reissue_code(h01, number)
    else:
        case_contact.change_phone(h01, number, "0922333444")
    sync_now(h01)  # the county signs a new code, H02 does not know it yet
    clock.set(clock.now + timedelta(minutes=5))
    assert pickup.handover(h02, held).handed_over  # offline: the code it holds
    for app in (h02, h01, h02):
        sync_now(app)

    for app in (h01, h02):
        state = cases.load_case(app, number)
        assert state.lifecycle == "picked_up", app.settings.office_code
        assert (state.picked_up_office, state.picked_up_device) == ("H02", "01")
    assert cases.load_case(h02, number).pickup_number == cases.load_case(h01, number).pickup_number
    assert pickup.ready_cases(h02) == []
    new = pickup.stored_token(h02, number)
    assert new and new != held
    again = pickup.verify(h02, new)
    assert again.reason == "already_picked_up", again.message_en
    assert not pickup.handover(h02, new).handed_over
