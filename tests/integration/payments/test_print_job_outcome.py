"""A job the CUPS scheduler took and that then did not print is not a printed receipt: the job
is followed (``cups_queue.job_outcome``) until CUPS says it completed. Against a private cupsd:
a queue whose printer takes the connection and never the data keeps a job on its way, and the
job is then cancelled by someone, or the queue is stopped under it (as CUPS stops a queue
whose backend fails)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cups_support import Cups, cups_fixture  # noqa: F401 (the `cups` fixture)

from eservice_desktop.gui import cups_queue

STALLED = "Stalled"


@pytest.fixture
def stalled(cups: Cups) -> Iterator[str]:
    """A queue whose "printer" accepts the connection and never reads: its job stays
    processing until it is cancelled or its queue stopped."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=4)
    port = listener.getsockname()[1]
    subprocess.run(
        ["lpadmin", "-h", cups.server, "-p", STALLED, "-E", "-v",
         f"socket://127.0.0.1:{port}", "-m", "raw"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield STALLED
    finally:
        listener.close()


def submit(cups: Cups, queue: str, title: str, tmp_path: Path, *options: str) -> None:
    job = tmp_path / "receipt.txt"
    job.write_bytes(b"R000042\n" * 64)
    subprocess.run(
        ["lp", "-h", cups.server, "-d", queue, "-t", title, *options, str(job)],
        check=True, capture_output=True,
    )  # fmt: skip


def on_thread(cups: Cups, fn: Callable[[], Any]) -> Callable[[], Any]:
    """Runs ``fn`` on a thread of its own pointed at the private scheduler (libcups keeps its
    server per thread, as the I/O pool's print has it); returns a join giving its result."""
    out: list[Any] = []

    def body() -> None:
        lib = cups_queue._libcups()
        assert lib is not None
        lib.cupsSetServer(cups.server.encode())
        out.append(fn())

    thread = threading.Thread(target=body)
    thread.start()

    def join() -> Any:
        thread.join(30)
        assert out, "job_outcome did not answer"
        return out[0]

    return join


def state_of(cups: Cups, queue: str, title: str) -> int | None:
    def look() -> int | None:
        lib = cups_queue._libcups()
        assert lib is not None
        found = cups_queue._job(lib, queue, title)
        return None if found is None else found[1]

    return on_thread(cups, look)()  # type: ignore[no-any-return]


def wait_processing(cups: Cups, queue: str, title: str) -> None:
    deadline = time.monotonic() + 20
    while state_of(cups, queue, title) != 5:  # IPP_JSTATE_PROCESSING
        assert time.monotonic() < deadline, "the job never reached the printer"
        time.sleep(0.05)


def test_a_completed_job_is_printed_and_a_cancelled_one_is_not(
    cups: Cups, stalled: str, tmp_path: Path
) -> None:
    submit(cups, cups.printer, "eservice done", tmp_path)
    assert on_thread(cups, lambda: cups_queue.job_outcome(cups.printer, "eservice done"))() is None
    assert state_of(cups, cups.printer, "eservice done") == cups_queue.JOB_COMPLETED
    submit(cups, stalled, "eservice cancelled", tmp_path)
    wait_processing(cups, stalled, "eservice cancelled")
    outcome = on_thread(cups, lambda: cups_queue.job_outcome(stalled, "eservice cancelled"))
    subprocess.run(["cancel", "-h", cups.server, "-a", stalled], check=True, capture_output=True)
    code, zh, en = outcome()
    assert code == "print.failed", (code, zh)
    assert "列印工作已被取消" in zh and "收據仍為未列印" in zh
    assert "the job was cancelled" in en and "stays unprinted" in en


def test_a_job_whose_queue_stops_under_it_is_cancelled_and_not_printed(
    cups: Cups, stalled: str, tmp_path: Path
) -> None:
    """A stopped queue keeps its job: printed when the printer comes back, after the clerk
    printed the receipt again, two originals. The job is cancelled and the print refused."""
    submit(cups, stalled, "eservice stopped", tmp_path)
    wait_processing(cups, stalled, "eservice stopped")
    outcome = on_thread(cups, lambda: cups_queue.job_outcome(stalled, "eservice stopped"))
    subprocess.run(["cupsdisable", "-h", cups.server, stalled], check=True, capture_output=True)
    code, zh, en = outcome()
    assert code == "print.stopped" and "列印工作已取消" in zh and "cancelled" in en
    assert state_of(cups, stalled, "eservice stopped") == cups_queue.JOB_CANCELED


def test_a_job_the_queue_holds_is_left_alone(cups: Cups, tmp_path: Path) -> None:
    """A queue that holds its jobs until they are released at the printer: the job is neither
    waited for nor cancelled (taken as printed, as before)."""
    submit(cups, cups.printer, "eservice held", tmp_path, "-H", "indefinite")
    assert on_thread(cups, lambda: cups_queue.job_outcome(cups.printer, "eservice held"))() is None
    assert state_of(cups, cups.printer, "eservice held") == cups_queue.JOB_HELD


@pytest.fixture
def dropping(cups: Cups) -> Iterator[str]:
    """A queue whose "printer" reads the start of each job and drops the connection (a network
    printer switched off, or its cable pulled, in the middle of the receipt), under the error
    policy that has CUPS hold the job and try it again later."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=4)
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(512)

    threading.Thread(target=serve, daemon=True).start()
    subprocess.run(
        ["lpadmin", "-h", cups.server, "-p", "Dropping", "-E", "-v",
         f"socket://127.0.0.1:{port}", "-m", "raw", "-o", "printer-error-policy=retry-job"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield "Dropping"
    finally:
        listener.close()


def test_a_job_held_to_try_again_after_the_printer_failed_is_cancelled_and_not_printed(
    cups: Cups, dropping: str, tmp_path: Path
) -> None:
    """CUPS holds a job whose printer dropped the connection and sends it again later: taken
    as printed, the receipt the citizen did not get was issued, and the job came out when the
    printer was back, after the clerk had printed the receipt again. It is cancelled and the
    print refused, the receipt left unprinted."""
    job = tmp_path / "receipt.txt"
    # more than the printer reads before it drops, and than both ends of a loopback connection
    # buffer (their kernel buffers take a few MB: a smaller job fitted whole under load and
    # completed)
    job.write_bytes(b"R000042\n" * (4 << 20))
    subprocess.run(
        ["lp", "-h", cups.server, "-d", dropping, "-t", "eservice dropped", str(job)],
        check=True, capture_output=True,
    )  # fmt: skip
    code, zh, en = on_thread(cups, lambda: cups_queue.job_outcome(dropping, "eservice dropped"))()
    assert code == "print.failed", (code, zh)
    assert "連線中斷" in zh and "列印工作已取消" in zh and "收據仍為未列印" in zh
    assert "dropped the connection" in en and "stays unprinted" in en
    assert state_of(cups, dropping, "eservice dropped") == cups_queue.JOB_CANCELED
