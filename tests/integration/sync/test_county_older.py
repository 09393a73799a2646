"""A county older than the counter (an event type it does not know yet) refuses every body that
carries such an event. What comes before that event still reaches it, the event and those after
it wait for the county's upgrade, and the round pulls before it fails: before, the refusal ended
every round before its pull, so the counter got nothing of the county either."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.county_link.client import CountyOlder
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App


def _outbox_types(app: App) -> list[str]:
    with app.reading() as s:
        return [o.event().type for o in sync.state.outgoing(s, 1000, 0)]


def test_an_older_county_gets_what_it_can_read_and_the_pull_goes_on(
    office: Callable[..., App], sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    h01, other = office("H01", "01", sqlite_county.url), office("H01", "02", sqlite_county.url)
    enrol(h01, sqlite_county)
    enrol(other, sqlite_county)
    sync_now(h01)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    h01.settings.county_url = proxy.url
    first, second = new_case(h01), new_case(h01)
    cases.request_supplement(h01, first, "缺少委託書")
    third = new_case(h01)
    elsewhere = new_case(other)
    sync_now(other)
    types = _outbox_types(h01)
    waiting = len(types) - types.index(ev.SUPPLEMENT_REQUESTED)
    unknown = f'"{ev.SUPPLEMENT_REQUESTED}"'.encode()  # a type this county does not know yet
    proxy.add("error422", path="/v1/events", times=1000, body=unknown)

    with pytest.raises(CountyOlder) as refused:
        sync.run_round(h01)
    assert refused.value.status == 422
    assert "older than this counter" in sync.sync_error_message(refused.value, "en")
    shown = sync.sync_error_message(sync.error_named(sync.status(h01)["last_error"]))
    assert shown.startswith("縣府伺服器版本較本機舊")  # what the status bar reads
    assert cases.load_case(h01, elsewhere).case_number == elsewhere  # pulled all the same
    assert _outbox_types(h01)[0] == ev.SUPPLEMENT_REQUESTED
    assert sync.status(h01)["pending"] == waiting
    sync_now(other)
    assert cases.load_case(other, second).case_number == second  # reached the county
    with pytest.raises(DomainError):  # not at the county yet
        cases.load_case(other, third)

    proxy.rules.clear()  # the county upgraded
    assert sync_now(h01).pushed == waiting
    sync_now(other)
    assert cases.load_case(other, first).supplement_reason == "缺少委託書"
    assert cases.load_case(other, third).case_number == third
