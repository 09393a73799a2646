"""The .deb's shared data directory (setgid 2770, owned by the sync service's account
``eservice``, the clerks in its group) used by two real accounts: the service's and a clerk's.

The first program to write a log made the log folder and file its own only (0700, 0600): after
the .deb's ``db upgrade`` as ``eservice`` every clerk's command and window stopped with
無法存取 …/logs/eservice.log（沒有權限）, and the other way round the service could not start.

Each account runs in a child process of this one that has taken that account's ids (the
interpreter lives under /root, which no other account may read, so the child is forked after
the modules the commands need are loaded)."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main

SERVICE, CLERK = 5000, 5001  # uid 5000 and its group: ``eservice``; 5001: a clerk in that group


@pytest.fixture
def shared() -> Iterator[Path]:
    if os.geteuid() != 0 or not hasattr(os, "fork"):
        pytest.fail("needs root to act as two accounts (the test machine runs the suite as root)")
    top = Path(tempfile.mkdtemp(prefix="eservice-shared-", dir="/tmp"))
    top.chmod(0o755)
    data = top / "office"
    data.mkdir()
    os.chown(data, SERVICE, SERVICE)
    data.chmod(0o2770)  # as the .deb's postinst makes /var/lib/eservice-desktop
    for name, mode in (("keys", 0o2750), ("backups", 0o2770)):
        (data / name).mkdir()
        os.chown(data / name, SERVICE, SERVICE)
        (data / name).chmod(mode)
    try:
        yield data
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _as(uid: int, *argv: str) -> int:
    """``eservice-desktop ARGV`` as account ``uid`` (group ``eservice`` among its groups) with
    the .deb wrapper's umask 007; its exit status."""
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        code = 70
        try:
            os.setgroups([SERVICE])
            os.setgid(uid)
            os.setuid(uid)
            os.umask(0o007)
            code = main(list(argv))
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_the_service_s_account_and_a_clerk_share_the_logs(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warm = tmp_path / "warm"  # every module the commands use, loaded while /root is readable
    assert main(["--data-dir", str(warm), "db", "upgrade"]) == 0
    assert main(["--data-dir", str(warm), "db", "current"]) == 0
    capsys.readouterr()

    assert _as(SERVICE, "--data-dir", str(shared), "db", "upgrade") == 0  # the postinst's
    for suffix in ("", "-wal", "-shm"):  # the postinst's chmod g+rw of the database
        f = shared / f"eservice.sqlite3{suffix}"
        if f.exists():
            f.chmod(0o660)
    assert _as(CLERK, "--data-dir", str(shared), "--lang", "en", "db", "current") == 0, (
        capsys.readouterr().err
    )
    assert "logs/eservice.log" not in capsys.readouterr().err
    logs = shared / "logs"
    assert stat.S_IMODE(logs.stat().st_mode) == 0o2770
    assert stat.S_IMODE((logs / "eservice.log").stat().st_mode) == 0o660
    text = (logs / "eservice.log").read_text(encoding="utf-8")
    assert text.count("database") >= 1  # both accounts' lines in the one file
