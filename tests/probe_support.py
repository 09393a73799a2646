"""Runs a short script in a fresh Python process and reads the JSON it prints last.

The start-up tests need a process of their own: what a cold start imports, and what the window
shows before the core opens, can only be seen before anything else has loaded them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

#: The environment every probe runs in: no display needed, no desktop keyring asked.
PROBE_ENV = {
    "QT_QPA_PLATFORM": "offscreen",
    "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
}


def probe_env(signed_out: bool = False, **extra: str) -> dict[str, str]:
    """This process's environment with :data:`PROBE_ENV` and ``extra``; ``signed_out`` drops
    demo mode, so the window starts at the login screen."""
    env = {**os.environ, **PROBE_ENV, **extra}
    if signed_out:
        env.pop("ESERVICE_DEMO", None)
    return env


def run_probe(script: str, *args: str, env: dict[str, str], timeout: int = 300) -> dict[str, Any]:
    """``python -c script args``: see :func:`run_json`."""
    return run_json(["-c", script, *args], env=env, timeout=timeout)


def run_json(argv: list[str], env: dict[str, str], timeout: int = 300) -> dict[str, Any]:
    """``python argv``: it must exit 0, and its last line of output is the JSON returned."""
    done = subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
