"""`make bench` runs: the benchmarks that open the office database do it as the program does,
with an operator signed in. Five of them failed on every machine with "Sign in first" since
services ask for one (crypt, receipts, reports, search), and the pickup desk's on the expired
codes of its cached database, while nothing ran them but the figures' occasional reruns.

Run here at a few hundred cases (and a few strings typed) in a cache of the test's own: the
figures mean nothing at that size, that every benchmark reaches its figures does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL = {
    "ESERVICE_BENCH_CRYPT_CASES": "200",
    "ESERVICE_BENCH_CRYPT_STRINGS": "2",
    "ESERVICE_BENCH_GUI_CASES": "300",
    "ESERVICE_BENCH_PICKUP_CASES": "300",
    "ESERVICE_BENCH_REPORT_CASES": "300",
}


def test_the_database_benchmarks_reach_their_figures(tmp_path: Path) -> None:
    env = {**os.environ, **SMALL, "ESERVICE_BENCH_CACHE": str(tmp_path / "cache")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "receipts", "reports", "search", "crypt", "pickup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "FAILED" not in run.stdout
    for figure in ("short code typed", "substring search", "payment recorded", "report on-time"):
        assert figure in run.stdout, figure
