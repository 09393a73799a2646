"""The window and its dialogs at a display scale a counter PC uses: 200 % of 1366×768 leaves
683×384 device-independent pixels. The identity panel, taller than that, was squeezed over the
status bar (its 驗證自然人憑證 button cut off); in its scroll area it keeps its height and
scrolls. Dialogs open inside the screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.backup_dialog import BackupDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.identity_dialogs import OverrideDialog
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.shift_start import ShiftStartDialog
from eservice_desktop.services import doctor


def test_the_identity_panel_scrolls_in_683_by_384(ctx: GuiContext, qtbot: QtBot) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(683, 384)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    assert window.height() <= 384, window.size()
    dock = window.panels[0]
    panel = dock.panel
    # the panel keeps every line, whole, and its bottom is reached by scrolling
    assert panel.height() >= panel.minimumSizeHint().height()
    holder = dock.widget()
    assert isinstance(holder, QScrollArea) and holder.widget() is panel
    assert holder.viewport().width() >= panel.minimumSizeHint().width()
    holder.ensureWidgetVisible(panel.verify_button)  # type: ignore[attr-defined]
    QApplication.processEvents()
    bottom = panel.verify_button.mapTo(window, panel.verify_button.rect().bottomLeft()).y()  # type: ignore[attr-defined]
    assert bottom <= window.statusBar().y()


def test_the_shift_start_check_opens_inside_the_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    """It opened at 900×520 whatever the screen: on 683×384 its 關閉 was off screen (the
    offscreen test screen, 800×600, is narrower than 900 too)."""
    report = doctor.Report([doctor.check_calendar(ctx.app.settings, ctx.app.now())])
    dialog = ShiftStartDialog(ctx, report)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()


def test_the_override_dialog_fits_683_px_in_english(qtbot: QtBot) -> None:
    """Its note was one line 830 px wide in English: OK and Cancel were past a 683 px screen."""
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    translators = install_translators(qt_app, "en")
    try:
        dialog = OverrideDialog()
        qtbot.addWidget(dialog)
        assert "supervisor" in dialog.findChildren(QLabel)[0].text()
        assert dialog.minimumSizeHint().width() <= 683
    finally:
        remove_translators(qt_app, translators)


def test_the_backup_dialog_opens_with_its_notes_whole(
    ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt opens a dialog at two thirds of the screen at most: with a large font (or at 200 %)
    the note on where the backups are and what a restore does lost its last line."""
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    before = QFont(qt_app.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * 3)
    monkeypatch.setattr(BackupDialog, "refresh", lambda self: None)  # no backups to list
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    qt_app.setFont(font)
    try:
        dialog = window.open_backups()
        qtbot.waitExposed(dialog)
        QApplication.processEvents()
        layout = dialog.layout()
        assert layout is not None
        wanted = layout.totalHeightForWidth(dialog.width())  # wrapped notes at their height
        assert dialog.height() >= min(wanted, dialog.screen().availableGeometry().height())
        dialog.close()
    finally:
        qt_app.setFont(before)


def test_the_identity_panel_is_never_cut_sideways(ctx: GuiContext, qtbot: QtBot) -> None:
    """The panel scrolls up and down only: its dock is never narrower than the panel's lines,
    at 15 pt in English too (a scroll area's own least width is a few pixels, so the dock
    could be dragged, or laid out, over "Read from NHI card (not verifi")."""
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    before = QFont(qt_app.font())
    translators = install_translators(qt_app, "en")
    ctx.lang = ctx.tasks.lang = "en"
    font = QFont(before)
    font.setPointSizeF(15)
    qt_app.setFont(font)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1366, 728)
        window.show()
        qtbot.waitExposed(window)
        dock = window.panels[0]
        window.resizeDocks([dock], [60], Qt.Orientation.Horizontal)  # dragged narrow
        QApplication.processEvents()
        holder = dock.widget()
        assert isinstance(holder, QScrollArea)
        # what the dock shows of the panel (the panel itself is as wide as it needs)
        assert holder.viewport().width() >= dock.panel.minimumSizeHint().width()
    finally:
        qt_app.setFont(before)
        remove_translators(qt_app, translators)
