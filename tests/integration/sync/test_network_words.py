"""A misbehaving network between the office and the county (a line that drops mid-answer, an
answer that stops after its headers, a county cut off by the deadline, a name DNS does not
resolve): each failed round says what happened in the clerk's language, and the next round
over a sound line sends nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, local_event_ids, new_case, pending

from eservice_desktop.county_link.client import CountyClient, Offline
from eservice_desktop.services import sync
from eservice_desktop.services.core import App


def _words(error: Offline) -> tuple[str, str]:
    return error.message(), error.message("en")


def test_a_county_cut_off_by_the_deadline_is_said_too_slow(
    sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """A county answering a byte at a time is cut off by the request's deadline: the clerk
    read 網路無法連線 / "network unreachable" while the network was up."""
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("stall", path="/v1/health", seconds=30.0)
    client = CountyClient(proxy.url, timeout=(2.0, 30.0), deadline_s=1.5)
    with pytest.raises(Offline) as e:
        client.health()
    client.close()
    zh, en = _words(e.value)
    assert zh == "無法連線縣府伺服器（縣府伺服器回應太慢，已中斷）"
    assert en == "Cannot reach the county server (the county server answered too slowly; cut off)"


def test_an_answer_that_stops_after_its_headers_is_no_answer_in_time(
    sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """Headers, then nothing: requests raises ConnectionError while it reads a body, said as
    連線被拒或網路中斷 / "connection refused or network down" (the county had answered)."""
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("stall", path="/v1/health", seconds=30.0)
    client = CountyClient(proxy.url, timeout=(2.0, 1.0))
    with pytest.raises(Offline) as e:
        client.health()
    client.close()
    assert _words(e.value) == (
        "無法連線縣府伺服器（等候回應逾時）",
        "Cannot reach the county server (no answer in time)",
    )


def test_a_push_answer_cut_mid_way_is_said_so_and_sent_once(
    sqlite_county: CountyServer, office: Callable[..., App], proxies: list[FaultProxy]
) -> None:
    """The county stored the batch, the line dropped while its answer came: the round says
    the connection broke off mid-answer (it said 網路無法連線), and the next round finds every
    event there already."""
    app = office()
    enrol(app, sqlite_county)
    new_case(app)
    waiting = pending(app)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("cut", path="/v1/events")
    client = CountyClient(proxy.url, credential=sync.credential(app), timeout=(2.0, 10.0))
    try:
        with pytest.raises(Offline) as e:
            sync.sync_round(app, client)
        assert _words(e.value) == (
            "無法連線縣府伺服器（回應傳送到一半連線中斷）",
            "Cannot reach the county server (the connection broke off mid-answer)",
        )
        assert pending(app) == waiting
        proxy.wait_idle()
        again = sync.sync_round(app, client)
    finally:
        client.close()
    assert (again.pushed, again.duplicates) == (0, waiting)
    assert pending(app) == 0
    on_county = sqlite_county.event_ids()
    assert sorted(on_county) == sorted(set(on_county))
    assert set(local_event_ids(app)) <= set(on_county)


def test_a_county_name_dns_does_not_resolve_is_said_so(tmp_path: Path) -> None:
    """The office's DNS does not know the county's name: said as a refused connection, which
    sent IT to the county's firewall instead of the office's DNS."""
    ca = tmp_path / "county-ca.pem"
    ca.write_text("not read before the name resolves\n")
    client = CountyClient("https://county.invalid", ca_file=str(ca), timeout=(2.0, 2.0))
    with pytest.raises(Offline) as e:
        client.health()
    client.close()
    assert _words(e.value) == (
        "無法連線縣府伺服器（找不到縣府伺服器的主機名稱（DNS））",
        "Cannot reach the county server (the county server's host name does not resolve (DNS))",
    )
