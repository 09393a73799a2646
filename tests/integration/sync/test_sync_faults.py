"""Faults between the office and the county: after each, every event is on the county exactly
once, the outbox is empty after recovery, and nothing is lost locally."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable

import pytest
from sync_faultproxy import FaultProxy
from sync_helpers import (
    CountyServer,
    enrol,
    free_port,
    local_event_ids,
    new_case,
    pending,
    sync_now,
)

from eservice_desktop.county_link.client import CountyClient, Offline, ServerError, SyncError
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App


def assert_exactly_once(app: App, county: CountyServer, also_conflicts: bool = False) -> None:
    local = local_event_ids(app)
    on_county = county.event_ids()
    counts = Counter(on_county)
    assert not [k for k, n in counts.items() if n > 1]
    missing = set(local) - set(on_county)
    if also_conflicts:
        from sqlalchemy import create_engine, select

        from eservice_desktop.county.store import ConflictRow

        engine = create_engine(county.db_url)
        with engine.connect() as c:
            missing -= set(c.scalars(select(ConflictRow.event_id)))
        engine.dispose()
    assert not missing
    assert pending(app) == 0


def via(app: App, proxy: FaultProxy, timeout: tuple[float, float] = (2.0, 10.0)) -> CountyClient:
    return CountyClient(proxy.url, credential=sync.credential(app), timeout=timeout)


def round_via(
    app: App, proxy: FaultProxy, timeout: tuple[float, float] = (2.0, 10.0)
) -> sync.RoundResult:
    client = via(app, proxy, timeout)
    try:
        return sync.sync_round(app, client)
    finally:
        client.close()


@pytest.mark.parametrize("fault", ["reset", "error500", "drop", "delay", "duplicate"])
def test_push_faults(
    fault: str, county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy]
) -> None:
    app = office()
    enrol(app, county)
    for _ in range(3):
        number = new_case(app)
        cases.request_supplement(app, number, "缺少委託書")
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    proxy.add(fault, path="/v1/events", seconds=3.0)
    before = len(local_event_ids(app))
    if fault == "duplicate":
        r = round_via(app, proxy)
        # 3 cases x (received, fee assessed at intake, supplement requested)
        assert r.duplicates == 9 and r.pushed == 0  # the second delivery's answer
    else:
        with pytest.raises(SyncError):
            round_via(app, proxy, timeout=(2.0, 1.0))
        assert pending(app) == 9
        # the first delivery is over at the county before the round sends again (under load
        # the second could otherwise reach the county first and be the one accepted)
        proxy.wait_idle()
        r = round_via(app, proxy)
        expected_dupes = 0 if fault in ("error500", "drop") else 9
        assert (r.pushed, r.duplicates) == (9 - expected_dupes, expected_dupes)
    assert len(local_event_ids(app)) == before
    assert_exactly_once(app, county)


@pytest.mark.parametrize("fault", ["reset", "error500", "duplicate"])
def test_pull_faults(
    fault: str, county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy]
) -> None:
    h01, h02 = office("H01", "01"), office("H01", "02")
    enrol(h01, county)
    enrol(h02, county)
    for _ in range(4):
        new_case(h01)
    sync_now(h01)
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    proxy.add(fault, path="/v1/changes")
    # each intake is two events: received and the fee assessed in the same transaction
    if fault == "duplicate":
        assert round_via(h02, proxy).pulled == 8
    else:
        with pytest.raises(SyncError):
            round_via(h02, proxy)
        assert round_via(h02, proxy).pulled == 8
    assert sorted(local_event_ids(h01)) == sorted(
        e["event_id"]
        for c in cases.search(h02, "A1")
        for e in cases.show_case(h02, c.case_number).events
    )
    assert round_via(h02, proxy).pulled == 0


def test_server_down_at_start(
    tmp_path: object,
    sqlite_county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., App],
) -> None:
    server = server_factory(sqlite_county_db)
    server.port = free_port()
    app = office(url=server.url)
    # enrolment needs the server; enrol once, then take it down
    server.start_in_thread()
    enrol(app, server)
    server.stop()
    new_case(app)
    with pytest.raises(Offline):
        sync.run_round(app)
    assert pending(app) == 2  # the received event and its fee assessment wait
    assert sync.status(app)["last_error"] == "Offline"
    server.start_in_thread()
    result = sync.run_round(app)
    assert result.pushed == 2 and result.pending == 0
    assert_exactly_once(app, server)


def test_server_killed_mid_batch(
    sqlite_county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., App],
    proxies: list[FaultProxy],
) -> None:
    server = server_factory(sqlite_county_db).start()
    app = office()
    enrol(app, server)
    seed_demo(app, 600, seed=7)
    total = pending(app)
    assert total > sync.PUSH_BATCH * 2
    proxy = FaultProxy(server.port)
    proxies.append(proxy)

    def kill_while_working() -> None:
        time.sleep(0.01)
        server.kill()

    proxy.add("pass", path="/v1/events")
    proxy.add("hook_after_send", path="/v1/events", hook=kill_while_working)
    with pytest.raises(SyncError):
        round_via(app, proxy)
    assert 0 < pending(app) < total
    server.start()
    round_via(app, proxy)
    assert_exactly_once(app, server, also_conflicts=True)


def test_server_error_is_retryable_and_client_refuses_bad_answers(
    county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy]
) -> None:
    app = office()
    enrol(app, county)
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    proxy.add("error500", path="/v1/status")
    client = via(app, proxy)
    try:
        with pytest.raises(ServerError) as e:
            client.status()
        assert e.value.transient
        assert client.status().office == "H01"
    finally:
        client.close()


def test_many_rounds_with_random_faults(
    county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy]
) -> None:
    """Work, faults and sync interleaved at random for a while; then one clean round."""
    import random

    rng = random.Random(42)
    h01, h02 = office("H01", "01"), office("H02", "01")
    enrol(h01, county)
    enrol(h02, county)
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    numbers: list[str] = []
    for _ in range(25):
        numbers.append(new_case(h01, pickup_office="H02"))
        if rng.random() < 0.5:
            proxy.add(
                rng.choice(["reset", "error500", "drop", "duplicate"]),
                path=rng.choice(["/v1/events", "/v1/changes"]),
            )
        for app in (h01, h02):
            with contextlib.suppress(SyncError):
                round_via(app, proxy, timeout=(2.0, 5.0))
    proxy.rules.clear()
    sync_now(h01)
    sync_now(h02)
    assert_exactly_once(h01, county)
    assert {c.case_number for c in cases.queue(h01, "all")} >= set(numbers)
    assert sync.status(h02)["pulled_events"] == 2 * len(numbers)  # received + fee assessed
    _ = time


@pytest.mark.parametrize("status", [b"503 Service Unavailable", b"429 Too Many Requests"])
def test_the_loop_waits_as_long_as_the_county_asked(
    county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy], status: bytes
) -> None:
    """A county (or the office's proxy) overloaded answers 503 or 429 with Retry-After: the
    loop came back after its back-off (a second or so after a 503, a minute after a 429 that
    asked for two), every office of the county at once, at the county that had asked them to
    wait. The next round is no sooner than asked (at most the back-off's cap)."""
    from eservice_desktop.county_link.worker import SyncLoop

    app = office()
    enrol(app, county)
    new_case(app)
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    answer = b"HTTP/1.1 " + status + b"\r\nRetry-After: 120\r\nContent-Length: 0\r\n"
    proxy.add("answer", path="/v1/events", raw=answer + b"Connection: close\r\n\r\n")
    loop = SyncLoop(lambda: round_via(app, proxy))
    delay = loop.run_once()
    assert 120 <= delay <= loop.backoff.cap, delay
    assert loop.run_once() == loop.interval  # the county answers again: the outbox goes


@pytest.mark.parametrize("body", [b"[1, 2]", b'"case"', b"null"])
def test_a_case_answered_as_no_object_is_an_unreadable_answer(
    county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy], body: bytes
) -> None:
    """The pickup desk's look-up of a case not yet synced read the county's answer as a dict
    whatever it was: a 200 whose JSON was a list (a proxy, a county bug) raised TypeError in
    the desk's look-up, which said nothing the clerk could act on. It is an unreadable answer,
    said as the county's (the desk's offline message)."""
    app = office()
    enrol(app, county)
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
    answer = head + b"Content-Length: %d\r\n\r\n" % len(body) + body
    proxy.add("answer", path="/v1/cases/", raw=answer)
    client = via(app, proxy)
    try:
        with pytest.raises(ServerError):
            client.case("6f1c2a8e-0d8b-4c55-9a57-7b1d3d1e2f00")
    finally:
        client.close()
