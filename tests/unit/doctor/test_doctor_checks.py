"""doctor's checks against real things: SQLite files, loopback HTTP(S) servers, fontconfig."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import keyring
import pytest
from db_support import connect_db
from keyring.backends import fail, null

from eservice_desktop import __version__
from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services import doctor
from eservice_desktop.services.core import App
from eservice_desktop.storage import db

#: The ``county_server`` fixture (conftest.py): start(tls=False, health=200, server_days=365).
ServerFactory = Callable[..., tuple[str, Path | None]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- version, data directory, database ------------------------------------------------------------


def test_version_reports_this_build() -> None:
    c = doctor.check_version()
    assert c.status == "ok"
    assert c.data["version"] == __version__
    assert c.data["frozen"] is False


def test_data_dir_missing_is_a_warning_with_a_fix(tmp_path: Path) -> None:
    c = doctor.check_data_dir(Settings(data_dir=tmp_path / "not-yet"))
    assert c.status == "warn"
    assert "db upgrade" in c.fix_en and "db upgrade" in c.fix_zh


def test_data_dir_reports_free_space(settings: Settings) -> None:
    c = doctor.check_data_dir(settings)
    assert c.status == "ok"
    assert c.data["free_bytes"] > 0
    assert "MB" in c.detail_en


def test_database_missing_is_a_warning(settings: Settings) -> None:
    c = doctor.check_database(settings)
    assert c.status == "warn"
    assert "db upgrade" in c.fix_en


def test_database_ok_at_head(app: App) -> None:
    c = doctor.check_database(app.settings)
    assert c.status == "ok", c
    assert c.data["current"] == db.head_revision()
    assert c.data["integrity"] == ["ok"]


def _set_revision(settings: Settings, revision: str) -> None:
    conn = connect_db(settings)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()


def test_database_behind_head_warns_and_newer_fails(app: App) -> None:
    app.close()
    _set_revision(app.settings, "0001")
    behind = doctor.check_database(app.settings)
    assert behind.status == "warn"
    assert behind.data["current"] == "0001"
    _set_revision(app.settings, "9999")
    newer = doctor.check_database(app.settings)
    assert newer.status == "fail"
    assert "newer" in newer.detail_en


def test_database_corruption_fails_with_restore_advice(app: App) -> None:
    path = app.settings.db_path
    app.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    # Leave the header (page 1) alone so SQLite opens the file, then scramble the other pages.
    for i in range(4096, len(data), 7):
        data[i] = (data[i] * 31 + 17) % 256
    path.write_bytes(bytes(data))
    c = doctor.check_database(app.settings)
    assert c.status == "fail"
    assert "backups/" in c.fix_en and "backups/" in c.fix_zh


def test_a_page_zeroed_in_the_database_is_said_in_chinese(app: App) -> None:
    """A page of the file overwritten with zeros (a failing disk): the zh-TW line read
    無法讀取資料庫：database disk image is malformed, SQLite's own English."""
    path = app.settings.db_path
    app.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with path.open("r+b") as f:
        f.seek(8192)
        f.write(bytes(4096))
    c = doctor.check_database(app.settings)
    assert c.status == "fail", c
    assert c.detail_zh == "無法讀取資料庫：資料庫檔案已損毀", c.detail_zh
    assert c.detail_en == "Cannot read the database: database disk image is malformed"
    assert "backups/" in c.fix_zh


def test_database_check_never_writes(app: App) -> None:
    path = app.settings.db_path
    app.close()
    before = path.read_bytes()
    doctor.check_database(app.settings)
    assert path.read_bytes() == before


def test_a_database_of_zero_bytes_beside_backups_is_lost_not_new(app: App) -> None:
    """A database emptied to zero bytes (a failed copy, a PC switched off while it was made)
    beside this counter's backups: doctor said "integrity ok, upgrade pending: run db
    upgrade", which starts an empty database in its place, and left -wal and -shm files
    beside it. It now says what it says of a missing one: restore the newest backup."""
    from eservice_desktop.services import backup

    backup.take_scheduled(app, "manual")
    path = app.settings.db_path
    app.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"")
    c = doctor.check_database(app.settings)
    assert c.status == "fail" and "backup restore" in c.fix_en, c
    assert "backup restore" in c.fix_zh
    assert doctor.check_chain(app.settings).status == "warn"
    assert [p.name for p in path.parent.glob(path.name + "*")] == [path.name]
    assert path.stat().st_size == 0


