"""A failed sync on the command line is a sentence in the clerk's language, with the HTTP
status when the county answered, never ``AuthError: 401``; --json keeps the stable fields."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "sync"))
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, free_port


@pytest.fixture(autouse=True)
def _not_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """A production counter: sync needs no operator (it acts as the device), and demo mode would
    enrol itself with the demo county."""
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)


@pytest.fixture
def county(tmp_path: Path) -> Iterator[CountyServer]:
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    yield server
    server.stop()


def _run(
    settings: Settings, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(settings.data_dir), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Cannot reach the county server (HTTP 401: device not enrolled)"),
        ("zh_TW", "無法與縣府伺服器同步（HTTP 401：本機尚未登記）"),
    ],
)
def test_sync_once_refused_by_the_county(
    settings: Settings,
    county: CountyServer,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: str,
) -> None:
    Settings(data_dir=settings.data_dir, county_url=county.url).save()
    # never enrolled: the command IT runs follows (it named none)
    command = f"eservice-desktop sync enrol --server {county.url} --code"
    expected += (
        f"; IT enrols it with the county's one-time code: {command} CODE"
        if lang == "en"
        else f"；請資訊人員以縣府核發的一次性登記碼執行：{command} 登記碼"
    )
    code, out, err = _run(settings, capsys, "--lang", lang, "sync", "once")
    assert code == 1
    assert err.strip() == expected
    assert "AuthError" not in err
    code, out, err = _run(settings, capsys, "--lang", lang, "sync", "once", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    # the promised keys keep their values; what to do is added beside them
    assert data["error"] == "AuthError" and data["detail"] == "401 from county"
    assert set(data) == {"ok", "error", "detail", "pending", "reason", "message"}
    assert data["reason"] == "sync.not_enrolled" and data["message"] == expected
    assert err.strip() == expected  # the sentence is on stderr too
    # what sync status says afterwards: the same kind of sentence, not the class name
    code, out, _ = _run(settings, capsys, "--lang", lang, "sync", "status")
    assert "AuthError" not in out
    assert expected in out  # as the round said it
    text = out
    code, out, _ = _run(settings, capsys, "sync", "status", "--json")
    assert json.loads(out)["last_error"] == "AuthError"  # the JSON keeps the stable name
    # the attempt's time: ISO in the JSON, Taipei with the ROC year in the text
    attempt = datetime.fromisoformat(json.loads(out)["last_attempt"]).astimezone(TAIPEI)
    roc = f"{attempt.year - 1911}/{attempt:%m/%d %H:%M}"
    if lang == "en":
        assert f"last_attempt: {roc}" in text.splitlines() and "last_success: —" in text
    else:  # each line named in Chinese, not by the JSON's key
        assert f"上次嘗試同步：{roc}" in text.splitlines() and "上次同步成功：—" in text
        assert "last_attempt" not in text and "has_credential" not in text


def test_unreachable_server_and_other_sync_commands(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    Settings(data_dir=settings.data_dir, county_url=f"http://127.0.0.1:{port}").save()
    code, _, err = _run(settings, capsys, "--lang", "en", "sync", "once")
    assert code == 1
    assert err.strip() == "Cannot reach the county server (connection refused or network down)"
    # enrol used to end in a traceback; now the same kind of sentence, exit 1
    code, out, err = _run(
        settings,
        capsys,
        "--lang",
        "en",
        "sync",
        "enrol",
        "--server",
        f"http://127.0.0.1:{port}",
        "--code",
        "123456",
        "--json",
    )
    assert code == 1
    assert json.loads(out)["message"] == err.strip()
    assert err.startswith("Cannot reach the county server")
    code, _, err = _run(settings, capsys, "sync", "once")
    assert err.startswith("無法連線縣府伺服器（連線被拒或網路中斷）")


def test_a_busy_county_is_said_to_be_busy_not_broken() -> None:
    """The county turns a connection away with 503 when it keeps its last descriptors for its
    own work: the clerk reads that it is busy and retried, not that it failed."""
    from eservice_desktop.county_link.errors import ServerError, sync_error_message

    busy = ServerError("busy", 503)
    assert sync_error_message(busy, "en") == (
        "Cannot reach the county server (HTTP 503: county server busy, trying again shortly)"
    )
    assert "縣府伺服器忙碌中，稍後自動重試" in sync_error_message(busy)
    assert "county server error" in sync_error_message(ServerError("x", 500), "en")


def test_sync_status_shows_the_enrolment_as_words_and_a_taipei_time(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text form printed the enrolment as Python's dict (``enrolled: {'office': 'H01',
    ...}``) with its time in UTC ISO 8601; --json keeps the object."""
    from eservice_desktop.services.sync.state import set_state

    at = "2026-12-03T17:35:31+00:00"
    info = {"office": "H01", "device": "01", "device_key": "H01-01", "at": at}
    with app.transaction() as s:
        set_state(s, "enrolled", json.dumps(info), app.now())
    code, out, _ = _run(settings, capsys, "--lang", "en", "sync", "status")
    line = next(x for x in out.splitlines() if x.startswith("enrolled:"))
    assert code == 0 and "{" not in line and "'" not in line, line
    assert "device_key H01-01" in line and "115/12/04 01:35" in line, line
    code, out, _ = _run(settings, capsys, "sync", "status", "--json")
    assert json.loads(out)["enrolled"] == info
    code, out, _ = _run(settings, capsys, "--lang", "zh_TW", "sync", "status")
    line = next(x for x in out.splitlines() if x.startswith("本機登記："))
    assert "事務所 H01、櫃檯 01、裝置代號 H01-01" in line and "115/12/04 01:35" in line, line
    assert "待上傳事件：0" in out.splitlines() and "已存登記憑證：否" in out.splitlines()


