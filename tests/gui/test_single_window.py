"""One counter window per data directory (``gui/single_window.py``): a second start brings the
first window forward and ends with a line saying so, instead of a second window running its
own sync loop over the same database and restoring the same intake draft."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.single_window import WindowDoor, knock, server_name


def test_a_knock_brings_the_first_window_forward(qtbot: QtBot, tmp_path: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    door = WindowDoor(server_name(tmp_path), window)
    assert door.listening
    assert knock(server_name(tmp_path))
    qtbot.waitUntil(lambda: not window.windowState() & Qt.WindowState.WindowMinimized)
    assert window.isVisible()
    assert not knock(server_name(tmp_path / "another office"))  # no window of that one
    door.close()
    assert not knock(server_name(tmp_path))


def test_a_socket_left_by_a_window_that_died_is_taken_over(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    left = Path(tempfile.gettempdir()) / name  # where Qt puts it on Unix
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(left))
    dead.close()  # the file stays, no one listens behind it
    try:
        assert not knock(name)
        window = QWidget()
        qtbot.addWidget(window)
        door = WindowDoor(name, window)
        assert door.listening and knock(name)
        door.close()
    finally:
        left.unlink(missing_ok=True)


def test_a_second_start_says_so_and_ends(qtbot: QtBot, tmp_path: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    door = WindowDoor(server_name(tmp_path), window)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for lang, words in (("zh_TW", "櫃檯視窗已經開啟"), ("en", "already open")):
        command = [sys.executable, "-m", "eservice_desktop", "--data-dir", str(tmp_path)]
        with subprocess.Popen(
            [*command, "--lang", lang, "gui"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        ) as second:
            # the first window answers from this event loop while the second start waits
            qtbot.waitUntil(lambda: second.poll() is not None, timeout=60000)
            _, said = second.communicate()
        assert second.returncode == 0
        assert words in said
    door.close()
    assert not (tmp_path / "eservice.sqlite3").exists()  # the second start opened nothing
