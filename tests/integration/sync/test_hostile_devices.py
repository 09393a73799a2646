"""Issue 11, devices and codes: an enrolment code never takes over a device, never lifts a
revocation, never uses a reserved id; county IT replaces a named device's credential with an
audit record; office codes are checked when codes are issued; keyring entries per data dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.county import cli as county_cli
from eservice_desktop.county import service
from eservice_desktop.county.store import DeviceAuditRow, DeviceRow, make_engine, utcnow
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import sync
from eservice_desktop.services.core import App


def _post_enrol(
    county: CountyServer, code: str, device: str, office: str = "H01"
) -> requests.Response:
    return requests.post(
        county.url + "/v1/enrol",
        json={"code": code, "device": device, "office": office},
        timeout=30,
    )


def _status(county: CountyServer, credential: str) -> int:
    r = requests.get(
        county.url + "/v1/status", headers={"Authorization": f"Bearer {credential}"}, timeout=30
    )
    return r.status_code


def _named_code(county: CountyServer, office: str, device: str) -> str:
    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s, s.begin():
            return service.new_enrol_code(s, office, utcnow(), device=device)
    finally:
        engine.dispose()


def _audit(county: CountyServer) -> list[tuple[str, str]]:
    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s:
            rows = s.scalars(select(DeviceAuditRow).order_by(DeviceAuditRow.seq))
            return [(r.device_key, r.action) for r in rows]
    finally:
        engine.dispose()


def test_a_fresh_code_never_takes_over_an_enrolled_device(sqlite_county: CountyServer) -> None:
    first = _post_enrol(sqlite_county, sqlite_county.enrol_code("H01"), "01")
    assert first.status_code == 200 and first.json()["device"] == "01"
    cred = first.json()["credential"]
    second = _post_enrol(sqlite_county, sqlite_county.enrol_code("H01"), "01")
    assert second.status_code == 200
    assert second.json()["device"] == "02"  # the county assigns a free number
    assert _status(sqlite_county, cred) == 200  # the real device keeps working


def test_a_fresh_code_never_lifts_a_revocation(sqlite_county: CountyServer) -> None:
    first = _post_enrol(sqlite_county, sqlite_county.enrol_code("H01"), "01").json()
    county_cli.main(["revoke", "--db", sqlite_county.db_url, "H01-01"])
    again = _post_enrol(sqlite_county, sqlite_county.enrol_code("H01"), "01")
    assert again.json()["device"] != "01"
    assert _status(sqlite_county, first["credential"]) == 403
    engine = make_engine(sqlite_county.db_url)
    with Session(engine) as s:
        assert s.get(DeviceRow, "H01-01").revoked_at is not None  # type: ignore[union-attr]
    engine.dispose()
    # nor does county IT's named code
    with pytest.raises(service.BadRequest):
        _named_code(sqlite_county, "H01", "01")


@pytest.mark.parametrize("device", ["CTY", "00", "A1", "1"])
def test_reserved_or_odd_device_ids_are_never_used(
    sqlite_county: CountyServer, device: str
) -> None:
    r = _post_enrol(sqlite_county, sqlite_county.enrol_code("H01"), device)
    assert r.status_code == 200
    assert r.json()["device"] == "01"


def test_a_named_code_replaces_that_devices_credential_with_an_audit_record(
    sqlite_county: CountyServer,
) -> None:
    old = _post_enrol(sqlite_county, sqlite_county.enrol_code("H01"), "01").json()
    new = _post_enrol(sqlite_county, _named_code(sqlite_county, "H01", "01"), "07").json()
    assert new["device"] == "01" and new["device_key"] == "H01-01"
    assert _status(sqlite_county, new["credential"]) == 200
    assert _status(sqlite_county, old["credential"]) == 401
    assert _audit(sqlite_county) == [("H01-01", "enrolled"), ("H01-01", "replaced")]


@pytest.mark.parametrize("office", ["", "h01", "Z99", "H" * 30, "H01\n", "L99"])
def test_enrol_code_checks_the_office_against_the_catalogue(
    sqlite_county: CountyServer, office: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = county_cli.main(["enrol-code", "--db", sqlite_county.db_url, "--office", office])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "機關代碼" in err and "catalogue" not in err, err
    command = ["enrol-code", "--db", sqlite_county.db_url, "--office", office, "--lang", "en"]
    assert county_cli.main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "catalogue" in err, err


@pytest.mark.parametrize("device", ["CTY", "00", "100", ""])
def test_enrol_code_for_a_named_device_checks_the_number(
    sqlite_county: CountyServer, device: str
) -> None:
    rc = county_cli.main(
        ["enrol-code", "--db", sqlite_county.db_url, "--office", "H01", "--device", device]
    )
    assert rc == 2


@pytest.fixture
def pc(tmp_path: Path, make_app: Callable[[Settings], App]) -> Callable[[str, str], App]:
    """A separate installation (its own data directory) configured as office-device."""
    made: list[App] = []

    def make(office_code: str, device: str, url: str = "http://127.0.0.1:9") -> App:
        app = make_app(
            Settings(
                data_dir=tmp_path / f"pc{len(made)}",
                office_code=office_code,
                device_id=device,
                county_url=url,
            )
        )
        made.append(app)
        return app

    return make


def test_the_office_adopts_the_number_the_county_assigned(
    sqlite_county: CountyServer, pc: Callable[..., App]
) -> None:
    first = pc("H01", "01", sqlite_county.url)
    enrol(first, sqlite_county)
    other = pc("H01", "01", sqlite_county.url)  # a second PC set up with the same number
    info = sync.enrol(other, sqlite_county.url, sqlite_county.enrol_code("H01"))
    assert info["device_key"] == "H01-02" and other.settings.device_id == "02"
    new_case(first)
    new_case(other)
    assert sync_now(first).pending == 0
    assert sync_now(other).pending == 0


def test_a_device_with_cases_is_not_renumbered(
    sqlite_county: CountyServer, pc: Callable[..., App]
) -> None:
    enrol(pc("H01", "01", sqlite_county.url), sqlite_county)
    other = pc("H01", "01", sqlite_county.url)
    new_case(other)
    with pytest.raises(DomainError) as e:
        sync.enrol(other, sqlite_county.url, sqlite_county.enrol_code("H01"))
    assert e.value.code == "sync.enrol_device"
    assert other.settings.device_id == "01"


def test_two_data_directories_of_the_same_device_never_share_a_keyring_entry(
    sqlite_county: CountyServer, pc: Callable[..., App]
) -> None:
    a = pc("H01", "01")
    b = pc("H01", "01")
    assert sync.keyring_account(a) != sync.keyring_account(b)
    assert sync.keyring_account(a).startswith("county:H01-01:")
    # each keeps its own credential: enrolling the second (as a replacement of the same
    # device) leaves the first one's entry alone
    sync.enrol(a, sqlite_county.url, sqlite_county.enrol_code("H01"))
    sync.enrol(b, sqlite_county.url, _named_code(sqlite_county, "H01", "01"))
    assert sync.credential(a) != sync.credential(b)
