"""County IT lists the enrolled devices (`eservice-county-server devices`): when each last
synced and with which build, so that before an upgrade bringing a new event type it sees the
counters still behind. Before, the county kept neither the build nor any way to list devices."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.county import service as county_service
from eservice_desktop.county.cli import main as county_main
from eservice_desktop.county.store import DeviceRow, make_engine, utcnow
from eservice_desktop.county_link.build import build_of, reader_build, user_agent
from eservice_desktop.services.core import App


def _devices(county: CountyServer, capsys: pytest.CaptureFixture[str], *more: str) -> str:
    assert county_main(["devices", "--db", county.db_url, *more]) == 0
    return capsys.readouterr().out


def test_county_it_sees_each_counter_last_seen_and_its_build(
    office: Callable[..., App], sqlite_county: CountyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    h01, quiet = office("H01", "01", sqlite_county.url), office("H01", "02", sqlite_county.url)
    other = office("H03", "01", sqlite_county.url)
    for app in (h01, quiet, other):
        enrol(app, sqlite_county)
    sync_now(h01)
    sync_now(other)
    engine = make_engine(sqlite_county.db_url)
    try:  # a counter an older build had synced: it named no build
        with Session(engine) as s, s.begin():
            s.get(DeviceRow, "H03-01").build = None  # type: ignore[union-attr]
            county_service.revoke(s, "H01-02", utcnow())
    finally:
        engine.dispose()

    listed = json.loads(_devices(sqlite_county, capsys, "--json"))["devices"]
    by_key = {d["device_key"]: d for d in listed}
    assert list(by_key) == ["H01-01", "H01-02", "H03-01"]
    assert by_key["H01-01"]["build"] == reader_build() and by_key["H01-01"]["last_seen_at"]
    assert by_key["H01-01"]["synced_at"]  # its round pulled with nothing left to push
    assert by_key["H01-02"]["synced_at"] is None
    assert by_key["H01-02"]["last_seen_at"] is None and by_key["H01-02"]["revoked_at"]
    assert by_key["H03-01"]["build"] is None

    sync_now(other)  # its upgrade: the next pull names the build at once, not 5 minutes on
    text = _devices(sqlite_county, capsys, "--office", "H03")
    assert text.splitlines()[1].startswith("H03-01 | 1") and reader_build() in text
    assert "H01" not in text
    assert "未曾同步" in _devices(sqlite_county, capsys, "--office", "H01")
    assert "never" in _devices(sqlite_county, capsys, "--office", "H01", "--lang", "en")


def test_what_names_no_build_is_kept_as_unknown() -> None:
    assert build_of(user_agent()) == reader_build()
    for agent in ("eservice-desktop-sync/1", "curl/8.5", f"{user_agent()}\r\nX: y", "x" * 500):
        assert build_of(agent) == ""
    assert build_of("eservice-desktop-sync/1 (" + "9" * 61 + ")") == ""


def test_a_bad_office_is_refused(
    sqlite_county: CountyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert county_main(["devices", "--db", sqlite_county.db_url, "--office", "h01;"]) == 2
    assert capsys.readouterr().err == "機關代碼格式錯誤（例：H01）\n"
    assert (
        county_main(["devices", "--db", sqlite_county.db_url, "--office", "h01;", "--lang", "en"])
        == 2
    )
    assert capsys.readouterr().err == "Bad office code (e.g. H01)\n"
