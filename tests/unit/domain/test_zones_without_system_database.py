"""Windows has no IANA time zone database: zoneinfo then reads the ``tzdata`` package, and
without it ``ZoneInfo("Asia/Taipei")`` raises ZoneInfoNotFoundError at the import of
``domain.office_zone`` and nothing starts. The package came only by psycopg's win32 marker; it
is the program's own pinned dependency now. Here the system's database is taken away (an empty
search path) as on Windows."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, reset_tzpath

_PROBE = (
    "from datetime import datetime, UTC\n"
    "from eservice_desktop.domain.office_zone import TAIPEI\n"
    "print(datetime(2026, 12, 3, 16, 30, tzinfo=UTC).astimezone(TAIPEI).isoformat())\n"
)


def test_the_office_zone_is_found_without_the_system_s_database() -> None:
    reset_tzpath(to=[])
    try:
        taipei = ZoneInfo.no_cache("Asia/Taipei")
    finally:
        reset_tzpath()
    at = datetime(2026, 12, 3, 16, 30, tzinfo=UTC).astimezone(taipei)
    assert (at.day, at.hour, at.utcoffset().total_seconds()) == (4, 0, 8 * 3600)  # type: ignore[union-attr]


def test_the_program_s_zone_module_imports_on_a_machine_without_zones(tmp_path: Path) -> None:
    empty = tmp_path / "no-zones"
    empty.mkdir()
    env = {"PYTHONTZPATH": str(empty), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-400:]
    assert out.stdout.strip() == "2026-12-04T00:30:00+08:00"