# --- office and county ----------------------------------------------------------------------------


def test_office_default_settings_are_ok(settings: Settings) -> None:
    c = doctor.check_office(settings)
    assert c.status == "ok"
    assert c.data["office_name"]


@pytest.mark.parametrize(("office", "device"), [("L01", "01"), ("H01", "02")])
def test_settings_naming_another_counter_than_the_database_fail(
    app: App, office: str, device: str
) -> None:
    """A settings file copied from another PC, or `setup --office L01` over counter H01-01's
    data directory: the window and every command refused 此資料庫屬於櫃檯 H01-01 while
    doctor said 事務所設定 OK."""
    from factories import new_case

    new_case(app)
    assert doctor.check_office(app.settings).status == "ok"
    c = doctor.check_office(replace(app.settings, office_code=office, device_id=device))
    assert c.status == "fail", c
    assert "belongs to counter H01-01" in c.detail_en and "資料庫屬於櫃檯 H01-01" in c.detail_zh
    assert "back to H01-01" in c.fix_en and f"not {office}-{device}" in c.fix_en


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"office_code": "Z99"}, "fail", "catalogue"),
        ({"device_id": "0 1"}, "fail", "device"),
        ({"device_id": "A1"}, "fail", "device"),  # enrolment and case numbers want 01..99
        ({"device_id": "100"}, "fail", "device"),
        ({"county_url": "http://county.example.tw"}, "fail", "plain http"),
        ({"county_url": "https://county.example.tw"}, "fail", "CA certificate"),
        ({"county_url": "ftp://x"}, "fail", "not valid"),
        ({"demo": True}, "warn", "demo"),
    ],
)
def test_office_settings_problems(
    settings: Settings, changes: dict[str, object], status: str, words: str
) -> None:
    for k, v in changes.items():
        setattr(settings, k, v)
    c = doctor.check_office(settings)
    assert c.status == status
    assert words in c.detail_en
    assert c.fix_en and c.fix_zh


def test_county_http_health_ok(settings: Settings, county_server: ServerFactory) -> None:
    settings.county_url, _ = county_server()
    c = doctor.check_county(settings)
    assert c.status == "ok", c
    assert c.data["http_status"] == 200


def test_county_unreachable_fails_with_firewall_advice(settings: Settings) -> None:
    settings.county_url = f"http://127.0.0.1:{_free_port()}"
    c = doctor.check_county(settings, timeout=1)
    assert c.status == "fail"
    assert "firewall" in c.fix_en and "防火牆" in c.fix_zh


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999", "http://127.0.0.1:0", "127.0.0.1:8765", "https://:443"]
)
def test_a_county_url_no_server_answers_at_is_said_invalid_not_probed(
    settings: Settings, url: str
) -> None:
    """A port out of range ended doctor in a traceback; without a scheme (or with port 0) the
    probe said 無法連線 :80 and asked for the firewall to let TCP 80 through."""
    settings.county_url = url
    office = doctor.check_office(settings)
    assert office.status == "fail" and "not valid" in office.detail_en, office
    county = doctor.check_county(settings, timeout=1)
    assert county.status == "fail", county
    assert county.detail_en == f"County server URL {url!r} is not valid"
    assert county.detail_zh == f"縣府伺服器網址 {url!r} 無效"
    assert "firewall" not in county.fix_en and "county_url" in county.fix_en


def test_county_wrong_service_warns(settings: Settings, county_server: ServerFactory) -> None:
    settings.county_url, _ = county_server(health=404)
    c = doctor.check_county(settings)
    assert c.status == "warn"
    assert c.data["http_status"] == 404


