"""``/v1/health`` with the county's PostgreSQL gone: it answered 200 ``ok`` without asking the
database, so a monitor of the county read "up" while every office's round was answered 503
(縣府資料庫暫時無法使用). Now it asks the database: 503 ``server.database`` with
``Retry-After`` while it is gone, 200 once it is back, no restart; the office's doctor says
the county answers but cannot serve, where it took the 503 for a URL of another site."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from sync_helpers import CountyServer, _fresh_pg_db

from eservice_desktop.config import Settings
from eservice_desktop.services import doctor

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_county(
    pg_url: str, server_factory: Callable[[str], CountyServer]
) -> Iterator[tuple[CountyServer, Callable[[bool], None]]]:
    """A county on a database of its own, and a switch that stops PostgreSQL taking any
    connection to it (and ends those it holds) or lets them in again."""
    db_url = _fresh_pg_db(pg_url)
    name = db_url.rsplit("/", 1)[1]
    admin = pg_url.replace("postgresql+psycopg://", "postgresql://")

    def reachable(yes: bool) -> None:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(yes).lower()}')
            if not yes:
                c.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )

    server = server_factory(db_url).start_in_thread()
    yield server, reachable
    server.stop()
    reachable(True)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_health_says_the_database_is_gone_and_back(
    pg_county: tuple[CountyServer, Callable[[bool], None]],
    tmp_path: Path,
    expect_error_logs: list[str],
) -> None:
    server, reachable = pg_county
    settings = Settings(data_dir=tmp_path, county_url=server.url)
    assert requests.get(server.url + "/v1/health", timeout=30).json()["status"] == "ok"
    assert doctor.check_county(settings).status == "ok"

    reachable(False)
    for ask in (requests.get, requests.head):
        r = ask(server.url + "/v1/health", timeout=30)
        assert r.status_code == 503 and r.headers["retry-after"] == "30"
        if ask is requests.get:
            assert r.json()["code"] == "server.database"
    said = doctor.check_county(settings)
    assert said.status == "warn", said
    assert "cannot serve (HTTP 503: " in said.detail_en
    assert "county database is unavailable" in said.detail_en
    assert "縣府資料庫暫時無法使用" in said.detail_zh
    assert "not an eservice county server" not in said.detail_en

    reachable(True)  # back: the next request finds it, no restart
    assert requests.get(server.url + "/v1/health", timeout=30).json()["status"] == "ok"
    assert doctor.check_county(settings).status == "ok"
