"""A round the county refuses with 401 names the command IT runs, as this counter can tell it:
never enrolled (`sync enrol`), enrolled under another account (the sync service's), or its
credential given to another PC by a replacement code (`enrol-code --device`, then `sync
enrol`). Each said "HTTP 401: device not enrolled" and nothing more, in `sync once`, `sync
status` and the window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from sync_helpers import CountyServer, enrol, new_case

from eservice_desktop.config import Settings
from eservice_desktop.county_link.errors import AuthError
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.sync_loop import follow_others, service_failure
from eservice_desktop.services import sync
from eservice_desktop.services.core import App


@pytest.fixture(autouse=True)
def _not_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)


def _refused(app: App) -> AuthError:
    with pytest.raises(AuthError) as caught:
        sync.run_round(app)
    assert caught.value.status == 401
    return caught.value


def test_a_counter_never_enrolled_is_told_to_run_sync_enrol(
    office: Callable[..., App], sqlite_county: CountyServer, caplog: pytest.LogCaptureFixture
) -> None:
    app = office("H01", "01", sqlite_county.url)
    e = _refused(app)
    assert e.reason == "sync.not_enrolled"
    command = f"eservice-desktop sync enrol --server {sqlite_county.url} --code"
    assert e.message("en") == (
        "Cannot reach the county server (HTTP 401: device not enrolled); IT enrols it with the "
        f"county's one-time code: {command} CODE"
    )
    assert e.message("zh_TW") == (
        "無法與縣府伺服器同步（HTTP 401：本機尚未登記）；請資訊人員以縣府核發的一次性登記碼執行："
        f"{command} 登記碼"
    )
    # the sync service's log, where IT reads its failures (journalctl, sync.log), says it too
    with caplog.at_level(logging.WARNING, logger="eservice.sync"):
        assert sync.make_loop(app).run_once() >= 60.0
    (line,) = [r.getMessage() for r in caplog.records if "sync round failed" in r.getMessage()]
    assert f"401 from county); IT enrols it with the county's one-time code: {command}" in line
    # a window that runs no loop of its own (the sync service syncs) says the service's round
    # as the round said it, the command with it, not by the kind's name alone
    status = follow_others(app)
    assert status["last_error"] == "AuthError"
    assert service_failure(status, zh=False) == e.message("en")
    assert service_failure(status, zh=True) == e.message("zh_TW")


def test_a_credential_given_to_another_pc_names_the_replacement_code(
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
    sqlite_county: CountyServer,
    tmp_path: Path,
) -> None:
    app = office("H01", "01", sqlite_county.url)
    enrol(app, sqlite_county)
    sync.run_round(app)
    new_pc = make_app(
        Settings(
            data_dir=tmp_path / "new-pc",
            office_code="H01",
            device_id="01",
            county_url=sqlite_county.url,
        )
    )
    sync.enrol(new_pc, sqlite_county.url, sqlite_county.enrol_code("H01", device="01"))
    e = _refused(app)
    assert e.reason == "sync.credential_refused"
    assert "eservice-county-server enrol-code --office H01 --device 01" in e.message("en")
    assert "eservice-county-server enrol-code --office H01 --device 01" in e.message("zh_TW")
    assert "取代登記碼已交給他機使用" in e.message("zh_TW")
    assert f"then run eservice-desktop sync enrol --server {sqlite_county.url}" in e.message("en")


def test_a_keyring_without_the_credential_says_whose_account_syncs(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    app = office("H01", "01", sqlite_county.url)
    enrol(app, sqlite_county)
    keyring.delete_password(sync.KEYRING_SERVICE, sync.keyring_account(app))
    e = _refused(app)
    assert e.reason == "sync.no_credential"
    assert "sync under the sync service's account" in e.message("en")
    assert "請以同步服務的帳號執行同步" in e.message("zh_TW")


def test_a_new_pc_refused_a_code_is_not_sent_to_another_counters_number(
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
    sqlite_county: CountyServer,
    tmp_path: Path,
) -> None:
    """A new PC (device 01 in its settings, the default) whose code the county refused was
    told to ask for `enrol-code --office H01 --device 01`: counter 01 was another PC, and the
    replacement code would have taken its credential (every sync of it refused since)."""
    counter_01 = office("H01", "01", sqlite_county.url)
    enrol(counter_01, sqlite_county)
    new_pc = make_app(
        Settings(
            data_dir=tmp_path / "new-pc",
            office_code="H01",
            device_id="01",
            county_url=sqlite_county.url,
        )
    )
    with pytest.raises(DomainError) as refused:
        sync.enrol(new_pc, sqlite_county.url, "ABCD-EFGH-JKLM")
    assert refused.value.code == "sync.enrol_refused"
    for text in (refused.value.message_en, refused.value.message_zh):
        assert "--device 01" not in text, text
        assert "eservice-county-server devices --office H01" in text
        assert "enrol-code --office H01 --device" in text
    assert refused.value.message_en.startswith("Check the code.")
    assert "未曾同步" in refused.value.message_zh
    # a PC with cases of its own keeps its number (they carry it): that one is named
    new_case(new_pc)
    with pytest.raises(DomainError) as own:
        sync.enrol(new_pc, sqlite_county.url, "ABCD-EFGH-JKLM")
    assert own.value.code == "sync.enrol_refused"
    assert "(enrol-code --office H01 --device 01)" in own.value.message_en
