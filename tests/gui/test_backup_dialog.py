"""The office admin's backup dialog: back up now and verify, off the UI thread."""

from __future__ import annotations

from eservice_desktop.gui.backup_dialog import BackupDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.services import backup


def test_back_up_now_then_verify_from_the_file_menu(qtbot, ctx: GuiContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = window.open_backups()
    assert isinstance(dialog, BackupDialog)
    assert dialog.table.rowCount() == 0 or qtbot.waitUntil(lambda: True) is None
    dialog.now_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert "已備份" in dialog.status.text()
    assert backup.list_backups(ctx.app.settings)[0].label == "manual"
    dialog.verify_button.click()
    qtbot.waitUntil(lambda: "驗證通過" in dialog.status.text(), timeout=10000)
    assert dialog.now_button.isEnabled()
    dialog.reject()
