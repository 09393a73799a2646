"""The window at a display scale a counter PC uses: 200 % of 1366×768 leaves 683×384 device-
independent pixels. The identity panel, taller than that, was squeezed over the status bar
(its 驗證自然人憑證 button cut off); in its scroll area it keeps its height and scrolls."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow


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
    # the panel keeps every line, and its bottom is reached by scrolling
    assert panel.height() >= panel.minimumSizeHint().height()
    holder = dock.widget()
    assert isinstance(holder, QScrollArea) and holder.widget() is panel
    holder.ensureWidgetVisible(panel.verify_button)  # type: ignore[attr-defined]
    QApplication.processEvents()
    bottom = panel.verify_button.mapTo(window, panel.verify_button.rect().bottomLeft()).y()  # type: ignore[attr-defined]
    assert bottom <= window.statusBar().y()
