"""A misbehaving network between the office and the county (a line that drops mid-answer, an
answer that stops after its headers, a county cut off by the deadline, a name DNS does not
resolve): each failed round says what happened in the clerk's language, and the next round
over a sound line sends nothing twice."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, local_event_ids, new_case, pending, sync_now

from eservice_desktop.county_link import transport
from eservice_desktop.county_link.client import CountyClient, Offline, RequestRefused, ServerError
from eservice_desktop.services import sync
from eservice_desktop.services.core import App


def _words(error: Offline) -> tuple[str, str]:
    return error.message(), error.message("en")


def test_a_deadline_reached_before_its_watchdog_ran_is_still_too_slow(
    sqlite_county: CountyServer, proxies: list[FaultProxy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read's timeout is held to the deadline, so on a busy PC it fired before the
    watchdog's thread cut the sockets: the county cut off by the deadline was said as
    等候回應逾時 (a full CI run, once). Here the watchdog never runs at all."""

    class Late(threading.Timer):
        def start(self) -> None:  # the watchdog's thread not scheduled in time
            pass

    monkeypatch.setattr(transport.threading, "Timer", Late)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("stall", path="/v1/health", seconds=30.0)
    client = CountyClient(proxy.url, timeout=(2.0, 30.0), deadline_s=1.5)
    with pytest.raises(Offline) as e:
        client.health()
    client.close()
    assert _words(e.value)[0] == "無法連線縣府伺服器（縣府伺服器回應太慢，已中斷）"


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


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A network's sign-in page: records every request it is sent."""

    seen: ClassVar[list[tuple[str, bytes]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append((self.command, self.rfile.read(length)))
        body = b"<html><body>sign in</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sign_in_page() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    seen: list[tuple[str, bytes]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/login", seen
    server.shutdown()
    server.server_close()
    thread.join(5)


def _reply(status: str, extra: str = "", content_type: str = "text/html") -> bytes:
    body = "<html><body>請先登入網路 Please sign in</body></html>".encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize("status", ["302 Found", "307 Temporary Redirect"])
def test_a_redirect_of_the_network_is_not_followed_and_said_so(
    status: str,
    sqlite_county: CountyServer,
    office: Callable[..., App],
    proxies: list[FaultProxy],
    sign_in_page: tuple[str, list[tuple[str, bytes]]],
) -> None:
    """A captive portal redirecting the push: requests followed it, a 307 with the batch (the
    citizens' names and ID numbers) to the sign-in page, past check_url's rules, and the
    clerk read the sign-in page's 404 or 回應無法辨識."""
    url, seen = sign_in_page
    app = office()
    enrol(app, sqlite_county)
    new_case(app)
    waiting = pending(app)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("answer", path="/v1/events", raw=_reply(status, f"Location: {url}\r\n"))
    client = CountyClient(proxy.url, credential=sync.credential(app), timeout=(2.0, 10.0))
    try:
        with pytest.raises(RequestRefused) as e:
            sync.sync_round(app, client)
    finally:
        client.close()
    assert seen == []
    code = status.split(maxsplit=1)[0]
    assert e.value.message() == (
        f"無法與縣府伺服器同步（HTTP {code}："
        "網路將連線轉到其他網址，可能是網路登入頁；請洽資訊人員）"
    )
    assert e.value.message("en") == (
        f"Cannot reach the county server (HTTP {code}: the network sent the request "
        "elsewhere, perhaps to a network sign-in page; call IT)"
    )
    assert pending(app) == waiting
    assert sync_now(app).pushed == waiting  # the network signed in: the same batch goes


def test_a_proxy_asking_for_a_sign_in_is_said_so(
    sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """407 read 縣府伺服器拒絕此要求 / "request refused": the county had refused nothing."""
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add(
        "answer",
        path="/v1/changes",
        raw=_reply("407 Proxy Authentication Required", 'Proxy-Authenticate: Basic realm="x"\r\n'),
    )
    client = CountyClient(proxy.url, credential="x", timeout=(2.0, 10.0))
    with pytest.raises(RequestRefused) as e:
        client.pull("0")
    client.close()
    assert e.value.message() == (
        "無法與縣府伺服器同步（HTTP 407：本所網路的代理伺服器要求登入，同步無法送出；請洽資訊人員）"
    )
    assert e.value.message("en") == (
        "Cannot reach the county server (HTTP 407: the office network's proxy server asks "
        "for a sign-in; call IT)"
    )


def test_a_sign_in_page_answering_200_is_said_a_web_page(
    sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """A captive portal answering 200 with its page read 回應無法辨識 / "unreadable answer"."""
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("answer", path="/v1/status", raw=_reply("200 OK", content_type="text/html"))
    client = CountyClient(proxy.url, credential="x", timeout=(2.0, 10.0))
    with pytest.raises(ServerError) as e:
        client.status()
    client.close()
    assert e.value.message() == (
        "無法與縣府伺服器同步（收到的是網頁而非縣府的回應，可能是網路登入頁；請洽資訊人員）"
    )
    assert e.value.message("en") == (
        "Cannot sync with the county server (a web page came back instead of the county's "
        "answer, perhaps a network sign-in page; call IT)"
    )


def test_an_answer_past_the_size_limit_is_said_so(
    sqlite_county: CountyServer, proxies: list[FaultProxy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy or a county streaming without end is cut at MAX_RESPONSE: said 回應無法辨識 /
    "unreadable answer", as if it had sent something else."""
    monkeypatch.setattr(transport, "MAX_RESPONSE", 100_000)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    body = b" " * 300_000
    proxy.add(
        "answer",
        path="/v1/status",
        raw=b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body,
    )
    client = CountyClient(proxy.url, credential="x", timeout=(2.0, 10.0))
    with pytest.raises(ServerError) as e:
        client.status()
    client.close()
    assert e.value.message() == "無法與縣府伺服器同步（回應超過 64 MiB 上限，未讀完）"
    assert e.value.message("en") == (
        "Cannot sync with the county server (its answer passed the 64 MiB limit; not read)"
    )