def test_county_tls_with_pinned_ca(settings: Settings, county_server: ServerFactory) -> None:
    settings.county_url, ca = county_server(tls=True)
    settings.county_ca_file = str(ca)
    c = doctor.check_county(settings)
    assert c.status == "ok", c
    assert c.data["certificate"]["issuer"] == "CN=Test County CA"
    assert 360 <= c.data["certificate"]["days_left"] <= 365


def test_county_tls_with_another_ca_fails(settings: Settings, county_server: ServerFactory) -> None:
    settings.county_url, _ = county_server(tls=True)
    _, other_ca = county_server(tls=True)
    settings.county_ca_file = str(other_ca)
    c = doctor.check_county(settings)
    assert c.status == "fail"
    assert "certificate" in c.detail_en.lower()
    assert "county_ca_file" in c.fix_en


def test_county_certificate_expiring_soon_warns(
    settings: Settings, county_server: ServerFactory
) -> None:
    settings.county_url, ca = county_server(tls=True, server_days=10)
    settings.county_ca_file = str(ca)
    c = doctor.check_county(settings)
    assert c.status == "warn"
    assert "expires" in c.detail_en


# --- enrolment and keyring -----------------------------------------------------------------------


def test_enrolment_missing_warns(app: App) -> None:
    app.settings.county_url = "https://eservice.county.example.gov.tw"
    c = doctor.check_enrolment(app.settings)
    assert c.status == "warn"
    # the county URL filled in (it said --server URL / --server 網址)
    command = "eservice-desktop sync enrol --server https://eservice.county.example.gov.tw --code"
    assert f"{command} CODE" in c.fix_en and f"{command} 登記碼" in c.fix_zh


def _record_enrolment(app: App) -> None:
    from eservice_desktop.services import sync

    info = {
        "office": "H01",
        "device": "01",
        "device_key": "H01-01-abc",
        "server": "x",
        "at": app.now().isoformat(),
    }
    with app.transaction() as s:
        sync.set_state(s, "enrolled", json.dumps(info), app.now())


def test_enrolment_ok_with_record_and_credential(app: App) -> None:
    _record_enrolment(app)
    keyring.set_password(doctor.KEYRING_SERVICE, "county:H01-01", "secret")
    c = doctor.check_enrolment(app.settings)
    assert c.status == "ok", c
    assert "H01-01-abc" in c.detail_en
    assert "secret" not in json.dumps(c.to_json())


def test_enrolment_record_without_credential_fails(app: App) -> None:
    _record_enrolment(app)
    c = doctor.check_enrolment(app.settings)
    assert c.status == "fail"
    assert c.data["credential"] is False


def test_a_counter_whose_sync_service_syncs_is_enrolled_for_the_clerk(app: App) -> None:
    """The installed counter: the sync service syncs under its own account (LocalSystem,
    ``eservice``), the credential in that account's keyring, none in the clerk's. The window's
    shift-start check, run as the clerk, failed 本機登記 every morning and told the clerk to
    enrol again. A good round lately says the service holds it; without one it still fails."""
    from datetime import UTC, datetime, timedelta

    from eservice_desktop.services import sync

    def last_good_round(at: datetime) -> None:  # what the service's round keeps
        with app.transaction() as s:
            sync.set_state(s, "last_success", at.isoformat(), app.now())

    _record_enrolment(app)
    last_good_round(datetime.now(UTC) - timedelta(minutes=5))
    c = doctor.check_enrolment(app.settings)
    assert c.status == "ok", c
    assert c.data["credential"] is False
    assert "the sync service syncs under its own account" in c.detail_en
    assert "由同步服務以其帳號同步" in c.detail_zh
    last_good_round(datetime.now(UTC) - timedelta(hours=2))
    assert doctor.check_enrolment(app.settings).status == "fail"


