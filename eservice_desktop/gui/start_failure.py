"""A counter window that cannot start says why in a window.

The window's start can be refused before anything is on screen (a settings file IT must
correct, a missing database key, a database of a newer version) or just after (the core does
not open). The command line says so in one line on stderr, but the installed Windows program
has no console and a desktop launcher's stderr goes nowhere a clerk looks: the program simply
did not open. So the same sentence is shown in a message box as well, when there is a screen
to show it on (never on the offscreen platform the tests and the benchmarks use).
"""

from __future__ import annotations

import os
import sys

_HEADLESS = ("offscreen", "minimal")


def has_screen() -> bool:
    """Whether a message box can be shown without Qt aborting the process for want of a
    display (it does, on Linux, when neither X11 nor Wayland is there)."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in _HEADLESS:
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def tell(message: str, lang: str) -> None:
    """Shows ``message`` (already in the user's language) until the clerk closes it."""
    if not has_screen():
        return
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        QApplication([sys.argv[0]])  # kept by Qt as the instance until the process ends
    if QGuiApplication.platformName() in _HEADLESS:
        return
    title = "eservice-desktop cannot start" if lang == "en" else "櫃檯系統無法啟動"
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy
    box.exec()
