"""Sync test helpers: a real county server process on loopback (SQLite or PostgreSQL), enrolled
office apps, the fault proxy, helpers to make cases and count what the county holds, and a
client that pushes raw JSON events over HTTP (``County``)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import factories
import keyring
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


from eservice_desktop.county import service as county_service  # noqa: E402
from eservice_desktop.county.edge import Limits  # noqa: E402
from eservice_desktop.county.store import (  # noqa: E402
    ConflictRow,
    CountyEventRow,
    DeviceRow,
    FeedRow,
    NotificationRow,
    create_schema,
    make_engine,
    utcnow,
)
from eservice_desktop.county_link.service_keyring import ENV_DIR  # noqa: E402
from eservice_desktop.domain.case_number import CaseNumber  # noqa: E402
from eservice_desktop.services import sync  # noqa: E402
from eservice_desktop.services.core import App  # noqa: E402

ROOT = HERE.parents[2]
PY = sys.executable
#: The passphrase sealing the test county's secrets (given to a server process by env).
TEST_SECRET = b"test county passphrase"
PASSPHRASE_ENV = "ESERVICE_COUNTY_PASSPHRASE"
#: conftest's ``county_store``: the county's sessions and its enrolled device H01-01.
CountyStore = tuple[sessionmaker[Session], DeviceRow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening_socket() -> tuple[socket.socket, int]:
    """A loopback socket bound to a free port, and the port, for a server in this process to
    serve on (``uvicorn.Server.run([sock])``): ``free_port`` only names a port, which another
    worker's connection may take before the server binds it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock, int(sock.getsockname()[1])


def wait_http(url: str, seconds: float = 60.0, verify: bool | str = True) -> None:
    """Until ``url`` answers: a server's own sign that it serves. The wait ends at the first
    answer; ``seconds`` only bounds a server that never comes (a loaded machine starts one in
    several seconds)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1, verify=verify)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise TimeoutError(url)


def county_cli(*args: str) -> str:
    """The county command run in this process with the test county's passphrase (a process
    costs 2-5 s of imports and shipped password hashes; test_county_cli_hostile.py runs it as
    one): its output, after asserting that it exited 0."""
    from eservice_desktop.county import cli

    out, err = io.StringIO(), io.StringIO()
    before = os.environ.get(PASSPHRASE_ENV)
    os.environ[PASSPHRASE_ENV] = TEST_SECRET.decode()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        if before is None:
            del os.environ[PASSPHRASE_ENV]
        else:
            os.environ[PASSPHRASE_ENV] = before
    assert code == 0, (args, code, err.getvalue())
    return out.getvalue()


def county_env() -> dict[str, str]:
    """This environment plus the test county's passphrase."""
    return {**os.environ, PASSPHRASE_ENV: TEST_SECRET.decode()}


