"""Fixtures shared by the whole suite.

- Every test gets its own data directory and an ``App`` over a migrated SQLite database copied
  from a template built once per session (migrations run once, not per test).
- Time is fixed through the App's clock: tests say what "now" is.
- A test fails when anything logs at ERROR under ``eservice`` unless it says it expects it
  (``expect_error_logs`` fixture), in the spirit of qutebrowser's logfail.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("ESERVICE_DATA_DIR", None)
# Tests that are not about authentication run the CLI in demo mode, which signs in the demo
# operator; the tests of login, sessions and refusals unset it (tests/e2e/test_cli_auth.py).
os.environ["ESERVICE_DEMO"] = "1"
# The program's own processes (CLI, county server, probes: hundreds a run) compiled this
# package's modules from source each time when bytecode writing was off (~0.2 s a process);
# they cache it outside the tree instead, which is what that setting keeps clean.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
    _pycache = Path(tempfile.gettempdir()) / f"eservice-test-pycache-{getpass.getuser()}"
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(_pycache))

from operator_support import sign_in
from shared_devices import holding, locks_of

from eservice_desktop.config import Settings
from eservice_desktop.services import operators_demo
from eservice_desktop.services.core import App, open_app
from eservice_desktop.storage import db, dbkey
from eservice_desktop.storage.models_sync import SyncStateRow

# Hypothesis fails an example that takes longer than its 200 ms deadline, and the data
# generation that is "too slow": a loaded machine pauses a test process for that long now and
# then (a 0.4 s pause failed test_fast_paths with "Unreliable test timings"). The suite checks
# behaviour, not speed, with them: the benchmarks measure speed.
hypothesis_settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("suite")


class MutableClock:
    """A clock tests move by hand; the App reads it through ``app.clock``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)


# Tuesday 2026-03-10 10:00 Asia/Taipei: a plain working day, far from holidays.
DEFAULT_NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _shared_devices(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """A test that inserts virtual cards has the readers to itself and one that watches them
    never runs beside it; a test on the real X display has it to itself (``shared_devices``).
    Autouse and first: held across every other fixture of the test."""
    locks = locks_of(request.node)
    if not locks:
        yield
        return
    with holding(tmp_path_factory.getbasetemp().parent, locks):
        yield


@pytest.fixture(scope="session")
def db_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One key directory for the session: the file key store, as on an installed Linux counter
    (the template database below is encrypted with its key, so copies of it open)."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, db_key_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("template") / "eservice.sqlite3"
    settings = Settings(data_dir=path.parent, db_key_dir=str(db_key_dir))
    engine, key = db.open_office_engine(settings)
    db.upgrade(engine, settings.db_url, path, key)
    # a demo database, as the suite runs the CLI in demo mode (above): the accounts a test adds
    # keep it one; a test's first office admin (setup) makes it an office's (operators_demo)
    with engine.begin() as conn:
        conn.execute(
            SyncStateRow.__table__.insert().values(
                name=operators_demo.DEMO_DATABASE, value="1", updated_at=DEFAULT_NOW
            )
        )
    engine.dispose()
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(DEFAULT_NOW)


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, office_code="H01", device_id="01")


@pytest.fixture
def make_app(
    template_db: Path, db_key_dir: Path, clock: MutableClock
) -> Iterator[Callable[..., App]]:
    opened: list[App] = []

    def make(settings: Settings) -> App:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if not settings.db_path.exists():
            shutil.copy(template_db, settings.db_path)
            # the copy opens with the template's key, kept where this data directory keeps it
            keys = dbkey.key_dir(settings)
            keys.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copy(db_key_dir / dbkey.KEY_FILE, keys / dbkey.KEY_FILE)
        app = open_app(settings, clock=clock)
        sign_in(app)
        opened.append(app)
        return app

    yield make
    for app in opened:
        app.close()


@pytest.fixture
def app(make_app: Callable[..., App], settings: Settings) -> App:
    return make_app(settings)


class _ErrorCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def expect_error_logs() -> list[str]:
    """Request this fixture in a test that expects ERROR logs; it lists what it allows."""
    return []


@pytest.fixture(autouse=True)
def _fail_on_error_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    catcher = _ErrorCatcher()
    logger = logging.getLogger("eservice")
    logger.addHandler(catcher)
    yield
    logger.removeHandler(catcher)
    if "expect_error_logs" in request.fixturenames:
        return
    if catcher.records:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in catcher.records)
        pytest.fail(f"unexpected ERROR log lines:\n{lines}")


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """argon2id with the cheapest parameters in-process (the shipped ones take ~0.4 s a hash on
    this machine); the subprocess CLI tests keep the shipped parameters, and
    tests/unit/services/test_shipped_password_hashes.py (marked ``shipped_password_hashes``)
    checks them."""
    if request.node.get_closest_marker("shipped_password_hashes"):
        return
    from argon2 import PasswordHasher, profiles

    from eservice_desktop.services import operators_signin

    monkeypatch.setattr(
        operators_signin, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST)
    )


@pytest.fixture(autouse=True)
def _memory_keyring() -> Iterator[None]:
    """Headless machines have no keyring backend; tests get an in-memory one."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = _env("ESERVICE_TEST_PG_URL")
    if url is None:
        pytest.fail("ESERVICE_TEST_PG_URL is not set: run the suite through `make test`")
    return url


# --- every log line of the whole run is checked for personal data ------------------------------

#: Names the tests give applicants (IDs and phone numbers are found by their shape).
TEST_NAMES = ("王小明", "林美玲", "林小明", "陳堃", "鄭雅婷", "賴冠霖", "蔡佩蓉")
_RAW_ID = re.compile(r"(?<![A-Z0-9])[A-Z][12]\d{8}(?!\d)")
_RAW_PHONE = re.compile(r"(?<!\d)09\d{2}-?\d{3}-?\d{3}(?!\d)")
_LOG_LINES: list[str] = []


class _Collector(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _LOG_LINES.append(self.format(record))


def personal_data_in(text: str) -> list[str]:
    found = _RAW_ID.findall(text) + _RAW_PHONE.findall(text)
    return found + [n for n in TEST_NAMES if n in text]


@pytest.fixture(scope="session", autouse=True)
def _collect_every_log_line() -> Iterator[None]:
    """Every record under ``eservice`` in this process, formatted the way the product's
    handlers format it (logs.redacting); log files written by subprocesses are read at the end
    (pytest_sessionfinish)."""
    from eservice_desktop import logs

    handler = logs.redacting(_Collector(logging.DEBUG))
    logger = logging.getLogger("eservice")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if getattr(session.config, "workerinput", None) is None and not session.items:
        return
    lines = list(_LOG_LINES)
    base = session.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    for path in base.rglob("*.log*"):
        if path.is_file() and "logs" in path.parts[-2:-1]:
            lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    bad = [(line, personal_data_in(line)) for line in lines if personal_data_in(line)]
    if bad:
        for line, found in bad[:20]:
            print(f"\npersonal data {found} in a log line: {line[:300]}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
