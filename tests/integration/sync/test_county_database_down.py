"""The county's database gone from under the server (PostgreSQL stopped or restarting, a disk
full): every request was answered 500 with a traceback in the county's log, and the office said
"HTTP 500: county server error". Now a 503 the office retries, with the reason in both
languages, and one line in the county's log; the server needs no restart once it is back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import OperationalError
from sync_helpers import CountyServer, enrol, new_case, pending

from eservice_desktop.county import service as county_service
from eservice_desktop.county_link.client import ServerError
from eservice_desktop.services import sync
from eservice_desktop.services.core import App


def test_a_county_without_its_database_answers_503_and_says_why(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    expect_error_logs: list[str],
) -> None:
    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    new_case(app)

    def gone(*_a: object, **_k: object) -> None:
        down = OSError('connection to server at "10.0.0.9", port 5432 failed: Connection refused')
        raise OperationalError("SELECT county_devices", {}, down)

    with monkeypatch.context() as m:
        m.setattr(county_service, "authenticate", gone)
        with pytest.raises(ServerError) as failed:
            sync.run_round(app)
    assert failed.value.status == 503 and failed.value.transient
    assert "縣府資料庫暫時無法使用" in failed.value.message("zh_TW")
    assert "county database is unavailable" in failed.value.message("en")
    said = [r for r in caplog.records if r.name == "eservice.county.http"]
    assert len(said) == 1 and said[0].exc_info is None
    assert "Connection refused): answered 503" in said[0].getMessage()
    assert sync.run_round(app).pending == 0 == pending(app)  # back: no restart needed
