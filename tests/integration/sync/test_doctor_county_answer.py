"""doctor's county line against the real county server on loopback, and against a web server
that is no county: what it says must be what `sync once` then finds."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_helpers import CountyServer

from eservice_desktop.config import Settings
from eservice_desktop.services import doctor


class _Portal(http.server.BaseHTTPRequestHandler):
    """A web server (a portal, an intranet home page) answering 200 with HTML to any path."""

    def do_GET(self) -> None:
        body = "<html><body>縣府入口網</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_the_county_server_answers_ok(sqlite_county: CountyServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, county_url=sqlite_county.url)
    c = doctor.check_county(settings)
    assert c.status == "ok", c


def test_a_web_server_that_is_no_county_is_not_reachable_county(
    portal: str, tmp_path: Path
) -> None:
    """county_url on a web server answering 200 with a page: doctor said 連線正常 while every
    sync round failed with 回應無法辨識."""
    settings = Settings(data_dir=tmp_path, county_url=portal)
    c = doctor.check_county(settings)
    assert c.status == "warn", c
    assert "not with the county sync server's health check" in c.detail_en
    assert "不是縣府同步伺服器" in c.detail_zh
    assert "county_url" in c.fix_en and "county_url" in c.fix_zh


@pytest.mark.parametrize(
    ("hours", "zh", "en"),
    [(-5, "慢 5.0 小時", "5.0 h behind"), (0.5, "快 30 分鐘", "30 min ahead")],
)
def test_a_pc_clock_off_from_the_county_is_said(
    sqlite_county: CountyServer, tmp_path: Path, hours: float, zh: str, en: str
) -> None:
    """A PC clock five hours slow: sync measured it (`sync status`: clock_offset_s 18000) but
    doctor, run first when something is wrong, said nothing of it; the certificate checks,
    the backups' names and the logs follow the PC's clock."""
    settings = Settings(data_dir=tmp_path, county_url=sqlite_county.url)
    c = doctor.check_county(settings, now=lambda: datetime.now(UTC) + timedelta(hours=hours))
    assert c.status == "warn", c
    assert zh in c.detail_zh and en in c.detail_en
    assert abs(c.data["clock_offset_s"] + hours * 3600) < 60
    assert "w32tm" in c.fix_en and "timedatectl" in c.fix_zh
    near = doctor.check_county(settings, now=lambda: datetime.now(UTC) + timedelta(minutes=2))
    assert near.status == "ok", near