@pytest.mark.parametrize("how", ["key missing", "database lost"])
def test_a_database_that_cannot_say_is_no_reason_to_enrol_again(app: App, how: str) -> None:
    """The enrolment is recorded in the database. With its key gone, or the database lost
    beside its backups, doctor said 本機尚未向縣府登記 → sync enrol with a new code; done so,
    `sync enrol` made an empty database and the county gave the counter its next free number
    (H01-02), so the backup of H01-01 no longer fitted it. It now sends IT to the database
    line and says not to enrol again."""
    from eservice_desktop.services import backup
    from eservice_desktop.storage import dbkey

    _record_enrolment(app)
    keyring.set_password(doctor.KEYRING_SERVICE, "county:H01-01", "secret")
    backup.take_scheduled(app, "manual")
    assert doctor.check_enrolment(app.settings).status == "ok"
    app.close()
    if how == "key missing":
        (dbkey.key_dir(app.settings) / dbkey.KEY_FILE).unlink()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{app.settings.db_path}{suffix}").unlink(missing_ok=True)
    c = doctor.check_enrolment(app.settings)
    assert c.status == "warn", c
    assert "sync enrol" not in c.fix_en and "sync enrol" not in c.fix_zh
    assert "do not enrol again" in c.fix_en and "勿重新登記" in c.fix_zh
    assert "Database integrity and revision" in c.fix_en
    assert "not enrolled" not in c.detail_en and "尚未向縣府登記" not in c.detail_zh


def test_a_demo_counter_of_a_loopback_county_needs_no_keyring(app: App) -> None:
    """`make run` on a machine with no keyring: the demo enrols by itself and keeps the
    credential in memory, and 系統檢查 said two failures (enrolment, keyring) while sync
    worked. The demo hears warnings; a real counter, or a demo of a remote county, still fails."""
    _record_enrolment(app)
    keyring.set_keyring(fail.Keyring())
    demo = replace(app.settings, demo=True, county_url="http://127.0.0.1:8765")
    c = doctor.check_enrolment(demo)
    assert c.status == "warn" and "示範" in c.detail_zh and "keyring" in c.fix_en
    k = doctor.check_keyring(demo=True)
    assert k.status == "warn" and "in memory" in k.detail_en
    report = doctor.run_checks(demo, network=False)
    assert {c.key: c.status for c in report.checks}["keyring"] == "warn"
    remote = replace(demo, county_url="https://county.example.gov.tw")
    assert doctor.check_enrolment(remote).status == "fail"
    real = replace(demo, demo=False)
    assert doctor.check_enrolment(real).status == "fail"
    assert doctor.check_keyring().status == "fail"


def test_keyring_usable_and_unusable() -> None:
    assert doctor.check_keyring().status == "ok"
    keyring.set_keyring(fail.Keyring())
    c = doctor.check_keyring()
    assert c.status == "fail"
    assert "gnome-keyring" in c.fix_en
    keyring.set_keyring(null.Keyring())  # takes every secret and forgets it
    assert doctor.check_keyring().status == "fail"


# --- devices -------------------------------------------------------------------------------------


@pytest.mark.readers  # pcscd restarted by a card test would read as "no readers"
def test_card_readers_never_fail() -> None:
    c = doctor.check_card_readers()
    assert c.status in ("ok", "warn")
    if os.environ.get("ESERVICE_TEST_PCSC"):
        assert c.status == "ok"
        assert any("Virtual PCD" in r for r in c.data["readers"])
    if c.status == "warn":
        assert "pcscd" in c.fix_en


def test_printers(settings: Settings) -> None:
    assert doctor.check_printers(settings, ["receipt", "a4"]).status == "ok"
    assert doctor.check_printers(settings, []).status == "warn"
    settings.printer_name = "Receipt"  # the same queue to Windows and CUPS
    assert doctor.check_printers(settings, ["receipt", "a4"]).status == "ok"
    settings.printer_name = "missing"
    c = doctor.check_printers(settings, ["receipt"])
    assert c.status == "fail"
    assert "printer_name" in c.fix_en
    found = doctor.list_printers()
    assert found is None or isinstance(found, list)


