"""settings.json and ESERVICE_* take only what a setting can hold: a value of another kind
(a list for a name, ``true`` or ``2.9`` for a count, ``nan``, ``inf``), a number outside the
setting's range, a word outside its choices or an unknown key (a typo) is refused with one line
naming where, exit 2 (it-guide §3), instead of being bent into a value or silently ignored."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from eservice_desktop import config
from eservice_desktop.cli.main import main
from eservice_desktop.config import load_settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import doctor

REFUSED_IN_FILE = [
    {"device_id": 3},
    {"office_code": ["H01"]},
    {"demo": "ture"},
    {"attachment_max_mb": 2.9},
    {"attachment_max_mb": True},
    {"retention_days": -5},
    {"retention_days": 0},
    {"payment_due_days": -1},
    {"payment_due_days": 366},  # a year of working days: a unit mistake
    {"payment_due_days": 2.5},
    {"backup_interval_h": 0},
    {"sync_interval_s": -5},
    {"idle_lock_min": 1e300},
    {"lang": "fr"},
    {"receipt_layout": "a4"},
    {"db_key_store": "vault"},
    {"backup_dirr": "/mnt/usb"},
    {"data_dir": "/elsewhere"},
    {"db_key_dir": "keys"},  # read against each program's working folder: another key each
    {"backup_dir": "../../etc"},
    {"county_ca_file": "county-ca.pem"},
    {"trust_anchor_dir": "  "},
]

REFUSED_IN_ENV = {
    "ESERVICE_RETENTION_DAYS": "99999999999",
    "ESERVICE_SYNC_INTERVAL_S": "nan",
    "ESERVICE_BACKUP_MAX_AGE_H": "inf",
    "ESERVICE_IDLE_LOCK_MIN": "-1",
    "ESERVICE_PAYMENT_DUE_DAYS": "-3",
    "ESERVICE_DEMO": "maybe",
    "ESERVICE_DB_KEY_STORE": "vault",
    "ESERVICE_BACKUP_DIR": "backups",
    "ESERVICE_DB_KEY_DIR": "./keys",
}


@pytest.mark.parametrize("stored", REFUSED_IN_FILE, ids=json.dumps)
def test_a_value_a_setting_cannot_hold_is_refused(tmp_path: Path, stored: dict) -> None:  # type: ignore[type-arg]
    (tmp_path / "settings.json").write_text(json.dumps(stored), encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        load_settings(tmp_path)
    assert refused.value.code == "settings.invalid"
    assert f"settings.json: {next(iter(stored))}" in refused.value.message("en")


@pytest.mark.parametrize("name", sorted(REFUSED_IN_ENV))
def test_a_bad_environment_value_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, REFUSED_IN_ENV[name])
    with pytest.raises(DomainError) as refused:
        load_settings(tmp_path)
    assert refused.value.code == "settings.invalid" and name in refused.value.message("en")


def test_values_within_range_are_read_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {"attachment_max_mb": 20.0, "demo": True, "idle_lock_min": 5, "lang": "en-US"}
    stored["clerk"] = "demo01"  # written by an earlier version's Settings.save: retired
    (tmp_path / "settings.json").write_text(json.dumps(stored), encoding="utf-8")
    monkeypatch.setenv("ESERVICE_RETENTION_DAYS", "365")
    monkeypatch.setenv("ESERVICE_SYNC_STALE_WARN_H", "0")
    monkeypatch.setenv("ESERVICE_PAYMENT_DUE_DAYS", "0")
    got = load_settings(tmp_path)
    assert (got.attachment_max_mb, got.demo, got.idle_lock_min, got.lang) == (20, True, 5, "en")
    assert (got.retention_days, got.sync_stale_warn_h, got.payment_due_days) == (365, 0.0, 0)


def test_the_rules_are_read_where_they_were() -> None:
    """The rules moved to ``settings_rules``; ``config`` still answers with the same tables."""
    from eservice_desktop import settings_rules

    assert config.LIMITS is settings_rules.LIMITS and config.STRICTER is settings_rules.STRICTER
    assert config.CHOICES is settings_rules.CHOICES and config.PATHS is settings_rules.PATHS
    assert config.RETIRED is settings_rules.RETIRED
    assert config.LIMITS["payment_due_days"] == (0, 365)
    assert config.Settings().payment_due_days == 5


LOOSER = [
    ("login_max_failures", "50", 5),
    ("login_lockout_min", "0", 15),
    ("login_lockout_min", "1", 15),
    ("idle_lock_min", "0", 10),  # the window would never lock, a CLI session never end
    ("idle_lock_min", "600", 10),
]


@pytest.mark.parametrize("case", LOOSER, ids=str)
def test_a_looser_sign_in_setting_is_not_taken(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    case: tuple[str, str, float],
) -> None:
    """Whoever has a shell as the counter's OS user writes the environment and settings.json:
    a lockout of 0 minutes or an idle lock off would let a password-guessing loop run freely or
    keep a session open for ever. The default applies, the log says so once, doctor warns."""
    key, value, default = case
    monkeypatch.setenv(f"ESERVICE_{key.upper()}", value)
    got = load_settings(tmp_path)
    assert getattr(got, key) == default and got.held_back == (key,)
    (tmp_path / "settings.json").write_text(json.dumps({key: float(value)}), encoding="utf-8")
    monkeypatch.delenv(f"ESERVICE_{key.upper()}")
    got = load_settings(tmp_path)
    assert getattr(got, key) == default and got.held_back == (key,)
    config._WARNED.discard(key)
    with caplog.at_level(logging.WARNING, "eservice.settings"):
        config.warn_held_back(got)
        config.warn_held_back(got)
    assert [r.getMessage() for r in caplog.records] == [
        f"setting {key} looser than the default: not taken"
    ]
    check = doctor.check_office(got)
    assert check.status == "warn" and key in check.detail_en and key in check.detail_zh


def test_a_stricter_sign_in_setting_is_taken_and_the_environment_cannot_undo_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {"login_max_failures": 3, "login_lockout_min": 60, "idle_lock_min": 2}
    (tmp_path / "settings.json").write_text(json.dumps(stored), encoding="utf-8")
    got = load_settings(tmp_path)
    assert (got.login_max_failures, got.login_lockout_min, got.idle_lock_min) == (3, 60, 2)
    assert got.held_back == () and "sign-in" not in doctor.check_office(got).detail_en
    monkeypatch.setenv("ESERVICE_LOGIN_MAX_FAILURES", "5")  # the default, looser than IT's 3
    monkeypatch.setenv("ESERVICE_LOGIN_LOCKOUT_MIN", "120")
    got = load_settings(tmp_path)
    assert (got.login_max_failures, got.login_lockout_min) == (3, 120)
    assert got.held_back == ("login_max_failures",)


def test_a_folder_from_home_is_the_same_folder_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ESERVICE_BACKUP_DIR", "~/eservice-backup")
    got = load_settings(tmp_path)
    assert got.backup_dir == str(tmp_path / "home" / "eservice-backup")
    assert got.db_key_dir == ""  # empty: the default inside the data directory


def test_the_refusal_is_one_line_exit_2_in_the_chosen_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "settings.json").write_text('{"retention_days": -5}', encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "db", "current"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "retention_days" in err and "1 與 36500" in err
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert main(["--data-dir", str(tmp_path), "db", "current"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must be between 1 and 36500" in err
    assert not (tmp_path / "eservice.sqlite3").exists()


def test_settings_nested_deeper_than_json_goes_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A settings.json of [[[[… (a tool gone wrong, a damaged disk) ended every command, and
    the counter window, in RecursionError's traceback."""
    (tmp_path / "settings.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "db", "current"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "不是 JSON：巢狀層次過深" in err, err
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert main(["--data-dir", str(tmp_path), "db", "current"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not JSON: nested too deep" in err, err


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_settings_saved_by_windows_tools_with_a_byte_order_mark_are_read(
    tmp_path: Path, encoding: str
) -> None:
    # Notepad's "UTF-8 with BOM", PowerShell 5's Set-Content -Encoding UTF8 and its `>`
    # (UTF-16): the program stopped with 「設定無法讀取：…（不是 JSON：第 1 行）」.
    text = json.dumps({"office_code": "H01", "lang": "en", "idle_lock_min": 5})
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "settings.json").write_bytes(data)
    got = load_settings(tmp_path)
    assert (got.office_code, got.lang, got.idle_lock_min) == ("H01", "en", 5)


def test_settings_in_a_code_page_are_still_refused_as_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes('{"office_name": "桃園"}'.encode("cp950"))
    with pytest.raises(DomainError) as refused:
        load_settings(tmp_path)
    assert "不是 UTF-8 文字" in refused.value.message_zh
