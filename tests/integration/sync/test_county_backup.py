"""``eservice-county-server backup``: the county's database copied while the server runs and
offices push (SQLite's online backup, PostgreSQL's pg_dump), checked before it is kept, and
restored as the guide says: the offices then find what the restored county lost by themselves
(tests/integration/sync/test_county_restored.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.county.cli import main as county_main
from eservice_desktop.county.cli_backup import put_in_place
from eservice_desktop.county.cli_common import Refused
from eservice_desktop.county.store import CountyEventRow
from eservice_desktop.services.core import App


def _backup(
    county: CountyServer, out: Path, capsys: pytest.CaptureFixture[str], *more: str
) -> tuple[int, str, str]:
    code = county_main(["backup", "--db", county.db_url, "--out", str(out), *more])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _events(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return int(c.scalar(select(func.count()).select_from(CountyEventRow)) or 0)
    finally:
        engine.dispose()


def _restored_url(county: CountyServer, copy: Path, tmp_path: Path) -> str:
    """The copy restored as the guide says, into a database of its own."""
    if county.db_url.startswith("sqlite"):
        return f"sqlite:///{copy}"
    name = f"restored_{uuid.uuid4().hex[:12]}"
    base = county.db_url.rsplit("/", 1)[0]
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    libpq = (base + "/" + name).replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(copy)], check=True)
    return base + "/" + name


def test_a_backup_taken_while_offices_push_is_whole_and_restores(
    county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    one = office("H01", "01", county.url)
    enrol(one, county)
    for _ in range(20):
        new_case(one)
    sync_now(one)
    pushing = threading.Thread(target=lambda: [new_case(one) for _ in range(10)] and sync_now(one))
    pushing.start()  # an office pushes while the copy is taken
    out = tmp_path / "county.backup"
    code, said_out, err = _backup(county, out, capsys, "--json")
    pushing.join()
    assert code == 0, err
    done = json.loads(said_out)
    assert done["out"] == str(out) and done["bytes"] == out.stat().st_size > 0
    assert done["revision"] and done["database"] in ("sqlite", "postgresql")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # every office's events are in it
    assert not list(tmp_path.glob("*.partial"))
    held = _events(_restored_url(county, out, tmp_path))
    assert 20 <= held <= _events(county.db_url)  # a consistent state: at least what was there


def test_an_existing_file_is_never_overwritten(
    county: CountyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "county.backup"
    out.write_bytes(b"last night's copy")
    code, _out, err = _backup(county, out, capsys)
    assert code == 2 and "已存在" in err and "備份不覆寫" in err
    assert out.read_bytes() == b"last night's copy"
    code, _out, err = _backup(county, tmp_path / "no-such-folder" / "x", capsys, "--lang", "en")
    assert code == 2 and "No such folder" in err


def test_a_damaged_database_is_not_kept_as_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database damaged on disk is copied page by page as it is: the copy's check refuses
    it, and no file stands where the last good copy is looked for."""
    db = tmp_path / "county.sqlite3"
    with closing(sqlite3.connect(db)) as c:
        c.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
        c.execute("CREATE INDEX ib ON t (b)")
        c.executemany(
            "INSERT INTO t (b) VALUES (?)", [(os.urandom(50).hex(),) for _ in range(20000)]
        )
        c.commit()
    data, page = bytearray(db.read_bytes()), 4096
    for at in range(3 * page, len(data) - page, 7 * page):  # scribble over pages here and there
        data[at + 100 : at + 400] = os.urandom(300)
    db.write_bytes(bytes(data))
    out = tmp_path / "backups" / "county.backup"
    out.parent.mkdir()
    code = county_main(["backup", "--db", f"sqlite:///{db}", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "備份未完成" in err and "integrity_check" in err
    assert len(err.splitlines()) == 1  # one line, not SQLite's whole list of faults
    assert list(out.parent.iterdir()) == []


def test_a_missing_sqlite_database_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'nowhere.sqlite3'}"
    code = county_main(["backup", "--db", db, "--out", str(tmp_path / "x")])
    assert code == 2 and "找不到縣府資料庫" in capsys.readouterr().err
    assert not (tmp_path / "nowhere.sqlite3").exists() and not (tmp_path / "x").exists()


def _small_db(db: Path) -> str:
    with closing(sqlite3.connect(db)) as c:
        c.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
        c.execute("INSERT INTO t (b) VALUES ('every office''s events')")
        c.commit()
    return URL.create("sqlite", database=str(db)).render_as_string()


def test_a_copy_left_by_a_killed_backup_does_not_give_its_mode_to_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup killed mid-copy leaves ``FILE.partial`` behind (made readable by every account
    by an earlier tool, or a link to elsewhere): the next backup of that name is still its
    owner's only, written to its own file, and the link's target is left alone."""
    url = _small_db(tmp_path / "county.sqlite3")
    out = tmp_path / "county.backup"
    left = tmp_path / "county.backup.partial"
    left.write_bytes(b"half a copy")
    left.chmod(0o644)
    (tmp_path / "county.backup.partial-journal").write_bytes(b"a killed copy's journal")
    code = county_main(["backup", "--db", url, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not left.exists() and not (tmp_path / "county.backup.partial-journal").exists()
    with closing(sqlite3.connect(out)) as c:
        assert c.execute("SELECT b FROM t").fetchone() == ("every office's events",)
    target = tmp_path / "elsewhere"
    target.write_bytes(b"not a backup")
    target.chmod(0o644)
    (tmp_path / "second.partial").symlink_to(target)
    code = county_main(["backup", "--db", url, "--out", str(tmp_path / "second")])
    assert code == 0, capsys.readouterr().err
    assert target.read_bytes() == b"not a backup"
    assert stat.S_IMODE((tmp_path / "second").stat().st_mode) == 0o600
    assert not (tmp_path / "second").is_symlink()


@pytest.mark.parametrize("folder", ["county#2", "old%20copy"])
def test_a_database_in_a_folder_named_with_uri_characters_is_the_one_copied(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server opens ``sqlite:////srv/county#2/county.sqlite3`` as that file; the backup
    copies that file too, not an empty database made under the name before the ``#``."""
    (tmp_path / folder).mkdir()
    url = _small_db(tmp_path / folder / "county.sqlite3")
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "county.backup"
    code = county_main(["backup", "--db", url, "--out", str(out), "--json"])
    said_out, err = capsys.readouterr()
    assert code == 0, err
    with closing(sqlite3.connect(out)) as c:
        assert c.execute("SELECT b FROM t").fetchone() == ("every office's events",)
    assert json.loads(said_out)["bytes"] == out.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "county.backup"])