def test_a_configured_printer_not_installed_is_fixed_by_naming_those_that_are(
    settings: Settings,
) -> None:
    """The fix read 「填入下列其中一台」 (one of the printers listed) over no list, in doctor's
    text and 系統檢查, and with no printer installed at all."""
    settings.printer_name = "不存在的印表機"
    c = doctor.check_printers(settings, ["receipt", "A4 office"])
    assert c.fix_zh == (
        "在 settings.json 的 printer_name 填入已安裝的其中一台（receipt、A4 office），"
        "或留空改由列印對話框選擇"
    )
    assert "(receipt, A4 office)" in c.fix_en
    none = doctor.check_printers(settings, [])
    assert none.status == "fail" and "下列" not in none.fix_zh and "listed" not in none.fix_en
    assert none.fix_zh.startswith("安裝收據印表機") and "printer_name" in none.fix_en
    many = doctor.check_printers(settings, [f"p{i}" for i in range(30)])
    assert "p9…" in many.fix_zh and "p10" not in many.fix_zh


def test_scanners(settings: Settings) -> None:
    assert doctor.check_scanners(settings).status == "ok"
    settings.scanner_serial_port = "/dev/ttyNOPE9"
    c = doctor.check_scanners(settings)
    assert c.status == "fail"
    assert "scanner_serial_port" in c.fix_en


def test_fonts_found_here_and_missing_without_cjk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = doctor.check_fonts()
    assert ok.status == "ok", ok
    assert any("UMing" in f or "Kai" in f for f in ok.data["families"])
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>'
        f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    missing = doctor.check_fonts()
    assert missing.status == "fail"
    assert "fonts-arphic-uming" in missing.fix_en


# --- the whole report and the command -------------------------------------------------------------


def test_report_without_network(app: App) -> None:
    report = doctor.run_checks(app.settings, network=False)
    keys = [c.key for c in report.checks]
    assert "county" not in keys
    assert keys[:6] == ["version", "data_dir", "database", "chain", "backup", "office"]
    assert {"enrolment", "keyring", "card_readers", "printers", "scanners", "fonts"} <= set(keys)
    assert keys.index("camera") == keys.index("scanners") + 1
    assert report.status in ("ok", "warn")
    assert all(c.fix_en and c.fix_zh for c in report.checks if c.status != "ok")


