"""Opening a test's office database outside the App: with the key its data directory uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.storage import db


def connect_db(where: Settings | Path, read_only: bool = False) -> Any:
    """A DB-API connection to the encrypted office database; ``where`` is the App's settings
    or a data directory whose key sits in the default place (DATA_DIR/keys)."""
    settings = where if isinstance(where, Settings) else Settings(data_dir=where)
    return db.raw_connect(settings, read_only=read_only)
