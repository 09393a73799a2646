"""A child process killed with SIGKILL at the point a test chose: the power cut, ``kill -9`` or
reset button in the middle of a write, for the tests of what the next start finds."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def kill_when_there(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
    """Runs ``argv`` (a ``python -c`` script that prints ``there`` at the point to stop and then
    waits), waits for that line and kills the process with SIGKILL; the line not said (the
    child ended or failed first) fails the test."""
    proc = subprocess.Popen(
        list(argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=cwd,
        env=dict(env),
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "there"  # waits as long as the start takes
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