@dataclass
class CountyServer:
    db_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    limits: Limits | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra: str) -> CountyServer:
        """A server process. ``free_port`` only named a port that was free: another worker's
        connection may take it before the process binds it, and the process then exits with a
        bind error (or another server answers there). A first start tries another port; a
        restart must come back where the counters look for it."""
        for _ in range(3):
            self.proc = self._spawn(extra)
            if self._answers(self.proc):
                self._started = True
                return self
            if getattr(self, "_started", False):
                break
            self.port = free_port()
        raise RuntimeError(f"the county server did not start (logs in {self.workdir})")

    def _spawn(self, extra: tuple[str, ...]) -> subprocess.Popen[bytes]:
        with (self.workdir / f"server-{self.port}.log").open("ab") as log:
            return subprocess.Popen(
                [
                    PY,
                    "-m",
                    "eservice_desktop.county.cli",
                    "serve",
                    "--db",
                    self.db_url,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--gateway",
                    f"file:{self.workdir / 'outbox.jsonl'}",
                    *extra,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env=county_env(),
            )

    def _answers(self, proc: subprocess.Popen[bytes], seconds: float = 90.0) -> bool:
        """Whether ``proc`` answers on the port (False once it has exited: it could not bind,
        whatever another process there says). A process that runs is waited for: its start
        (about 3 s of CPU) took 12-40 s at load 7-8 on two cores, where the old 20 s limit
        failed a test's set-up; only a server that never answers should end the wait."""
        deadline = time.monotonic() + seconds
        while proc.poll() is None:
            try:
                requests.get(self.url + "/v1/health", timeout=1)
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise TimeoutError(self.url) from None
                time.sleep(0.05)
            else:
                return proc.poll() is None
        return False

    def start_in_thread(self, demo: bool = False) -> CountyServer:
        """Same app in this process (fast to start); use :meth:`start` to be able to kill it."""
        import threading

        import uvicorn

        from eservice_desktop.county.asgi import create_app
        from eservice_desktop.county.http_server import server_config
        from eservice_desktop.county.notify import FileGateway

        app = create_app(
            self.db_url,
            secret=TEST_SECRET,
            gateway=FileGateway(self.workdir / "outbox.jsonl"),
            demo=demo,
            limits=self.limits,
        )
        sock = self._listening_socket()
        self._started = True
        config = server_config(app, "127.0.0.1", self.port, lifespan="on")
        self._uv = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._uv.run, args=([sock],), daemon=True)
        self._thread.start()
        wait_http(self.url + "/v1/health")
        return self

    def _listening_socket(self) -> socket.socket:
        """The server's socket, bound here: ``free_port`` only named a port that was free, and
        another worker's connection may have taken it since (uvicorn then logged the bind
        error and the test waited for a server that never started). A port taken meanwhile
        is traded for another one, bound at once; a restart keeps its port."""
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", self.port))
        except OSError:
            if getattr(self, "_started", False):
                sock.close()
                raise  # a restart must come back where the counters look for it
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        return sock

    def app_limits(self) -> Limits:
        """The rate limiters of a server started in this process."""
        return self._uv.config.app.state.limits  # type: ignore[no-any-return]

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        uv = getattr(self, "_uv", None)
        if uv is not None:
            uv.should_exit = True
            self._thread.join(10)
            self._uv = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def enrol_code(self, office: str, device: str | None = None) -> str:
        """A code for a new device, or (``device``) one replacing that device's credential."""
        engine = make_engine(self.db_url)
        try:
            with Session(engine) as s, s.begin():
                return county_service.new_enrol_code(s, office, utcnow(), device=device)
        finally:
            engine.dispose()

    def event_ids(self) -> list[str]:
        engine = create_engine(self.db_url)
        try:
            with engine.connect() as c:
                return list(c.scalars(select(CountyEventRow.event_id)))
        finally:
            engine.dispose()

    def count(self, table: type = CountyEventRow) -> int:
        engine = create_engine(self.db_url)
        try:
            with engine.connect() as c:
                return int(c.scalar(select(func.count()).select_from(table)) or 0)
        finally:
            engine.dispose()

    def conflicts(self) -> int:
        return self.count(ConflictRow)

    def wait_notices_sent(self, seconds: float = 30.0) -> None:
        """Waits until the county's dispatcher has handled every queued notice: each outcome
        adds a change to the feed, so a test counting the feed waits for them first."""
        engine = create_engine(self.db_url)
        deadline = time.monotonic() + seconds
        try:
            while True:
                with engine.connect() as c:
                    queued = c.scalar(
                        select(func.count())
                        .select_from(NotificationRow)
                        .where(NotificationRow.status == "queued")
                    )
                if not queued:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(f"{queued} notices still queued after {seconds} s")
                time.sleep(0.1)
        finally:
            engine.dispose()


def _fresh_pg_db(pg_url: str, template: str = "") -> str:
    """A new empty PostgreSQL database, or a copy of ``template``."""
    import psycopg

    name = f"county_{uuid.uuid4().hex[:12]}"
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    base = pg_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def schema_template(db_url: str) -> str:
    """``db_url`` (a new database) with the county schema made, for copies: migrating a new
    county database costs ~0.15 s on PostgreSQL, copying it a few milliseconds."""
    engine = make_engine(db_url)
    try:
        create_schema(engine)
    finally:
        engine.dispose()
    return db_url


def into_feed(
    server: CountyServer, office: str, kind: str, data: dict[str, Any], case_id: str | None = None
) -> None:
    """A change straight into an office's feed, past every check the county makes (as a
    county of another build, or a hostile one, sends it)."""
    engine = make_engine(server.db_url)
    try:
        with Session(engine) as s, s.begin():
            row = FeedRow(office=office, kind=kind, case_id=case_id, source=None, data=data)
            row.created_at = utcnow()
            s.add(row)
    finally:
        engine.dispose()


