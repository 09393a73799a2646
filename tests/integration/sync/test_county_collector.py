"""The county takes a push with the cyclic collector held off (storage/collection.py), as the
office applies a pulled page: a push's objects live until it is answered, and collections in
the middle of it walked them all for nothing. Pushed over raw HTTP from a thread that holds no
pause of its own, so only the county's can turn the collector off."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest
from sync_helpers import County, CountyServer

from eservice_desktop.county import service


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
    assert gc.isenabled()
    r = county.push("H02", county.received())
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "accepted"
    assert seen == [False]  # off while the county took it
    assert gc.isenabled()  # and on again once it was answered
