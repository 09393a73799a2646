"""The PC/SC service restarting under a running monitor (pcscd killed and started again).

Only one pcscd can run per machine and the suite's is shared, so this test runs its own in a
private PID/mount/network namespace (``unshare``, root), with a tmpfs on /run/pcscd.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pcsc

HERE = Path(__file__).parent


def test_monitor_survives_pcscd_restart() -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.fail("needs root and unshare to run a private pcscd (the test machine has both)")
    script = (
        "set -e; mount -t tmpfs tmpfs /run/pcscd; ip link set lo up; "
        f"exec {sys.executable} {HERE / 'cards_restart_probe.py'}"
    )
    out = subprocess.run(
        ["unshare", "-mnpf", "--mount-proc", "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=HERE.parents[2],
    )
    assert out.returncode == 0, out.stderr[-2000:]
    steps = {d["step"]: d for d in map(json.loads, out.stdout.splitlines())}
    assert steps["shown"] == {
        "step": "shown",
        "state": "shown",
        "detail": "",
        "has_record": True,
    }
    assert steps["service_down"]["state"] == "error"
    assert steps["service_down"]["has_record"] is False  # data dropped with the service
    assert steps["service_back"]["state"] == "no_card"
    assert steps["shown_again"]["state"] == "shown" and steps["shown_again"]["has_record"]
    # A card kept in the reader while the service restarted: read again, never said gone
    # (the operator's card in lock_card_reader locked the window "card left").
    assert steps["card_back_before_the_monitor"]["detail"] == "service_down"
    assert steps["kept_in"]["states"] == ["reading", "shown"]
