"""IT's commands (``calendar import``, ``setup``, report exports) given what a careless or
hostile hand gives them: one line, exit 2, and nothing stored that the program cannot use."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services import backup
from eservice_desktop.services.core import App
from eservice_desktop.storage import db, dbkey

ROOT = Path(__file__).resolve().parents[3]
HEADER = "西元日期,星期,是否放假,備註"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def settings(tmp_path: Path, template_db: Path, db_key_dir: Path) -> Settings:
    """An installed office's data directory: the database and its key, no accounts yet."""
    data = tmp_path / "data"
    (data / "keys").mkdir(parents=True)
    shutil.copy(template_db, data / "eservice.sqlite3")
    shutil.copy(db_key_dir / dbkey.KEY_FILE, data / "keys" / dbkey.KEY_FILE)
    return Settings(data_dir=data, office_code="H01", device_id="01")


@pytest.fixture
def run(settings: Settings, capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str, lang: str = "en") -> tuple[int, str, str]:
        try:
            rc = main(["--data-dir", str(settings.data_dir), "--lang", lang, *argv])
        except SystemExit as e:
            rc = int(e.code or 0)
        out = capsys.readouterr()
        return rc, out.out, out.err

    return call


def _calendar_days(settings: Settings) -> int:
    c = db.raw_connect(settings, read_only=True)
    try:
        return int(c.execute("SELECT count(*) FROM calendar_days").fetchone()[0])
    finally:
        c.close()


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ("20280103,一,0,\n99991231,五,2,\n", "outside 2000..2099"),
        ("20280103,一,0,\n20280104,二,2,颱風\x00假\n", "U+0000"),
    ],
)
def test_a_calendar_row_no_deadline_can_use_stores_no_day_of_the_file(
    run: Run, settings: Settings, tmp_path: Path, rows: str, said: str
) -> None:
    """A year-9999 calendar and a remark holding NUL were imported (exit 0) and kept."""
    before = _calendar_days(settings)
    f = tmp_path / "dgpa.csv"
    f.write_text(HEADER + "\r\n" + rows, encoding="utf-8")
    rc, _out, err = run("calendar", "import", str(f), "--json")
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert said in err and "line 3" in err
    assert _calendar_days(settings) == before


