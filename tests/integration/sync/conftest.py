"""Sync fixtures (helpers live in sync_helpers.py so test modules can import them by a
name no other test folder uses)."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy.orm import sessionmaker
from sync_faultproxy import FaultProxy
from sync_helpers import TEST_SECRET, CountyServer, CountyStore, _fresh_pg_db, schema_template

from eservice_desktop.config import Settings
from eservice_desktop.county import operators as county_operators
from eservice_desktop.county import service as county_service
from eservice_desktop.county import vault as county_vault
from eservice_desktop.county.asgi import open_vault
from eservice_desktop.county.store import create_schema, make_engine, utcnow
from eservice_desktop.services.core import App


@functools.cache
def _cheapest_hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST)


@functools.cache
def _cheap_dummy_hash() -> str:
    return _cheapest_hasher().hash("not an account of this office")


@pytest.fixture(autouse=True)
def _cheap_county_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The county's argon2id with the cheapest parameters in-process, as the office's
    (tests/conftest.py): with the shipped ones each fuzzed ``/v1/operators/verify`` cost a
    64 MiB hash (~10 s of the fuzz test per backend). County processes started as subprocesses
    keep the shipped parameters; test_shipped_password_hashes.py checks them."""
    monkeypatch.setattr(county_operators, "_hasher", _cheapest_hasher)
    monkeypatch.setattr(county_operators, "_dummy_hash", _cheap_dummy_hash)


@pytest.fixture(autouse=True)
def _cheap_county_vault_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A county database made in-process wraps its data key with scrypt at N=2^10 instead of
    the shipped 2^15 (~0.1 s, paid by every county a test starts here, several per test). The
    database records the parameters it was sealed with, so a county process opens it as well;
    test_shipped_password_hashes.py checks the shipped ones."""
    monkeypatch.setattr(county_vault, "_N", 2**10)


@pytest.fixture(scope="session")
def _sqlite_county_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("county-template") / "county.sqlite3"
    schema_template(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_county_template(pg_url: str) -> str:
    """Its name: a database nobody connects to once made, as a template must be."""
    return schema_template(_fresh_pg_db(pg_url)).rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def county_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A county database with the schema made (a copy of one migrated once a session; the
    migrations themselves are tested on new databases in test_county_schema.py)."""
    if request.param == "sqlite":
        path = tmp_path / "county.sqlite3"
        shutil.copy(request.getfixturevalue("_sqlite_county_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("_postgres_county_template")
    return _fresh_pg_db(request.getfixturevalue("pg_url"), template)


@pytest.fixture
def sqlite_county_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'county.sqlite3'}"


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[[str], CountyServer]]:
    servers: list[CountyServer] = []

    def make(db_url: str) -> CountyServer:
        srv = CountyServer(db_url, tmp_path)
        servers.append(srv)
        return srv

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def county(county_db: str, server_factory: Callable[[str], CountyServer]) -> CountyServer:
    return server_factory(county_db).start_in_thread()


@pytest.fixture
def county_store(county_db: str) -> Iterator[CountyStore]:
    """The county's database opened directly (no server): its keys made, device H01-01
    enrolled; its sessions (the vault in their info) and that device."""
    engine = make_engine(county_db)
    create_schema(engine)
    now = utcnow()
    sessions = sessionmaker(
        engine, expire_on_commit=False, info={"vault": open_vault(engine, TEST_SECRET, now)}
    )
    with sessions() as s, s.begin():
        county_service.ensure_keys(s, now)
        dev, _cred = county_service.enrol(
            s, county_service.new_enrol_code(s, "H01", now), "01", "", now
        )
    yield sessions, dev
    engine.dispose()


@pytest.fixture
def sqlite_county(
    sqlite_county_db: str, server_factory: Callable[[str], CountyServer]
) -> CountyServer:
    return server_factory(sqlite_county_db).start_in_thread()


@pytest.fixture
def proxies() -> Iterator[list[FaultProxy]]:
    made: list[FaultProxy] = []
    yield made
    for p in made:
        p.close()


@pytest.fixture
def office(tmp_path: Path, make_app: Callable[[Settings], App]) -> Callable[..., App]:
    """Makes an office device App: office(code, device, url=...) with its own data dir."""

    def make(office_code: str = "H01", device: str = "01", url: str = "") -> App:
        settings = Settings(
            data_dir=tmp_path / f"office-{office_code}-{device}",
            office_code=office_code,
            device_id=device,
            county_url=url or "http://127.0.0.1:9",
            sync_interval_s=0.2,
        )
        return make_app(settings)

    return make


class _WebPage(http.server.BaseHTTPRequestHandler):
    """A web server that is no county (a captive portal, an office proxy, an intranet home
    page) answering every GET with 200 and a page of its own."""

    def do_GET(self) -> None:
        body = "<html><body>請先登入網路</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_page() -> Iterator[str]:
    """The URL of a :class:`_WebPage` server on loopback."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)
