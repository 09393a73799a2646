"""A database written by a newer eservice-desktop is refused by every command with one line in
the chosen language and exit 2 (it-guide §2), never with a traceback, and is left untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import load_settings
from eservice_desktop.storage import cipher, dbkey


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["whoami"], ["case", "search", "x"], ["backup", "now"]]
)
def test_a_newer_database_is_refused_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "db", "upgrade"]) == 0
    db_file = data / "eservice.sqlite3"
    conn = cipher.connect(db_file, dbkey.database_key(load_settings(data), create=False))
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    capsys.readouterr()
    before = db_file.read_bytes()

    assert main(["--data-dir", str(data), *command]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "9999_future" in err and "比本程式新" in err
    assert main(["--data-dir", str(data), "--lang", "en", *command]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "written by a newer eservice-desktop" in err
    assert db_file.read_bytes() == before
