"""doctor's county line against the real county server on loopback, and against a web server
that is no county: what it says must be what `sync once` then finds."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_helpers import CountyServer, county_cli, enrol

from eservice_desktop.config import Settings
from eservice_desktop.services import doctor, sync
from eservice_desktop.services.core import App


def test_the_county_server_answers_ok(sqlite_county: CountyServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, county_url=sqlite_county.url)
    c = doctor.check_county(settings)
    assert c.status == "ok", c


def test_a_web_server_that_is_no_county_is_not_reachable_county(
    web_page: str, tmp_path: Path
) -> None:
    """county_url on a web server answering 200 with a page: doctor said 連線正常 while every
    sync round failed with 回應無法辨識."""
    settings = Settings(data_dir=tmp_path, county_url=web_page)
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


def test_a_credential_the_county_refuses_fails_the_enrolment_line(
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
    sqlite_county: CountyServer,
    tmp_path: Path,
) -> None:
    """A device the county revoked, or whose credential a replacement code gave to another PC:
    every sync round failed (HTTP 403 / 401) while doctor said 本機登記 已登記為 H01-01."""
    app = office("H01", "01", sqlite_county.url)
    enrol(app, sqlite_county)
    assert doctor.check_enrolment(app.settings, network=True).status == "ok"
    new_pc = make_app(
        Settings(
            data_dir=tmp_path / "new-pc",
            office_code="H01",
            device_id="01",
            county_url=sqlite_county.url,
        )
    )
    sync.enrol(new_pc, sqlite_county.url, sqlite_county.enrol_code("H01", device="01"))
    replaced = doctor.check_enrolment(app.settings, network=True)
    assert replaced.status == "fail", replaced
    assert "HTTP 401" in replaced.detail_en and "縣府不接受本機憑證" in replaced.detail_zh
    assert "enrol-code --office H01 --device 01" in replaced.fix_en
    county_cli("revoke", "--db", sqlite_county.db_url, "H01-01")
    revoked = doctor.check_enrolment(new_pc.settings, network=True)
    assert revoked.status == "fail" and "HTTP 403" in revoked.detail_en, revoked
    assert "revoked" in revoked.fix_en and "enrol-code" not in revoked.fix_en
    assert doctor.check_enrolment(new_pc.settings).status == "ok"  # --no-network: as before


def test_the_enrolment_line_gives_its_time_as_the_counter_shows_times(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """The shift-start check and doctor said 已登記為 H01-01（2026-11-02T05:01:57.421453+00:00）:
    the stored UTC text, eight hours off the office's clock. Taipei, the ROC year in Chinese."""
    app = office("H01", "01", sqlite_county.url)
    enrol(app, sqlite_county)
    with app.transaction() as s:  # enrolled at 13:01:57 Taipei
        from eservice_desktop.services.sync.state import get_state, set_state

        info = json.loads(get_state(s, "enrolled") or "{}")
        info["at"] = "2026-11-02T05:01:57.421453+00:00"
        set_state(s, "enrolled", json.dumps(info), datetime.now(UTC))
    c = doctor.check_enrolment(app.settings)
    assert c.status == "ok", c
    assert c.detail_zh == "已登記為 H01-01（115/11/02 13:01）"
    assert c.detail_en == "Enrolled as H01-01 (2026-11-02 13:01)"
