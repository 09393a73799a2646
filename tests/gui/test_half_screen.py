"""The window on half of a 1366×768 screen (683×768, two programs side by side): the identity
dock kept its full 312 px and left the page 355 px, the queue's columns and the operators'
form cut or scrolled sideways; the dock now takes at most a third of a narrow window."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow


def _window(ctx: GuiContext, qtbot: QtBot, width: int, height: int = 768) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


def test_the_identity_dock_leaves_the_page_two_thirds_at_683(ctx: GuiContext, qtbot: QtBot) -> None:
    window = _window(ctx, qtbot, 683)
    dock = window.panels[0]
    assert dock.width() <= 683 // 3, dock.width()
    assert window.stack.width() >= 683 * 2 // 3 - 10, window.stack.width()
    # what the dock shows is still the panel whole (it scrolls up and down, never sideways)
    holder = dock.widget()
    assert holder.width() >= dock.panel.minimumSizeHint().width()


def test_the_dock_takes_its_width_back_when_the_window_widens(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    window = _window(ctx, qtbot, 1366, 728)
    dock = window.panels[0]
    full = dock.width()
    window.resize(683, 728)
    QApplication.processEvents()
    assert dock.width() < full
    window.resize(1366, 728)
    QApplication.processEvents()
    assert dock.width() == full
