"""doctor warns when the backups are kept on the database's own disk (the default
``DATA_DIR/backups``): a disk that dies takes the database and every backup with it, and the
backup line said 正常 / ok. The other disk is a real one: ``/dev/shm``, a tmpfs of its own."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.services import backup, doctor
from eservice_desktop.services.core import App
from eservice_desktop.services.doctor import backups as backup_line


def test_backups_on_the_database_disk_warn(app: App, clock: Any) -> None:
    taken = backup.take(app, "manual")
    assert os.stat(taken.path).st_dev == os.stat(app.settings.db_path).st_dev
    line = doctor.check_backup(app.settings, now=lambda: clock.now + timedelta(hours=1))
    assert line.status == "warn", line
    assert line.data["same_disk"] is True and line.data["newest"] == str(taken.path)
    assert "1.0 h old" in line.detail_en  # the backup itself is fresh
    assert "is on the database's own disk" in line.detail_en
    assert "與資料庫在同一顆磁碟" in line.detail_zh
    assert "backup_dir" in line.fix_en and "another disk" in line.fix_en
    assert "backup_dir" in line.fix_zh and "另一顆磁碟" in line.fix_zh
    assert "backup now" not in line.fix_en  # nothing to run: a setting to change
    # a backup too old fails as before, the disk said beside it
    old = doctor.check_backup(app.settings, now=lambda: clock.now + timedelta(hours=30))
    assert old.status == "fail" and "database's own disk" in old.detail_en, old
    assert "backup now" in old.fix_en and "; set backup_dir" in old.fix_en


def test_backups_on_another_disk_are_ok(app: App, clock: Any) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(app.settings.data_dir).st_dev:
        pytest.skip("no second file system here")
    usb = shm / f"eservice-backups-{os.getpid()}-{id(app)}"
    try:
        app.settings.backup_dir = str(usb)
        taken = backup.take(app, "manual")
        assert taken.path.parent == usb
        line = doctor.check_backup(app.settings, now=lambda: clock.now + timedelta(hours=1))
        assert line.status == "ok", line
        assert line.data["same_disk"] is False
        assert backup_line.same_disk(app.settings, usb) is None
        # a folder not made yet on that disk: its parent's disk counts
        assert backup_line.same_disk(app.settings, usb / "later") is None
    finally:
        for f in usb.glob("*"):
            f.unlink()
        usb.rmdir()


def test_an_unplugged_disk_or_a_demo_is_not_said_to_share_the_disk(
    app: App, tmp_path: Path
) -> None:
    """Where the backup disk is not mounted, the folders above its mount point are the system
    disk's: that is said as an unplugged disk, not as the database's disk."""
    gone = tmp_path / "media" / "usb" / "backups"
    assert backup_line.same_disk(app.settings, gone) is None
    here = tmp_path / "backups-here"
    assert backup_line.same_disk(app.settings, here) is not None  # its parent is the disk
    app.settings.demo = True
    assert backup_line.same_disk(app.settings, here) is None


def test_a_backup_folder_on_another_device_id_is_not_the_database_disk(
    app: App, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no second file system is at hand: the backup folder's device id made another."""
    taken = backup.take(app, "manual")
    database = os.stat(app.settings.db_path.parent).st_dev
    real = backup_line._device
    monkeypatch.setattr(
        backup_line,
        "_device",
        lambda path: database + 1 if path == taken.path.parent else real(path),
    )
    line = doctor.check_backup(app.settings, now=lambda: clock.now + timedelta(hours=1))
    assert line.status == "ok" and line.data["same_disk"] is False, line
