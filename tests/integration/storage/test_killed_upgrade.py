"""An upgrade killed (power cut, ``kill -9``, the installer or the window ended) leaves nothing
half-written in ``DATA_DIR/backups`` once the next start has upgraded the database, and one copy
of the old database, not one per try."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_main_support import run_main
from kill_support import kill_when_there

from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.backups import check_backup
from eservice_desktop.storage.db import HEAD_REVISION

ROOT = Path(__file__).resolve().parents[3]
DEMO = {"ESERVICE_DEMO": "1"}
OLD = ROOT / "tests" / "data" / "migrations" / "0017.sqlite3"

#: ``db upgrade`` as IT types it, in a process of its own that stops at ``point`` (says
#: ``there`` and waits) until the test kills it: ``copied`` once the copy is written but not
#: yet renamed into place, ``migrating`` once it is in place and the migrations begin.
UPGRADER = textwrap.dedent(
    """
    import sys, time
    from alembic import command
    from eservice_desktop.storage import cipher
    from eservice_desktop.cli.main import main

    def wait(*args, **kwargs):
        print("there", flush=True)
        time.sleep(600)

    def synced(path, real=cipher.fsync_path):
        if path.name.endswith(".partial"):
            wait()
        real(path)

    if sys.argv[2] == "copied":
        cipher.fsync_path = synced
    else:
        command.upgrade = wait
    sys.exit(main(["--data-dir", sys.argv[1], "db", "upgrade"]))
    """
)


def _killed_upgrade(data: Path, point: str) -> None:
    """Starts ``db upgrade`` on ``data``, waits for it to reach ``point``, kills it -9."""
    kill_when_there(
        [sys.executable, "-c", UPGRADER, str(data), point],
        {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
        ROOT,
    )


def _office(tmp_path: Path, backup_dir: Path | None) -> Path:
    data = tmp_path / "office"
    data.mkdir()
    shutil.copy(OLD, data / "eservice.sqlite3")
    if backup_dir is not None:
        (data / "settings.json").write_text(json.dumps({"backup_dir": str(backup_dir)}))
    return data


def _upgrade(data: Path) -> dict[str, object]:
    code, out, err = run_main(["--data-dir", str(data), "db", "upgrade", "--json"], {})
    assert code == 0, (out, err)
    result: dict[str, object] = json.loads(out)
    assert result["after"] == HEAD_REVISION, result
    return result


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_copy_killed_while_written_is_gone_after_the_next_upgrade(tmp_path: Path) -> None:
    """With ``backup_dir`` on another disk the unfinished copy (a database's worth of pages)
    stayed in ``DATA_DIR/backups`` for ever: only a backup taken into that folder removed it,
    and SQLite's ``.partial-journal`` beside it stayed even then."""
    data = _office(tmp_path, backup_dir=tmp_path / "usb")
    _killed_upgrade(data, "copied")
    folder = data / "backups"
    (killed,) = folder.glob("eservice-before-*.sqlite3.partial")
    # stamped an hour before the next start (not the same second, whose copy replaces it)
    left = killed.rename(
        folder / f"eservice-before-{HEAD_REVISION}-20261201T020000Z.sqlite3.partial"
    )
    journal = left.with_name(left.name + "-journal")  # what a kill a moment earlier leaves
    journal.write_bytes(b"\0" * 512)

    result = _upgrade(data)
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert names == [Path(str(result["backup"])).name], names


def test_a_backup_killed_while_written_leaves_no_journal_behind(tmp_path: Path) -> None:
    """A backup killed early leaves SQLite's ``.partial-journal`` beside its ``.partial``:
    the next backup removed the copy and kept the journal for ever."""
    data = tmp_path / "office"
    code, out, err = run_main(["--data-dir", str(data), "demo", "seed", "--cases", "2"], DEMO)
    assert code == 0, err
    folder = data / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    killed = folder / "eservice-H01-01-hourly-20261201T020000Z.sqlite3.partial"
    killed.write_bytes(b"")
    journal = killed.with_name(killed.name + "-journal")
    journal.write_bytes(b"\0" * 512)
    code, out, err = run_main(["--data-dir", str(data), "backup", "now", "--json"], DEMO)
    assert code == 0, err
    taken = Path(json.loads(out)["file"]).name
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [taken]


def _copies(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "backups").glob("eservice-before-*.sqlite3"))


def _copy_of_killed_upgrade(data: Path) -> str:
    """The one copy the killed upgrade left, stamped an hour before the next start (a copy
    written in the same second would take its name)."""
    (copy,) = (data / "backups").glob("eservice-before-*.sqlite3")
    stamp = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    name = f"eservice-before-{HEAD_REVISION}-{stamp}.sqlite3"
    copy.rename(copy.with_name(name))
    return name


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_an_upgrade_killed_after_its_copy_keeps_that_copy_and_writes_no_second(
    tmp_path: Path,
) -> None:
    """Killed once the copy was in place, the upgrade ran again at the next start and wrote a
    second full copy of the same database (minutes on a large one, its size again on the data
    disk, both kept until IT removes them)."""
    data = _office(tmp_path, backup_dir=None)
    _killed_upgrade(data, "migrating")
    first = _copy_of_killed_upgrade(data)
    result = _upgrade(data)
    assert result["before"] == "0017", result
    assert _copies(data) == [first], _copies(data)
    assert Path(str(result["backup"])).name == first, result
    check = check_backup(Settings(data_dir=data))  # doctor counts it, and it opens
    assert first in check.detail_en, check
    # its only warning: the default backups folder is on the database's own disk
    assert check.status == "warn" and check.data["same_disk"] is True, check


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_database_changed_after_the_killed_upgrade_is_copied_again(tmp_path: Path) -> None:
    """The copy of a killed upgrade is taken only while it holds what the database holds: one
    written to since (an older build run on it meanwhile) is copied anew."""
    from db_support import connect_db

    data = _office(tmp_path, backup_dir=None)
    _killed_upgrade(data, "migrating")
    first = _copy_of_killed_upgrade(data)
    with connect_db(data) as conn:  # what the older build recorded meanwhile
        conn.execute("UPDATE counters SET value = value + 1")
        conn.commit()
    result = _upgrade(data)
    second = Path(str(result["backup"])).name
    assert second != first and _copies(data) == sorted([first, second]), _copies(data)
    assert result["before"] == "0017"
