"""The office admin's guided restore through the window, from the keyboard, against a real county
server on loopback: back up, lose the database, restore, recover; and the work that never
reached the county named before and after the restore."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.backup_dialog import BackupDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.sync_status import SyncStatusWidget
from eservice_desktop.services import backup, cases

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "sync"))
from gui_keys import open_window
from sync_helpers import CountyServer, enrol, free_port, local_event_ids, new_case, pending

ALT = Qt.KeyboardModifier.AltModifier


def _alt(dialog: BackupDialog, key: Qt.Key) -> None:
    """A mnemonic typed where the keyboard is (the dialog is the active window)."""
    QTest.keyClick(QApplication.focusWidget() or dialog, key, ALT)


def _numbers(ctx: GuiContext) -> set[str]:
    return {r.case_number for r in cases.queue(ctx.app, "all")}


@pytest.fixture(autouse=True)
def _no_hourly_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's sync loop also takes the hourly backup when one is due (its own tests in
    test_backup_restore.py); here the backups are the ones the test takes, so the list and the
    row restored are known (on the test's fixed clock an hourly one would share their time)."""
    monkeypatch.setattr(backup, "due", lambda _app: False)


def _setup(ctx: GuiContext, tmp_path: Path) -> CountyServer:
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    s = ctx.app.settings
    s.county_url = server.url
    s.backup_dir = str(tmp_path / "usb")
    s.sync_interval_s = 120.0  # rounds only when poked: the test says when work leaves
    # The office runs on the test's fixed clock, the county on the wall clock: the clock
    # correction of the first round would make the enrolment look months old and intake ask
    # for a supervisor (the stale-sync rule has its own tests).
    s.sync_stale_warn_h = 0
    s.sync_stale_approval_h = 0
    enrol(ctx.app, server)
    return server


def _loop(window: object) -> SyncStatusWidget:
    found = [w for w in window.status_widgets if isinstance(w, SyncStatusWidget)]  # type: ignore[attr-defined]
    assert found
    return found[0]


def _synced(qtbot: QtBot, ctx: GuiContext, number: str) -> None:
    ctx.case_changed.emit(number)  # pokes the window's sync loop
    qtbot.waitUntil(lambda: pending(ctx.app) == 0, timeout=20000)


