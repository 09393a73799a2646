"""Runs the real ``eservice-desktop`` program as a subprocess with its own data directory."""

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


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Result]:
    data = tmp_path / "office"

    def run(
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        data_dir: Path | None = data,
    ) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
        full_env["ESERVICE_TEST_PG_URL"] = os.environ.get("ESERVICE_TEST_PG_URL", "")
        # demo mode signs in the demo operator; the login tests pass ESERVICE_DEMO="" to leave it
        full_env["ESERVICE_DEMO"] = "1"
        full_env.update(env or {})
        if not full_env["ESERVICE_DEMO"]:
            del full_env["ESERVICE_DEMO"]
        argv = [sys.executable, "-m", "eservice_desktop"]
        if data_dir is not None:
            argv += ["--data-dir", str(data_dir)]
        p = subprocess.run(
            [*argv, *args], input=stdin, capture_output=True, text=True, env=full_env, timeout=120
        )
        return Result(p.returncode, p.stdout, p.stderr)

    run.data_dir = data  # type: ignore[attr-defined]
    return run
