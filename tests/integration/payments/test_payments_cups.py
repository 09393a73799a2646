"""A receipt printed silently to a system printer: Qt -> libcups -> a private cupsd -> the
socket (JetDirect, port-9100 style) backend -> a loopback "thermal printer" that keeps the job.
What reaches the printer is decoded back to the receipt number."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from payments_tools import decode, new_case

from eservice_desktop.services import payments
from eservice_desktop.services.app import App

WORKER = Path(__file__).with_name("payments_print_worker.py")
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

    port: int
    jobs: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", self.port))
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


@pytest.fixture
def cups() -> Iterator[Cups]:
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
    port = free_port()
    (d / "etc" / "cupsd.conf").write_text(CUPSD_CONF.format(port=port))
    (d / "etc" / "cups-files.conf").write_text(CUPS_FILES_CONF.format(d=d))
    proc = subprocess.Popen(
        [cupsd, "-f", "-c", str(d / "etc/cupsd.conf"), "-s", str(d / "etc/cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    device = FakeThermalPrinter(free_port())
    server = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
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
        proc.wait(timeout=15)
        device.close()
        shutil.rmtree(d, ignore_errors=True)


def test_receipt_prints_silently_to_the_configured_system_printer(
    app: App,
    settings,
    cups: Cups,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    number = new_case(app, name="王𡘙堃")
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    env = {**os.environ, "CUPS_SERVER": cups.server, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(WORKER), str(settings.data_dir), cups.printer, receipt, "roll80"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert cups.printer in result["printers"]
    assert result.get("printed") is True, result
    assert result["job_on_ui_thread"] is False
    deadline = time.monotonic() + 30
    while not cups.device.jobs and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(cups.device.jobs) == 1
    job = cups.device.jobs[0]
    assert job.startswith(b"%PDF")  # Qt hands CUPS a PDF; the raw queue passes it through
    pdf = tmp_path / "job.pdf"
    pdf.write_bytes(job)
    assert receipt in decode(pdf).values()
    assert payments.pending_receipts(app) == [] and payments.get_receipt(app, receipt).printed
