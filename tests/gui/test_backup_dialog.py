"""The office admin's backup dialog: back up now and verify, off the UI thread."""

from __future__ import annotations

from datetime import UTC, datetime

from eservice_desktop.domain.office_zone import TAIPEI
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


def test_the_backups_are_listed_in_taipei_time_with_roc_years_and_their_kind(
    qtbot, ctx: GuiContext
) -> None:
    """The list showed the UTC time in Gregorian years (cut to "2026-12-03 …" by its column)
    and the file name's English label ("hourly") in the Chinese window."""
    taken = backup.take(ctx.app, "manual")
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    local = taken.taken_at.astimezone(TAIPEI)
    expected = f"{local.year - 1911}/{local:%m/%d %H:%M:%S}"
    assert [dialog.table.item(0, c).text() for c in (0, 1)] == [expected, "手動"]
    header = dialog.table.horizontalHeaderItem(0).text()
    assert "UTC" not in header and "備份時間" in header
    shown = dialog.table.fontMetrics().horizontalAdvance(expected)
    assert dialog.table.columnWidth(0) > shown  # the whole time, not "115/12/03 …"
    assert str(datetime.now().year) not in dialog.table.item(0, 0).text()
    dialog.reject()


def test_a_backup_just_taken_is_listed_as_just_taken_by_the_counters_clock(
    qtbot, ctx: GuiContext
) -> None:
    """A backup is named by the counter's clock (the county's, by the offset a round learned);
    the list aged it by the PC's own: on a PC 8 hours behind, one just taken read -8.0 h."""
    taken = backup.take(ctx.app, "manual")
    assert abs((datetime.now(UTC) - taken.taken_at).total_seconds()) > 3600  # another clock
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert dialog.table.item(0, 2).text() == "0.0"
    dialog.reject()


def test_the_english_window_lists_backups_with_iso_dates(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    from eservice_desktop.gui.i18n import install_translators, remove_translators

    taken = backup.take(ctx.app, "manual")
    translators = install_translators(qapp, "en")
    try:
        ctx.lang = "en"
        dialog = BackupDialog(ctx)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
        local = taken.taken_at.astimezone(TAIPEI)
        assert dialog.table.item(0, 0).text() == f"{local:%Y-%m-%d %H:%M:%S}"
        assert dialog.table.item(0, 1).text() == "manual"
        assert dialog.table.horizontalHeaderItem(0).text() == "Taken at"
        dialog.reject()
    finally:
        remove_translators(qapp, translators)


def test_the_restore_confirmation_shows_every_line_of_its_summary(qtbot, ctx: GuiContext) -> None:
    """At 1,024 × 768 the confirmation step squeezed its summary into the size the dialog
    opened with: the backup's time and 「不會遺失任何資料」 were cut in half, the words an admin
    confirms a restore by."""
    backup.take(ctx.app, "manual")
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    dialog.prepare_restore()
    qtbot.waitUntil(dialog.confirm_box.isVisible, timeout=15000)
    qtbot.wait(50)
    label = dialog.summary
    assert label.text().count("\n") >= 3 and "不會遺失任何資料" in label.text()
    assert label.height() >= label.heightForWidth(label.width())
    below = dialog.confirm_button.mapTo(dialog, dialog.confirm_button.rect().topLeft()).y()
    assert label.mapTo(dialog, label.rect().bottomLeft()).y() < below
    dialog.reject()


def test_a_restore_the_county_could_not_recover_says_why_in_words(qtbot, ctx: GuiContext) -> None:
    """After a restore whose ``sync recover`` could not reach the county the dialog said
    已自 … 還原；無法連線縣府（Offline）: the name of the error's kind, not the reason."""
    taken = backup.take(ctx.app, "manual")
    result = backup.restore_in_place(ctx.app, taken.path)  # this counter was never enrolled
    kind = result["recovery"]["error"]
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog._restored(result)
    shown = dialog.status.text()
    assert kind not in shown and "未自縣府取回事件（" in shown, shown
    assert "同步" in shown or "縣府伺服器" in shown, shown
    # the window's own sync recovers it (gui/sync_status.py): the clerk was sent to a command
    # line and told nothing of the counter taking no intake or payment meanwhile
    assert "sync recover" not in shown and "同步會自動取回" in shown, shown
    assert "暫停收件與收費" in shown, shown
    dialog.reject()
