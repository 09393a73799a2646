"""A command opening an older database says so before the backup and the upgrade: both took
3.5 minutes at 6.6 million events (migration 0019 builds an index over every event), and
``sync status`` sat silent through them. A new database, or one already current, is opened
without a word."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_main_support import run_main

from eservice_desktop.config import Settings
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import cipher, db

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


def _stderr_so_far() -> str:
    """What the command run by ``run_main`` has written to its standard error by now."""
    return str(sys.stderr.getvalue())  # type: ignore[attr-defined]


def _converted_after(monkeypatch: pytest.MonkeyPatch, said: Callable[[], str]) -> list[str]:
    """What had been said each time a plain database was about to be encrypted."""
    seen: list[str] = []
    real = cipher.encrypt_in_place

    def spy(path: Path, key: bytes) -> bool:
        if cipher.is_plain(path):
            seen.append(said())
        return real(path, key)

    monkeypatch.setattr(cipher, "encrypt_in_place", spy)
    return seen


@pytest.mark.parametrize("revision", ["0013", db.HEAD_REVISION])
def test_a_plain_database_is_encrypted_after_a_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, revision: str
) -> None:
    """A database of a build before encryption is rewritten whole, encrypted (as long as the
    copy before an upgrade): the command and the window sat silent through it, the notice
    came only at the upgrade after it (or never, at this build's revision). Said once."""
    shutil.copy(MIGRATIONS / f"{revision}.sqlite3", tmp_path / "eservice.sqlite3")
    seen = _converted_after(monkeypatch, _stderr_so_far)
    argv = ["--data-dir", str(tmp_path), "db", "upgrade", "--json"]
    code, out, err = run_main(argv, {})
    assert code == 0 and json.loads(out)["after"] == db.HEAD_REVISION, (code, out)
    assert len(seen) == 1 and seen[0].startswith("資料庫升級中（先備份）"), seen
    assert err.count("資料庫升級中") == 1, err


def test_the_window_core_says_it_before_encrypting_a_plain_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    seen = _converted_after(monkeypatch, lambda: ",".join(said))
    settings = Settings(data_dir=tmp_path)
    shutil.copy(MIGRATIONS / "0013.sqlite3", settings.db_path)
    open_app(settings, on_upgrade=lambda: said.append("upgrading")).close()
    assert seen == ["upgrading"] and said == ["upgrading"]