def enrol(app: App, server: CountyServer, url: str | None = None) -> None:
    sync.enrol(app, server.url, server.enrol_code(app.settings.office_code))
    if url:
        app.settings.county_url = url


def sync_now(app: App) -> sync.RoundResult:
    client = sync.make_client(app)
    try:
        return sync.sync_round(app, client)
    finally:
        client.close()


def new_case(app: App, pickup_office: str = "", phone: str = "0912345678") -> str:
    """A case whose notices go out (a phone), picked up at ``pickup_office`` when given."""
    return factories.new_case(
        app,
        phone=phone,
        pickup_method="other_office" if pickup_office else "counter",
        pickup_office=pickup_office,
    )


def local_event_ids(app: App) -> list[str]:
    from eservice_desktop.storage.models import EventRow

    with app.reading() as s:
        return list(s.scalars(select(EventRow.event_id).where(EventRow.origin == "local")))


def pending(app: App) -> int:
    with app.reading() as s:
        return sync.pending_count(s)


def write_keyring_file(app: App, path: Path) -> None:
    """Copies the enrolled credential into the service account's credential store (the
    product's ServiceKeyring, in directory ``path``) that a subprocess service reads."""
    from eservice_desktop.county_link.service_keyring import ServiceKeyring

    account = sync.keyring_account(app)
    value = keyring.get_password(sync.KEYRING_SERVICE, account)
    assert value
    previous = os.environ.get(ENV_DIR)
    os.environ[ENV_DIR] = str(path)
    try:
        ServiceKeyring().set_password(sync.KEYRING_SERVICE, account, value)
    finally:
        if previous is None:
            os.environ.pop(ENV_DIR)
        else:
            os.environ[ENV_DIR] = previous


def service_env(keyring_file: Path) -> dict[str, str]:
    """The environment the installed service unit gives `sync run`."""
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = "eservice_desktop.county_link.service_keyring.ServiceKeyring"
    env[ENV_DIR] = str(keyring_file)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")])
    env.pop("ESERVICE_DATA_DIR", None)
    return env


_ = text


# --- a county spoken to over raw HTTP, as a hostile or odd office would -------------------------


class County:
    """A county spoken to over raw HTTP: JSON bodies the office's client would never send."""

    def __init__(self, server: CountyServer) -> None:
        self.server = server
        self.url = server.url
        self.session = requests.Session()
        self.creds: dict[str, str] = {}
        self.seq = 0

    def enrol(self, office: str) -> str:
        """Enrols device 01 of ``office`` (straight in the county's store) and keeps its
        credential for the requests below."""
        code = self.server.enrol_code(office)
        engine = make_engine(self.server.db_url)
        try:
            with Session(engine) as s, s.begin():
                _dev, cred = county_service.enrol(s, code, "01", "t", utcnow())
        finally:
            engine.dispose()
        self.creds[office] = cred
        return cred

    @property
    def http(self) -> County:
        return self

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.url + path, timeout=60, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.session.post(self.url + path, timeout=60, **kw)

    def h(self, office: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.creds[office]}"}

    def push(self, office: str, *events: dict[str, Any]) -> Any:
        return self.http.post("/v1/events", json={"events": list(events)}, headers=self.h(office))

    def raw_push(self, office: str, body: bytes) -> Any:
        return self.http.post(
            "/v1/events",
            data=body,
            headers={**self.h(office), "Content-Type": "application/json"},
        )

    def pull(self, office: str) -> Any:
        return self.http.get("/v1/changes", headers=self.h(office))

    def received(self, office: str = "H02", pickup: str = "H03", **payload: Any) -> dict[str, Any]:
        self.seq += 1
        p: dict[str, Any] = {
            "case_number": str(CaseNumber(office, "01", 115, self.seq)),
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 3,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
            "pickup": {"method": "counter", "office": pickup},
        }
        p.update(payload)
        return event(office, "case.received", p)


def event(office: str, type_: str, payload: dict[str, Any], case_id: str = "") -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "case_id": case_id or str(uuid.uuid4()),
        "type": type_,
        "office": office,
        "device": "01",
        "clerk": "c",
        "at": "2026-03-10T02:00:00+00:00",
        "payload": payload,
    }