def test_backup_wipe_restore_recover_through_the_window(
    qtbot: QtBot, ctx: GuiContext, tmp_path: Path
) -> None:
    server = _setup(ctx, tmp_path)
    try:
        app = ctx.app
        first = new_case(app)
        window = open_window(qtbot, ctx)
        loop = _loop(window)
        qtbot.waitUntil(lambda: loop.loop is not None, timeout=10000)
        _synced(qtbot, ctx, first)
        dialog = window.open_backups()
        assert isinstance(dialog, BackupDialog)
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        _alt(dialog, Qt.Key.Key_B)  # back up now
        qtbot.waitUntil(lambda: "已備份" in dialog.status.text(), timeout=15000)
        taken = backup.list_backups(app.settings)[0]
        assert taken.label == "manual"
        qtbot.waitUntil(lambda: dialog.backups[:1] == [taken], timeout=5000)
        assert taken.path.parent == tmp_path / "usb"
        assert backup.verify(app, taken.path)["cases"] == 1

        # after the backup: two more cases, both reach the county
        later = {new_case(app), new_case(app)}
        _synced(qtbot, ctx, next(iter(later)))
        everything = _numbers(ctx)
        own_events = set(local_event_ids(app))
        assert later <= everything

        # the disk fails (the sync loop stopped by it): the database file is overwritten
        loop.stop()
        app.engine.dispose()
        db = app.settings.db_path
        size = db.stat().st_size
        db.write_bytes(os.urandom(size))
        for suffix in ("-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)

        dialog.table.setFocus()
        dialog.table.selectRow(0)
        _alt(dialog, Qt.Key.Key_R)  # restore the selected backup: checked first
        qtbot.waitUntil(dialog.confirm_box.isVisible, timeout=15000)
        assert dialog.plan is not None and dialog.plan["verified"]["ok"]
        assert dialog.plan["current_readable"] is False
        assert "無法讀取" in dialog.summary.text() and "驗證通過" in dialog.summary.text()
        assert QApplication.focusWidget() is dialog.cancel_button  # never the default
        _alt(dialog, Qt.Key.Key_C)  # confirm
        qtbot.waitUntil(lambda: dialog.outcome_data is not None, timeout=30000)
        result = dialog.outcome_data
        assert result is not None and result["ok"], result
        recovery = result["recovery"]
        assert recovery["restored"] >= 4  # the two later cases' events came back from the county
        assert recovery["lost_known"] is False and recovery["last_own_event_at"]
        assert "自縣府取回本機事件" in dialog.status.text()
        assert dialog.progress.value() == backup.RESTORE_STEPS
        # the window works on the restored database, with everything the county had
        assert _numbers(ctx) == everything
        assert set(local_event_ids(app)) >= own_events
        assert pending(app) == 0
        assert new_case(app) not in everything  # numbering goes on past what was issued
        dialog.reject()
        assert not dialog.isVisible()
        dialog.close()
        window.close()
    finally:
        server.stop()


def test_unsynced_work_is_named_before_and_after_the_restore(
    qtbot: QtBot, ctx: GuiContext, tmp_path: Path
) -> None:
    server = _setup(ctx, tmp_path)
    try:
        app = ctx.app
        window = open_window(qtbot, ctx)
        loop = _loop(window)
        qtbot.waitUntil(lambda: loop.loop is not None, timeout=10000)
        # rounds only when poked: the loop's once-a-second look for waiting work is off, so the
        # case recorded below stays unsent until the restore
        loop.loop.has_work = None  # type: ignore[union-attr]
        synced = new_case(app)
        _synced(qtbot, ctx, synced)
        backup.take(app, "manual")
        came_later = new_case(app)
        _synced(qtbot, ctx, came_later)
        unsynced = new_case(app)  # not sent yet: nothing pokes the loop
        assert pending(app) > 0

        dialog = window.open_backups()
        qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.table.rowCount() == 1)
        _alt(dialog, Qt.Key.Key_R)
        qtbot.waitUntil(dialog.confirm_box.isVisible, timeout=15000)
        plan = dialog.plan
        assert plan is not None and plan["current_readable"]
        assert {x["case_number"] for x in plan["will_be_lost"]} == {unsynced}
        assert plan["come_back"] >= 2  # the synced later case: received + fee
        assert dialog.lost_list.count() == len(plan["will_be_lost"])
        assert unsynced in dialog.lost_list.item(0).text()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # not now: nothing changes
        assert not dialog.confirm_box.isVisible() and unsynced in _numbers(ctx)
        _alt(dialog, Qt.Key.Key_R)
        qtbot.waitUntil(dialog.confirm_box.isVisible, timeout=15000)
        _alt(dialog, Qt.Key.Key_C)
        qtbot.waitUntil(lambda: dialog.outcome_data is not None, timeout=30000)
        recovery = dialog.outcome_data["recovery"]  # type: ignore[index]
        assert recovery["lost_known"] is True
        assert {x["case_number"] for x in recovery["lost"]} == {unsynced}
        assert dialog.outcome.isVisible() and unsynced in dialog.outcome.item(0).text()
        assert _numbers(ctx) == {synced, came_later}
        assert Path(dialog.outcome_data["previous_kept_as"]).exists()  # type: ignore[index]
        qtbot.waitUntil(lambda: loop.loop is not None, timeout=10000)  # sync runs again
        qtbot.waitUntil(lambda: loop.online is True, timeout=15000)
        loop.stop()
        dialog.close()
        window.close()
    finally:
        server.stop()
