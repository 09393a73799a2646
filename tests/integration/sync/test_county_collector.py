"""The county takes a push with the cyclic collector held off (storage/collection.py), as the
office applies a pulled page: a push's objects live until it is answered, and collections in
the middle of it walked them all for nothing. Pushed over raw HTTP from a thread that holds no
pause of its own, so only the county's can turn the collector off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sync_helpers import County, CountyServer

from eservice_desktop.county import edge, service


def _requests_done(monkeypatch: pytest.MonkeyPatch) -> threading.Semaphore:
    """Released once per request when the edge has finished with it: the client has its answer
    as soon as it is sent, a moment before the edge's own cleanup (the parsed body's removal,
    the collector's resumption) has run on the server's thread."""
    done = threading.Semaphore(0)
    real_call = edge.BoundedStrictBodies.__call__

    async def call(self: Any, *args: Any) -> None:
        try:
            await real_call(self, *args)
        finally:
            done.release()

    monkeypatch.setattr(edge.BoundedStrictBodies, "__call__", call)
    return done


def test_the_county_takes_a_push_with_the_collector_off(
    county_db: str,
    server_factory: Callable[[str], CountyServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    county = County(server_factory(county_db).start_in_thread())
    county.enrol("H02")
    seen: list[bool] = []
    real_push = service.push

    def push(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real_push(*args, **kwargs)

    monkeypatch.setattr(service, "push", push)
    done = _requests_done(monkeypatch)
    assert gc.isenabled()
    r = county.push("H02", county.received())
    assert r.status_code == 200, r.text
    assert done.acquire(timeout=10)
    assert r.json()["results"][0]["status"] == "accepted"
    assert seen == [False]  # off while the county took it
    assert gc.isenabled()  # and on again once it was answered


def test_a_large_push_is_parsed_and_answered_with_the_collector_off(
    county_db: str,
    server_factory: Callable[[str], CountyServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From its parse on (the edge's JSON reading and the request's validation make most of a
    push's objects), not only while its handler runs; a small body is parsed with the collector
    on; the parsed body is gone from the request's scope by the time it is back on."""
    county = County(server_factory(county_db).start_in_thread())
    county.enrol("H02")
    parsed: list[tuple[int, bool]] = []
    scopes: list[dict[str, Any]] = []
    real_loads, real_call = edge.strict_loads, edge.BoundedStrictBodies._pass_on

    def loads(body: bytes) -> Any:
        parsed.append((len(body), gc.isenabled()))
        return real_loads(body)

    async def pass_on(self: Any, scope: dict[str, Any], *args: Any) -> None:
        scopes.append(scope)
        await real_call(self, scope, *args)

    monkeypatch.setattr(edge, "strict_loads", loads)
    monkeypatch.setattr(edge.BoundedStrictBodies, "_pass_on", pass_on)
    done = _requests_done(monkeypatch)
    small = county.push("H02", county.received())
    large = county.push("H02", *(county.received() for _ in range(200)))
    assert small.status_code == large.status_code == 200, (small.text, large.text)
    assert done.acquire(timeout=10) and done.acquire(timeout=10)
    (small_size, small_on), (large_size, large_on) = parsed
    assert small_size < edge.PAUSE_COLLECTION_AT <= large_size
    assert small_on and not large_on
    assert all(edge.PARSED_BODY not in s for s in scopes)
    assert gc.isenabled()
