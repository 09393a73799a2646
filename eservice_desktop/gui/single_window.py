"""One counter window per data directory: a second start (the icon double-clicked again, the
menu entry while the window sits behind another) brings the first window to the front and
ends, as Anki and qutebrowser do with a local socket.

Two windows over one database each ran a sync loop as the same counter and each restored and
saved the same intake draft: a citizen half-typed in one window came back in the other, and
submitting both took the application in twice.

The first window listens on a local socket named after the OS user and the data directory
(readable by that user only); a start that reaches it asks it to come forward and exits 0
with a line saying so. A socket left by a window that died answers no one: it is removed and
taken over.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

#: How long a start waits for the first window to answer (it answers from its event loop).
ANSWER_MS = 2000
#: What the second start sends.
KNOCK = b"show\n"


def server_name(data_dir: Path) -> str:
    """Per OS user and data directory: another user's window, or another office's data on
    this PC, is no reason to stay closed."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{user}\0{data_dir.resolve()}".encode()).hexdigest()[:20]
    return f"eservice-desktop-{digest}"


def knock(name: str) -> bool:
    """True when a window of this data directory answered and was asked to come forward."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(ANSWER_MS):
        return False
    sock.write(KNOCK)
    sock.waitForBytesWritten(ANSWER_MS)
    sock.disconnectFromServer()
    return True


class WindowDoor(QObject):
    """The first window's socket: every knock brings ``window`` to the front."""

    def __init__(self, name: str, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # no one answered on it (see knock): left behind
            self.server.listen(name)
        self.server.newConnection.connect(self._knocked)

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def close(self) -> None:
        self.server.close()

    def _knocked(self) -> None:
        while (sock := self.server.nextPendingConnection()) is not None:
            sock.disconnected.connect(sock.deleteLater)
        w = self.window
        w.setWindowState(w.windowState() & ~Qt.WindowState.WindowMinimized)
        w.show()
        w.raise_()
        w.activateWindow()
