"""doctor's county line over a misbehaving network: a county answering a byte at a time is
said within doctor's deadline, and the line asks the county the way sync does (an ambient
proxy sync never uses is not asked)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer

from eservice_desktop.config import Settings
from eservice_desktop.services import doctor
from eservice_desktop.services.doctor import county as doctor_county


def test_a_county_answering_a_byte_at_a_time_is_said_within_the_deadline(
    sqlite_county: CountyServer,
    proxies: list[FaultProxy],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A throttled line (a byte a second) held doctor for six minutes, each read within its
    3 s timeout, and then said 連線正常 while every sync round was cut off."""
    monkeypatch.setattr(doctor_county, "HEALTH_DEADLINE_S", 2.0, raising=False)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("drip", path="/v1/health", seconds=0.2)
    settings = Settings(data_dir=tmp_path, county_url=proxy.url)
    t0 = time.monotonic()
    c = doctor.check_county(settings)
    assert time.monotonic() - t0 < 10
    assert c.status == "fail", c
    assert "did not finish its health answer within 2 s" in c.detail_en
    assert "2 秒內未答完健康檢查" in c.detail_zh
    assert "proxy" in c.fix_en and "代理伺服器" in c.fix_zh


def test_doctor_asks_the_county_as_sync_does_not_through_an_ambient_proxy(
    sqlite_county: CountyServer,
    web_page: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With HTTP_PROXY set on the PC, doctor asked the proxy (sync never does, ``trust_env``
    off): what it said of the county was the proxy's, not what sync then found."""
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, web_page)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(data_dir=tmp_path, county_url=sqlite_county.url)
    c = doctor.check_county(settings)
    assert c.status == "ok", c


@pytest.mark.parametrize(
    ("reply", "en"),
    [
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/login\r\n",
            "(HTTP 302: the network sent the request elsewhere, perhaps to a network sign-in "
            "page; call IT)",
        ),
        (
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n",
            "(HTTP 407: the office network's proxy server asks for a sign-in; call IT)",
        ),
    ],
    ids=["redirect", "proxy-sign-in"],
)
def test_a_network_answering_in_the_countys_stead_is_said_so(
    sqlite_county: CountyServer,
    proxies: list[FaultProxy],
    tmp_path: Path,
    reply: bytes,
    en: str,
) -> None:
    """A captive portal's redirect or the office proxy's 407 read "The server answered HTTP 407
    (not an eservice county server?)" and sent IT to correct county_url, which was right."""
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("answer", raw=reply + b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    settings = Settings(data_dir=tmp_path, county_url=proxy.url)
    c = doctor.check_county(settings)
    assert c.status == "fail", c
    assert c.detail_en.endswith(en)
    assert "county_url" not in c.fix_en and "登入頁" in c.fix_zh
