"""A new office whose office code and county URL IT never set (no installer, the guide's
``setup --admin`` alone): the counter runs as the defaults' office H01. Doctor said
事務所設定 OK of it, and its first case made the database H01-01's for good."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import load_settings
from eservice_desktop.services import doctor


def _setup(data: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO("Admin-pass-2026\n"))
    return main(["--data-dir", str(data), *args])


def test_doctor_and_setup_say_the_office_was_never_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ESERVICE_OFFICE_CODE", raising=False)
    monkeypatch.delenv("ESERVICE_COUNTY_URL", raising=False)
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    data = tmp_path / "office"
    assert doctor.check_office(load_settings(data)).status == "warn"  # nothing there yet

    assert _setup(data, monkeypatch, "setup", "--admin", "boss", "--password-stdin") == 0
    err = capsys.readouterr().err
    assert "尚未設定 office_code（目前為預設值 H01）" in err and "setup --office" in err, err
    # the settings file the admin's setup started holds every key but these two
    written = json.loads((data / "settings.json").read_text(encoding="utf-8"))
    assert "office_code" not in written and "county_url" not in written
    assert "retention_days" in written
    check = doctor.check_office(load_settings(data))
    assert check.status == "warn", check
    assert "尚未設定 office_code、county_url" in check.detail_zh
    assert "office_code, county_url not set" in check.detail_en
    assert "setup --office" in check.fix_zh and "setup --office" in check.fix_en

    url = "http://127.0.0.1:18463"
    assert _setup(data, monkeypatch, "--office", "H07", "setup", "--county-url", url) == 0
    assert "尚未設定" not in capsys.readouterr().err
    check = doctor.check_office(load_settings(data))
    assert check.status == "ok" and "H07" in check.detail_zh, check


def test_an_office_set_in_the_environment_or_a_demo_is_not_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)  # the tests' own
    monkeypatch.setenv("ESERVICE_OFFICE_CODE", "H02")
    monkeypatch.setenv("ESERVICE_COUNTY_URL", "http://127.0.0.1:18463")
    check = doctor.check_office(load_settings(tmp_path / "a"))
    assert check.status == "ok", check
    monkeypatch.delenv("ESERVICE_OFFICE_CODE")
    monkeypatch.delenv("ESERVICE_COUNTY_URL")
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    check = doctor.check_office(load_settings(tmp_path / "b"))
    assert "尚未設定" not in check.detail_zh, check  # the demo's own warning, not this one
