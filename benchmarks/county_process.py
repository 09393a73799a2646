"""A county server in a process of its own, for the sync benchmarks, as a county runs when
deployed: a spawned Python process serving the ASGI app with uvicorn on a loopback socket.

Served from a thread of the benchmark's own process, the county shared one interpreter lock
with the office it measured: the office's Python and the county's took turns on one core, and
neither side's CPU could be told from the other's. In its own process each side has its own
lock, as a county and an office on two machines do, and the county's CPU is read from
``/proc/<pid>/stat`` beside the office's (this process's ``process_time``).

The child is ``python -m benchmarks.county_process DB_URL`` (a new interpreter, nothing of
this one inherited; no ``__main__`` guard needed in whatever started the benchmark). Readiness
without sleeping: the child builds the app (schema, vault, keys), binds and listens on port 0,
and only then prints the port; a request sent before uvicorn accepts waits in the socket's
backlog. Shutdown: SIGTERM, which uvicorn takes as a graceful stop (the app's lifespan closes
the database), then a wait; a child that does not end is killed.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

SECRET = b"benchmark county passphrase"
#: How long the child may take to open its database and bind its socket, and to stop.
START_S = 120.0
STOP_S = 30.0


def serve(db_url: str) -> None:
    """The child: the county app on a loopback socket; its port printed once it listens."""
    import uvicorn

    from eservice_desktop.county.asgi import create_app

    app = create_app(db_url, secret=SECRET, dispatch=False)
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY on the accepted connections only then (a
    # socket of protocol 0 leaves Nagle on, and each answer waits ~40 ms for a delayed ACK)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)  # stdout: the port only
    uvicorn.Server(config).run(sockets=[sock])


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CountyProcess:
    """A county server in its own process on a loopback port, and enrolled office devices."""

    def __init__(self, county_url: str, tmp: Path) -> None:
        from eservice_desktop.county.store import make_engine

        self.tmp = tmp
        # the same interpreter and import path as this process, whatever started it
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.county_process", county_url],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        try:  # whatever stops the start (a dead child, Ctrl-C, the engine) ends the child
            assert self.proc.stdout is not None
            ready, _, _ = select.select([self.proc.stdout], [], [], START_S)
            line = self.proc.stdout.readline() if ready else ""  # "": it died (stderr says why)
            if not line.strip().isdigit():
                raise RuntimeError(f"the county did not start (exit {self.proc.poll()})")
            self.url = f"http://127.0.0.1:{int(line)}"
            self.pid = self.proc.pid
            #: the county's database, for what an administrator does there (enrolment codes)
            self.engine = make_engine(county_url)
        except BaseException:
            self._end()
            raise

    def __enter__(self) -> CountyProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def cpu(self) -> float:
        """The county process's CPU seconds so far."""
        return process_cpu(self.pid)

    def office(self, device: str) -> Any:
        """A device of office H01 enrolled at this county with a code made in its database."""
        from sqlalchemy.orm import Session

        from eservice_desktop.config import Settings
        from eservice_desktop.county import service as county_service
        from eservice_desktop.county.store import utcnow
        from eservice_desktop.services import sync
        from eservice_desktop.services.core import open_app

        app = open_app(
            Settings(
                data_dir=self.tmp / f"office-{device}",
                office_code="H01",
                device_id=device,
                county_url=self.url,
            )
        )
        with Session(self.engine) as s, s.begin():
            code = county_service.new_enrol_code(s, "H01", utcnow())
        sync.enrol(app, self.url, code)
        return app

    def stop(self) -> None:
        """Ends the county process (again: nothing happens)."""
        try:
            self.engine.dispose()
        finally:
            self._end()

    def _end(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # uvicorn stops gracefully on it
            try:
                self.proc.wait(STOP_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


if __name__ == "__main__":
    serve(sys.argv[1])
