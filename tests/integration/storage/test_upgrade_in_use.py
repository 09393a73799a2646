"""An upgrade while another program holds the database open (a counter window of the build
before, left running on the PC IT upgrades) is refused, exit 2, in the user's language, the
database left as it was; once that program closed, the upgrade goes through. Before, the
upgrade went ahead under the window, which went on writing as its own build knew the
database: an intake failed with SQLite's words and a viewed case made ``audit verify`` call
the access log tampered with."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.storage import db, in_use

OLD = Path(__file__).parents[2] / "data" / "migrations" / "0023.sqlite3"

#: Another program holding the database open, idle, as a window does between two clicks.
HOLDER = """
import sys
from pathlib import Path
from eservice_desktop.config import Settings
from eservice_desktop.storage import db
conn = db.raw_connect(Settings(data_dir=Path(sys.argv[1])))
conn.execute("SELECT count(*) FROM cases").fetchone()
print("open", flush=True)
sys.stdin.readline()
conn.close()
"""


def _revision(settings: Settings) -> str | None:
    engine, _key = db.open_office_engine(settings)
    try:
        return db.current_revision(engine)
    finally:
        engine.dispose()


def test_an_upgrade_under_another_program_is_refused_until_it_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(in_use, "WAIT_S", 1.0)
    data = tmp_path / "office"
    data.mkdir()
    settings = Settings(data_dir=data)
    shutil.copy(OLD, settings.db_path)
    assert _revision(settings) == "0023"  # encrypted as the build before did
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert main(["--data-dir", str(data), "db", "upgrade", "--json"]) == 2
        out = json.loads(capsys.readouterr().out)
        assert out["error"] == "database.in_use" and "其他程式開啟中" in out["message"]
        assert main(["--data-dir", str(data), "--lang", "en", "db", "upgrade"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.splitlines() == [err] and "Another program has the database open" in err
        assert _revision(settings) == "0023"
        assert not list((data / "backups").glob("*.sqlite3"))  # nothing done, no copy
    finally:
        holder.communicate("\n", timeout=60)

    assert main(["--data-dir", str(data), "db", "upgrade", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["before"], out["after"]) == ("0023", db.head_revision()) and out["backup"]
