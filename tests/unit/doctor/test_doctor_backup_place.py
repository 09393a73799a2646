"""doctor's backup line says why the backup location takes no backup. It said only 沒有可用的備份
/ the newest backup is N hours old, with "run backup now and check the location": IT ran
``backup now`` to learn that the USB disk was unplugged, read-only or full, and a backup disk
that had filled after the last backup was "ok" until that backup was a day old.

The read-only and the full location are real file systems: a tmpfs mounted in a mount
namespace of the test's own (``unshare -m``, as root); the unplugged disk needs none."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.cli.main import main


def _backup_line(
    office: Path, usb: Path, mount: str, *, then: str = "", before: str = ""
) -> dict[str, Any]:
    """doctor's backup check with ``backup_dir`` on a tmpfs mounted at ``usb`` with options
    ``mount``: ``before`` runs before it is mounted, ``then`` after it."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a mount namespace")
    usb.mkdir()
    cli = [sys.executable, "-m", "eservice_desktop", "--data-dir", str(office), "--lang", "en"]
    script = " && ".join(
        step
        for step in (
            before,
            f"mount -t tmpfs -o {mount} tmpfs {shlex.quote(str(usb))}",
            then,
            f"exec {shlex.join([*cli, 'doctor', '--no-network', '--json'])}",
        )
        if step
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ESERVICE_BACKUP_DIR": str(usb)},
    )
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"no tmpfs mount here: {run.stderr.strip()}")
    checks = {c["key"]: c for c in json.loads(run.stdout)["checks"]}
    return checks["backup"]


def test_a_read_only_backup_disk_is_named(office: Path, tmp_path: Path) -> None:
    line = _backup_line(office, tmp_path / "usb", "size=8m,ro")
    assert line["status"] == "fail"
    assert "No usable backup" in line["detail_en"] and "is read-only" in line["detail_en"]
    assert "唯讀" in line["detail_zh"]


def test_a_full_backup_disk_warns_while_the_newest_backup_is_fresh(
    office: Path, tmp_path: Path
) -> None:
    """A backup taken, then the disk filled: the next hourly backup will fail, and doctor said
    ok for a day."""
    usb = tmp_path / "usb"
    backup = shlex.join(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(office), "backup", "now"]
    )
    fill = f"(dd if=/dev/zero of={shlex.quote(str(usb))}/fill bs=4k 2>/dev/null || true)"
    line = _backup_line(office, usb, "size=8m", then=f"{backup} >/dev/null && {fill}")
    assert line["status"] == "warn", line
    assert "h old" in line["detail_en"] and "less than a backup" in line["detail_en"]
    assert "放不下一份備份" in line["detail_zh"]


def test_an_unplugged_backup_disk_is_named(
    office: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ESERVICE_BACKUP_DIR", str(tmp_path / "media" / "usb" / "backups"))
    capsys.readouterr()
    main(["--data-dir", str(office), "doctor", "--no-network", "--json"])
    line = {c["key"]: c for c in json.loads(capsys.readouterr().out)["checks"]}["backup"]
    assert line["status"] == "fail"
    assert "is not there" in line["detail_en"] and "USB" in line["detail_en"]
    assert "未接上" in line["detail_zh"]
