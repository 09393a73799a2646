"""A case closed by mistake at counter 01, reopened there with a supervisor's approval before
the next round, against a real county on loopback: the county keeps the reopening (no conflict)
and counter 02 holds the case open again. Once the county has a closing it makes the case ready
for pickup at once, its pickup code sent, and a reopening is refused (case.reopen_too_late)."""

from __future__ import annotations

from collections.abc import Callable

import factories
import pytest
from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, payments
from eservice_desktop.services.case_reopen import reopen_case
from eservice_desktop.services.core import App


def test_a_reopening_reaches_the_county_and_the_other_counter(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    d1, d2 = office("H01", "01", sqlite_county.url), office("H01", "02", sqlite_county.url)
    enrol(d1, sqlite_county)
    enrol(d2, sqlite_county)
    number = factories.new_case(d1)
    payments.record_payment(d1, number, "cash", 15)
    for app in (d1, d2):
        sync_now(app)
    add_accounts(d1)
    cases.close_case(d1, number)  # the wrong case, before the next round
    reopen_case(d1, number, "誤按結案", approval=supervisor_approval())
    sync_now(d1)
    assert sqlite_county.conflicts() == 0
    sync_now(d2)
    assert cases.load_case(d2, number).is_open
    assert cases.show_case(d2, number).status == "received"
    # once the county has the closing, it makes the case ready (its pickup code out): too late
    cases.close_case(d1, number)
    sync_now(d1)
    sync_now(d1)
    assert cases.load_case(d1, number).lifecycle == "ready_for_pickup"
    with pytest.raises(DomainError) as late:
        reopen_case(d1, number, "誤按結案", approval=supervisor_approval())
    assert late.value.code == "case.reopen_too_late"