def test_cli_json_and_exit_status(
    app: App, county_server: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = county_server()
    data_dir = str(app.settings.data_dir)
    app.close()
    code = main(["--data-dir", data_dir, "doctor", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["version"] == __version__
    by_key = {c["key"]: c for c in out["checks"]}
    assert by_key["county"]["status"] == "fail"  # default URL: nothing listens on 8765 here
    assert code == 1
    Settings(data_dir=Path(data_dir), county_url=url).save()
    code = main(["--data-dir", data_dir, "--lang", "en", "doctor"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "[ OK ] County server reachability and certificate" in text
    assert "[WARN] Device enrolment" in text


def test_cli_zh_text_is_the_default(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--data-dir", str(settings.data_dir), "doctor", "--no-network"])
    text = capsys.readouterr().out
    assert "資料庫完整性與版本" in text
    assert "→ 執行 eservice-desktop db upgrade" in text
    # each line's title and finding apart with zh-TW's colon (it read "[FAIL] 資料庫完整性與
    # 版本: 找不到資料庫", an English colon between two Chinese phrases)
    checks = [line for line in text.splitlines() if line.startswith("[")]
    assert checks and all(re.match(r"\[[ A-Z]{4}\] [^:：]+：", line) for line in checks), text
    main(["--data-dir", str(settings.data_dir), "--lang", "en", "doctor", "--no-network"])
    english = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    assert english and all(re.match(r"\[[ A-Z]{4}\] [^:：]+: ", line) for line in english)


def test_doctor_stays_off_qt(tmp_path: Path) -> None:
    code = (
        "import sys; from eservice_desktop.cli.main import main; "
        "main(['--data-dir', sys.argv[1], 'doctor', '--no-network', '--json']); "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_receipt_fonts_found_on_this_machine_and_verdicts() -> None:
    check = doctor.check_receipt_fonts()
    assert check.status == "ok"  # fonts-cns11643-kai is a declared system package
    assert "TWKai" in check.data["fonts"]
    assert doctor.receipt_fonts_verdict(["UMingTW"]) == "warn"
    assert doctor.receipt_fonts_verdict([]) == "fail"


def test_backup_check_fails_when_the_newest_good_backup_is_too_old(app: App, clock: Any) -> None:
    from datetime import timedelta

    from eservice_desktop.services import backup
    from eservice_desktop.services.intake import IntakeRequest, intake

    fields = {
        "registered_address": "桃園市桃園區中正路1號",
        "transcript_kind": "現戶",
        "record_detail": "省略記事",
    }
    intake(app, IntakeRequest("HR-TRANSCRIPT", "A123456789", "王小明", fields=fields))
    none = doctor.check_backup(app.settings, now=lambda: clock.now)
    assert none.status == "fail" and "backup now" in none.fix_en
    taken = backup.take(app, "manual")
    fresh = doctor.check_backup(app.settings, now=lambda: clock.now + timedelta(hours=2))
    # fresh; a warning only for the default location, on the database's own disk
    assert fresh.status == "warn" and fresh.data["newest"] == str(taken.path)
    assert fresh.data["same_disk"] is True and "2.0 h old" in fresh.detail_en
    old = doctor.check_backup(app.settings, now=lambda: clock.now + timedelta(hours=27))
    assert old.status == "fail" and "27" in old.detail_en
    # a damaged newest backup does not count as good
    taken.path.write_bytes(b"\0" * 8192)
    assert doctor.check_backup(app.settings, now=lambda: clock.now).status == "fail"


def test_printers_that_cannot_be_listed_on_windows_are_not_sent_to_cups(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PowerShell's Get-Printer failing on a Windows PC (Print Spooler stopped) was reported as
    "lpstat not found", to be fixed with `apt install cups-client cups`."""
    from eservice_desktop.services.doctor import devices

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(devices, "_run", lambda cmd, timeout=5.0, encoding=None: None)
    c = doctor.check_printers(settings)
    assert c.status == "warn"
    assert "Get-Printer" in c.detail_en and "lpstat" not in c.detail_en
    assert "Print Spooler" in c.fix_en and "apt" not in c.fix_en


def test_a_windows_com_port_is_matched_as_windows_matches_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scanner_serial_port`` "com3" or "\\\\.\\COM3" opens the scanner on Windows, yet doctor
    failed it: "The configured scanner port com3 does not exist" (pyserial lists "COM3")."""
    import types

    from serial.tools import list_ports

    listed = [types.SimpleNamespace(device="COM3"), types.SimpleNamespace(device="COM12")]
    monkeypatch.setattr(list_ports, "comports", lambda: listed)
    monkeypatch.setattr(sys, "platform", "win32")
    for port in ("com3", "\\\\.\\COM12", "COM3"):
        settings.scanner_serial_port = port
        assert doctor.check_scanners(settings).status == "ok", port
    settings.scanner_serial_port = "COM4"
    assert doctor.check_scanners(settings).status == "fail"


def test_a_tools_output_its_encoding_lacks_does_not_end_doctor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PowerShell writes in the console's code page (cp850 on a Western Windows), Python read
    it in the system's (cp1252): a printer named "Büro" ended doctor in a UnicodeDecodeError
    traceback. Such a byte now reads as U+FFFD, and Windows is asked for UTF-8."""
    from eservice_desktop.services.doctor import devices
    from eservice_desktop.services.doctor.report import _run

    done = _run([sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'B\\x81ro \\xff')"])
    assert done is not None and done.stdout.startswith("B") and "\ufffd" in done.stdout
    asked: list[tuple[list[str], str | None]] = []

    def run(cmd: list[str], timeout: float = 5.0, encoding: str | None = None) -> None:
        asked.append((cmd, encoding))

    monkeypatch.setattr(devices, "_run", run)
    monkeypatch.setattr(sys, "platform", "win32")
    assert doctor.list_printers() is None
    assert asked[0][1] == "utf-8" and "UTF8" in asked[0][0][-1]
