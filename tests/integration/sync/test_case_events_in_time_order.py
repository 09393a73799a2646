"""A case's history is shown in the order its events happened, not the order this counter
stored them: a payment counter 02 took at 09:05, pulled at 09:30, was listed after this
counter's 09:20 change of the applicant's phone, so the history read as the phone changed
before the fee was paid (``case show``, its ``--json`` and the window's timeline all take
``CaseView.events``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import case_contact, cases, payments
from eservice_desktop.services.core import App


def test_an_event_stored_later_but_made_earlier_is_shown_in_its_place(
    office: Callable[..., App], sqlite_county: CountyServer, clock: Any
) -> None:
    here, there = office(url=sqlite_county.url), office(device="02", url=sqlite_county.url)
    enrol(here, sqlite_county)
    enrol(there, sqlite_county)
    number = new_case(here)
    sync_now(here)
    sync_now(there)
    start = clock.now
    clock.set(start + timedelta(minutes=5))
    payments.record_payment(there, number, "cash", 15, tendered=15)  # not pushed yet
    clock.set(start + timedelta(minutes=20))
    case_contact.change_phone(here, number, "0987654321")
    clock.set(start + timedelta(minutes=30))
    sync_now(there)
    sync_now(here)  # the payment arrives after the phone change was stored

    kinds = [e["type"] for e in cases.show_case(here, number).events]
    times = [e["at"] for e in cases.show_case(here, number).events]
    assert times == sorted(times)
    assert kinds.index("case.payment_recorded") < kinds.index("case.phone_changed"), kinds
