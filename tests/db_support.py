"""Opening a test's office database outside the App: with the key its data directory uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.storage import db


class _Closing:
    """A DB-API connection whose ``with`` block commits (or rolls back) as SQLite's does and
    then closes it: left open, it holds the database as another program's window would, and
    an upgrade after it is refused (``storage/in_use.py``)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __enter__(self) -> Any:
        return self._conn

    def __exit__(self, kind: object, *_rest: object) -> None:
        try:
            self._conn.rollback() if kind is not None else self._conn.commit()
        finally:
            self._conn.close()


def connect_db(where: Settings | Path, read_only: bool = False) -> Any:
    """A DB-API connection to the encrypted office database; ``where`` is the App's settings
    or a data directory whose key sits in the default place (DATA_DIR/keys)."""
    settings = where if isinstance(where, Settings) else Settings(data_dir=where)
    return _Closing(db.raw_connect(settings, read_only=read_only))
