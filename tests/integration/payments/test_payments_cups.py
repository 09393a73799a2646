"""A receipt printed silently to a system printer: Qt -> libcups -> a private cupsd -> the
socket (JetDirect, port-9100 style) backend -> a loopback "thermal printer" that keeps the job.
What reaches the printer is decoded back to the receipt number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cups_support import Cups, cups_fixture  # noqa: F401 (the `cups` fixture)
from payments_tools import decode, new_case

from eservice_desktop.services import payments
from eservice_desktop.services.core import App

WORKER = Path(__file__).with_name("payments_print_worker.py")


@pytest.mark.parametrize("typed", [str, str.lower], ids=["as-installed", "in-other-letters"])
def test_receipt_prints_silently_to_the_configured_system_printer(
    app: App,
    settings,
    cups: Cups,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    typed: Callable[[str], str],
) -> None:
    """Printer names are the same in any letters to CUPS and Windows: IT typing
    ``receipt80`` for ``Receipt80`` was "printer not found" and no receipt printed."""
    number = new_case(app, name="王𡘙堃")
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    env = {**os.environ, "CUPS_SERVER": cups.server, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            str(WORKER),
            str(settings.data_dir),
            typed(cups.printer),
            receipt,
            "roll80",
        ],
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