def test_sync_once_stopped_by_ctrl_c_keeps_its_json_shape(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sync once --json` promises {ok, error, detail, pending}; stopped by Ctrl+C it printed the
    general {ok, error, field, message} instead."""
    from eservice_desktop.services import sync

    def stopped(_app: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sync, "run_round", stopped)
    code, out, err = _run(settings, capsys, "--lang", "en", "sync", "once", "--json")
    assert code == 130
    data = json.loads(out)
    assert data.keys() == {"ok", "error", "detail", "pending"} and data["ok"] is False
    assert data["error"] == "interrupted" and isinstance(data["pending"], int)
    assert err.strip() == "Interrupted (Ctrl+C); this sync round did not finish"


def test_sync_once_on_a_database_another_program_holds_keeps_its_json_shape(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str], county: CountyServer
) -> None:
    """IT's `db upgrade` or a restore held the office database while `sync once --json` ran:
    it printed the general refusal's shape ({ok, error, field, message}) where the command
    promises {ok, error, detail, pending}; the words on stderr are the machine's."""
    from db_support import connect_db

    Settings(data_dir=settings.data_dir, county_url=county.url).save()
    other = connect_db(settings)
    other.execute("BEGIN EXCLUSIVE")
    try:
        code, out, err = _run(settings, capsys, "--lang", "en", "sync", "once", "--json")
    finally:
        other.rollback()
        other.close()
    data = json.loads(out)
    assert code == 2 and set(data) == {"ok", "error", "detail", "pending"}, data
    assert (data["ok"], data["error"]) == (False, "env.db_locked")
    assert "in use by another program" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "said",
    [
        ("env.disk_full", "磁碟空間已滿", "The disk is full"),
        ("OperationalError", "同步發生錯誤，請洽資訊人員", "Sync failed; call IT"),
    ],
)
def test_sync_status_says_a_round_this_pc_failed_in_words(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str], said: tuple[str, str, str]
) -> None:
    """The last round failed on this PC: `sync status` printed `last_error: OperationalError`,
    the name of a class. A failure kept by its code (as rounds keep it now) is said in the
    words every command uses for it, any other kind as a failure to call IT about; the JSON
    keeps what was kept."""
    from eservice_desktop.services.sync.state import set_state

    kept, zh, en = said
    with app.transaction() as s:
        set_state(s, "last_error", kept, app.now())
    _, zh_out, _ = _run(settings, capsys, "--lang", "zh_TW", "sync", "status")
    _, en_out, _ = _run(settings, capsys, "--lang", "en", "sync", "status")
    assert f"上次錯誤：{zh}" in zh_out and kept not in zh_out
    assert f"last_error: {en}" in en_out and kept not in en_out
    _, out, _ = _run(settings, capsys, "sync", "status", "--json")
    assert json.loads(out)["last_error"] == kept


def test_sync_status_in_english_writes_its_numbers_and_answers_as_english_does() -> None:
    """The English lines printed acknowledged: 1952 where the zh-TW ones said 1,952,
    has_credential: False (Python's word) and the catch-up as done 5, total 10."""
    from eservice_desktop.cli.sync_status_text import status_text

    shown = {
        "acknowledged": 1952,
        "cursor": "3477",
        "catch_up": {"done": 1500, "total": 3200},
        "has_credential": False,
        "clock_offset_s": -0.033,
    }
    assert status_text(shown, "en").splitlines() == [
        "acknowledged: 1,952",
        "cursor: 3477",
        "catch_up: 1,500/3,200",
        "has_credential: no",
        "clock_offset_s: -0.033",
    ]
    assert status_text(shown, "zh_TW").splitlines() == [
        "縣府已收事件：1,952",
        "接收位置：3477",
        "補收進度：1,500／3,200",
        "已存登記憑證：否",
        "與縣府時鐘差（秒）：-0.033",
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "last_error: Cannot reach the county server (HTTP 407: the office network's proxy "
            "server asks for a sign-in; call IT)",
        ),
        (
            "zh_TW",
            "上次錯誤：無法與縣府伺服器同步（HTTP 407：本所網路的代理伺服器要求登入，"
            "同步無法送出；請洽資訊人員）",
        ),
    ],
)
def test_sync_status_says_the_last_failure_as_the_round_did(
    settings: Settings,
    county: CountyServer,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: str,
) -> None:
    """IT's ``sync status`` said a failed round by its kind's name alone: the office's proxy
    asking for a sign-in read 縣府伺服器拒絕此要求 (the county had refused nothing), a county
    cut off as too slow 網路無法連線, while the round and the window had said what happened."""
    proxy = FaultProxy(county.port)
    try:
        proxy.add(
            "answer",
            times=50,
            raw=b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n"
            b"Proxy-Authenticate: Basic\r\nConnection: close\r\n\r\n",
        )
        Settings(data_dir=settings.data_dir, county_url=proxy.url).save()
        code, _, _ = _run(settings, capsys, "--lang", lang, "sync", "once")
        assert code == 1
        code, out, _ = _run(settings, capsys, "--lang", lang, "sync", "status")
        assert expected in out.splitlines()
        code, out, _ = _run(settings, capsys, "sync", "status", "--json")
        assert json.loads(out)["last_error"] == "RequestRefused"  # the stable name kept
        proxy.rules.clear()  # the network lets sync through: the county answers 401 now
        _run(settings, capsys, "--lang", lang, "sync", "once")
        code, out, _ = _run(settings, capsys, "--lang", lang, "sync", "status")
        assert "HTTP 407" not in out and "HTTP 401" in out
    finally:
        proxy.close()
