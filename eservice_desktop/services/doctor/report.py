"""What a check returns (data, not text) and the helpers every check shares: building a result,
reading a few rows from a database opened read-only, running a probe command."""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from eservice_desktop import __version__
from eservice_desktop.config import Settings

Status = Literal["ok", "warn", "fail"]


#: Below this much free space on the data directory's disk doctor fails; below WARN_FREE it warns.
FAIL_FREE_BYTES = 200 * 1024 * 1024
WARN_FREE_BYTES = 1024 * 1024 * 1024
#: Certificates expiring within this many days get a warning.
CERT_WARN_DAYS = 30
KEYRING_SERVICE = "eservice-desktop"


@dataclass(frozen=True)
class Check:
    """One finding. ``fix_*`` is empty when the status is ok."""

    key: str
    title_zh: str
    title_en: str
    status: Status
    detail_zh: str
    detail_en: str
    fix_zh: str = ""
    fix_en: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def detail(self, lang: str) -> str:
        return self.detail_en if lang == "en" else self.detail_zh

    def fix(self, lang: str) -> str:
        return self.fix_en if lang == "en" else self.fix_zh

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    checks: list[Check]
    #: True for the shift-start set (``doctor --shift-start``).
    shift_start: bool = False

    @property
    def status(self) -> Status:
        states = {c.status for c in self.checks}
        return "fail" if "fail" in states else "warn" if "warn" in states else "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "version": __version__,
            "set": "shift_start" if self.shift_start else "full",
            "checks": [c.to_json() for c in self.checks],
        }


def _check(
    key: str,
    title: tuple[str, str],
    status: Status,
    detail: tuple[str, str],
    fix: tuple[str, str] = ("", ""),
    **data: Any,
) -> Check:
    return Check(key, title[0], title[1], status, detail[0], detail[1], fix[0], fix[1], data)


class Verdict(Exception):
    """A finding reached part-way through a check. A step raises it and its check turns it into
    the :class:`Check`, so each step is one short function and the check reads as their list."""

    def __init__(
        self, status: Status, detail: tuple[str, str], fix: tuple[str, str] = ("", "")
    ) -> None:
        super().__init__(detail[1])
        self.status, self.detail, self.fix = status, detail, fix

    def check(self, key: str, title: tuple[str, str], **data: Any) -> Check:
        return _check(key, title, self.status, self.detail, self.fix, **data)


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _run(
    cmd: list[str], timeout: float = 5.0, encoding: str | None = None
) -> subprocess.CompletedProcess[str] | None:
    """A tool's output as text; a byte its encoding lacks reads as U+FFFD. On Windows the
    system's code page (cp1252) is not the console's (cp850, PowerShell's output): a printer
    named "Büro" ended doctor in a UnicodeDecodeError traceback."""
    try:
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            encoding=encoding,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def _aware_utc(value: Any) -> datetime | None:
    """A time read with plain SQL (SQLite keeps it as text): timezone-aware UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _read_rows(settings: Settings, sql: str) -> list[tuple[Any, ...]] | None:
    """Rows of a read-only query, or None when the database cannot be read (check_database
    reports why)."""
    from eservice_desktop.services.database import present

    if not present(settings):  # never opened: SQLite would make -wal and -shm beside it
        return None
    from eservice_desktop.storage import cipher, db, dbkey

    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()
    except (cipher.DatabaseError, cipher.WrongKey, dbkey.KeyUnavailable, RuntimeError, OSError):
        return None
