"""A counter PC stolen: the county revokes it, the office's other counter works on, and the PC
taking its place is enrolled. County IT who had issued the new PC a replacement code for the
stolen counter's number before revoking it saw the new PC refused as 登記碼無效、已使用或已過期
and sent back for a replacement code, which the county refuses for a revoked device."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sync_helpers import ROOT, CountyServer, county_cli, service_env

from eservice_desktop.county import cli as county_main


def _office(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _counter(
    tmp: Path, name: str, device: str, county: CountyServer, code: str
) -> tuple[Path, dict[str, str], subprocess.CompletedProcess[str]]:
    data, env = tmp / name, service_env(tmp / f"{name}-credentials")
    made = _office(data, env, "setup", "--office", "H01", "--device", device)
    assert made.returncode == 0, made.stderr
    return data, env, _office(data, env, "sync", "enrol", "--server", county.url, "--code", code)


def _credential(credentials: Path) -> str:
    stored = json.loads((credentials / "credentials.json").read_text(encoding="utf-8"))
    (value,) = stored.values()
    return str(value)


def test_a_stolen_counter_is_revoked_and_its_replacement_enrols_under_a_new_number(
    county: CountyServer, tmp_path: Path
) -> None:
    _, _, done = _counter(tmp_path, "stolen", "01", county, county.enrol_code("H01"))
    assert done.returncode == 0, done.stderr
    other, other_env, done = _counter(tmp_path, "other", "02", county, county.enrol_code("H01"))
    assert done.returncode == 0, done.stderr
    replacement = county.enrol_code("H01", device="01")  # the new PC's, before the revocation
    county_cli("revoke", "--db", county.db_url, "H01-01")

    thief = {"Authorization": f"Bearer {_credential(tmp_path / 'stolen-credentials')}"}
    for method, path in (("GET", "/v1/status"), ("GET", "/v1/operators"), ("POST", "/v1/events")):
        answer = httpx.request(method, county.url + path, headers=thief, json={"events": []})
        assert answer.status_code == 403 and answer.json()["code"] == "auth.revoked", path

    new = tmp_path / "new"
    new_env = service_env(tmp_path / "new-credentials")
    assert _office(new, new_env, "setup", "--office", "H01", "--device", "01").returncode == 0
    enrol = ["sync", "enrol", "--server", county.url, "--code", replacement]
    refused = _office(new, new_env, *enrol, "--json")
    assert refused.returncode == 2, refused.stderr
    assert json.loads(refused.stdout)["error"] == "sync.enrol_revoked"
    assert "設備 H01-01 已被縣府撤銷" in refused.stderr
    assert "enrol-code --office H01（不加 --device）" in refused.stderr
    assert "已使用或已過期" not in refused.stderr
    refused = _office(new, new_env, "--lang", "en", *enrol)
    assert refused.returncode == 2
    assert "Device H01-01 was revoked; its replacement code cannot be used" in refused.stderr
    assert "(enrol-code --office H01, without --device)" in refused.stderr

    plain = county.enrol_code("H01")  # the way the refusal names
    done = _office(new, new_env, "sync", "enrol", "--server", county.url, "--code", plain)
    assert done.returncode == 0, done.stderr
    assert json.loads((new / "settings.json").read_text(encoding="utf-8"))["device_id"] == "03"
    once = _office(other, other_env, "sync", "once", "--json")  # the other counter works on
    assert once.returncode == 0 and json.loads(once.stdout)["ok"], once.stderr


def test_county_it_asking_a_replacement_code_for_a_revoked_counter_is_told_the_way_on(
    county: CountyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, done = _counter(tmp_path, "stolen", "01", county, county.enrol_code("H01"))
    assert done.returncode == 0, done.stderr
    county_cli("revoke", "--db", county.db_url, "H01-01")
    args = ["enrol-code", "--db", county.db_url, "--office", "H01", "--device", "01"]
    for lang, words in (
        ("zh_TW", "接替的電腦請以 enrol-code --office H01（不加 --device）核發新設備的登記碼"),
        ("en", "issue a code for a new device (enrol-code --office H01, without --device)"),
    ):
        code = county_main.main([*args, "--lang", lang])
        err = capsys.readouterr().err
        assert code == 2 and words in err, err


def test_a_device_id_typed_in_lower_case_is_revoked(
    county: CountyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``revoke h01-01`` answered 查無此設備 (exit 2) and the stolen counter synced on."""
    _, _, done = _counter(tmp_path, "stolen", "01", county, county.enrol_code("H01"))
    assert done.returncode == 0, done.stderr
    assert county_main.main(["revoke", "h01-01", "--db", county.db_url]) == 0
    assert capsys.readouterr().out == "已撤銷\n"
    thief = {"Authorization": f"Bearer {_credential(tmp_path / 'stolen-credentials')}"}
    assert httpx.get(county.url + "/v1/status", headers=thief).status_code == 403
    assert county_main.main(["revoke", "H01-09", "--db", county.db_url]) == 2
    assert "查無此設備：H01-09（設備代號如 H01-02；devices 列出各設備）" in capsys.readouterr().err
