"""What the window says while its database is backed up and upgraded (a new version's first
start): the status bar's lasting line, on the login screen too, until the core is open. A
window that sat silent for the minutes a large database takes was closed as hung, in the
middle of its upgrade."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow

from eservice_desktop.gui.context import GuiContext


def install(window: QMainWindow, ctx: GuiContext) -> None:
    ctx.upgrading.connect(lambda: _say(window, ctx))


def text() -> str:
    return QCoreApplication.translate(
        "MainWindow", "資料庫升級中（先備份），大型資料庫需時數分鐘，請勿關閉視窗…"
    )


def _say(window: QMainWindow, ctx: GuiContext) -> None:
    said = text()
    window.statusBar().showMessage(said)

    def clear() -> None:
        if window.statusBar().currentMessage() == said:
            window.statusBar().clearMessage()

    ctx.when_core_open(clear)
