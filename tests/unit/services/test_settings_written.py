"""What a command writes into settings.json is the setting it changes, never the values of its
own environment (``ESERVICE_*``) or command line (``--lang en``): those are that program's,
and written to the file they became every program's, the counter window's included."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.county_link.protocol_office import EnrolResponse
from eservice_desktop.services import sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import credentials


def _file(data_dir: Path) -> dict[str, object]:
    return dict(json.loads((data_dir / "settings.json").read_text(encoding="utf-8")))


def test_enrolling_with_another_county_url_writes_that_url_only(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT ran `eservice-desktop --lang en sync enrol --server NEW`: settings.json then held
    "lang": "en" (every clerk's window in English) and any ESERVICE_* value of IT's shell."""
    Settings(data_dir=app.settings.data_dir).save()  # the office's file, in zh-TW
    app.settings.lang = "en"  # this command's --lang
    app.settings.retention_days = 30  # ESERVICE_RETENTION_DAYS in IT's shell
    answer = EnrolResponse(
        office="H01",
        device="01",
        device_key="H01-01",
        credential="secret",
        server_time=datetime.now(UTC),
    )
    monkeypatch.setattr(credentials, "_trade_code", lambda *a: answer)
    sync.enrol(app, "http://127.0.0.1:9999", "ABCD-EFGH-JKLM")
    stored = _file(app.settings.data_dir)
    assert stored["county_url"] == "http://127.0.0.1:9999"
    assert stored["lang"] == "zh_TW" and stored["retention_days"] == 180


def test_setup_writes_what_it_was_given_and_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "office"
    monkeypatch.setenv("ESERVICE_RETENTION_DAYS", "30")
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    assert main(["--data-dir", str(data), "--lang", "en", "--office", "H02", "setup"]) == 0
    capsys.readouterr()
    stored = _file(data)
    assert stored["office_code"] == "H02"
    assert stored["retention_days"] == 180 and stored["demo"] is False
    assert stored["lang"] == "zh_TW"
    stored["printer_name"] = "RECEIPT-80"  # IT's own edit
    (data / "settings.json").write_text(json.dumps(stored), encoding="utf-8")
    assert main(["--data-dir", str(data), "--office", "H03", "setup"]) == 0
    again = _file(data)
    assert again["office_code"] == "H03" and again["printer_name"] == "RECEIPT-80"
    assert again["demo"] is False


@pytest.mark.parametrize(
    ("account", "password"),
    [("bo ss", "admin password"), ("boss", "short"), ("boss2", "admin password")],
)
def test_setup_with_a_refused_first_admin_writes_no_setting(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    account: str,
    password: str,
) -> None:
    """`setup --office H03 --admin ACCOUNT --password-stdin` refused the account (a space, a
    short password, an office that has its admin already) with exit 2, after the office code
    had been written."""
    import io

    data = tmp_path / "office"
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("first admin pw"))
    assert main(["--data-dir", str(data), "setup", "--admin", "boss", "--password-stdin"]) == 0
    capsys.readouterr()  # its note: no office code set yet
    before = (data / "settings.json").read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO(password))
    argv = ["--office", "H03", "setup", "--admin", account, "--password-stdin"]
    assert main(["--data-dir", str(data), "--lang", "en", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert (data / "settings.json").read_bytes() == before


def test_two_programs_saving_settings_at_once_leave_a_whole_file(tmp_path: Path) -> None:
    """The window's enrolment and a command saving settings.json at the same moment shared one
    ``settings.tmp``: one's replace found it gone (FileNotFoundError, the command failed) or
    put the other's half-written text in place. Each writer has its own, flushed first."""
    from concurrent.futures import ThreadPoolExecutor

    from eservice_desktop.config import store

    def saves(device: str) -> None:
        for n in range(150):
            store(tmp_path, device_id=device, sync_interval_s=1 + n)

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(saves, d) for d in ("01", "02")]:
            done.result()  # raised FileNotFoundError on the shared name
    data = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert data["device_id"] in ("01", "02") and data["sync_interval_s"] == 150
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no .tmp left behind