def test_a_file_made_under_the_name_during_the_copy_is_not_replaced(tmp_path: Path) -> None:
    """The name was checked before the copy and the copy renamed onto it after: a file made
    under that name meanwhile (a second backup to the same name, a long dump) was replaced."""
    partial, out = tmp_path / "county.sqlite3.partial", tmp_path / "county.sqlite3"
    partial.write_bytes(b"the checked copy")
    out.write_bytes(b"made while the copy ran")
    with pytest.raises(Refused) as taken:
        put_in_place(partial, out)
    assert "exists" in taken.value.message_en
    assert out.read_bytes() == b"made while the copy ran"
    out.unlink()
    put_in_place(partial, out)
    assert out.read_bytes() == b"the checked copy"


_MAIN = "import sys; from eservice_desktop.county.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.skipif(os.name != "posix", reason="Windows refuses to remove an open file anyway")
def test_a_second_backup_to_the_name_while_the_first_copies_leaves_it_alone(
    tmp_path: Path,
) -> None:
    """Two backups to one name (a scheduled one and IT's own, a long dump) shared its
    ``.partial``: the second removed the first's copy in progress as a killed backup's
    leftover and wrote its own there, and the first then put that unchecked half-copy in
    place under the name and said it done, or failed on its own name. The second is refused
    at once while the first copies; the first's checked copy is the one kept."""
    source = tmp_path / "county.sqlite3"
    url = _small_db(source)
    out = tmp_path / "county.backup"
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the first backup waits on it, its .partial made
    codes: dict[str, int] = {}
    first = threading.Thread(
        target=lambda: codes.setdefault(
            "first", county_main(["backup", "--db", url, "--out", str(out)])
        )
    )
    first.start()
    partial = tmp_path / "county.backup.partial"
    for _ in range(200):
        if partial.exists():
            break
        threading.Event().wait(0.05)
    second = subprocess.Popen(  # another process, as a scheduled backup is
        [sys.executable, "-c", _MAIN, "backup", "--db", url, "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    with suppress(subprocess.TimeoutExpired):  # refused, or its .partial made and waiting
        second.wait(timeout=30)  # (a fixed 3 s pause was shorter than its start on a busy PC)
    holder.execute("ROLLBACK")
    holder.close()
    first.join(timeout=30)
    _, said = second.communicate(timeout=30)
    assert (second.returncode, codes) == (2, {"first": 0}), said
    assert "正由另一個備份寫入" in said
    with closing(sqlite3.connect(out)) as c:
        assert c.execute("SELECT b FROM t").fetchone() == ("every office's events",)
    assert not partial.exists()
