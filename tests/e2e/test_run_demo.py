"""`make run`'s script as a person starts it: ports and displays already taken, a clear way to
stop it, and a demo device that enrols with the loopback county server once per run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "run-demo.sh"

pytestmark = pytest.mark.slow


def _free_port_pair() -> int:
    """A port P with P and P+1 free at the moment of asking."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        with socket.socket() as s2:
            try:
                s2.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    pytest.fail("no free port pair on loopback")


def _free_display() -> int:
    for n in range(150, 250):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    pytest.fail("no free X display number")


def _wait_for(predicate: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def taken_port() -> Iterator[int]:
    port = _free_port_pair()
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()
        yield port


@pytest.fixture
def taken_display() -> Iterator[int]:
    """A display number whose lock file exists, as when another X server holds it."""
    n = _free_display()
    lock = Path(f"/tmp/.X{n}-lock")
    lock.write_text(f"{os.getpid():>10}\n")
    try:
        yield n
    finally:
        lock.unlink(missing_ok=True)


def _sync_status(data: Path, env: dict[str, str]) -> dict[str, object]:
    office = str(data / "office")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "eservice_desktop",
            "--data-dir",
            office,
            "sync",
            "status",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(r.stdout) if r.returncode == 0 else {}


#: Runs the script as a terminal would: with Ctrl+C (SIGINT) not ignored. A test run started in
#: the background (``make test &``, nohup) inherits SIGINT ignored, and a shell started with it
#: ignored can neither trap nor reset it, so the script's Ctrl+C path could not be tested there.
_AS_FROM_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execvp('bash', ['bash', *sys.argv[1:]])"
)


def _run_demo(data: Path, port: int, env: dict[str, str]) -> str:
    """One `make run` until the demo device has synced in this run, then Ctrl+C; returns what
    the script printed."""
    started = datetime.now(UTC).isoformat()
    proc = subprocess.Popen(
        [sys.executable, "-c", _AS_FROM_A_TERMINAL, str(SCRIPT), str(data), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("To stop"):
                break

        def synced() -> bool:
            st = _sync_status(data, env)
            return (
                bool(st.get("enrolled"))
                and int(st.get("acknowledged") or 0) > 0
                and str(st.get("last_success") or "") > started
                and st.get("last_error") is None
            )

        # One run took 40 s at load 6; the county server's start alone took 33-42 s at load 8.
        _wait_for(synced, 240, "the demo device to enrol and sync in this run")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        finally:
            if proc.stdout is not None:
                proc.stdout.close()
    return "\n".join(lines)


# Two full demo starts (server, virtual screen, GUI, seeding, first sync): minutes on a loaded
# two-core machine, so more than the suite's default per-test limit.
@pytest.mark.timeout(600)
def test_make_run_takes_free_port_and_display_says_how_to_stop_and_enrols_once(
    tmp_path: Path, taken_port: int, taken_display: int
) -> None:
    if not (ROOT / ".venv" / "bin" / "eservice-desktop").exists():
        pytest.skip("needs the project's virtual environment (make test creates it)")
    data = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ESERVICE_DEMO_DISPLAY"] = str(taken_display)
    county, display = taken_port + 1, taken_display + 1

    out = _run_demo(data, taken_port, env)
    assert f"Port {taken_port} is in use" in out and f"port {county} instead" in out, out
    assert f"County server: http://127.0.0.1:{county}" in out, out
    assert f"Display :{taken_display} is in use" in out and f":{display}" in out, out
    assert "Ctrl+C" in out, out
    # Ctrl+C stopped everything the script started
    _wait_for(lambda: not _listening(county), 60, "the county server to stop")
    _wait_for(lambda: not Path(f"/tmp/.X{display}-lock").exists(), 60, "the virtual screen to stop")
    log = (data / "county" / "server.log").read_text()
    assert log.count("demo enrolment code for") == 1, log

    # Started again over the same demo data: the same device enrols once more and syncs
    _run_demo(data, taken_port, env)
    st = _sync_status(data, env)
    assert st["enrolled"]["device"] == "01", st  # type: ignore[index]
    log = (data / "county" / "server.log").read_text()
    assert log.count("demo enrolment code for") == 1, log
