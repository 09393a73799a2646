"""A database on a full disk is said to be on a full disk. Opened there, SQLite fails with
"disk I/O error" (its -shm file cannot be written): the window and the command line said "the
database could not do this; run doctor", and doctor and ``db key import`` took it for another
key or a damaged file, sending IT to import a key or restore a backup onto the full disk.

The disk is a real one: a 4 MiB tmpfs filled to the last byte, in a mount namespace of the
test's own (``unshare -m``, as root)."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _on_a_full_disk(
    office: Path, *command: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """``eservice-desktop --data-dir DISK/office COMMAND`` with a copy of ``office`` on a
    tmpfs whose every free byte is then taken."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a mount namespace")
    disk = office.parent / "disk"
    disk.mkdir()
    cli = shlex.join([sys.executable, "-m", "eservice_desktop", "--data-dir", f"{disk}/office"])
    script = (
        f"mount -t tmpfs -o size=4m tmpfs {shlex.quote(str(disk))} && "
        f"cp -a {shlex.quote(str(office))} {shlex.quote(str(disk))}/office && "
        f"(dd if=/dev/zero of={shlex.quote(str(disk))}/fill bs=4k 2>/dev/null || true) && "
        f"exec {cli} {shlex.join(command)}"
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"no tmpfs mount here: {run.stderr.strip()}")
    return run


def test_doctor_says_the_disk_is_full_not_the_key(office: Path) -> None:
    run = _on_a_full_disk(office, "doctor", "--no-network", "--json")
    checks = {c["key"]: c for c in json.loads(run.stdout)["checks"]}
    database = checks["database"]
    assert database["status"] == "fail"
    assert "disk is full" in database["detail_en"] and "磁碟空間已滿" in database["detail_zh"]
    assert "wrong key" not in database["detail_en"]
    assert "Free disk space" in database["fix_en"] and "db key import" not in database["fix_en"]
    assert "restore" not in database["fix_en"].lower()


def test_a_command_says_the_disk_is_full(office: Path) -> None:
    run = _on_a_full_disk(office, "--lang", "en", "case", "show", "H01-01-115-000001-3")
    assert run.returncode == 2, run.stderr
    assert "The disk is full" in run.stderr and "Traceback" not in run.stderr
    assert "run `doctor`" not in run.stderr


def test_the_right_key_is_not_refused_as_another(office: Path) -> None:
    key = (office / "keys" / "db.key").read_text(encoding="utf-8").strip()
    run = _on_a_full_disk(office, "--lang", "en", "db", "key", "import", "-", stdin=key)
    assert run.returncode == 2, run.stderr
    assert "The disk is full" in run.stderr
    assert "does not open this database" not in run.stderr


def _on_a_disk_full_of_files(office: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """``eservice-desktop --data-dir DISK/office COMMAND`` with a copy of ``office`` on a tmpfs
    of 64 MiB whose every inode is then taken by empty files: bytes free, no file to make."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a mount namespace")
    disk = office.parent / "disk"
    disk.mkdir()
    cli = shlex.join([sys.executable, "-m", "eservice_desktop", "--data-dir", f"{disk}/office"])
    where = shlex.quote(str(disk))
    script = (
        f"mount -t tmpfs -o size=64m,nr_inodes=64 tmpfs {where} && "
        f"cp -a {shlex.quote(str(office))} {where}/office && "
        f"n=0; while touch {where}/f$n 2>/dev/null; do n=$((n+1)); done; "
        f"exec {cli} {shlex.join(command)}"
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"no tmpfs mount here: {run.stderr.strip()}")
    return run


def test_doctor_says_the_disk_is_full_of_files_not_read_only(office: Path) -> None:
    """No inode left, SQLite cannot make the -shm file ("unable to open database file"):
    doctor said the folder was read-only or not permitted, while ``df -h`` showed room."""
    run = _on_a_disk_full_of_files(office, "doctor", "--no-network", "--json")
    database = {c["key"]: c for c in json.loads(run.stdout)["checks"]}["database"]
    assert database["status"] == "fail"
    assert "full of files" in database["detail_en"] and "inode" in database["detail_zh"]
    assert "read-only" not in database["detail_en"] and "usermod" not in database["fix_en"]
    assert "df -i" in database["fix_en"] and "df -i" in database["fix_zh"]


def test_a_command_says_a_disk_full_of_files_is_full(office: Path) -> None:
    """Every command said 無法寫入資料庫檔案，請 IT 檢查資料夾權限 (env.db_readonly)."""
    run = _on_a_disk_full_of_files(office, "case", "search", "王", "--json")
    assert run.returncode == 2, run.stderr
    assert json.loads(run.stdout)["error"] == "env.disk_full", run.stderr
    assert "磁碟空間已滿" in run.stderr and "權限" not in run.stderr


def test_doctor_data_dir_line_names_a_disk_full_of_files(office: Path) -> None:
    """The data directory line said only how many MB were free (63 MB: a warning of space)."""
    run = _on_a_disk_full_of_files(office, "doctor", "--no-network", "--json")
    data_dir = {c["key"]: c for c in json.loads(run.stdout)["checks"]}["data_dir"]
    assert data_dir["status"] == "fail"
    assert "full of files" in data_dir["detail_en"] and "inode" in data_dir["detail_zh"]
    assert "df -i" in data_dir["fix_en"] and "df -i" in data_dir["fix_zh"]