def test_setup_keeps_the_county_ca_file_as_a_full_path(
    run: Run, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative ``--county-ca-file`` was written as typed, relative to IT's shell: the sync
    service, started in another folder, never found it (and now the settings refuse it)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
         "-out", "ca.pem", "-subj", "/CN=county-test-ca", "-days", "2"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.chdir(tmp_path)
    url = "https://county.example.gov.tw"
    rc, _out, err = run("setup", "--county-url", url, "--county-ca-file", "ca.pem")
    assert rc == 0, err
    stored = json.loads((settings.data_dir / "settings.json").read_text(encoding="utf-8"))
    assert stored["county_ca_file"] == str(tmp_path / "ca.pem")

    for not_a_ca in ("ca.key", "/etc/hostname"):  # a key, a text file: no certificate
        rc, _out, err = run("setup", "--county-url", url, "--county-ca-file", not_a_ca)
        assert rc == 2 and err.count("\n") == 1 and "holds no PEM certificate" in err, err
    again = json.loads((settings.data_dir / "settings.json").read_text(encoding="utf-8"))
    assert again == stored


#: In a child process whose files may not grow past 20 kB (the export's disk is full): write
#: a 100 kB export and print the refusal the command line would print, in both languages.
_FULL_DISK_EXPORT = """
import resource, signal, sys
from pathlib import Path
from eservice_desktop.services.machine_errors import environment_error
from eservice_desktop.config import Settings
from eservice_desktop.services import exports

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
data, out = Path(sys.argv[1]), Path(sys.argv[2])
try:
    exports.write(Settings(data_dir=data), out, b"%PDF" * 25_000, personal=False)
except OSError as e:
    refused = environment_error(e)
    print(refused.message("zh_TW"))
    print(refused.message("en"))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_an_export_onto_a_full_disk_names_its_file(tmp_path: Path) -> None:
    """The refusal said "The disk is full; cannot write " and no file: the write that failed
    names none, so the export's own is given; nothing half-written stays. A long path (a
    share's folders; CI's temporary folder) keeps its start and the file's name, losing only
    its middle: it was cut at 80 characters, file name first."""
    out = tmp_path.joinpath("usb", *["每月報表與統計資料夾"] * 12, "usage.pdf")
    out.parent.mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK_EXPORT, str(tmp_path / "data"), str(out)],
        # no bytecode: cut at the limit, it stopped every later process (small_files_env)
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    zh, en = done.stdout.splitlines()
    for said in (zh, en):
        shown = said[said.index("/") :]
        assert shown.startswith(str(tmp_path)[:30]) and "…" in shown, said
        assert "/usage.pdf" in said and len(shown) < 200, said
    assert list(out.parent.iterdir()) == []  # no half-written file, no .part


def test_a_folder_or_pipe_named_like_a_backup_is_no_backup(app: App) -> None:
    """A folder there stopped every command ("Is a directory", exit 2: the conversion of old
    plain backups opened it), a pipe hung every command; ``backup list`` listed them,
    ``backup verify`` took the newest, and a prune reaching one failed on it."""
    real = backup.take_scheduled(app, "hourly")
    folder = real.path.parent
    old = app.now() - timedelta(days=400)  # beyond any retention: prune removes it
    for when in (app.now() + timedelta(hours=1), old):
        stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        (folder / f"eservice-H01-01-hourly-{stamp}.sqlite3").mkdir()
    os.mkfifo(folder / "eservice-H01-01-manual-20261201T000000Z.sqlite3")
    assert [b.path for b in backup.list_backups(app.settings)] == [real.path]
    backup.prune(app.settings, app.now())  # raised IsADirectoryError
    app.close()
    done = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(app.settings.data_dir),
         "--lang", "en", "backup", "verify", "--json"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["file"] == str(real.path)


def test_a_backup_stamped_ahead_of_the_clock_does_not_hold_back_the_hourly_one(
    app: App, clock: Any
) -> None:
    """A backup taken while the PC's clock ran a year ahead: once the clock was put right,
    ``due`` measured the interval from it and no scheduled backup was taken for a year."""
    clock.set(clock.now + timedelta(days=365))
    ahead = backup.take_scheduled(app, "hourly")
    clock.set(clock.now - timedelta(days=365))
    assert backup.list_backups(app.settings)[0].path == ahead.path
    assert backup.due(app)
    backup.take_scheduled(app, "hourly")
    assert not backup.due(app)  # the one just taken counts


def test_doctor_does_not_count_a_backup_stamped_ahead_of_the_clock_as_fresh(
    app: App, clock: Any
) -> None:
    """It read as 0 h old (in truth -8760) for a year, whatever became of the backups since: a
    backup disk gone full would not be noticed."""
    from eservice_desktop.services import doctor

    clock.set(clock.now + timedelta(days=365))
    ahead = backup.take_scheduled(app, "hourly")
    clock.set(clock.now - timedelta(days=365))
    backup.take_scheduled(app, "hourly")  # two days before the check
    clock.set(clock.now + timedelta(days=2))
    checked = doctor.check_backup(app.settings, now=lambda: clock.now)
    assert checked.data.get("newest") != str(ahead.path)
    assert checked.status != "ok" and checked.data["age_h"] == 48.0


def test_a_backup_named_by_the_county_clock_is_aged_by_it_on_a_pc_clock_behind(
    app: App, clock: Any, run: Run
) -> None:
    """The PC's clock 8 hours behind the county's, the offset learned by a round: a backup
    is named by the county's time (``app.now()``), and ``backup list`` said it was -8.0 h old
    just taken, doctor that there was no usable backup, after every ``backup now``."""
    from datetime import datetime

    from eservice_desktop.services import doctor
    from eservice_desktop.services.sync.state import set_state

    behind = timedelta(hours=8)
    clock.set(datetime.now(UTC) + behind)  # app.now(): the PC's clock plus the offset
    with app.transaction() as s:
        set_state(s, "clock_offset_s", f"{behind.total_seconds():.3f}", clock.now)
    taken = backup.take(app, "manual")
    checked = next(
        c for c in doctor.run_checks(app.settings, network=False).checks if c.key == "backup"
    )
    # fresh (only its place, the database's own disk, warns)
    assert checked.status == "warn" and checked.data["same_disk"] is True, checked.detail("en")
    assert checked.data["newest"] == str(taken.path) and abs(checked.data["age_h"]) < 0.1
    app.close()
    code, out, _ = run("backup", "list", "--json")
    assert code == 0
    listed = json.loads(out)["backups"]
    assert listed[0]["file"] == str(taken.path) and 0 <= listed[0]["age_h"] < 0.1


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("notepad-utf8-bom.txt", lambda key: ("\ufeff" + key + "\r\n").encode("utf-8")),
        ("powershell5-export.txt", lambda key: ("\ufeff" + key + "\r\n").encode("utf-16-le")),
    ],
)
def test_an_escrowed_key_saved_by_a_windows_editor_or_shell_is_imported(
    run: Run, settings: Settings, tmp_path: Path, name: str, encode: Callable[[str], bytes]
) -> None:
    """The key kept in the safe, typed back in Notepad or exported with PowerShell 5's ``>``,
    carries a byte order mark: it was refused as malformed (exit 2) on the rebuilt PC."""
    key = (settings.data_dir / "keys" / dbkey.KEY_FILE).read_text(encoding="ascii").strip()
    f = tmp_path / name
    f.write_bytes(encode(key))
    rc, _out, err = run("db", "key", "import", str(f))
    assert rc == 0, err
    assert (settings.data_dir / "keys" / dbkey.KEY_FILE).read_text(encoding="ascii").strip() == key


def test_a_county_host_name_dns_cannot_hold_is_refused_by_setup_and_failed_by_doctor(
    run: Run, settings: Settings
) -> None:
    """``setup`` wrote such a URL, and ``doctor`` then ended in a UnicodeError traceback
    (exit 1, no report) while resolving it."""
    from eservice_desktop.services import doctor

    long_host = "https://" + "a" * 300 + ".gov.tw"
    for url in ("https://county example.gov.tw", long_host):
        rc, _out, err = run("setup", "--county-url", url)
        assert rc == 2 and err.count("\n") == 1 and "malformed" in err, err
    assert not (settings.data_dir / "settings.json").exists()

    settings.county_url = long_host  # set by hand in settings.json, or by an older setup
    checked = doctor.check_county(settings, timeout=1)
    assert checked.status == "fail" and "UnicodeError" in checked.detail_en
    assert len(checked.detail_en) < 200


def test_a_county_url_on_port_0_is_refused_by_setup(run: Run, settings: Settings) -> None:
    """Port 0 was written, doctor then probed port 80 and every sync round failed."""
    for url in ("https://county.example.gov.tw:0", "https://county.example.gov.tw:99999"):
        rc, _out, err = run("setup", "--county-url", url)
        assert rc == 2 and err.count("\n") == 1 and "malformed" in err, err
    assert not (settings.data_dir / "settings.json").exists()


def test_a_full_disk_met_on_a_raw_sqlcipher_connection_is_the_machine_s() -> None:
    """A backup or a demo seed put back works on the SQLCipher driver's own connection, whose
    errors are not ``sqlite3.Error``: a full disk met there printed a traceback (exit 1)."""
    from eservice_desktop.services.machine_errors import environment_error
    from eservice_desktop.storage.cipher import DriverError

    refused = environment_error(DriverError("database or disk is full"))
    assert refused is not None and refused.code == "env.disk_full"


def test_setup_refuses_an_office_the_catalogue_does_not_have(run: Run, settings: Settings) -> None:
    """``setup --office H99`` wrote it (the form is right), and every case, enrolment and doctor
    run failed on it afterwards; the county refuses such codes at ``enrol-code``."""
    for office in ("H99", "L08", "Z01"):
        rc, _out, err = run("setup", "--office", office, "--device", "01")
        assert rc == 2 and err.count("\n") == 1, err
        assert f"Office code {office} is not in the catalogue" in err and "H01–H13" in err
    assert not (settings.data_dir / "settings.json").exists()
    rc, _out, err = run("setup", "--office", "L07", "--device", "02")
    assert rc == 0, err
    written = json.loads((settings.data_dir / "settings.json").read_text(encoding="utf-8"))
    assert (written["office_code"], written["device_id"]) == ("L07", "02")
