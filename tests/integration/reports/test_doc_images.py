"""tools/doc-images.py draws the two images of docs/reports.md again, each at its size."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

#: The script's counter window watches the card readers (tests/shared_devices.py).
pytestmark = pytest.mark.readers
ROOT = Path(__file__).resolve().parents[3]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_script_draws_the_chart_and_the_page(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "doc-images.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=90, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    chart, page = tmp_path / "report-usage-by-month.png", tmp_path / "reports-page-usage.png"
    assert _png_size(chart) == (1030, 500)
    assert _png_size(page) == (1366, 900)
    assert chart.stat().st_size > 10_000 and page.stat().st_size > 50_000  # drawn, not blank
