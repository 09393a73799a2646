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
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

_HEADLESS = ("offscreen", "minimal")


def has_screen() -> bool:
    """Whether a message box can be shown without Qt aborting the process for want of a
    display (it does, on Linux, when neither X11 nor Wayland is there, or when DISPLAY names
    an X server that does not answer)."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in _HEADLESS:
        return False
    if sys.platform.startswith("linux"):
        if os.environ.get("WAYLAND_DISPLAY"):
            return True
        display = os.environ.get("DISPLAY", "")
        return bool(display) and x_server_answers(display)
    return True


def x_server_answers(display: str) -> bool:
    """Whether something accepts a connection where ``display`` names an X server. Qt's xcb
    plugin aborts the whole process (a core dump after "could not connect to display") when
    that server is not running, so the faces ask first. The server is reached as X clients
    reach it: ":N" and "unix:N" by the abstract socket "\\0/tmp/.X11-unix/XN" or the socket
    file /tmp/.X11-unix/XN, "host:N" by TCP port 6000+N, each connect given 1.5 s. Only the
    connect is tried: speaking X (and its authorisation) is Qt's business. A DISPLAY without
    a display number answers nothing; forms read otherwise (a socket path, DECnet) are left
    to Qt."""
    host, _, screen = display.rpartition(":")
    number = screen.partition(".")[0]
    if host.startswith("/") or host.endswith(":"):
        return True
    if not number.isdigit():
        return False
    protocol, _, host = host.rpartition("/")  # "tcp/host:N", "unix/:N"
    if protocol == "unix" or host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in ("\0" + path, path):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
                unix.settimeout(1.5)
                if unix.connect_ex(address) == 0:
                    return True
        return False
    try:
        socket.create_connection((host.strip("[]"), 6000 + int(number)), timeout=1.5).close()
    except OSError:
        return False
    return True


#: The translators of a box shown before the window set any up (Qt does not own them).
_translators: list[QTranslator] = []


def _dressed(app: QApplication, lang: str) -> None:
    """A box shown before the window was set up (the settings file unreadable, the database
    key missing) in the window's screen font and with Qt's buttons in the user's language:
    it drew the Chinese sentence in whatever face Qt found first (a Kai or Ming one, smaller
    than the rest) beside an English "OK"."""
    from eservice_desktop.gui.fonts import install_screen_font
    from eservice_desktop.gui.i18n import install_translators

    install_screen_font(app)
    _translators.extend(install_translators(app, lang))


def tell(message: str, lang: str) -> None:
    """Shows ``message`` (already in the user's language) until the clerk closes it."""
    if not has_screen():
        return
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        app = QApplication([sys.argv[0]])  # kept by Qt as the instance until the process ends
        if QGuiApplication.platformName() in _HEADLESS:
            return
        _dressed(app, lang)
    if QGuiApplication.platformName() in _HEADLESS:
        return
    title = "eservice-desktop cannot start" if lang == "en" else "櫃檯系統無法啟動"
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy
    box.exec()
