"""A private CUPS scheduler for tests that print: Qt -> libcups -> this cupsd -> the socket
(JetDirect, port-9100 style) backend -> a loopback "thermal printer" that keeps each job."""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CUPSD_CONF = """Listen 127.0.0.1:{port}
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """ServerRoot {d}/etc
RequestRoot {d}/spool
TempDir {d}/tmp
StateDir {d}/state
CacheDir {d}/cache
ErrorLog {d}/log/error_log
AccessLog {d}/log/access_log
PageLog {d}/log/page_log
User lp
Group lp
SystemGroup root
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class FakeThermalPrinter:
    """Accepts raw print jobs on a TCP port, like a network receipt printer on 9100."""

    port: int = 0  # 0: a free one, bound at once (``port`` says which)
    jobs: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.port = int(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                chunks = []
                while data := conn.recv(65536):
                    chunks.append(data)
                self.jobs.append(b"".join(chunks))

    def close(self) -> None:
        self.sock.close()


@dataclass
class Cups:
    server: str
    printer: str
    device: FakeThermalPrinter


def _start_cupsd(cupsd: str, d: Path) -> tuple[subprocess.Popen[bytes], int]:
    """cupsd listening on a port ``free_port`` named. Another worker's connection may take
    that port before cupsd binds it; cupsd then exits, and it starts again on another."""
    for _ in range(3):
        port = free_port()
        (d / "etc" / "cupsd.conf").write_text(CUPSD_CONF.format(port=port))
        proc = subprocess.Popen(
            [cupsd, "-f", "-c", str(d / "etc/cupsd.conf"), "-s", str(d / "etc/cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # A taken port makes cupsd exit; while it runs it is only slow to start (a loaded
        # machine), so it is waited for rather than moved to another port.
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if _cupsd_answers(port):
                return proc, port
            time.sleep(0.05)
        proc.kill()
        proc.wait(15)
    pytest.fail("private cupsd did not start (three ports tried)")


def _cupsd_answers(port: int) -> bool:
    """Whether a CUPS scheduler answers on ``port`` (not whatever else took it meanwhile)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/")
        return "CUPS" in (conn.getresponse().getheader("Server") or "")
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


@pytest.fixture(name="cups")
def cups_fixture() -> Iterator[Cups]:
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    if not Path(cupsd).exists():
        pytest.fail("cupsd is missing: install cups-daemon (tools/apt-packages.txt)")
    # cupsd hands spool files to its filters and backends as user lp: pytest's tmp_path sits
    # under a 0700 directory, so the scheduler gets a directory of its own that lp can enter.
    d = Path(tempfile.mkdtemp(prefix="eservice-cups-"))
    d.chmod(0o755)
    for sub in ("etc/ppd", "spool", "tmp", "state", "cache", "log"):
        (d / sub).mkdir(parents=True)
    (d / "tmp").chmod(0o1777)
    (d / "etc" / "cups-files.conf").write_text(CUPS_FILES_CONF.format(d=d))
    proc, port = _start_cupsd(cupsd, d)
    device = FakeThermalPrinter()
    server = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            added = subprocess.run(
                [
                    "lpadmin",
                    "-h",
                    server,
                    "-p",
                    "Receipt80",
                    "-E",
                    "-v",
                    f"socket://127.0.0.1:{device.port}",
                    "-m",
                    "raw",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if added.returncode == 0:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"private cupsd did not accept the printer: {added.stderr}")
            time.sleep(0.2)
        yield Cups(server, "Receipt80", device)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:  # a job still draining on a loaded machine
            proc.kill()  # the private spool is thrown away below: nothing of it is kept
            proc.wait(timeout=15)
        device.close()
        shutil.rmtree(d, ignore_errors=True)
