"""Two programs upgrading one old database at once (the installer's ``db upgrade``, the window
and the sync service opening it) take turns: one backs it up and upgrades it, the other then
finds it current."""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.storage import db

OLD = Path(__file__).parents[2] / "data" / "migrations" / "0017.sqlite3"


def test_two_upgrades_at_once_back_up_and_upgrade_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read the old revision and backed it up under the one name (the same second):
    one removed the other's unfinished copy, which ended with "cannot access
    eservice-before-….sqlite3.partial" (exit 2)."""
    settings = Settings(data_dir=tmp_path, db_key_dir=str(tmp_path / "keys"))
    shutil.copy(OLD, settings.db_path)
    engines = [db.open_office_engine(settings) for _ in range(2)]
    backups: list[str] = []
    both_read = threading.Barrier(2)
    real = db.backup_sqlite

    def backup(*args: Any) -> Path:
        backups.append("taken")
        # without turns, the other has read the old revision by now too
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=1)
        return real(*args)

    monkeypatch.setattr(db, "backup_sqlite", backup)
    results: list[object] = []

    def run(engine: Any, key: bytes) -> None:
        try:
            results.append(db.upgrade(engine, settings.db_url, settings.db_path, key))
        except Exception as e:
            results.append(e)

    threads = [threading.Thread(target=run, args=pair) for pair in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for engine, _ in engines:
        engine.dispose()
    assert not any(isinstance(r, Exception) for r in results), results
    assert len(backups) == 1 and sorted(map(bool, results)) == [False, True], results
    assert len(list((tmp_path / "backups").glob("*.sqlite3"))) == 1
