"""`backup now` onto a backup disk that fills up, and after a backup killed while writing:
one line (exit 2), and nothing unfinished left beside the backups."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def office(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "demo", "seed", "--cases", "3"]) == 0
    capsys.readouterr()
    return data


def _small_files() -> None:
    """The backup disk full after ~100 kB (no file of this process may grow past it)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_001, 100_001))


def small_files_env(**extra: str) -> dict[str, str]:
    """The environment of a child whose files may not grow past a limit: writing no bytecode.
    Python takes the short write of a ``.pyc`` for a whole one, so such a child left the
    bytecode of every large module it imported cut at the limit in the run's shared cache
    (``PYTHONPYCACHEPREFIX``, tests/conftest.py), and every later process of the run (a CLI,
    a county server, of any test) failed to start: ``EOFError: marshal data too short``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **extra}


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_a_child_with_small_files_leaves_no_bytecode_cut_short(tmp_path: Path) -> None:
    """The full-disk child imports as the command does, into a cache of its own here: nothing
    in it may be a ``.pyc`` cut at the limit."""
    cache = tmp_path / "pycache"
    run = subprocess.run(
        [sys.executable, "-c", "import eservice_desktop.cli.main, sqlalchemy.sql.compiler"],
        env=small_files_env(PYTHONPYCACHEPREFIX=str(cache)), cwd=ROOT, capture_output=True,
        text=True, preexec_fn=_small_files, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    cut = [p.name for p in cache.rglob("*.pyc") if p.stat().st_size >= 100_001]
    assert cut == [], cut


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_backup_onto_a_full_disk_says_so_in_one_line_and_leaves_nothing(
    office: Path, tmp_path: Path
) -> None:
    """It ended in a traceback (exit 1), an empty ``.partial`` file left for every try."""
    folder = tmp_path / "usb"
    env = small_files_env(ESERVICE_BACKUP_DIR=str(folder))
    for lang, said in (("zh_TW", "備份未完成"), ("en", "The backup was not taken")):
        run = subprocess.run(
            [sys.executable, "-m", "eservice_desktop", "--data-dir", str(office),
             "--lang", lang, "backup", "now", "--json"],
            env=env, cwd=ROOT, capture_output=True, text=True, preexec_fn=_small_files,
            timeout=120,
        )  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr and run.stderr.strip().count("\n") == 0
        assert said in run.stderr and str(folder) in run.stderr
        assert json.loads(run.stdout)["error"] == "backup.not_written"
        assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []


def test_a_backup_killed_while_writing_leaves_nothing_that_stays(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup killed (power cut, kill -9) leaves ``NAME.sqlite3.partial``: never listed or
    restored, but a copy of the whole database kept until someone deletes it by hand; the next
    backup removes it."""
    folder = office / "backups"
    folder.mkdir(mode=0o700)
    killed = folder / "eservice-H01-01-hourly-20261201T020000Z.sqlite3.partial"
    killed.write_bytes(b"SQLite half" * 1000)
    assert main(["--data-dir", str(office), "backup", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backups"] == []

    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 0
    taken = Path(json.loads(capsys.readouterr().out)["file"])
    assert not killed.exists()
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [taken.name]


def test_restore_with_a_full_backup_disk_keeps_the_database_in_use(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy of the database in use (``before-restore``) could not be written: the restore
    took that for "the current database is unreadable", went on and replaced a database that
    opened, with no copy of it left (``previous_kept_as`` null, unsynced work gone)."""
    from eservice_desktop.storage import cipher

    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 0
    good = Path(json.loads(capsys.readouterr().out)["file"])
    real = cipher.backup_to

    def disk_fills(src: Path, target: Path, key: bytes) -> None:
        if "before-restore" in target.name:
            raise cipher.DatabaseError("database or disk is full")
        real(src, target, key)

    monkeypatch.setattr(cipher, "backup_to", disk_fills)
    before = (office / "eservice.sqlite3").read_bytes()
    listed = sorted(p.name for p in good.parent.iterdir())
    code = main(["--data-dir", str(office), "backup", "restore", "--no-recover", str(good)])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().count("\n") == 0 and "Traceback" not in err
    assert "磁碟空間已滿" in err and "未還原" in err
    assert (office / "eservice.sqlite3").read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == listed

    monkeypatch.setattr(cipher, "backup_to", real)  # space freed: the restore goes through
    code = main(["--data-dir", str(office), "backup", "restore", "--no-recover", str(good)])
    assert code == 0


def test_restore_onto_a_full_data_disk_leaves_no_half_copy(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The data disk filled up while the backup was copied beside the database: the half copy
    (``eservice.sqlite3.restoring``) stayed, the disk stayed full and the database that was
    kept no longer opened (env.db_error); the refusal named the backup as what could not be
    written."""
    import errno
    import shutil

    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 0
    good = Path(json.loads(capsys.readouterr().out)["file"])
    real = shutil.copy

    def disk_fills(src: Path, dst: Path) -> object:
        if str(dst).endswith(".restoring"):
            Path(dst).write_bytes(Path(src).read_bytes()[:8192])
            raise OSError(errno.ENOSPC, "No space left on device", str(src))
        return real(src, dst)

    monkeypatch.setattr(shutil, "copy", disk_fills)
    before = (office / "eservice.sqlite3").read_bytes()
    restore = ["backup", "restore", "--no-recover", str(good), "--json"]
    code = main(["--data-dir", str(office), *restore])
    out, err = capsys.readouterr()
    assert code == 2 and err.strip().count("\n") == 0 and "Traceback" not in err
    assert json.loads(out)["error"] == "backup.not_copied"
    assert "磁碟空間已滿" in err and "未還原" in err and str(office) in err
    assert str(good) not in err
    assert (office / "eservice.sqlite3").read_bytes() == before
    assert not (office / "eservice.sqlite3.restoring").exists()


def _stopped_main(argv: list[str]) -> int:
    """``main`` where Ctrl+C is simulated: an interrupt it lets out fails the test (rather than
    stopping the whole run)."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        pytest.fail("Ctrl+C ended in a traceback (KeyboardInterrupt left main)")


def test_ctrl_c_during_a_backup_is_one_line_and_leaves_no_partial_file(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C while `backup now` copied the database ended in Python's traceback
    (KeyboardInterrupt from cipher.backup_to)."""
    from eservice_desktop.storage import cipher

    def interrupted(src: Path, target: Path, key: bytes) -> None:
        target.with_name(target.name + ".partial").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(cipher, "backup_to", interrupted)
    for lang, said in (("zh_TW", "已中斷"), ("en", "Interrupted (Ctrl+C)")):
        code = _stopped_main(["--data-dir", str(office), "--lang", lang, "backup", "now", "--json"])
        out, err = capsys.readouterr()
        assert code == 130 and err.count("\n") == 1 and said in err, err
        assert "Traceback" not in err and json.loads(out)["error"] == "interrupted"


def test_ctrl_c_while_the_backup_is_copied_in_leaves_no_half_copy(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C while the restore copied the backup beside the database: a traceback, and the
    half copy ``eservice.sqlite3.restoring`` (made readable by all) stayed for ever."""
    import shutil

    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 0
    good = Path(json.loads(capsys.readouterr().out)["file"])
    real = shutil.copy

    def stopped(src: Path, dst: Path) -> object:
        if str(dst).endswith(".restoring"):
            assert os.stat(dst).st_mode & 0o077 == 0  # the owner's from the first byte
            Path(dst).write_bytes(Path(src).read_bytes()[:8192])
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(shutil, "copy", stopped)
    before = (office / "eservice.sqlite3").read_bytes()
    restore = ["backup", "restore", "--no-recover", str(good)]
    code = _stopped_main(["--data-dir", str(office), *restore])
    err = capsys.readouterr().err
    assert code == 130 and err.count("\n") == 1 and "Traceback" not in err, err
    assert (office / "eservice.sqlite3").read_bytes() == before
    assert not (office / "eservice.sqlite3.restoring").exists()


def test_ctrl_c_after_the_switch_says_the_backup_is_in_place(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stopped while events came back from the county: the files are switched already, so the
    line says so and what to run, rather than "did not finish"."""
    from eservice_desktop.services import backup

    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 0
    good = Path(json.loads(capsys.readouterr().out)["file"])

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(backup, "finish_restore", stopped)
    code = _stopped_main(
        ["--data-dir", str(office), "--lang", "en", "backup", "restore", str(good)]
    )
    err = capsys.readouterr().err
    assert code == 130 and err.count("\n") == 1, err
    assert "restored from" in err and "sync recover" in err


def test_restore_on_windows_while_the_database_is_open_is_refused_as_in_use(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Windows the check for a running window or sync service (POSIX locks) always says
    "none", and a file another program holds open is neither removed nor replaced
    (PermissionError, WinError 32): the restore ended in an unexplained error and left the
    database-sized ``eservice.sqlite3.restoring`` beside the database."""
    import types

    from eservice_desktop.services import backup_files

    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 0
    good = Path(json.loads(capsys.readouterr().out)["file"])
    real_replace = os.replace

    def held(src: object, dst: object) -> None:
        if str(src).endswith(".restoring"):
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held)
    monkeypatch.setattr(backup_files, "sys", types.SimpleNamespace(platform="win32"), raising=False)
    before = (office / "eservice.sqlite3").read_bytes()
    code = main(
        ["--data-dir", str(office), "backup", "restore", "--no-recover", str(good), "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err and "未還原" in err, err
    assert json.loads(out)["error"] == "backup.in_use"
    assert (office / "eservice.sqlite3").read_bytes() == before
    assert not (office / "eservice.sqlite3.restoring").exists()


def test_an_old_backup_open_in_another_program_is_pruned_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to remove a file another program has open (IT copying the backups to a
    USB disk): the prune after ``backup now`` raised, so the backup just written was reported
    as failed (exit 2) and every hourly one logged "scheduled backup failed"."""
    from datetime import UTC, datetime, timedelta

    from eservice_desktop.config import Settings
    from eservice_desktop.services import backup_files

    settings = Settings(data_dir=tmp_path)
    folder = backup_files.backup_dir(settings)
    folder.mkdir()
    now = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    prefix = f"eservice-{settings.office_code}-{settings.device_id}-hourly-"
    names = [
        folder / f"{prefix}{(now - timedelta(days=d)).strftime('%Y%m%dT%H%M%SZ')}.sqlite3"
        for d in (0, 400, 401)
    ]
    for p in names:
        p.write_bytes(b"x")
    held, real_unlink = names[1], Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == held:
            raise PermissionError(13, "The process cannot access the file", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    assert backup_files.prune(settings, now) == [names[2]]
    assert held.exists() and names[0].exists() and not names[2].exists()
    monkeypatch.setattr(Path, "unlink", real_unlink)  # closed there: the next prune takes it
    assert backup_files.prune(settings, now) == [held]


def test_a_backup_place_whose_disk_is_gone_is_not_made_on_the_system_disk(
    office: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """backup_dir /media/usb/eservice with the USB disk unplugged, its mount point gone with it:
    the whole path was made on the system disk and the backup taken there as if nothing was
    wrong (the daily closing did not warn either). It is refused as a backup not written."""
    from datetime import datetime

    from eservice_desktop.domain.office_zone import TAIPEI

    usb = tmp_path / "media-usb"
    monkeypatch.setenv("ESERVICE_BACKUP_DIR", str(usb / "eservice"))
    assert main(["--data-dir", str(office), "backup", "now", "--json"]) == 2
    out = capsys.readouterr()
    assert json.loads(out.out)["error"] == "backup.not_written"
    assert "USB" in out.err and str(usb) in out.err and out.err.count("\n") == 1
    assert not usb.exists()
    today = datetime.now(TAIPEI).date().isoformat()
    closing = ["report", "closing", "--date", today, "--out", str(tmp_path / "c.csv"), "--json"]
    assert main(["--data-dir", str(office), *closing]) == 0
    assert "backup.failed" in json.loads(capsys.readouterr().out)["warnings"]
    assert not usb.exists()
    usb.mkdir()  # the disk is back
    assert main(["--data-dir", str(office), "backup", "now"]) == 0
    assert [p.name for p in (usb / "eservice").glob("eservice-*.sqlite3")]


@pytest.mark.skipif(sys.platform == "win32", reason="a tmpfs in a mount namespace")
def test_backup_onto_a_disk_full_of_files_says_the_disk_is_full(
    office: Path, tmp_path: Path
) -> None:
    """A backup disk with every inode taken but one (the lock's): the copy could not be made
    and the line read 備份未完成（讀寫錯誤）, sending IT to look for a failing disk. The disk
    is a real one: a tmpfs of 64 inodes in a mount namespace of the test's own (as root)."""
    import shlex
    import shutil

    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a mount namespace")
    folder = tmp_path / "usb"
    folder.mkdir()
    where = shlex.quote(str(folder))
    cli = shlex.join(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(office), "backup", "now"]
    )
    script = (
        f"mount -t tmpfs -o size=64m,nr_inodes=64 tmpfs {where} && "
        f"n=0; while touch {where}/f$n 2>/dev/null; do n=$((n+1)); done; "
        f"rm {where}/f0 && exec {cli} --json"
    )
    env = small_files_env(ESERVICE_BACKUP_DIR=str(folder))
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"no tmpfs mount here: {run.stderr.strip()}")
    assert run.returncode == 2, run.stderr
    assert json.loads(run.stdout)["error"] == "backup.not_written"
    assert "磁碟空間已滿" in run.stderr and "讀寫錯誤" not in run.stderr
