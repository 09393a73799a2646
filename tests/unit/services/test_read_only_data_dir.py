"""A data directory on a read-only disk (a write-protected USB disk, a share mounted read-only,
a Linux disk made read-only after disk errors): every command and the window stopped at start
with 無法存取 …/logs/eservice.log（唯讀的磁碟）, naming a log file, not the data directory,
and no way on. The disk is a real read-only bind mount in a mount namespace."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main


@pytest.fixture
def office(tmp_path: Path) -> Path:
    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "db", "upgrade"]) == 0
    return data


def _read_only(office: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a read-only bind mount")
    run_in = [
        f'"{sys.executable}" -m eservice_desktop --data-dir "{office}" --lang {lang} '
        f"{' '.join(args)}; echo $?"
        for lang in ("zh_TW", "en")
    ]
    script = (
        f'mount --bind "{office}" "{office}" && mount -o remount,bind,ro "{office}" && '
        + "; ".join(run_in)
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )
    if not run.stdout.strip():  # the mount failed: no command ran
        pytest.skip(f"no read-only bind mount here: {run.stderr.strip()}")
    return run


def test_a_command_on_a_read_only_data_dir_names_the_directory_and_the_way_on(
    office: Path,
) -> None:
    run = _read_only(office, "sync", "status")
    assert run.stdout.split() == ["2", "2"], run.stdout + run.stderr
    zh, en = run.stderr.strip().splitlines()
    assert zh.startswith(f"資料目錄 {office} 位於唯讀的磁碟") and "ESERVICE_DATA_DIR" in zh, zh
    assert en.startswith(f"The data directory {office} is on a read-only file system"), en
    assert "mount it read-write" in en and "--data-dir" in en
    assert "logs" not in zh + en
