"""The ``eservice-desktop`` command line with its own data directory: ``cli`` runs it in the
test process (``cli_main_support.run_main``), ``cli_process`` runs the real program as a
subprocess, for what only a process shows (its entry point, exit status, a password on its
standard input, a standard output it cannot write)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_main_support import run_main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    """The command's ESERVICE_* variables: the test PostgreSQL's, demo mode (which signs in the
    demo operator; the login tests pass ESERVICE_DEMO="" to leave it) and ``env``'s."""
    full = {"ESERVICE_TEST_PG_URL": os.environ.get("ESERVICE_TEST_PG_URL", "")}
    full["ESERVICE_DEMO"] = "1"
    full.update(env or {})
    if not full["ESERVICE_DEMO"]:
        del full["ESERVICE_DEMO"]
    return full


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Result]:
    data = tmp_path / "office"

    def run(
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        data_dir: Path | None = data,
    ) -> Result:
        argv = [] if data_dir is None else ["--data-dir", str(data_dir)]
        return Result(*run_main([*argv, *args], _environment(env), stdin))

    run.data_dir = data  # type: ignore[attr-defined]
    return run


@pytest.fixture
def cli_process(tmp_path: Path) -> Callable[..., Result]:
    data = tmp_path / "office"

    def run(
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        data_dir: Path | None = data,
    ) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
        full_env.update(_environment(env))
        argv = [sys.executable, "-m", "eservice_desktop"]
        if data_dir is not None:
            argv += ["--data-dir", str(data_dir)]
        p = subprocess.run(
            [*argv, *args], input=stdin, capture_output=True, text=True, env=full_env, timeout=120
        )
        return Result(p.returncode, p.stdout, p.stderr)

    run.data_dir = data  # type: ignore[attr-defined]
    return run
