"""A command opening an older database says so before the backup and the upgrade: both took
3.5 minutes at 6.6 million events (migration 0019 builds an index over every event), and
``sync status`` sat silent through them. A new database, or one already current, is opened
without a word."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_main_support import run_main

from eservice_desktop.storage import db

MIGRATIONS = Path(__file__).parents[2] / "data" / "migrations"


def test_an_older_database_is_upgraded_with_a_word_first(tmp_path: Path) -> None:
    shutil.copy(MIGRATIONS / "0018.sqlite3", tmp_path / "eservice.sqlite3")
    argv = ["--data-dir", str(tmp_path), "sync", "status", "--json"]
    code, out, err = run_main(argv, {})
    assert code == 0 and json.loads(out)["pending"] >= 3, (code, out, err)
    assert err.startswith("資料庫升級中（先備份）"), err
    code, out, err = run_main([*argv[:2], "--lang", "en", *argv[2:]], {})
    assert code == 0 and err == "", err  # current now: nothing to say


def test_a_new_database_is_made_without_a_word(tmp_path: Path) -> None:
    said: list[str] = []
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    engine = db.make_engine(url)
    try:
        assert db.upgrade(engine, url, on_start=lambda: said.append("upgrading")) is None
        assert db.current_revision(engine) == db.HEAD_REVISION and said == []
    finally:
        engine.dispose()


def test_db_upgrade_says_it_before_the_backup(tmp_path: Path) -> None:
    shutil.copy(MIGRATIONS / "0018.sqlite3", tmp_path / "eservice.sqlite3")
    argv = ["--data-dir", str(tmp_path), "--lang", "en", "db", "upgrade", "--json"]
    code, out, err = run_main(argv, {})
    assert code == 0 and json.loads(out)["before"] == "0018", (code, out, err)
    assert err.startswith("Upgrading the database (after a backup)"), err
